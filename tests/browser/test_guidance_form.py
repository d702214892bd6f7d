"""Browser test: a district CDC officer records a technical guidance visit on a 375 px phone
screen — the form prefills the CDC, takes the employer's credit code, refuses an employer outside
the district in Chinese, and saves; the yearly count then shows the visit.

Screenshots go to ``$OHSTEWARD_SCREENSHOTS`` when set (for looking at, not compared).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    target = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name), full_page=True)


def test_a_district_cdc_records_guidance_on_a_phone(browser, live_server, cast, enterprises, login):
    from ohsteward.accounts.actions import user_create
    from ohsteward.accounts.testing import PASSWORD
    from ohsteward.institutions.models import TechnicalGuidance
    from ohsteward.institutions.tests.factories import InstitutionFactory

    user_create(
        username="ybcdc", password=PASSWORD, role="cdc_staff", region_code="500112", check_password=False
    )
    centre = InstitutionFactory(name="重庆市渝北区疾病预防控制中心", guidance_duty=True)

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "ybcdc")
    page.goto(f"{base}/institutions/guidance/new/")
    assert page.input_value("#id_institution") == centre.uscc  # the one guiding body it sees
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.fill("#id_enterprise", enterprises["wanzhou"].uscc)
    page.select_option("#id_kind", "survey")
    page.fill("#id_content", "职业病危害因素调查")
    page.click("form.card button[type=submit]")
    page.wait_for_selector(".form-errors")
    assert "该统一社会信用代码不在您管辖的用人单位中" in page.content()
    page.fill("#id_enterprise", enterprises["yubei"].uscc.lower())
    _shot(page, "guidance-form-375.png")
    page.click("form.card button[type=submit]")
    page.wait_for_url(f"{base}/institutions/guidance/*/")
    assert enterprises["yubei"].name in page.content()
    guidance = TechnicalGuidance.objects.get()
    assert (guidance.institution_id, guidance.kind) == (centre.pk, "survey")
    page.goto(f"{base}/institutions/guidance/counts/")
    row = page.locator("#counts-table tbody tr").first.inner_text()
    assert "重庆市渝北区疾病预防控制中心" in row and "未达标" in row
    _shot(page, "guidance-counts-375.png")
    context.close()

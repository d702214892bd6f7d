"""Browser test: a steward team member records a planned visit on a 375 px phone screen —
from the desk (已逾期) to the visit, the form with a photo, and the saved record.

Screenshots go to ``$OHSTEWARD_SCREENSHOTS`` when set (for looking at, not compared).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name):
    target = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / name), full_page=True)


def test_steward_records_an_overdue_visit_with_a_photo_at_375px(
    browser, live_server, cast, enterprises, login, tmp_path
):
    from ohsteward.accounts.actions import role_assign
    from ohsteward.stewardship.models import ServiceVisit
    from ohsteward.stewardship.tests.factories import make_team, sign_agreement

    today = dt.date.today()
    team = make_team()
    role_assign(user=cast["steward"], role="steward_member", team=team)
    agreement = sign_agreement(team, enterprises["yubei"], today - dt.timedelta(days=100))
    overdue = ServiceVisit.objects.overdue(today).order_by("planned_on").first()
    assert overdue is not None

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "steward")
    page.goto(f"{base}/stewardship/")
    assert page.locator("#n-overdue").inner_text() == str(ServiceVisit.objects.overdue(today).count())
    page.locator("#overdue a").first.click()
    page.wait_for_selector("#record-visit")
    assert page.locator("#visit-state").inner_text() == "已逾期"
    page.click("#record-visit")
    page.wait_for_selector("#visit-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.fill("#id_work_done", "现场检测粉尘、噪声 8 个点位")
    page.fill("#id_findings", "打磨岗位未佩戴防尘口罩")
    page.fill("#id_advice", "配发 KN95 口罩并培训")
    page.fill("#id_trained_count", "12")
    # a structured finding ticked 需整改 and 需培训 (issue 10 item 3)
    page.select_option("#id_finding_1_category", "ppe")
    page.select_option("#id_finding_1_severity", "major")
    page.fill("#id_finding_1_text", "打磨岗位未佩戴防尘口罩")
    page.check("#id_finding_1_rectify")
    page.check("#id_finding_1_train")
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    page.set_input_files("#id_evidence", str(photo))
    _shot(page, "visit-form-375.png")
    page.click("#save-visit")
    page.wait_for_selector("#evidence")
    assert "现场.jpg" in page.locator("#evidence").inner_text()
    assert page.locator("#visit-state").inner_text() == "已完成"
    finding = page.locator("#finding-list li").first
    assert "整改任务" in finding.inner_text() and "整改中" in finding.inner_text()
    assert "待培训" in finding.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    _shot(page, "visit-saved-375.png")
    overdue.refresh_from_db()
    assert overdue.status == "done" and overdue.visited_on == today and overdue.trained_count == 12
    assert overdue.agreement_id == agreement.pk
    from ohsteward.monitoring.models import RectificationTask  # local: read after the browser saved
    from ohsteward.stewardship.models import TrainingNeed  # local: read after the browser saved

    task = RectificationTask.objects.get()
    assert task.visit_finding.visit_id == overdue.pk and task.enterprise_id == agreement.enterprise_id
    assert TrainingNeed.objects.get().finding_id == task.visit_finding_id
    context.close()

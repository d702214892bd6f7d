"""Browser test: an enterprise manager asks an expert question on a 375 px phone screen — from
the service zone to the form, and the question page with who answers and by when.

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


def test_manager_asks_a_question_at_375px(browser, live_server, cast, enterprises, login):
    from ohsteward.stewardship.zone.models import ExpertQuestion

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/stewardship/zone/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.click("#ask-question")
    page.wait_for_selector("#question-form")
    assert page.locator("#answerer").inner_text() == "渝北区疾控中心"  # no team: the district CDC pool
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.click("#submit-question")  # empty: refused, nothing saved
    page.wait_for_selector(".form-errors")
    assert "请写下您想咨询的问题" in page.content()
    assert not ExpertQuestion.objects.exists()
    page.select_option("#id_topic", "exam")
    page.fill("#id_question", "噪声岗位的职工多久做一次职业健康检查？")
    _shot(page, "zone-question-375.png")
    page.click("#submit-question")
    page.wait_for_selector("#question-text")
    assert "多久做一次职业健康检查" in page.locator("#question-text").inner_text()
    assert page.locator("#question-state").inner_text() == "待答复"
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    _shot(page, "zone-question-asked-375.png")
    q = ExpertQuestion.objects.get()
    assert q.team is None and q.district_id == "500112" and q.topic == "exam"
    context.close()

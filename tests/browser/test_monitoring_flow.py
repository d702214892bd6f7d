"""Browser test: an institution's staff member records a detection report and an over-limit
measurement on a 375 px phone screen, sees the judgement with its working, opens the
rectification task, and the employer's manager finds the task on its home page.

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


def test_an_institution_records_an_over_limit_post_and_the_task_reaches_the_employer_at_375px(
    browser, live_server, cast, enterprises, login
):
    from ohsteward.accounts.actions import role_assign
    from ohsteward.institutions.models import Engagement
    from ohsteward.institutions.tests.factories import InstitutionFactory
    from ohsteward.monitoring.models import Measurement, RectificationTask

    institution = InstitutionFactory(name="重庆浏览器测试检测有限公司")
    employer = enterprises["yubei"]
    Engagement.objects.create(institution=institution, enterprise=employer, start_date=dt.date(2020, 1, 1))
    role_assign(user=cast["institution"], role="institution_staff", institution=institution)

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "institution")
    page.goto(f"{base}/monitoring/reports/")
    page.click("#new-report")
    page.select_option("#id_kind", "periodic")
    page.fill("#id_number", "LLQ-2026-01")
    page.fill("#id_enterprise", employer.uscc)
    page.fill("#id_sampling_start", (dt.date.today() - dt.timedelta(days=5)).isoformat())
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#add-measurement")
    page.click("#add-measurement")
    page.wait_for_selector("#measurement-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.fill("#id_factor", "苯")
    page.dispatch_event("#id_factor", "input")
    # the noise inputs are hidden for a chemical factor, the sample inputs shown
    assert page.locator("#id_noise_segments").is_hidden()
    assert page.locator("#id_samples").is_visible()
    page.fill("#id_workplace_name", "涂装车间")
    page.fill("#id_post_name", "喷漆工")
    page.fill("#id_samples", "6.0 300\n<0.6 180")
    _shot(page, "measurement-form-375.png")
    page.click("#save-measurement")
    page.wait_for_selector("#verdict")
    assert "不符合" in page.locator("#verdict").inner_text()
    working = page.locator("#working").inner_text()
    assert "C_TWA" in working and "PC-TWA" in working and "未核对" in working
    page.check("input[name=required_measures][value=engineering]")
    page.click("#open-task button[type=submit]")
    page.wait_for_selector("#tasks a")
    _shot(page, "measurement-task-375.png")
    measurement = Measurement.objects.get(report__number="LLQ-2026-01")
    task = RectificationTask.objects.get(measurement=measurement)
    assert task.status == "open" and task.required_measures == ["engineering"]
    context.close()

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    login(page, base, "manager")
    assert "超标整改任务进行中" in page.content()
    page.goto(f"{base}/monitoring/rectifications/{task.pk}/")
    assert "整改中" in page.locator("#task-state").inner_text()
    assert page.locator("#measure-form").is_visible()
    context.close()

"""Browser test: an employer's manager enrols a worker on a 375 px phone screen — the form, the
saved worker with the masked ID number and the 上岗前 exam due, then one audited reveal.

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


def test_manager_enrols_a_worker_on_a_phone_and_reveals_the_number_once(
    browser, live_server, cast, enterprises, login
):
    from ohsteward.surveillance.models import IdNumberReveal, Worker
    from ohsteward.surveillance.tests.factories import make_id_number, make_post

    post = make_post(enterprises["yubei"], "3008", workplace="冲压车间", name="冲压工")
    number = make_id_number(dt.date(1990, 5, 6))
    masked = number[:6] + "********" + number[-4:]
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/surveillance/workers/new/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    page.select_option("#id_enterprise", str(enterprises["yubei"].pk))
    page.fill("#id_name", "手机登记工")
    page.fill("#id_id_number", number)
    page.fill("#id_phone", "13800000001")
    page.fill("#id_hire_date", "2024-03-01")
    _shot(page, "worker-form-375.png")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#id-number")
    assert page.locator("#id-number").inner_text() == masked
    assert number not in page.content()
    worker = Worker.objects.get(name="手机登记工")

    page.goto(f"{base}/surveillance/workers/{worker.pk}/posts/new/")
    page.select_option("#id_post", str(post.pk))
    page.fill("#id_start_date", "2024-03-01")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("#posts")
    assert "上岗前" in page.locator("#next-due").inner_text()
    assert "已逾期" in page.locator("#next-due").inner_text()
    _shot(page, "worker-detail-375.png")

    page.fill("input[name=reason]", "办理入职体检")
    page.click("#reveal")
    page.wait_for_selector("#revealed")
    assert page.locator("#revealed").inner_text() == number
    assert IdNumberReveal.objects.filter(worker=worker, reason="办理入职体检").count() == 1
    context.close()

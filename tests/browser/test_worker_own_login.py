"""Browser test: the employer opens a worker's own login (开通本人查询账号), the worker signs in on a
375 px phone with the one-time password, chooses their own, lands on 我的职业健康档案 and
downloads their monitoring file (issue 12 item 9).

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


def test_the_employer_opens_a_login_and_the_worker_reads_their_file_on_a_phone(
    browser, live_server, cast, enterprises, login
):
    from ohsteward.surveillance import actions
    from ohsteward.surveillance.tests.factories import make_id_number, make_post

    post = make_post(enterprises["yubei"], "3008", workplace="冲压车间", name="冲压工")
    number = make_id_number(dt.date(1988, 7, 9))
    worker = actions.worker_create(
        user=None, enterprise=enterprises["yubei"], id_number=number, name="手机本人", phone="13900002222",
        hire_date=dt.date(2024, 3, 1),
    )  # fmt: skip
    actions.worker_post_add(user=None, worker=worker, post=post, start_date=dt.date(2024, 3, 1))
    phone = {"viewport": {"width": 375, "height": 800}, "is_mobile": True, "has_touch": True}
    base = live_server.url

    employer = browser.new_context(**phone)
    page = employer.new_page()
    login(page, base, "manager")
    page.goto(f"{base}/surveillance/workers/{worker.pk}/")
    page.click("#open-login")
    page.wait_for_selector("#login-password")
    assert page.locator("#login-username").inner_text() == "13900002222"
    one_time = page.locator("#login-password").inner_text().strip()
    assert number not in page.content()
    _shot(page, "worker-login-opened-375.png")
    employer.close()

    own = browser.new_context(accept_downloads=True, **phone)
    page = own.new_page()
    page.goto(f"{base}/login/")
    page.fill("#id_username", "13900002222")
    page.fill("#id_password", one_time)
    page.click("button[type=submit]")
    page.wait_for_selector("#id_new_password1")  # the one-time password must be replaced
    page.fill("#id_old_password", one_time)
    page.fill("#id_new_password1", "Shouji-benren-2026")
    page.fill("#id_new_password2", "Shouji-benren-2026")
    page.click("form:has(#id_new_password1) button[type=submit]")
    page.wait_for_selector("#me-employments")
    assert page.url == f"{base}/surveillance/me/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    assert enterprises["yubei"].name in page.locator("#me-employments").inner_text()
    assert "噪声" in page.locator("#me-hazards").inner_text()
    assert "上岗前" in page.locator("#me-next").inner_text()
    assert number not in page.content() and number[:6] + "********" + number[-4:] in page.content()
    _shot(page, "worker-own-page-375.png")
    with page.expect_download() as download:
        page.click(f"#my-record-{worker.pk}")
    assert download.value.suggested_filename.endswith(".docx")
    own.close()

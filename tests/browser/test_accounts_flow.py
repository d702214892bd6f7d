"""Browser test: password change from the user menu, the forced change after a reset, user pages
at 375 px, and no Content-Security-Policy violation on the main pages.

Set ``OHSTEWARD_SCREENSHOTS=/some/dir`` to keep screenshots of the pages at 1280 and 375 px.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Xinmima-2026-safe"


def shot(page, name):
    folder = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def csp_watch(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_password_change_from_the_user_menu(browser, live_server, cast, login):
    from ohsteward.accounts.testing import PASSWORD

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = csp_watch(page)
    base = live_server.url
    login(page, base, "yubei")
    page.click("text=修改密码")
    page.wait_for_url(f"{base}/account/password/")
    shot(page, "password-change-1280")
    # a too-short password is refused with the validator's Chinese message
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "Ab1")
    page.fill("#id_new_password2", "Ab1")
    page.click("main button[type=submit]")
    assert "密码太短，至少需要 8 个字符" in page.content()
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "密码已修改" in page.content()
    page.click("text=退出")
    page.wait_for_url(f"{base}/login/")
    page.fill("#id_username", "yubei")
    page.fill("#id_password", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert problems == []
    context.close()


def test_reset_password_forces_a_change_at_next_login(browser, live_server, cast, login):
    base = live_server.url
    admin = browser.new_context(viewport={"width": 1280, "height": 900})
    page = admin.new_page()
    problems = csp_watch(page)
    login(page, base, "city")
    page.click("nav summary:has-text('更多')")  # 用户管理 sits in the 更多 menu group
    page.click("nav >> text=用户管理")
    page.wait_for_url(f"{base}/users/")
    shot(page, "user-list-1280")
    page.click("a:text-is('institution')")
    page.wait_for_url(f"{base}/users/{cast['institution'].pk}/")
    page.once("dialog", lambda d: d.accept())  # the confirm() of data-confirm, from static/app.js
    page.click("button:has-text('重置密码')")
    page.wait_for_selector("#temporary-password")
    shot(page, "user-detail-1280")
    temporary = page.inner_text("#temporary-password").strip()
    assert len(temporary) == 12
    assert problems == []
    admin.close()

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = phone.new_page()
    problems = csp_watch(page)
    page.goto(f"{base}/login/")
    page.fill("#id_username", "institution")
    page.fill("#id_password", temporary)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/account/password/**")
    assert "临时密码" in page.content()
    shot(page, "password-forced-375")
    # the page fits the phone: nothing wider than the viewport
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto(f"{base}/registry/enterprises/")
    assert "/account/password/" in page.url  # every page leads back here until the change is done
    page.fill("#id_old_password", temporary)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/registry/enterprises/")
    assert problems == []
    phone.close()


def test_user_pages_fit_a_phone(browser, live_server, cast, login):
    base = live_server.url
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    problems = csp_watch(page)
    login(page, base, "yubei")
    for path, name in [
        ("/users/", "user-list-375"),
        (f"/users/{cast['manager'].pk}/", "user-detail-375"),
        ("/users/new/", "user-new-375"),
        ("/tokens/", "tokens-375"),
    ]:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        shot(page, name)
    assert problems == []
    context.close()


def test_main_pages_run_under_the_content_security_policy(browser, live_server, cast, enterprises, login):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = csp_watch(page)
    login(page, base, "city")
    # the home page draws its chart with ECharts from an inline (nonce) script
    page.wait_for_selector("#risk-chart svg")
    for path in ["/registry/enterprises/", "/audit/", "/tokens/", "/users/new/", "/declarations/"]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
    page.goto(base + "/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    shot(page, "api-docs-1280")
    assert problems == []
    context.close()

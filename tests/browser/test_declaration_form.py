"""Browser test: the enterprise manager declares online — 添加一行, preview, 确认提交 — at 1280 and 375 px.

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


@pytest.mark.parametrize("width", [1280, 375])
def test_manager_adds_a_row_previews_and_confirms_the_declaration(
    browser, live_server, cast, enterprises, login, width
):
    from ohsteward.declarations.models import Declaration

    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/declarations/declare/")
    rows = page.locator("#hazard-rows tbody tr")
    assert rows.count() == 1
    page.fill("#id_employees", "50")
    page.fill("#id_exposed_total", "12")
    page.fill("#id_principal", "张三")
    page.fill("#id_hz-0-workplace", "焊接车间")
    page.fill("#id_hz-0-hazard_name", "噪声")
    page.fill("#id_hz-0-exposed_count", "8")
    page.click("#add-hazard-row")
    assert rows.count() == 2 and page.input_value("#id_hz-TOTAL_FORMS") == "2"
    page.fill("#id_hz-1-workplace", "打磨车间")
    page.fill("#id_hz-1-hazard_name", "矽尘")
    page.fill("#id_hz-1-exposed_count", "4")
    assert page.evaluate("document.activeElement.id") == "id_hz-1-exposed_count"
    if width < 600:
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    _shot(page, f"declare-{width}.png")
    page.get_by_role("button", name="预览申报内容").click()
    page.wait_for_selector("#declare-preview")
    preview = page.locator("#declare-preview").inner_text()
    assert "矽尘" in preview and "噪声" in preview and "张三" in preview
    assert not Declaration.objects.exists()  # nothing saved before 确认提交
    _shot(page, f"declare-preview-{width}.png")
    page.get_by_role("button", name="确认提交").click()
    page.wait_for_selector("#receipt")
    d = Declaration.objects.get()
    assert sorted(h.hazard_name for h in d.hazards.all()) == ["噪声", "矽尘"]
    page.goto(f"{base}/declarations/declarations/{d.pk}/receipt/")
    assert d.receipt_no in page.inner_text("#receipt")
    _shot(page, f"receipt-{width}.png")
    page.emulate_media(media="print")
    assert page.locator(".toolbar").is_hidden()
    context.close()

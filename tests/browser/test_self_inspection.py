"""Browser test: an enterprise manager fills the self-inspection (附件2 自查表, provisional and
flagged 未核对) on a 375 px phone — every item's points, a photo as evidence, then submits it and
sees the score and the status.

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


def test_manager_fills_and_submits_the_self_inspection_at_375px(
    browser, live_server, cast, enterprises, login, tmp_path
):
    from ohsteward.supervision.models import SelfInspection

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/supervision/self-inspections/")
    page.click("#start-self-inspection")
    page.wait_for_selector("#summary")
    assert page.locator("#checklist-unverified").inner_text() == "未核对"
    assert page.evaluate("document.documentElement.scrollWidth") <= 376
    _shot(page, "self-inspection-375.png")
    inspection = SelfInspection.objects.get(enterprise=enterprises["yubei"])
    items = list(inspection.answers.select_related("item").order_by("item__order"))
    photo = tmp_path / "制度.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")

    def css(code: str) -> str:  # "1.1" → "1\\.1" in a CSS id selector
        return code.replace(".", "\\.")

    for n, answer in enumerate(items):
        code = answer.item.code
        form = page.locator(f"#item-{css(code)} form")
        form.locator("input[name=points]").fill(str(answer.item.points))
        if n == 0:
            form.locator("input[type=file]").set_input_files(str(photo))
        with page.expect_navigation():
            page.click(f"#save-{css(code)}")
    assert page.locator("#progress").inner_text() == f"已填 {len(items)} / {len(items)} 项"
    assert "制度.jpg" in page.locator(f"#item-{css(items[0].item.code)}").inner_text()
    with page.expect_navigation():
        page.click("#submit-self-inspection")
    assert page.locator("#state").inner_text() == "已提交待审核"
    assert "100" in page.locator("#score").inner_text() and page.locator("#status").inner_text() == "A级"
    _shot(page, "self-inspection-submitted-375.png")
    inspection.refresh_from_db()
    assert inspection.state == "submitted" and inspection.status == "A"
    context.close()

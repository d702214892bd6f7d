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


def _wider_than_viewport(page) -> list[str]:
    """Elements whose box reaches past the viewport's right edge (nothing should at 375 px)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''))"""
    )


def test_manager_edits_the_cited_records_and_files_then_submits_and_the_controls_are_gone(
    browser, live_server, cast, enterprises, login, tmp_path
):
    import datetime as dt

    from django.utils import timezone

    from ohsteward.declarations.tests.factories import DeclarationFactory
    from ohsteward.supervision.models import AnswerRecord, SelfInspection

    yubei = enterprises["yubei"]
    declaration = DeclarationFactory(
        enterprise=yubei, declared_on=timezone.localdate() - dt.timedelta(days=20)
    )
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "manager")
    page.goto(f"{base}/supervision/self-inspections/")
    page.click("#start-self-inspection")
    page.wait_for_selector("#summary")
    inspection = SelfInspection.objects.get(enterprise=yubei)
    cited = AnswerRecord.objects.get(answer__inspection=inspection, kind="declaration")
    assert declaration.receipt_no in page.locator(f"#record-{cited.pk}").inner_text()
    assert _wider_than_viewport(page) == []

    # the manager removes the pre-filled declaration, then links the system's records again
    with page.expect_navigation():
        page.click(f"#remove-record-{cited.pk}")
    assert page.locator(f"#record-{cited.pk}").count() == 0
    assert "系统中暂无可引用的记录" in page.locator("#item-3\\.1").inner_text()
    page.locator("#item-3\\.1 details.record-add summary").click()
    with page.expect_navigation():
        page.click("#refill-3\\.1")
    again = AnswerRecord.objects.get(answer__inspection=inspection, kind="declaration")
    assert again.pk != cited.pk and declaration.receipt_no in page.locator(f"#record-{again.pk}").inner_text()

    # a link to another record of the system, on the first item
    items = list(inspection.answers.select_related("item").order_by("item__order"))
    first = items[0].item.code.replace(".", "\\.")
    page.locator(f"#item-{first} details.record-add summary").click()
    form = page.locator(f"#item-{first} details.record-add form").first
    form.locator("input[name=label]").fill("企业职业健康画像")
    form.locator("input[name=url]").fill(f"/supervision/enterprises/{yubei.uscc}/portrait/")
    with page.expect_navigation():
        page.click(f"#add-record-{first}")
    added = AnswerRecord.objects.get(answer__inspection=inspection, label="企业职业健康画像")
    assert added.added_by is not None
    assert "（自行添加）" in page.locator(f"#record-{added.pk}").inner_text()

    # every item answered, a file uploaded on the first
    photo = tmp_path / "培训签到.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    for n, answer in enumerate(items):
        code = answer.item.code.replace(".", "\\.")
        answer_form = page.locator(f"#item-{code} form.answer-form")
        answer_form.locator("input[name=points]").fill(str(answer.item.points))
        if n == 0:
            answer_form.locator("input[type=file]").set_input_files(str(photo))
        with page.expect_navigation():
            page.click(f"#save-{code}")
    assert "培训签到.jpg" in page.locator(f"#item-{first}").inner_text()
    assert _wider_than_viewport(page) == []
    _shot(page, "self-inspection-evidence-375.png")

    with page.expect_navigation():
        page.click("#submit-self-inspection")
    assert page.locator("#state").inner_text() == "已提交待审核"
    # submitted: the evidence stays, every editing control is gone
    assert declaration.receipt_no in page.locator(f"#record-{again.pk}").inner_text()
    assert "培训签到.jpg" in page.locator(f"#item-{first}").inner_text()
    for selector in (
        "[id^=remove-record-]", "[id^=remove-file-]", "[id^=add-record-]", "[id^=refill-]",
        "details.record-add", "form.answer-form", "input[type=file]", "#submit-self-inspection",
    ):  # fmt: skip
        assert page.locator(selector).count() == 0, selector
    assert _wider_than_viewport(page) == []
    _shot(page, "self-inspection-evidence-submitted-375.png")
    context.close()

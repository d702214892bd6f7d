"""Browser tests: the intake pages on the core bases filter in place (htmx), and each export link
follows the filters shown (issue 7 item 3)."""

from __future__ import annotations

import pytest

from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.tests.factories import SourceBatchFactory, SourceRowFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page(browser, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    return context, context.new_page()


def test_batch_list_and_batch_page_filter_in_place_and_export_what_they_show(
    browser, live_server, cast, enterprises, login
):
    exam = SourceBatchFactory(kind=SourceKind.EXAM, file_name="体检名单.xlsx")
    SourceRowFactory(
        batch=exam, name="重庆页面关联厂", status=RowStatus.LINKED, enterprise=enterprises["yubei"]
    )
    SourceRowFactory(batch=exam, name="重庆页面待核厂")
    SourceRowFactory(batch=SourceBatchFactory(kind=SourceKind.REGISTRY, file_name="登记名单.xlsx"))
    context, page = _page(browser)
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/intake/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert "登记名单.xlsx" in page.locator("#batch-table").inner_text()
    page.locator("#id_kind").select_option(SourceKind.EXAM)
    page.wait_for_function("() => !document.querySelector('#batch-table').innerText.includes('登记名单')")
    assert "kind=exam" in page.url and "体检名单.xlsx" in page.locator("#batch-table").inner_text()
    assert page.locator("#export-link").get_attribute("href") == "/intake/export/?kind=exam"

    page.locator("#batch-table a", has_text=f"#{exam.pk}").click()
    page.wait_for_selector("#row-table")
    page.locator("#id_status").select_option(RowStatus.LINKED)
    page.wait_for_function("() => !document.querySelector('#row-table').innerText.includes('重庆页面待核厂')")
    assert "重庆页面关联厂" in page.locator("#row-table").inner_text()
    assert (
        page.locator("#export-link").get_attribute("href")
        == f"/intake/batches/{exam.pk}/export/?status=linked"
    )
    context.close()


def test_review_queue_filters_in_place_and_its_heading_follows(browser, live_server, cast, login):
    SourceRowFactory(name="重庆评审新建厂")
    SourceRowFactory(name="张三个体户")
    context, page = _page(browser, 375)
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/intake/review/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert page.locator("h1").inner_text() == "待人工核对（2）"
    page.locator("#filters summary").click()  # folded on a phone
    page.locator("#id_q").fill("个体户")
    page.wait_for_function("() => document.querySelector('h1').innerText === '待人工核对（1）'")
    assert page.locator(".review-item").count() == 1 and "q=" in page.url
    assert page.locator("#export-link").get_attribute("href").startswith("/intake/review/export/?q=")
    context.close()

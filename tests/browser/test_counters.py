"""Browser tests: counters follow in-place (HTMX) actions without a reload (issue 8 item 12).

The confirmation page's chips, the review queue's heading and the spot-check rates are refreshed
out of band (``hx-swap-oob``) by the same response that replaces the changed card or row.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pushed(transactional_db, cast, enterprises):
    from django.utils import timezone

    from ohsteward.declarations import actions

    today = timezone.localdate()
    hazard_list = actions.hazard_list_generate(user=None, year=today.year, as_of=today)
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=today - dt.timedelta(days=40))
    return hazard_list


def _page(browser, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900})
    return context, context.new_page()


def test_confirmation_chips_count_the_decision_just_made(browser, live_server, pushed, enterprises, login):
    from ohsteward.declarations.models import HazardListEntry

    context, page = _page(browser, 375)
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/declarations/confirm/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    chips = page.locator("#confirm-counts")
    assert "待核实 2" in chips.inner_text() and "已核实 0" in chips.inner_text()

    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="存在危害").click()
    page.wait_for_selector(f"#entry-{entry.pk} .confirmed-status")
    page.wait_for_function("() => document.querySelector('#confirm-counts').innerText.includes('已核实 1')")
    text = chips.inner_text()
    assert "待核实 1" in text and "逾期 1" in text and "已核实 1" in text
    assert chips.locator("a.active").inner_text().startswith("待核实")  # the tab shown stays marked

    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="撤销").click()
    page.wait_for_function("() => document.querySelector('#confirm-counts').innerText.includes('已核实 0')")
    assert "待核实 2" in chips.inner_text()
    context.close()


def test_review_heading_counts_down_after_a_decision(browser, live_server, cast, enterprises, login):
    from ohsteward.intake.tests.factories import SourceRowFactory

    SourceRowFactory(name="重庆评审新建厂")
    SourceRowFactory(name="张三个体户")
    SourceRowFactory(name="李四个体户")
    context, page = _page(browser)
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/intake/review/?q=个体户")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert page.locator("h1").inner_text() == "待人工核对（2）"  # the filtered queue
    page.locator(".review-item").filter(has_text="张三个体户").get_by_role("button", name="驳回").click()
    page.wait_for_function("() => document.querySelector('h1').innerText === '待人工核对（1）'")
    assert page.locator(".review-item").filter(has_text="张三个体户").inner_text().count("驳回") >= 1
    context.close()


def test_spot_check_rates_follow_a_recorded_result(browser, live_server, pushed, cast, login):
    from ohsteward.declarations import actions
    from ohsteward.declarations.models import SpotCheckItem

    check = actions.spot_check_create(
        user=None, hazard_list=pushed, seed=1, fraction=1.0, minimum=1, name="抽查"
    )
    item = SpotCheckItem.objects.filter(spot_check=check, region_id="500112").first()
    context, page = _page(browser)
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/declarations/spot-checks/{check.pk}/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    row = page.locator("#rates tbody tr").filter(has_text="渝北区")
    assert row.locator("td").nth(2).inner_text() == "0"  # 已检查
    form = page.locator(f"#item-{item.pk}")
    form.locator("select[name=declared]").select_option("true")
    form.get_by_role("button", name="保存").click()
    page.wait_for_selector(f"#item-{item.pk} >> text=已保存")
    page.wait_for_function("""() => [...document.querySelectorAll('#rates tbody tr')]
        .some(tr => tr.innerText.includes('渝北区') && tr.cells[2].innerText === '1')""")
    assert row.locator("td").nth(3).inner_text() == "100.0"  # 申报率 of the one checked employer
    context.close()

"""Browser test: a district officer works through the confirmation page on a phone.

One tap per outcome (HTMX replaces the card in place), the overdue badge shows entries past the
one-month deadline, and another district's entry is not reachable. Skipped with a reason when
/usr/bin/chromium is missing on a workstation; in CI (CI=true) a missing browser fails.
"""

from __future__ import annotations

import datetime as dt

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pushed(transactional_db, cast, enterprises):
    """This year's list, pushed to the districts 40 days ago (so every entry is overdue)."""
    from django.utils import timezone

    from ohsteward.declarations import actions

    today = timezone.localdate()
    hazard_list = actions.hazard_list_generate(user=None, year=today.year, as_of=today)
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=today - dt.timedelta(days=40))
    return hazard_list


def test_district_confirms_on_a_phone(browser, live_server, pushed, enterprises, login):
    from ohsteward.declarations.models import HazardListEntry

    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "yubei")

    page.goto(f"{base}/declarations/confirm/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    cards = page.locator("li.confirm-entry")
    assert cards.count() == 2  # the two 渝北 employers; 万州's entry is not listed
    assert enterprises["wanzhou"].name not in page.content()
    assert page.locator(".overdue-badge").count() == 2
    # nothing sticks out sideways at 375 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    card = page.locator(f"#entry-{entry.pk}")
    card.get_by_role("button", name="存在危害").click()
    page.wait_for_selector(f"#entry-{entry.pk} .confirmed-status")
    assert "已核实：存在职业病危害" in page.locator(f"#entry-{entry.pk}").inner_text()
    assert page.locator(f"#entry-{entry.pk} .overdue-badge").count() == 0
    assert page.url.endswith("/declarations/confirm/")  # HTMX: no page change
    entry.refresh_from_db()
    assert entry.status == "hazards"

    # the "overdue" tab now lists only the other employer
    page.goto(f"{base}/declarations/confirm/?show=overdue")
    assert page.locator("li.confirm-entry").count() == 1

    # another district's entry answers 404
    other = HazardListEntry.objects.get(enterprise=enterprises["wanzhou"])
    response = page.goto(f"{base}/declarations/entries/{other.pk}/")
    assert response.status == 404
    context.close()


def _contrast(page, selector):
    """Text and effective background colours of the first element matching ``selector``."""
    return page.evaluate(
        """(sel) => {
        const el = document.querySelector(sel);
        const fg = getComputedStyle(el).color;
        let node = el, bg = 'rgba(0, 0, 0, 0)';
        while (node && (bg === 'rgba(0, 0, 0, 0)' || bg === 'transparent')) {
            bg = getComputedStyle(node).backgroundColor; node = node.parentElement;
        }
        return [fg, bg];
    }""",
        selector,
    )


def test_undo_button_after_a_decision_is_readable(browser, live_server, pushed, enterprises, login):
    """issue 8 item 9: "撤销" was white on white (button.link kept the button text colour)."""
    from ohsteward.declarations.models import HazardListEntry

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    base = live_server.url
    login(page, base, "yubei")
    page.goto(f"{base}/declarations/confirm/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    entry = HazardListEntry.objects.get(enterprise=enterprises["yubei"])
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name="存在危害").click()
    page.wait_for_selector(f"#entry-{entry.pk} button.link")
    fg, bg = _contrast(page, f"#entry-{entry.pk} button.link")
    assert fg != bg and fg != "rgb(255, 255, 255)", (fg, bg)
    page.close()


def test_entry_filters_apply_on_change(browser, live_server, pushed, enterprises, login):
    """issue 8 item 10: the htmx trigger was a syntax error, so changing a select did nothing."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = []
    page.on(
        "console", lambda m: errors.append(m.text) if "htmx:syntax" in m.text or m.type == "error" else None
    )
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/declarations/entries/")
    page.wait_for_function("() => typeof window.htmx !== 'undefined'")
    assert enterprises["wanzhou"].name in page.content()
    page.click("#filters summary")
    with page.expect_response(lambda r: "/declarations/entries/" in r.url and "region=" in r.url):
        page.select_option("#id_region", "500112")
    page.wait_for_function(f"() => !document.body.innerText.includes('{enterprises['wanzhou'].name}')")
    assert enterprises["yubei"].name in page.content()
    assert not [e for e in errors if "syntax" in e]
    page.close()

"""Browser test: the indicator ranking on a phone (375 px) and a desktop — the bar chart, the
district map and the quarterly trend render inside their cards, the page does not scroll sideways, the table shows the
traffic lights."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 375])
def test_the_ranking_renders_the_chart_and_map_within_the_screen(browser, live_server, cast, login, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/indicators/ranking/?indicator=steward-teams&period=2025")
    page.wait_for_selector("#chart-map[data-ready='1']")
    page.wait_for_selector("#chart-trend[data-ready='1']")
    assert page.locator("#chart-bar svg, #chart-bar canvas").count() >= 1
    assert page.locator("#chart-trend svg, #chart-trend canvas").count() >= 1
    for selector in ("#chart-bar", "#chart-map", "#chart-trend"):
        box = page.locator(selector).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    assert page.locator("#ranking-table .light").count() >= 38
    context.close()

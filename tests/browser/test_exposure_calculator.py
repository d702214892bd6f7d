"""Browser test: a hygienist enters samples on a phone (375 px) and sees the C_TWA, the limit row
with its 未核对 flag and the working; the statistics mode draws the chart."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_calculator_on_a_phone(browser, live_server, cast, login):
    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "institution")
    page.goto(f"{base}/exposure/calculator/")
    page.fill("#id_factor", "苯")
    page.fill("#id_on", "2024-06-01")
    page.fill("#id_samples", "4.5 120\n2 240\n<0.05 120")
    page.click("#calc button[type=submit]")
    result = page.locator("#calc-result")
    result.wait_for()
    text = result.inner_text()
    assert "2.1 mg/m3" in text and "PC-TWA" in text and "未核对" in text and "C_TWA" in text
    shots = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if shots:
        page.screenshot(path=str(Path(shots) / "exposure-calculator-375.png"), full_page=True)
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1

    page.click("nav[aria-label=接触评价计算器] >> text=统计")
    page.fill("#id_values", "0.12 <0.05 0.31 0.08 <0.05 0.22 0.5")
    page.fill("#id_limit", "0.5")
    page.click("#calc button[type=submit]")
    page.locator("#stats-chart svg").wait_for()
    assert "几何均数" in page.locator("#stats-result").inner_text()
    if shots:
        page.screenshot(path=str(Path(shots) / "exposure-statistics-375.png"), full_page=True)
    context.close()

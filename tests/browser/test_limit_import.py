"""Browser test: a CDC user imports a GBZ 2.1 table as a dated edition — the dry run lists what it
adds, confirming writes it, the editions page shows it, and the calculator then uses it."""

from __future__ import annotations

import io

import openpyxl
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADERS = [
    "表",
    "中文名",
    "英文名",
    "CAS号",
    "PC-TWA",
    "PC-STEL",
    "备注",
    "版本",
    "施行日期",
    "已核对官方文本",
]
ROWS = [["表1", "甲苯", "Toluene", "108-88-3", 50, 100, "皮", "GBZ 2.1-2019 浏览器测试", "2020-04-01", "是"]]


def test_cdc_imports_an_edition_and_the_calculator_uses_it(browser, live_server, cast, login, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(HEADERS)
    for r in ROWS:
        wb.active.append(r)
    path = tmp_path / "gbz.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())

    context = browser.new_context(viewport={"width": 375, "height": 800}, is_mobile=True, has_touch=True)
    page = context.new_page()
    base = live_server.url
    login(page, base, "cdc")
    page.goto(f"{base}/hazards/limits/import/")
    page.set_input_files("input[type=file]", str(path))
    page.click("main button[type=submit]")
    page.wait_for_selector("#limit-changes-1")
    assert "试导入" in page.content() and "GBZ 2.1-2019 浏览器测试" in page.inner_text("#limit-changes-1")
    page.click("#confirm-import")
    page.wait_for_selector("text=已新增的限值")
    page.goto(f"{base}/hazards/editions/")
    assert "GBZ 2.1-2019 浏览器测试" in page.inner_text("main")

    page.goto(f"{base}/exposure/calculator/")
    page.fill("#id_factor", "甲苯")
    page.fill("#id_on", "2024-06-01")
    page.fill("#id_c_twa", "10")
    page.click("#calc button[type=submit]")
    page.locator("#limits-used").wait_for()
    limits = page.inner_text("#limits-used")
    assert "GBZ 2.1-2019 浏览器测试" in limits and "已核对" in limits and "未核对" not in limits
    context.close()

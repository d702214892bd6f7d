import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from ohsteward.core.spreadsheets import SpreadsheetError, read_table, safe_cell, write_xlsx


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+1", "'+1+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("重庆华鑫有限公司", "重庆华鑫有限公司"),
        (None, ""),
        (True, "是"),
        (Decimal("12.50"), 12.5),
        (-3, -3),  # numbers are numbers, not formulas
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


def test_written_workbook_has_no_formulas_and_keeps_types():
    content = write_xlsx([("a", "名称"), ("b", "日期"), ("c", "人数")],
                         [["=1+1", dt.date(2026, 1, 2), 5], ["正常", None, None]])
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == ["名称", "日期", "人数"]
    assert ws["A2"].value == "'=1+1" and ws["A2"].data_type == "s"
    assert ws["B2"].value.date() == dt.date(2026, 1, 2)
    assert ws["C2"].value == 5


def test_read_table_reports_missing_columns_and_wrong_sheet(settings):
    content = write_xlsx([("a", "名称")], [["x"]], sheet="数据")
    with pytest.raises(SpreadsheetError, match="缺少必需的列：区县（工作表“数据”）"):
        read_table("a.xlsx", content, required=["名称", "区县"])
    with pytest.raises(SpreadsheetError, match="找不到工作表“名单”，文件中的工作表：数据"):
        read_table("a.xlsx", content, sheet="名单")
    table = read_table("a.xlsx", content, required=["名称"])
    assert table.headers == ["名称"] and table.rows == [(2, ["x"])]
    with pytest.raises(SpreadsheetError, match="文件为空"):
        read_table("a.csv", b"")

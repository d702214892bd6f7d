import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from ohsteward.core.spreadsheets import SpreadsheetError, read_table, safe_cell, write_xlsx


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
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
    content = write_xlsx(
        [("a", "名称"), ("b", "日期"), ("c", "人数")],
        [["=1+1", dt.date(2026, 1, 2), 5], ["正常", None, None]],
    )
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


# --- hostile files (issue 6 items 2, 8, 9) -------------------------------------------------------

from ohsteward.core.tests import hostile  # noqa: E402


@pytest.mark.parametrize("keep_dimension", [True, False])
def test_a_cell_at_xfd1048576_is_refused_before_the_reader_allocates_the_range(keep_dimension):
    content = hostile.far_cell_xlsx(["名称"], [["甲"]], keep_dimension=keep_dimension)
    assert len(content) < 10_000
    with pytest.raises(SpreadsheetError, match="范围过大.*1048576 行.*最多支持 500000 行 200 列"):
        read_table("x.xlsx", content)


def test_a_declared_dimension_alone_over_the_limits_is_refused(settings):
    # the cells are fine, but the reader sizes its buffer from the declared range as well
    content = hostile.far_cell_xlsx(["名称"], [["甲"]], ref="C3")
    settings.OHSTEWARD_MAX_SHEET_COLUMNS = 2
    with pytest.raises(SpreadsheetError, match=r"范围过大（A1:C3"):
        read_table("x.xlsx", content)


def test_cells_without_references_are_counted_as_the_reader_places_them():
    with pytest.raises(SpreadsheetError, match="201 列"):
        read_table("x.xlsx", hostile.unreferenced_wide_xlsx(["名称"], 201))
    assert read_table("x.xlsx", hostile.unreferenced_wide_xlsx(["名称"], 5)).rows[0][1][:2] == ["x", "x"]


def test_row_and_column_limits_are_settings(settings):
    content = write_xlsx([("a", "名称"), ("b", "人数")], [["甲", 1]] * 9)
    settings.OHSTEWARD_MAX_SHEET_ROWS = 10
    assert len(read_table("x.xlsx", content).rows) == 9
    settings.OHSTEWARD_MAX_SHEET_ROWS = 9
    with pytest.raises(SpreadsheetError, match="10 行 2 列），最多支持 9 行"):
        read_table("x.xlsx", content)
    settings.OHSTEWARD_MAX_SHEET_ROWS = 10
    settings.OHSTEWARD_MAX_SHEET_CELLS = 19
    with pytest.raises(SpreadsheetError, match="共 19 个单元格"):
        read_table("x.xlsx", content)


def test_a_zip_bomb_is_refused_by_its_compression_ratio_and_its_uncompressed_size(settings):
    content = hostile.zip_bomb_xlsx(["名称"], megabytes=20)
    with pytest.raises(SpreadsheetError, match="压缩比异常"):
        read_table("x.xlsx", content)
    settings.OHSTEWARD_MAX_COMPRESSION_RATIO = 10_000
    settings.OHSTEWARD_MAX_UNCOMPRESSED_MB = 10
    with pytest.raises(SpreadsheetError, match="解压后过大（20 MB），上限为 10 MB"):
        read_table("x.xlsx", content)


@pytest.mark.parametrize("name", ["x.xlsx", "x.xls"])
def test_other_content_under_a_spreadsheet_name_is_refused(name):
    with pytest.raises(SpreadsheetError, match="文件内容不是"):
        read_table(name, hostile.renamed_text_as_xlsx())


def test_an_xlsx_saved_under_an_xls_name_is_still_checked_and_read():
    with pytest.raises(SpreadsheetError, match="范围过大"):
        read_table("x.xls", hostile.far_cell_xlsx(["名称"], [["甲"]]))
    assert read_table("x.xls", write_xlsx([("a", "名称")], [["甲"]])).rows[0][1] == ["甲"]


def test_a_cell_longer_than_the_cell_limit_names_its_row_and_column():
    content = hostile.long_shared_string_xlsx(["统一社会信用代码", "单位名称"], ["x", "LONG"], 32_768)
    with pytest.raises(
        SpreadsheetError, match=r"第2行 B列（单位名称）: 内容过长（32768 个字符），单元格最多 32767 个字符"
    ):
        read_table("x.xlsx", content)
    content = hostile.long_shared_string_xlsx(["统一社会信用代码", "单位名称"], ["x", "LONG"], 32_767)
    assert len(read_table("x.xlsx", content).rows[0][1][1]) == 32_767


def test_a_huge_shared_string_is_refused_before_the_reader_materialises_it(settings, monkeypatch):
    settings.OHSTEWARD_MAX_COMPRESSION_RATIO = 100_000  # past the zip-bomb guard: the text scan decides
    content = hostile.long_shared_string_xlsx(["代码", "名称"], ["x", "LONG"], 2_000_000)

    def never(*args, **kwargs):  # pragma: no cover - the point is that it is not reached
        raise AssertionError("the workbook was handed to the reader")

    monkeypatch.setattr("ohsteward.core.spreadsheets._read_workbook", never)
    with pytest.raises(SpreadsheetError, match="超长的文本"):
        read_table("x.xlsx", content)


def test_a_csv_cell_over_the_csv_field_limit_is_a_row_error_not_a_crash():
    content = ("名称,备注\n甲,短\n乙," + "长" * 140_000 + "\n").encode()
    with pytest.raises(SpreadsheetError, match="第3行: 内容过长，单元格最多 32767 个字符"):
        read_table("x.csv", content)
    content = ("名称,备注\n甲," + "长" * 40_000 + "\n").encode()
    with pytest.raises(SpreadsheetError, match="第2行 B列（备注）: 内容过长（40000 个字符）"):
        read_table("x.csv", content)

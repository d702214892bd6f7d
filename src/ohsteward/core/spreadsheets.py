"""Reading and writing the spreadsheets officials work in (.xlsx, .xls, .csv).

Reading uses python-calamine (fast, no formulas evaluated); writing uses xlsxwriter in
constant-memory mode. Every exported text cell is neutralised against formula injection
(OWASP "CSV injection"): a cell starting with = + - @ (or tab/CR) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.encoding import escape_uri_path

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(ValueError):
    """A file that cannot be used at all (wrong type, too large, missing columns …), in Chinese."""


def safe_cell(value: Any) -> Any:
    """The value to write into a cell, with formula-looking text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int | float | dt.date | dt.datetime):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1",
               widths: dict[str, int] | None = None) -> bytes:
    """An .xlsx with a bold, frozen Chinese header row and the rows below it."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"constant_memory": True, "in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet[:31])
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for c, (key, header) in enumerate(columns):
        ws.write_string(0, c, header, head)
        ws.set_column(c, c, (widths or {}).get(key, max(10, min(40, len(header) * 2 + 2))))
    ws.freeze_panes(1, 0)
    r = 0
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            v = safe_cell(value)
            if isinstance(v, dt.datetime):
                ws.write_datetime(r, c, v, dt_fmt)
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, v)
    if r:
        ws.autofilter(0, 0, r, max(len(columns) - 1, 0))
    wb.close()
    return buf.getvalue()


def xlsx_response(filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An HTTP download of ``write_xlsx``; ``filename`` may be Chinese."""
    if not filename.endswith(".xlsx"):
        filename += ".xlsx"
    response = HttpResponse(write_xlsx(columns, rows), content_type=XLSX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def bytes_response(filename: str, content: bytes, content_type: str = XLSX_MIME) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


@dataclass
class TemplateColumn:
    header: str
    choices: Sequence[str] = ()
    comment: str = ""
    width: int = 16
    example: Any = None


def template_xlsx(columns: Sequence[TemplateColumn], *, sheet: str = "导入数据", max_rows: int = 5000,
                  notes: Sequence[str] = ()) -> bytes:
    """An import template: headers, a sample row, drop-downs fed from a hidden list sheet, notes."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(sheet)
    lists = wb.add_worksheet("选项")
    head = wb.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1})
    example = wb.add_format({"font_color": "#888888", "italic": True})
    text = wb.add_format({"num_format": "@"})
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header, head)
        ws.set_column(c, c, col.width, text if "代码" in col.header else None)
        if col.comment:
            ws.write_comment(0, c, col.comment, {"x_scale": 2})
        if col.example is not None:
            ws.write(1, c, col.example, example)
        if col.choices:
            for r, choice in enumerate(col.choices):
                lists.write_string(r, c, str(choice))
            letter = xlsxwriter.utility.xl_col_to_name(c)
            ws.data_validation(1, c, max_rows, c, {
                "validate": "list", "source": f"=选项!${letter}$1:${letter}${len(col.choices)}",
                "error_title": "无效的值", "error_message": f"请从下拉列表中选择{col.header}",
            })
    ws.freeze_panes(1, 0)
    lists.hide()
    if notes:
        info = wb.add_worksheet("填写说明")
        for r, note in enumerate(notes):
            info.write_string(r, 0, note)
        info.set_column(0, 0, 100)
    wb.close()
    return buf.getvalue()


@dataclass
class Table:
    """A read spreadsheet: header names and the data rows (1-based sheet row numbers kept)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    sheet: str = ""


def _clean_header(value: Any) -> str:
    return "".join(str(value or "").split()).replace("（", "(").replace("）", ")").rstrip("*＊")


def read_table(filename: str, content: bytes, *, max_rows: int | None = None, sheet: str | None = None,
               required: Sequence[str] = (), header_aliases: dict[str, str] | None = None) -> Table:
    """Read the first sheet (or ``sheet``) of an .xlsx/.xls/.csv upload into a ``Table``.

    Raises ``SpreadsheetError`` (Chinese message) for a file that is too large, of an unknown
    type, unreadable, without the named sheet, or missing required columns (listed by name).
    Headers are compared without white space and with brackets folded to ASCII; aliases map
    alternative headers onto canonical ones.
    """
    max_bytes = settings.OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024
    max_rows = max_rows or settings.OHSTEWARD_MAX_IMPORT_ROWS
    if len(content) > max_bytes:
        raise SpreadsheetError(f"文件过大：{len(content) / 1048576:.1f} MB，上限为 {settings.OHSTEWARD_MAX_UPLOAD_MB} MB")
    if not content:
        raise SpreadsheetError("文件为空")
    name = (filename or "").lower()
    if name.endswith(".csv"):
        raw_rows = _read_csv(content)
        sheet_name = "csv"
    elif name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raw_rows, sheet_name = _read_workbook(content, sheet)
    else:
        raise SpreadsheetError("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件")
    header_row_no = 0
    headers: list[str] = []
    for row_no, row in raw_rows:
        if any(str(v).strip() for v in row if v is not None):
            header_row_no, headers = row_no, [_clean_header(v) for v in row]
            break
    if not headers:
        raise SpreadsheetError("文件中没有表头行")
    aliases = {_clean_header(k): v for k, v in (header_aliases or {}).items()}
    headers = [aliases.get(h, h) for h in headers]
    missing = [h for h in required if h not in headers]
    if missing:
        raise SpreadsheetError(f"缺少必需的列：{'、'.join(missing)}（工作表“{sheet_name}”）。请使用导入模板。")
    table = Table(headers=headers, sheet=sheet_name)
    for row_no, row in raw_rows:
        if row_no <= header_row_no:
            continue
        if not any(v not in (None, "") and str(v).strip() for v in row):
            continue
        if len(table.rows) >= max_rows:
            raise SpreadsheetError(f"行数超过上限 {max_rows} 行，请拆分文件后分批导入")
        table.rows.append((row_no, list(row) + [None] * (len(headers) - len(row))))
    return table


def _read_csv(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SpreadsheetError("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 .xlsx")
    reader = csv.reader(io.StringIO(text))
    return ((i, row) for i, row in enumerate(reader, start=1))


def _read_workbook(content: bytes, sheet: str | None) -> tuple[Iterator[tuple[int, list[Any]]], str]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # calamine raises several error types for broken files
        raise SpreadsheetError(f"无法读取表格文件（文件损坏或不是 Excel 文件）：{exc}") from None
    names = wb.sheet_names
    if not names:
        raise SpreadsheetError("表格中没有工作表")
    if sheet is not None and sheet not in names:
        raise SpreadsheetError(f"找不到工作表“{sheet}”，文件中的工作表：{'、'.join(names)}")
    sheet_name = sheet or names[0]
    try:
        data = wb.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise SpreadsheetError(f"无法读取工作表“{sheet_name}”：{exc}") from None
    return ((i, list(row)) for i, row in enumerate(data, start=1)), sheet_name

"""Reading and writing the spreadsheets officials work in (.xlsx, .xls, .csv).

Reading uses python-calamine (fast, no formulas evaluated); writing uses xlsxwriter in
constant-memory mode. Every exported text cell is neutralised against formula injection
(OWASP "CSV injection"): a cell starting with = + - @ (or tab/CR) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path
from python_calamine import CalamineWorkbook

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
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def write_xlsx(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[Any]],
    *,
    sheet: str = "Sheet1",
    widths: dict[str, int] | None = None,
) -> bytes:
    """An .xlsx with a bold, frozen Chinese header row and the rows below it."""
    # local: xlsxwriter (about 0.1 s to import) is loaded on first use: only exports and templates need it
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "constant_memory": True,
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
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


def xlsx_response(
    filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
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


def template_xlsx(
    columns: Sequence[TemplateColumn],
    *,
    sheet: str = "导入数据",
    max_rows: int = 5000,
    notes: Sequence[str] = (),
) -> bytes:
    """An import template: headers, a sample row, drop-downs fed from a hidden list sheet, notes."""
    # local: xlsxwriter (about 0.1 s to import) is loaded on first use: only exports and templates need it
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
            ws.data_validation(
                1,
                c,
                max_rows,
                c,
                {
                    "validate": "list",
                    "source": f"=选项!${letter}$1:${letter}${len(col.choices)}",
                    "error_title": "无效的值",
                    "error_message": f"请从下拉列表中选择{col.header}",
                },
            )
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


def read_table(
    filename: str,
    content: bytes,
    *,
    max_rows: int | None = None,
    sheet: str | None = None,
    required: Sequence[str] = (),
    header_aliases: dict[str, str] | None = None,
) -> Table:
    """Read the first sheet (or ``sheet``) of an .xlsx/.xls/.csv upload into a ``Table``.

    Raises ``SpreadsheetError`` (Chinese message) for a file that is too large, of an unknown
    type, unreadable, without the named sheet, or missing required columns (listed by name).
    An .xlsx is inspected before it is read (``check_xlsx``): a sheet whose declared or actual
    range exceeds the row/column limits, a zip bomb or a text longer than the cell limit is
    refused without handing it to the reader, which allocates the whole range at once.
    Headers are compared without white space and with brackets folded to ASCII; aliases map
    alternative headers onto canonical ones.
    """
    max_bytes = settings.OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024
    max_rows = max_rows or settings.OHSTEWARD_MAX_IMPORT_ROWS
    if len(content) > max_bytes:
        raise SpreadsheetError(
            f"文件过大：{len(content) / 1048576:.1f} MB，上限为 {settings.OHSTEWARD_MAX_UPLOAD_MB} MB"
        )
    if not content:
        raise SpreadsheetError("文件为空")
    name = (filename or "").lower()
    max_chars = settings.OHSTEWARD_MAX_CELL_CHARS
    if name.endswith(".csv"):
        raw_rows = _read_csv(content)
        sheet_name = "csv"
        long_text_possible = len(content) > max_chars
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        # by content, not by name: an .xlsx saved as .xls (or the reverse) is common
        if content.startswith(OLE_MAGIC):  # BIFF .xls: bounded by its format (65,536 × 256)
            raw_rows, sheet_name = _read_workbook(content, sheet)
            long_text_possible = True
        elif content.startswith(ZIP_MAGIC):
            longest = check_xlsx(content, sheet)
            raw_rows, sheet_name = _read_workbook(content, sheet)
            long_text_possible = longest > max_chars
        else:
            raise SpreadsheetError(
                "文件内容不是 Excel 格式（可能只是改了扩展名），请用 Excel 另存为 .xlsx 后上传"
            )
    else:
        raise SpreadsheetError("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件")
    header_row_no = 0
    headers: list[str] = []
    for row_no, row in raw_rows:
        if long_text_possible:
            _check_cell_length(row_no, row, headers, max_chars)
        if any(str(v).strip() for v in row if v is not None):
            header_row_no, headers = row_no, [_clean_header(v) for v in row]
            break
    if not headers:
        raise SpreadsheetError("文件中没有表头行")
    aliases = {_clean_header(k): v for k, v in (header_aliases or {}).items()}
    headers = [aliases.get(h, h) for h in headers]
    missing = [h for h in required if h not in headers]
    if missing:
        raise SpreadsheetError(
            f"缺少必需的列：{'、'.join(missing)}（工作表“{sheet_name}”）。请使用导入模板。"
        )
    table = Table(headers=headers, sheet=sheet_name)
    for row_no, row in raw_rows:
        if row_no <= header_row_no:
            continue
        if long_text_possible:
            _check_cell_length(row_no, row, headers, max_chars)
        if not any(v not in (None, "") and str(v).strip() for v in row):
            continue
        if len(table.rows) >= max_rows:
            raise SpreadsheetError(f"行数超过上限 {max_rows} 行，请拆分文件后分批导入")
        table.rows.append((row_no, list(row) + [None] * (len(headers) - len(row))))
    return table


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_cell_length(row_no: int, row: Sequence[Any], headers: Sequence[str], max_chars: int) -> None:
    for c, value in enumerate(row):
        if type(value) is str and len(value) > max_chars:
            header = headers[c] if c < len(headers) and headers[c] else ""
            where = f"第{row_no}行 {column_letter(c)}列" + (f"（{header}）" if header else "")
            raise SpreadsheetError(f"{where}: 内容过长（{len(value)} 个字符），单元格最多 {max_chars} 个字符")


def _read_csv(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise SpreadsheetError("无法识别文件编码，请另存为 UTF-8 编码的 CSV 或 .xlsx")
    return _csv_rows(csv.reader(io.StringIO(text)))


def _csv_rows(reader) -> Iterator[tuple[int, list[Any]]]:
    row_no = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            # Python's csv module refuses a field over csv.field_size_limit() (131,072 characters)
            if "field larger than field limit" in str(exc):
                raise SpreadsheetError(
                    f"第{row_no + 1}行: 内容过长，单元格最多 {settings.OHSTEWARD_MAX_CELL_CHARS} 个字符"
                ) from None
            raise SpreadsheetError(f"第{row_no + 1}行: 无法读取 CSV（{exc}）") from None
        row_no += 1
        yield row_no, row


def _read_workbook(content: bytes, sheet: str | None) -> tuple[Iterator[tuple[int, list[Any]]], str]:
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
        ws = wb.get_sheet_by_name(sheet_name)
    except Exception as exc:
        raise SpreadsheetError(f"无法读取工作表“{sheet_name}”：{exc}") from None
    _check_range(ws.total_height, ws.total_width, sheet_name)
    try:
        rows = ws.iter_rows()
    except Exception as exc:
        raise SpreadsheetError(f"无法读取工作表“{sheet_name}”：{exc}") from None
    return ((i, list(row)) for i, row in enumerate(rows, start=1)), sheet_name


# --------------------------------------------------------------------------------------------
# Inspecting an .xlsx before it is read. The reader (calamine) allocates one cell per position of
# the sheet's range: a 1.6 KB file with one cell at XFD1048576 asks for ~512 GiB and the process
# aborts (issue 6 item 2). The zip is opened with the standard library and the sheet's XML is
# streamed in bounded chunks: declared dimension, every row/cell reference, the uncompressed size
# and compression ratio of every member, and the longest text, all checked against the settings.
# --------------------------------------------------------------------------------------------

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20
_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d{1,8}"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,8})"')
_DIMENSION = re.compile(_PREFIX + rb'dimension\s[^>]*?(?<=\s)ref\s*=\s*["\']([^"\']*)["\']')
_ROW_OR_CELL = re.compile(_PREFIX + rb"(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb'(?:^|\s)r\s*=\s*["\']\$?([A-Za-z]{0,3})\$?(\d{0,8})["\']')
_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d{1,8})$")
_SHEET = re.compile(rb"<(?:\w+:)?sheet\s[^>]*>")
_ATTR = re.compile(rb'([\w:]+)\s*=\s*["\']([^"\']*)["\']')
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s[^>]*>")


def _column_number(letters: str) -> int:
    """A column's 1-based number from its letters (A → 1, XFD → 16384)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _check_range(rows: int, columns: int, sheet_name: str | None, ref: str = "") -> None:
    max_rows = settings.OHSTEWARD_MAX_SHEET_ROWS
    max_columns = settings.OHSTEWARD_MAX_SHEET_COLUMNS
    max_cells = settings.OHSTEWARD_MAX_SHEET_CELLS
    if rows > max_rows or columns > max_columns or rows * columns > max_cells:
        where = ref or f"{column_letter(max(columns, 1) - 1)}{rows}"
        raise SpreadsheetError(
            f"文件的工作表“{sheet_name}”范围过大（{where}，{rows} 行 {columns} 列），最多支持 {max_rows} 行 "
            f"{max_columns} 列（共 {max_cells} 个单元格）。请删除多余的行列（含空白但设置了格式的单元格）后另存再上传。"
        )


def _attrs(tag: bytes) -> dict[str, str]:
    return {k.decode().split(":")[-1]: v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}


def _read_member(zf: zipfile.ZipFile, name: str, limit: int = 16 << 20) -> bytes:
    """A small member (workbook.xml, its relationships) read with a size cap."""
    with zf.open(name) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise SpreadsheetError(f"文件结构异常：{name} 过大")
    return data


def _sheet_member(zf: zipfile.ZipFile, sheet: str | None) -> tuple[str, str]:
    """The zip member name and sheet name of ``sheet`` (or the first sheet), via workbook.xml."""
    names = set(zf.namelist())
    workbook = next((n for n in ("xl/workbook.xml", "xl/workbook.bin") if n in names), None)
    if workbook is None or "[Content_Types].xml" not in names:
        raise SpreadsheetError("文件内容不是 .xlsx 格式（缺少工作簿），请用 Excel 另存为 .xlsx 后上传")
    if workbook.endswith(".bin"):
        raise SpreadsheetError("不支持 .xlsb 二进制工作簿，请另存为 .xlsx 后上传")
    sheets = [_attrs(t) for t in _SHEET.findall(_read_member(zf, workbook))]
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in names:
        for t in _RELATIONSHIP.findall(_read_member(zf, rels_name)):
            a = _attrs(t)
            target = a.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[a.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target)
    if not sheets:
        raise SpreadsheetError("表格中没有工作表")
    chosen = next((s for s in sheets if s.get("name") == sheet), None) if sheet is not None else sheets[0]
    if chosen is None:
        raise SpreadsheetError(
            f"找不到工作表“{sheet}”，文件中的工作表：{'、'.join(s.get('name', '') for s in sheets)}"
        )
    member = targets.get(chosen.get("id", ""), "")
    if member not in names:
        raise SpreadsheetError(f"文件结构异常：找不到工作表“{chosen.get('name', '')}”的数据")
    return member, chosen.get("name", "")


def _scan(zf: zipfile.ZipFile, member: str, sheet_name: str | None) -> int:
    """Stream one XML member in bounded chunks; check the sheet's range (when ``sheet_name``).

    Returns the longest text between two tags, in bytes. Cells normally start with their
    reference (``<c r="B12"``, as Excel, WPS and every library write them): then the largest row
    and column come from C-speed searches. Any other sheet is walked tag by tag (``_walk``).
    """
    limit = settings.OHSTEWARD_MAX_CELL_CHARS * 10  # a character takes at most 10 bytes (&#1114111;)
    longest = max_row = max_column = 0
    dimension_seen = False
    fast = True
    buf = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            cut = len(buf) if not chunk else buf.rfind(b">") + 1
            part, buf = buf[:cut], buf[cut:]
            if sheet_name is None or b"<is>" in part or b":is>" in part:
                longest = max(longest, max(map(len, part.split(b"<"))))
            longest = max(longest, len(buf))
            if longest > limit:
                raise SpreadsheetError(
                    f"文件中有超长的文本（约 {longest // 1024} KB），"
                    f"单元格最多 {settings.OHSTEWARD_MAX_CELL_CHARS} 个字符"
                )
            if sheet_name is not None and part:
                if not dimension_seen:
                    dim = _DIMENSION.search(part)
                    if dim:
                        dimension_seen = True
                        _check_dimension(dim.group(1).decode("ascii", "replace"), sheet_name)
                if fast:
                    letters = _CELL_COLUMN.findall(part)
                    cells = part.count(b"<c ") + part.count(b"<c>") + part.count(b"<c/>")
                    fast = len(letters) == cells and b":c " not in part and b":c>" not in part
                    if fast and letters:
                        max_column = max(max_column, *(_column_number(x.decode()) for x in set(letters)))
                        max_row = max(max_row, *(int(x) for x in set(_CELL_ROW.findall(part))))
                        _check_range(max_row, max_column, sheet_name)
            if not chunk:
                break
    if sheet_name is not None:
        if not fast:
            max_row, max_column = _walk(zf, member)
        _check_range(max_row, max_column, sheet_name)
    return longest


def _walk(zf: zipfile.ZipFile, member: str) -> tuple[int, int]:
    """The range of a sheet with unreferenced cells: rows and cells counted in order, as the
    reader places them (a cell without ``r`` is next to the previous one)."""
    row = column = max_row = max_column = 0
    buf = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(_CHUNK)
            buf += chunk
            cut = len(buf) if not chunk else buf.rfind(b">") + 1
            part, buf = buf[:cut], buf[cut:]
            for m in _ROW_OR_CELL.finditer(part):
                ref = _REF.search(m.group(2))
                if m.group(1) == b"row":
                    row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                    column = 0
                elif ref and ref.group(1):
                    column = _column_number(ref.group(1).decode())
                    row = int(ref.group(2)) if ref.group(2) else row
                else:
                    column += 1
                max_row, max_column = max(max_row, row), max(max_column, column)
            if not chunk:
                break
    return max_row, max_column


def _check_dimension(ref: str, sheet_name: str) -> None:
    last = ref.split(":")[-1]
    m = _CELL_REF.match(last.strip())
    if m:
        _check_range(int(m.group(2)), _column_number(m.group(1)), sheet_name, ref)


def check_xlsx(content: bytes, sheet: str | None = None) -> int:
    """Refuse an .xlsx that is not one, is a zip bomb, or whose sheet is larger than the limits.

    Returns the length in bytes of the longest string in the shared strings and the sheet (an
    upper bound of its length in characters), so that the caller checks cells only when needed.
    """
    if not content.startswith(ZIP_MAGIC):
        raise SpreadsheetError(
            "文件内容不是 .xlsx 格式（可能只是改了扩展名），请用 Excel 另存为 .xlsx 后上传"
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise SpreadsheetError("无法读取表格文件（文件损坏或不是 Excel 文件）") from None
    max_total = settings.OHSTEWARD_MAX_UNCOMPRESSED_MB * 1024 * 1024
    max_ratio = settings.OHSTEWARD_MAX_COMPRESSION_RATIO
    total = sum(i.file_size for i in infos)
    if len(infos) > 10_000:
        raise SpreadsheetError("文件结构异常：压缩包中的文件过多")
    if total > max_total:
        raise SpreadsheetError(
            f"文件解压后过大（{total / 1048576:.0f} MB），上限为 {settings.OHSTEWARD_MAX_UNCOMPRESSED_MB} MB"
        )
    for info in infos:
        if info.file_size > 1 << 20 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise SpreadsheetError(
                f"文件压缩比异常（{info.filename} 压缩比 {info.file_size // max(info.compress_size, 1)}:1，"
                f"上限 {max_ratio}:1），疑似压缩炸弹，已拒绝"
            )
    try:
        member, sheet_name = _sheet_member(zf, sheet)
        longest = _scan(zf, member, sheet_name)
        if "xl/sharedStrings.xml" in zf.namelist():
            longest = max(longest, _scan(zf, "xl/sharedStrings.xml", None))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError) as exc:
        # the stdlib stops at the declared size and checks the CRC: a member that lies about its
        # size fails here instead of inflating without bound
        raise SpreadsheetError(f"无法读取表格文件（文件损坏）：{exc}") from None
    return longest

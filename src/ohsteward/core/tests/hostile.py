"""Hostile spreadsheets built in the test (never committed as binaries), issue 6 items 2 and 8.

Each builder starts from a small valid workbook written by openpyxl and rewrites one zip member,
so the files look like what an attacker would upload: a valid .xlsx with one bad part.
"""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl


def _workbook(headers: list[str], rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite(content: bytes, member: str, change) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == member:
                data = change(data)
            dst.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return out.getvalue()


def far_cell_xlsx(
    headers: list[str], rows: list[list], *, ref: str = "XFD1048576", keep_dimension: bool = True
) -> bytes:
    """A normal sheet plus one cell at ``ref``: the reader would allocate the whole range."""
    content = _workbook(headers, rows)
    row_no = re.match(r"[A-Z]+(\d+)", ref).group(1)

    def change(xml: bytes) -> bytes:
        extra = f'<row r="{row_no}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'.encode()
        xml = xml.replace(b"</sheetData>", extra + b"</sheetData>")
        if keep_dimension:
            return re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{ref}"/>'.encode(), xml)
        return re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)

    return _rewrite(content, "xl/worksheets/sheet1.xml", change)


def unreferenced_wide_xlsx(headers: list[str], columns: int) -> bytes:
    """A row of ``columns`` cells without ``r`` references (the reader counts them one by one)."""
    content = _workbook(headers, [])

    def change(xml: bytes) -> bytes:
        cells = b'<c t="inlineStr"><is><t>x</t></is></c>' * columns
        xml = xml.replace(b"</sheetData>", b"<row>" + cells + b"</row></sheetData>")
        return re.sub(rb'<dimension ref="[^"]*"/>', b"", xml)

    return _rewrite(content, "xl/worksheets/sheet1.xml", change)


def zip_bomb_xlsx(headers: list[str], megabytes: int = 50) -> bytes:
    """A workbook whose sheet XML carries ``megabytes`` of padding that compresses ~1000:1."""
    content = _workbook(headers, [])
    padding = b" " * (megabytes << 20)
    return _rewrite(
        content,
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(b"</sheetData>", b"</sheetData>" + padding),
    )


def long_shared_string_xlsx(headers: list[str], row: list, length: int) -> bytes:
    """A data row (written with shared strings) whose cell "LONG" holds ``length`` characters.

    Excel writers cap a cell at 32,767 characters, so the shared-strings part is rewritten.
    """
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for c, value in enumerate(headers):
        ws.write_string(0, c, value)
    for c, value in enumerate(row):
        ws.write_string(1, c, value)
    wb.close()
    return _rewrite(
        buf.getvalue(),
        "xl/sharedStrings.xml",
        lambda xml: xml.replace(b">LONG<", (">" + "长" * length + "<").encode()),
    )


def renamed_text_as_xlsx() -> bytes:
    """Not a spreadsheet at all: text saved under an .xlsx name."""
    return "统一社会信用代码,单位名称\n".encode() * 10

"""Factories and file builders for intake tests."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

import factory
import xlsxwriter
from django.utils import timezone

from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.models import SourceBatch, SourceRow

_n = iter(range(10**9))


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """An .xlsx file with ``headers`` and ``rows`` (as officials would send it).

    Byte-for-byte the same for the same input (a fixed creation time), so that uploading "the
    same file" twice in a test really is the same file.
    """

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    wb.set_properties({"created": dt.datetime(2024, 1, 1)})
    ws = wb.add_worksheet("Sheet1")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for c, header in enumerate(headers):
        ws.write_string(0, c, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, c, value)
            elif value is not None:
                ws.write_string(r, c, str(value))
    wb.close()
    return buf.getvalue()


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


class SourceBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceBatch

    kind = SourceKind.EXAM
    department = "市疾控中心"
    received_on = factory.LazyFunction(dt.date.today)
    file_name = factory.Sequence(lambda n: f"名单{n}.xlsx")
    checksum = factory.Sequence(lambda n: f"{n:064x}")
    status = "done"


class SourceRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceRow

    batch = factory.SubFactory(SourceBatchFactory)
    row_number = factory.Sequence(lambda n: n + 2)
    name = factory.Sequence(lambda n: f"重庆待核{n}机械有限公司")
    district_id = "500112"
    status = RowStatus.REVIEW
    event_date = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))

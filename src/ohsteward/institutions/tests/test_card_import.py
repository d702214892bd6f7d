"""Importing report-card filings from .xlsx (issue 9 item 3): template, dry run, Chinese
row/column/reason errors, a card for an activity the institution did not perform refused,
re-import idempotent."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.institutions import actions
from ohsteward.institutions.importers import CARD_COLUMNS, card_filing_import, card_filing_template
from ohsteward.institutions.models import ReportCard

pytestmark = pytest.mark.django_db

PERFORMED = dt.date(2026, 3, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 6, 1))


def _file(rows: list[dict]) -> bytes:
    columns = [(c.key, c.header) for c in CARD_COLUMNS]
    return write_xlsx(columns, ([r.get(c.key, "") for c in CARD_COLUMNS] for r in rows))


def _card(institution, enterprise, activity_id: int) -> ReportCard:
    return actions.card_expect(
        kind="service_info",
        activity_app="monitoring.detectionreport",
        activity_id=activity_id,
        institution_id=institution.pk,
        enterprise_id=enterprise.pk,
        performed_on=PERFORMED,
        label=f"检测报告 JC-{activity_id}",
    )


def _row(institution, activity="检测报告 JC-1", on="2026-03-20", kind="技术服务信息报送卡") -> dict:
    return {"uscc": institution.uscc, "kind": kind, "activity": activity, "reported_on": on}


def test_the_template_has_the_columns_and_the_card_kinds():
    sheet = openpyxl.load_workbook(io.BytesIO(card_filing_template())).active
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["统一社会信用代码*", "机构名称", "报告卡类别*", "服务记录*", "报送日期*"]


def test_a_dry_run_files_nothing_and_a_real_run_files_the_cards(cast, enterprises, two_institutions):
    a = two_institutions["a"]
    card = _card(a, enterprises["yubei"], 1)
    content = _file([_row(a)])
    dry = card_filing_import(user=cast["cdc"], filename="c.xlsx", content=content, dry_run=True)
    assert not dry.errors and len(dry.updated) == 1
    card.refresh_from_db()
    assert card.reported_on is None
    real = card_filing_import(user=cast["cdc"], filename="c.xlsx", content=content, dry_run=False)
    assert real.applied
    card.refresh_from_db()
    assert card.reported_on == dt.date(2026, 3, 20) and card.status == "on_time"


def test_a_card_for_an_activity_the_institution_did_not_perform_is_refused(
    cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    other = _card(b, enterprises["wanzhou"], 7)  # B's activity, filed as A's
    rows = [
        _row(a, activity="检测报告 JC-7"),
        _row(a, activity="检测报告 JC-99"),
        _row(a, kind="健康证明"),
        _row(a, on="2026-02-01"),
        {**_row(a), "uscc": "91500000000000000X"},
    ]
    _card(a, enterprises["yubei"], 1)
    report = card_filing_import(user=cast["cdc"], filename="c.xlsx", content=_file(rows), dry_run=False)
    messages = [str(e) for e in report.errors]
    assert messages[0] == f"第2行 服务记录: {actions.NOT_PERFORMED}"
    assert messages[1] == f"第3行 服务记录: {actions.NOT_PERFORMED}"
    assert messages[2].startswith("第4行 报告卡类别: 应为：技术服务信息报送卡")
    assert messages[3].startswith("第5行 报送日期: ")
    assert messages[4] == "第6行 统一社会信用代码: 机构名册中没有此统一社会信用代码"
    assert not report.applied
    assert not ReportCard.objects.filter(reported_on__isnull=False).exists()
    other.refresh_from_db()
    assert other.reported_on is None


def test_a_re_import_changes_nothing_and_another_date_is_refused(cast, enterprises, two_institutions):
    a = two_institutions["a"]
    card = _card(a, enterprises["yubei"], 1)
    content = _file([_row(a)])
    card_filing_import(user=cast["cdc"], filename="c.xlsx", content=content, dry_run=False)
    again = card_filing_import(user=cast["cdc"], filename="c.xlsx", content=content, dry_run=False)
    assert again.applied and again.unchanged == 1 and not again.updated and not again.errors
    moved = card_filing_import(
        user=cast["cdc"], filename="c.xlsx", content=_file([_row(a, on="2026-04-01")]), dry_run=False
    )
    assert [str(e) for e in moved.errors] == ["第2行 服务记录: 该信息报告卡已于 2026-03-20 报送"]
    card.refresh_from_db()
    assert card.reported_on == dt.date(2026, 3, 20)


def test_the_record_number_names_the_activity_too(cast, enterprises, two_institutions):
    a = two_institutions["a"]
    card = _card(a, enterprises["yubei"], 41)
    report = card_filing_import(
        user=cast["cdc"], filename="c.xlsx", content=_file([_row(a, activity="41")]), dry_run=False
    )
    assert report.applied
    card.refresh_from_db()
    assert card.reported_on == dt.date(2026, 3, 20)


def test_institution_staff_file_their_own_cards_only(cast, enterprises, two_institutions):
    a, b = two_institutions["a"], two_institutions["b"]
    _card(a, enterprises["yubei"], 1)
    _card(b, enterprises["wanzhou"], 2)
    rows = [_row(a), _row(b, activity="检测报告 JC-2")]
    report = card_filing_import(
        user=cast["institution"], filename="c.xlsx", content=_file(rows), dry_run=True
    )
    # B is not in the register as the institution user sees it
    assert [str(e) for e in report.errors] == ["第3行 统一社会信用代码: 机构名册中没有此统一社会信用代码"]
    assert len(report.updated) == 1


def test_the_import_pages_run_the_dry_run_and_confirm(client, cast, enterprises, two_institutions):
    a = two_institutions["a"]
    card = _card(a, enterprises["yubei"], 1)
    client.force_login(cast["cdc"])
    template = client.get(reverse("institutions:reportcard_import_template"))
    assert template.status_code == 200
    upload = io.BytesIO(_file([_row(a)]))
    upload.name = "报告卡.xlsx"
    page = client.post(reverse("institutions:reportcard_import"), {"file": upload})
    assert page.status_code == 200 and "试导入" in page.content.decode()
    card.refresh_from_db()
    assert card.reported_on is None
    listing = client.get(reverse("institutions:reportcard_list"))
    assert reverse("institutions:reportcard_import") in listing.content.decode()

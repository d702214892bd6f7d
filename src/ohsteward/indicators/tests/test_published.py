"""Published periods (frozen figures, 发布) and the quarterly/yearly reports as background jobs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from ohsteward.core import jobs
from ohsteward.core.models import AuditLog, Job
from ohsteward.declarations.tests.factories import DeclarationFactory
from ohsteward.indicators import actions, reports, snapshots
from ohsteward.indicators.models import IndicatorSnapshot, IndicatorSnapshotRow
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")
TODAY = dt.date(2026, 3, 1)


def _declaration(figures):
    return next(f for f in figures if f.indicator.code == "declaration-rate")


def test_a_published_period_keeps_its_figures_when_the_records_change(world, enterprises):
    snapshot = actions.snapshot_publish(user=world["city"], period="2025", today=TODAY)
    assert IndicatorSnapshotRow.objects.filter(snapshot=snapshot, region__isnull=True).exists()
    assert IndicatorSnapshotRow.objects.filter(snapshot=snapshot, region_id=YUBEI).exists()
    DeclarationFactory(enterprise=enterprises["yubei2"], declared_on=dt.date(2025, 12, 1))  # late entry

    frozen = snapshots.table(world["city"], Area("district", YUBEI), Y2025)
    live = snapshots.table(world["city"], Area("district", YUBEI), Y2025, live=True)
    assert frozen.snapshot == snapshot and live.snapshot is None
    f, g = _declaration(frozen.figures), _declaration(live.figures)
    assert (f.numerator, f.denominator, f.value, f.met) == (1, 2, Decimal("50.0"), False)
    assert (g.numerator, g.denominator, g.value) == (2, 2, Decimal("100.0"))
    assert len(frozen.figures) == len(live.figures)
    wanzhou = snapshots.table(world["city"], Area("district", WANZHOU), Y2025)  # no insurance list there
    no_data = next(x for x in wanzhou.figures if x.indicator.code == "work-injury-insurance-rate")
    assert no_data.display == "无数据" and no_data.no_data


def test_publishing_is_audited_once_per_period_for_city_users_only(world):
    with pytest.raises(PermissionDenied):
        actions.snapshot_publish(user=world["yubei"], period="2025", today=TODAY)
    with pytest.raises(ValidationError, match="尚未结束"):
        actions.snapshot_publish(user=world["city"], period="2026Q1", today=TODAY)
    snapshot = actions.snapshot_publish(user=world["city"], period="2025Q4", today=TODAY)
    with pytest.raises(ValidationError, match="已发布"):
        actions.snapshot_publish(user=world["city"], period="2025Q4", today=TODAY)
    ct = ContentType.objects.get_for_model(IndicatorSnapshot)
    assert AuditLog.objects.filter(content_type=ct, object_id=str(snapshot.pk), action="create").count() == 1
    with pytest.raises(Exception, match="不能修改"):
        snapshot.save()


def test_a_district_officer_reads_its_own_published_row_only(world):
    snapshot = actions.snapshot_publish(user=world["city"], period="2025", today=TODAY)
    own = snapshots.frozen_table(world["yubei"], snapshot, Area("district", YUBEI), Y2025)
    assert own is not None and _declaration(own).numerator == 1
    assert snapshots.frozen_table(world["wanzhou"], snapshot, Area("district", YUBEI), Y2025) is None


def test_the_table_page_says_published_or_live_and_the_city_can_publish(client, world):
    client.force_login(world["city"])
    url = reverse("indicators:table")
    html = client.get(url, {"period": "2025"}).content.decode()
    assert "实时" in html and "发布本期" in html and "生成通报（Word）" in html
    r = client.post(reverse("indicators:publish"), {"period": "2025"})
    assert r.status_code == 302 and IndicatorSnapshot.objects.filter(period="2025").exists()
    html = client.get(url, {"period": "2025"}).content.decode()
    assert "已发布" in html and "发布本期" not in html and "查看实时数字" in html
    client.force_login(world["yubei"])
    assert client.post(reverse("indicators:publish"), {"period": "2024"}).status_code == 403
    assert "发布本期" not in client.get(url, {"period": "2024"}).content.decode()


def test_the_reports_are_jobs_with_a_file_a_district_official_can_open(client, world):
    client.force_login(world["city"])
    for fmt in ("xlsx", "docx"):
        r = client.post(reverse("indicators:report"), {"period": "2025", "format": fmt})
        assert r.status_code == 302
        job = Job.objects.filter(kind="indicators.report").order_by("-pk").first()
        assert job.status == "succeeded", job.error
        assert job.result_name.endswith(f".{fmt}")
        content = jobs.result_path(job).read_bytes()
        if fmt == "xlsx":
            wb = load_workbook(io.BytesIO(content))
            assert wb.sheetnames[0] == "全市汇总" and "中小微企业帮扶" in wb.sheetnames
            rows = [[c.value for c in row] for row in wb["全市汇总"].iter_rows(min_row=4)]
            declaration = next(r for r in rows if r[0] == "职业病危害项目申报率")
            assert declaration[2:7] == [1, 2, 50, 100, "未达标"]
        else:
            assert content[:2] == b"PK"
    client.force_login(world["yubei"])
    assert client.post(reverse("indicators:report"), {"period": "2025", "format": "xlsx"}).status_code == 404


def test_the_bulletin_names_each_districts_shortfalls(world):
    data = reports.report_data(world["city"], Y2025)
    # local: python-docx only for reading the bulletin back
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(reports.report_docx(data))).paragraphs)
    assert "关于2025年职业健康工作指标情况的通报" in text
    assert "渝北区：" in text and "职业病危害项目申报率50.0%" in text
    assert "实时数据" in text and "工伤保险参保率：" in text

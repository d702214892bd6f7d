"""Writes of the indicators app: publishing a period (发布)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.indicators import areas, figures
from ohsteward.indicators.models import IndicatorSnapshot, IndicatorSnapshotRow
from ohsteward.indicators.queries import Area
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.snapshots import figure_dict

PUBLISH_PERMISSION = "indicators.add_indicatorsnapshot"


@transaction.atomic
def snapshot_publish(*, user, period: str, note: str = "", today=None) -> IndicatorSnapshot:
    """发布 an ended period: compute every indicator for the city and each district now and freeze
    them. City users only; once per period (a published bulletin never changes afterwards).
    Audited through ``IndicatorSnapshot`` (the rows are its content)."""
    if user is None or not access.has_perm(user, PUBLISH_PERMISSION) or not access.is_citywide(user):
        raise PermissionDenied("指标由市级卫生健康委发布")
    try:
        p = parse_period(period)
    except ValueError as exc:
        raise ValidationError({"period": str(exc)}) from exc
    today = today or timezone.localdate()
    if p.end >= today:
        raise ValidationError({"period": f"{p.label}尚未结束（{p.end:%Y-%m-%d}），不能发布"})
    if IndicatorSnapshot.objects.filter(period=p.code).exists():
        raise ValidationError({"period": f"{p.label}已发布，发布后不再改变"})
    snapshot = IndicatorSnapshot(period=p.code, published_at=timezone.now(), published_by=user, note=note)
    snapshot.full_clean()
    snapshot.save()
    targets = [Area("city"), *areas.child_areas(user, Area("city"), "district")]
    IndicatorSnapshotRow.objects.bulk_create(
        [
            IndicatorSnapshotRow(
                snapshot=snapshot,
                region_id=a.code,
                figures=[figure_dict(f) for f in figures.table(user, a, p)],
            )
            for a in targets
        ]
    )
    return snapshot

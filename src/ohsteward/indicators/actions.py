"""Writes of the indicators app: publishing a period (发布), the monthly dispatch (月调度)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.indicators import areas, figures
from ohsteward.indicators.models import (
    DispatchInput,
    Indicator,
    IndicatorSnapshot,
    IndicatorSnapshotRow,
    MonthlyDispatch,
)
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
    computed = figures.tables(user, targets, p)
    IndicatorSnapshotRow.objects.bulk_create(
        [
            IndicatorSnapshotRow(
                snapshot=snapshot, region_id=a.code, figures=[figure_dict(f) for f in computed[a]]
            )
            for a in targets
        ]
    )
    return snapshot


DISPATCH_PERMISSION = "indicators.change_monthlydispatch"


@transaction.atomic
def dispatch_save(
    *, user, district: str, month: str, comments: str = "", problems: str = "", inputs: dict | None = None
) -> MonthlyDispatch:
    """Save a district's monthly dispatch: comments, problems and the entered figures
    (``inputs``: indicator code → {numerator, denominator, source, source_date}; an indicator
    must carry the option ``entered``). Its own district's officer or a city user."""
    if not access.has_perm(user, DISPATCH_PERMISSION) or not access.governs_district(user, district):
        raise PermissionDenied("只能填报本辖区的月调度")
    try:
        p = parse_period(month)
    except ValueError as exc:
        raise ValidationError({"month": str(exc)}) from exc
    if p.kind != "month":
        raise ValidationError({"month": "月调度按月填报（如 2025-03）"})
    dispatch = MonthlyDispatch.objects.filter(district_id=district, month=p.code).first() or MonthlyDispatch(
        district_id=district, month=p.code
    )
    dispatch.comments, dispatch.problems, dispatch.updated_by = comments, problems, user
    dispatch.full_clean()
    dispatch.save()
    for code, values in (inputs or {}).items():
        indicator = Indicator.objects.filter(code=code, active=True).first()
        if indicator is None or not (indicator.options or {}).get("entered"):
            raise ValidationError({"inputs": f"指标 {code} 不是月调度填报的指标"})
        row = DispatchInput.objects.filter(dispatch=dispatch, indicator=indicator).first() or DispatchInput(
            dispatch=dispatch, indicator=indicator
        )
        row.numerator = values["numerator"]
        row.denominator = values.get("denominator")
        row.source = values["source"]
        row.source_date = values["source_date"]
        row.full_clean()
        row.save()
    return dispatch

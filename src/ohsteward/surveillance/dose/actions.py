"""Writes of personal dose monitoring: one dose record per worker and period, by the radiation
technical service institution (its staff as their own institution only), the worker in scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.institutions.choices import InstitutionKind
from ohsteward.institutions.models import Institution
from ohsteward.surveillance.dose import rules
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.models import Worker


def investigation_level() -> Decimal:
    return rules.investigation_level(getattr(settings, "OHSTEWARD_DOSE_INVESTIGATION_MSV", None))


@transaction.atomic
def dose_record(
    *,
    user,
    worker: Worker,
    institution: Institution,
    period_start: dt.date,
    hp10: Decimal | str | float,
    period_end: dt.date | None = None,
    hp007: Decimal | str | float | None = None,
    report_number: str = "",
    note: str = "",
) -> DoseRecord:
    """Record one worker's dose for one period (quarter of ``period_start`` unless ``period_end``
    is given). Refused: a worker outside the uploader's scope, another institution's staff, an
    institution that is not a 放射卫生技术服务机构, a period in the future or before hiring, a
    negative dose, the same worker and period twice."""
    if user is not None and not access.has_perm(user, "surveillance.add_doserecord"):
        raise PermissionDenied("您无权上传个人剂量监测结果")
    own = access.own_institution_id(user) if user is not None else None
    if own is not None and own != institution.pk:
        raise PermissionDenied("只能以本机构名义上传监测结果")
    if InstitutionKind.RADIATION_SERVICE not in (institution.kinds or []):
        raise ValidationError({"institution": "该机构不是放射卫生技术服务机构"})
    if user is not None and not Worker.objects.for_user(user).filter(pk=worker.pk).exists():
        raise ValidationError({"worker": "该劳动者不在您的服务范围内"})
    try:
        dose = Decimal(str(hp10))
        shallow = Decimal(str(hp007)) if hp007 not in (None, "") else None
    except InvalidOperation:
        raise ValidationError({"hp10": "剂量应为数字（mSv）"}) from None
    if dose < 0 or (shallow is not None and shallow < 0):
        raise ValidationError({"hp10": "剂量不能为负数"})
    start, end = rules.period_of(period_start)
    if period_end is not None:
        start, end = period_start, period_end
    if start > timezone.localdate():
        raise ValidationError({"period_start": "监测周期不能晚于今天"})
    if worker.hire_date and end < worker.hire_date:
        raise ValidationError({"period_start": "监测周期早于该劳动者入职日期"})
    if DoseRecord.objects.filter(worker=worker, period_start=start).exists():
        raise ValidationError({"period_start": "该劳动者该监测周期已有剂量记录，请勿重复上传"})
    level = investigation_level()
    record = DoseRecord(
        worker=worker,
        institution=institution,
        period_start=start,
        period_end=end,
        hp10=dose,
        hp007=shallow,
        investigation_level=level,
        above_investigation=rules.above_investigation(dose, level),
        report_number=report_number[:60],
        note=note[:300],
        recorded_by=user,
    )
    record.full_clean()
    record.save()
    return record

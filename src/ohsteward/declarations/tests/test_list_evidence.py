"""Reasons from intake rows: exam/detection records, inspection findings and tip-offs."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.declarations import actions
from ohsteward.declarations.models import HazardListEntry
from ohsteward.registry.models import Industry, Region
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
intake_factories = pytest.importorskip("ohsteward.intake.tests.factories")


def _unlisted(name, **kw):
    return EnterpriseFactory(
        name=name, region=Region.objects.get(code="500112"), industry=Industry.objects.get(code="5211"), **kw
    )


def _row(enterprise, kind, origin="", status="linked", event_date=dt.date(2025, 10, 1)):
    batch = intake_factories.SourceBatchFactory(kind=kind)
    return intake_factories.SourceRowFactory(
        batch=batch, enterprise=enterprise, status=status, origin=origin, event_date=event_date
    )


def test_reasons_come_from_linked_intake_rows():
    exam = _unlisted("重庆体检记录甲有限公司")
    tip = _unlisted("重庆举报线索乙有限公司", registration="candidate")
    both = _unlisted("重庆检测巡查丙有限公司")
    review = _unlisted("重庆待核对丁有限公司")
    late = _unlisted("重庆晚到戊有限公司")
    _row(exam, "exam")
    _row(tip, "inspection", origin="tipoff", status="created")
    _row(both, "detection")
    _row(both, "inspection", origin="enforcement")
    _row(review, "exam", status="review")  # not linked yet: no evidence
    _row(late, "exam", event_date=dt.date(2026, 3, 1))  # after the base date
    _row(exam, "registry")  # registry lists are no hazard evidence
    hl = actions.hazard_list_generate(user=None, year=2026, as_of=dt.date(2026, 1, 20))
    reasons = dict(HazardListEntry.objects.filter(hazard_list=hl).values_list("enterprise__name", "reasons"))
    assert reasons[exam.name] == ["exam_record"]
    assert reasons[tip.name] == ["tip_off"]
    assert reasons[both.name] == ["detection_record", "inspection"]
    assert review.name not in reasons and late.name not in reasons
    # The cross-system comparison: exam/detection records but no declaration.
    cross = (
        HazardListEntry.objects.filter(hazard_list=hl)
        .with_declaration()
        .undeclared()
        .filter(reasons__icontains='"exam_record"')
    )
    assert list(cross.values_list("enterprise__name", flat=True)) == [exam.name]

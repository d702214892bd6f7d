"""The seam of monitoring/cards.py: recording a detection report creates the 技术服务信息报送卡 the
institution owes, "missing" until filed; editing the report moves the deadline of an unfiled card."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.institutions.models import ReportCard
from ohsteward.monitoring import actions
from ohsteward.monitoring.tests.factories import SAMPLED, make_report

pytestmark = pytest.mark.django_db


def test_recording_a_detection_report_creates_its_missing_card(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    card = ReportCard.objects.get(activity_app="monitoring.detectionreport", activity_id=report.pk)
    assert (card.kind, card.institution, card.enterprise) == ("service_info", institution, employer)
    assert card.performed_on == SAMPLED and card.status == "missing"
    assert card.activity_label == f"检测报告 {report.number}"


def test_issuing_the_report_dates_the_card_from_the_issue_date(lab):
    user, institution, employer = lab
    report = make_report(user, employer, institution)
    actions.report_save(
        user=user,
        report=report,
        data={
            "kind": report.kind, "number": report.number, "institution": institution, "enterprise": employer,
            "sampling_start": SAMPLED, "sampling_end": SAMPLED + dt.timedelta(days=2),
            "issued_on": dt.date(2026, 3, 20),
        },
    )  # fmt: skip
    card = ReportCard.objects.get(activity_id=report.pk, activity_app="monitoring.detectionreport")
    assert card.performed_on == dt.date(2026, 3, 20) and card.due_on == dt.date(2026, 4, 19)
    assert ReportCard.objects.count() == 1

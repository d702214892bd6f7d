"""The 技术服务信息报送卡 each detection report owes (issue 9 item 3).

institutions sits below monitoring and cannot know about detection reports; this module (monitoring
importing institutions, which the layers allow) tells it: when a report is recorded or edited, the
report's institution owes a card, created "missing" by ``institutions.actions.card_expect`` until
the institution files it. Connected in ``MonitoringConfig.ready()``.
"""

from __future__ import annotations

from django.db.models.signals import post_save

from ohsteward.institutions import actions as institution_actions
from ohsteward.institutions.choices import CardKind
from ohsteward.monitoring.models import DetectionReport

ACTIVITY = "monitoring.detectionreport"


def expect_card(report: DetectionReport) -> None:
    """A report's service date is its issue date, or the first sampling day until it is issued."""
    institution_actions.card_expect(
        kind=CardKind.SERVICE_INFO,
        activity_app=ACTIVITY,
        activity_id=report.pk,
        institution_id=report.institution_id,
        enterprise_id=report.enterprise_id,
        performed_on=report.issued_on or report.sampling_start,
        label=f"检测报告 {report.number}",
    )


def _on_save(sender, instance: DetectionReport, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures load rows as they are
        expect_card(instance)


def connect() -> None:
    post_save.connect(_on_save, sender=DetectionReport, dispatch_uid="monitoring.cards")

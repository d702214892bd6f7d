"""A detection result that shows a hazard factor the employer's last declaration does not list
makes a 变更申报 due within 15 days (《职业病危害项目申报办法》第8条(四); RULES.md §8.1): issue 11
item 6. Registered on ``monitoring.effects`` in ``DeclarationsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ohsteward.declarations import actions
from ohsteward.declarations.choices import DeclarationKind, DeclarationStatus, TriggerKind
from ohsteward.declarations.models import ChangeTrigger, Declaration, DeclarationHazard


def _norm(name: str) -> str:
    return "".join((name or "").split())


def trigger_for_undeclared_factor(measurement: Any) -> ChangeTrigger | None:
    """Record a 检测结果 change trigger when ``measurement``'s factor is missing from the employer's
    latest valid declaration (none for an employer that never declared: that is an initial
    declaration, not a change). One open trigger per employer and factor."""
    employer_id = measurement.enterprise_id
    latest = (
        Declaration.objects.filter(enterprise_id=employer_id, status=DeclarationStatus.VALID)
        .exclude(kind=DeclarationKind.CANCEL)
        .order_by("-declared_on", "-pk")
        .first()
    )
    if latest is None:
        return None
    factor = measurement.factor
    declared = DeclarationHazard.objects.filter(declaration=latest)
    if declared.filter(hazard_factor_id=factor.pk).exists():
        return None
    names = {_norm(n) for n in declared.values_list("hazard_name", flat=True)}
    if _norm(factor.name) in names or any(_norm(a) in names for a in factor.alias_list):
        return None
    words = f"危害因素“{factor.name}”"
    if (
        ChangeTrigger.objects.open()
        .filter(enterprise_id=employer_id, kind=TriggerKind.DETECTION_RESULT, description__contains=words)
        .exists()
    ):
        return None
    report = measurement.report
    received = min(report.issued_on or measurement.measured_on, timezone.localdate())
    return actions.change_trigger_record(
        user=None,
        enterprise=measurement.enterprise,
        kind=TriggerKind.DETECTION_RESULT,
        occurred_on=received,
        description=f"检测报告{report.number}显示{words}，最近一次申报（{latest.declared_on:%Y-%m-%d}）未申报"[
            :300
        ],
    )


def triggers_for_measurements(measurements: list[Any]) -> int:
    """``trigger_for_undeclared_factor`` for a bulk import: one query finds which of the employers
    ever declared; only their measurements are looked at one by one (one per employer × factor)."""
    ids = sorted({m.enterprise_id for m in measurements})
    declared: set[int] = set()
    for start in range(0, len(ids), 5000):
        declared |= set(
            Declaration.objects.filter(
                enterprise_id__in=ids[start : start + 5000], status=DeclarationStatus.VALID
            )
            .exclude(kind=DeclarationKind.CANCEL)
            .values_list("enterprise_id", flat=True)
            .distinct()
        )
    return sum(1 for m in measurements if m.enterprise_id in declared and trigger_for_undeclared_factor(m))

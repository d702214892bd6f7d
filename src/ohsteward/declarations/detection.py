"""A detection result that shows a hazard factor the employer's last declaration does not list, or
an exposed headcount for a declared factor that differs from the declared one beyond the tolerance
(``rules.HEADCOUNT_TOLERANCE_V1``, 未核对), makes a 变更申报 due within 15 days
(《职业病危害项目申报办法》第8条(四); RULES.md §8.1): issue 11 item 6. Registered on
``monitoring.effects`` in ``DeclarationsConfig.ready()``."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ohsteward.declarations import actions, rules
from ohsteward.declarations.choices import DeclarationKind, DeclarationStatus, TriggerKind
from ohsteward.declarations.models import ChangeTrigger, Declaration, DeclarationHazard
from ohsteward.monitoring.assess import HEADCOUNT_INPUT
from ohsteward.monitoring.models import Measurement


def _norm(name: str) -> str:
    return "".join((name or "").split())


def _latest(employer_id: int) -> Declaration | None:
    """The employer's latest valid declaration (not a 注销)."""
    return (
        Declaration.objects.filter(enterprise_id=employer_id, status=DeclarationStatus.VALID)
        .exclude(kind=DeclarationKind.CANCEL)
        .order_by("-declared_on", "-pk")
        .first()
    )


def _declared_rows(latest: Declaration, factor: Any) -> list[DeclarationHazard]:
    """The declaration's rows of ``factor`` (by the catalogue factor, or by its name or an alias)."""
    names = {_norm(factor.name), *(_norm(a) for a in factor.alias_list)}
    return [
        h
        for h in DeclarationHazard.objects.filter(declaration=latest).order_by("pk")
        if h.hazard_factor_id == factor.pk or _norm(h.hazard_name) in names
    ]


def trigger_for_undeclared_factor(measurement: Any) -> ChangeTrigger | None:
    """Record a 检测结果 change trigger when ``measurement``'s factor is missing from the employer's
    latest valid declaration (none for an employer that never declared: that is an initial
    declaration, not a change). One open trigger per employer and factor."""
    employer_id = measurement.enterprise_id
    latest = _latest(employer_id)
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


def trigger_for_headcount_difference(measurement: Any) -> ChangeTrigger | None:
    """Record a 检测结果 change trigger when the report's exposed headcount for ``measurement``'s
    factor (the sum of ``inputs["exposed_workers"]`` over the report's posts with that factor; only
    when every one of them gives it) differs from the headcount the latest valid declaration gives
    for the factor (the sum of its rows' 接触人数; only when every row gives it) beyond
    ``rules.HEADCOUNT_TOLERANCE_V1``. Nothing for an undeclared factor (the trigger above) or an
    employer that never declared. One open trigger per employer and factor."""
    latest = _latest(measurement.enterprise_id)
    if latest is None:
        return None
    factor = measurement.factor
    declared_rows = _declared_rows(latest, factor)
    if not declared_rows or any(h.exposed_count is None for h in declared_rows):
        return None
    declared = sum(h.exposed_count for h in declared_rows)
    counts = [
        inputs.get(HEADCOUNT_INPUT)
        for inputs in Measurement.objects.filter(report_id=measurement.report_id, factor_id=factor.pk)
        .order_by("pk")
        .values_list("inputs", flat=True)
    ]
    if not counts or any(c is None for c in counts):
        return None
    detected = sum(int(c) for c in counts)
    tolerance = rules.HEADCOUNT_TOLERANCE_V1
    if not rules.headcount_differs(detected, declared, tolerance):
        return None
    words = f"危害因素“{factor.name}”的接触人数"
    if (
        ChangeTrigger.objects.open()
        .filter(
            enterprise_id=measurement.enterprise_id,
            kind=TriggerKind.DETECTION_RESULT,
            description__contains=words,
        )
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
        description=(
            f"检测报告{report.number}显示{words}为{detected}人，最近一次申报（{latest.declared_on:%Y-%m-%d}）"
            f"为{declared}人，差异超过容差{tolerance.text()}"
        )[:300],
    )


def headcount_triggers_for_measurements(measurements: list[Any]) -> int:
    """``trigger_for_headcount_difference`` for a bulk import: only measurements that give a
    headcount, of employers that ever declared (one query), are looked at."""
    with_count = [m for m in measurements if (m.inputs or {}).get(HEADCOUNT_INPUT) is not None]
    ids = sorted({m.enterprise_id for m in with_count})
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
    return sum(1 for m in with_count if m.enterprise_id in declared and trigger_for_headcount_difference(m))

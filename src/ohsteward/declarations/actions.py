"""Writes of the declarations app: keyword-only, transactional, with rules from ``rules.py``."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit
from ohsteward.core.documents import render_docx_template, template_variables
from ohsteward.core.models import AuditLog
from ohsteward.declarations import reports, rules
from ohsteward.declarations.choices import (
    DeclarationChannel,
    DeclarationKind,
    DeclarationStatus,
    DeliveryMethod,
    EntryChangeKind,
    EntrySource,
    EntryStatus,
    NoticeStatus,
    TriggerKind,
)
from ohsteward.declarations.models import (
    ChangeTrigger,
    Declaration,
    DeclarationHazard,
    DispatchSnapshot,
    DispatchSnapshotRow,
    EntryChange,
    GuidanceVisit,
    Handover,
    HazardList,
    HazardListEntry,
    Notice,
    NoticeFile,
    NoticeTemplate,
    Serial,
    SpotCheck,
    SpotCheckItem,
)
from ohsteward.declarations.reports import notice_context, notice_docx
from ohsteward.declarations.templates_docx.build_notice_template import PLACEHOLDERS
from ohsteward.hazards.models import HazardFactor
from ohsteward.intake.actions import enterprise_merge
from ohsteward.intake.choices import RowStatus
from ohsteward.intake.models import SourceRow
from ohsteward.registry.models import Enterprise

if TYPE_CHECKING:
    from ohsteward.accounts.models import User

BULK_BATCH = 2000


def _today() -> dt.date:
    return timezone.localdate()


def _check_enterprise(user: User | None, enterprise) -> None:
    """Writers may only touch employers in their jurisdiction (None user = system/CLI)."""
    if user is None:
        return
    if not access.can_write_enterprise(
        user,
        region_code=enterprise.region_id,
        town_code=enterprise.town_id,
        zone_code=enterprise.zone_id,
        enterprise_id=enterprise.pk,
    ):
        raise PermissionDenied("该用人单位不在您的管辖范围内")


def _check_entry(user: User | None, entry: HazardListEntry) -> None:
    if user is None:
        return
    if not HazardListEntry.objects.for_user(user).filter(pk=entry.pk).exists():
        raise PermissionDenied("该名单条目不在您的管辖范围内")


def _record_change(entry: HazardListEntry, kind: str, on: dt.date, user: User | None) -> EntryChange:
    """Date one step of the entry's history with its state after the step (read by ``as_of``)."""
    return EntryChange.objects.create(
        entry=entry,
        kind=kind,
        changed_on=on,
        status=entry.status,
        region_id=entry.region_id,
        due_on=entry.due_on,
        by=user if getattr(user, "pk", None) else None,
    )


def next_serial(key: str) -> int:
    """The next number of a counter, safe under concurrent writers (row lock)."""
    serial, _ = Serial.objects.select_for_update().get_or_create(key=key)
    Serial.objects.filter(pk=serial.pk).update(value=F("value") + 1)
    serial.refresh_from_db()
    return serial.value


# --------------------------------------------------------------------------------------------
# Declarations
# --------------------------------------------------------------------------------------------


def _fulfil_triggers(declaration: Declaration) -> None:
    """A change/cancel declaration fulfils the open triggers that happened before it; any
    declaration other than a cancellation answers the notices issued before it."""
    # A handful of rows per declaration: saved one by one so that the audit signal records them.
    if declaration.kind != DeclarationKind.CANCEL:
        for notice in Notice.objects.filter(
            enterprise=declaration.enterprise,
            status__in=[NoticeStatus.ISSUED, NoticeStatus.DELIVERED],
            issued_on__lte=declaration.declared_on,
        ):
            notice.status = NoticeStatus.DECLARED
            notice.save(update_fields=["status"])
    if declaration.kind == DeclarationKind.CANCEL:
        kinds: list[str] = [TriggerKind.CLOSURE]
    elif declaration.kind in (DeclarationKind.CHANGE, DeclarationKind.INITIAL):
        kinds = [k for k in TriggerKind.values if k != TriggerKind.CLOSURE]
    else:
        return
    for trigger in ChangeTrigger.objects.filter(
        enterprise=declaration.enterprise,
        fulfilled_by__isnull=True,
        kind__in=kinds,
        occurred_on__lte=declaration.declared_on,
    ):
        trigger.fulfilled_by = declaration
        trigger.save(update_fields=["fulfilled_by"])


def _add_hazards(declaration: Declaration, hazards: Iterable[tuple[Any, str, int | None] | dict]) -> int:
    rows = []
    for item in hazards:
        if isinstance(item, dict):
            factor, name, count, workplace = (
                item.get("hazard_factor"),
                item.get("hazard_name") or "",
                item.get("exposed_count"),
                item.get("workplace") or "",
            )
        else:
            factor, name, count = item
            workplace = ""
        name = (name or (factor.name if factor is not None else "")).strip()
        if not name:
            continue
        row = DeclarationHazard(
            declaration=declaration,
            workplace=workplace,
            hazard_factor=factor,
            hazard_name=name,
            exposed_count=count,
        )
        row.full_clean(exclude=["declaration"])
        rows.append(row)
    for row in rows:
        row.save()
    return len(rows)


@transaction.atomic
def declaration_import(
    *,
    user: User | None,
    enterprise,
    receipt_no: str,
    kind: str,
    declared_on: dt.date | None,
    employees: int | None,
    exposed_total: int | None,
    hazards: Sequence[tuple[Any, str, int | None]],
    principal: str,
    hygiene_manager: str,
    source_row=None,
) -> Declaration:
    """Record a declaration exported from the national declaration system.

    Idempotent by ``receipt_no``: importing the same receipt again returns the stored declaration
    unchanged (the national system is the source of truth for its own receipts). Imported
    declarations count exactly like online ones (same model, ``channel = imported``).
    """
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise ValidationError({"receipt_no": "申报回执编号不能为空"})
    existing = Declaration.objects.filter(receipt_no=receipt_no).first()
    if existing is not None:
        if existing.enterprise_id != enterprise.pk:
            raise ValidationError({"receipt_no": f"申报回执编号 {receipt_no} 已属于其他用人单位"})
        return existing
    if declared_on is None:
        raise ValidationError({"declared_on": "申报日期不能为空"})
    code = rules.declaration_kind(kind)
    if code is None:
        raise ValidationError(
            {"kind": f"申报类型无法识别：{kind}（应为初次申报、变更申报、年度更新或注销申报）"}
        )
    kind = code
    _check_enterprise(user, enterprise)
    declaration = Declaration(
        enterprise=enterprise,
        receipt_no=receipt_no,
        kind=kind,
        channel=DeclarationChannel.IMPORTED,
        declared_on=declared_on,
        unit_name=enterprise.name,
        region_id=enterprise.region_id,
        industry_id=enterprise.industry_id,
        employees=employees,
        exposed_total=exposed_total,
        principal=principal or "",
        hygiene_manager=hygiene_manager or "",
        source_row_id=getattr(source_row, "pk", source_row),
        created_by=user if getattr(user, "pk", None) else None,
    )
    declaration.full_clean()
    declaration.save()
    _add_hazards(declaration, hazards)
    _fulfil_triggers(declaration)
    return declaration


@transaction.atomic
def declaration_submit(
    *,
    user: User | None,
    enterprise,
    kind: str,
    data: dict[str, Any],
    hazards: Sequence[dict[str, Any]],
    declared_on: dt.date | None = None,
) -> Declaration:
    """An online declaration by the enterprise manager (or an official for the employer).

    Issues the receipt number 渝职申-<district>-<year>-<serial>; a change or cancel declaration
    fulfils the open change triggers; a first declaration needs no earlier one, a change/annual
    update/cancel needs a valid earlier declaration.
    """
    _check_enterprise(user, enterprise)
    declared_on = declared_on or _today()
    if kind not in DeclarationKind.values:
        raise ValidationError({"kind": "申报类型无效"})
    has_valid = Declaration.objects.valid().filter(enterprise=enterprise).exists()
    if kind != DeclarationKind.INITIAL and not has_valid:
        raise ValidationError({"kind": "贵单位尚无有效申报，请先进行初次申报"})
    if kind != DeclarationKind.CANCEL and not any(
        (h.get("hazard_name") or h.get("hazard_factor")) for h in hazards
    ):
        raise ValidationError({"__all__": "请至少填写一项职业病危害因素及接触人数"})
    serial = next_serial(f"receipt:{enterprise.region_id}:{declared_on.year}")
    fields = {name: data.get(name) for name in DECLARATION_FIELDS if name in data}
    declaration = Declaration(
        enterprise=enterprise,
        kind=kind,
        channel=DeclarationChannel.ONLINE,
        declared_on=declared_on,
        receipt_no=rules.receipt_number(enterprise.region_id, declared_on.year, serial),
        unit_name=data.get("unit_name") or enterprise.name,
        region_id=enterprise.region_id,
        industry_id=data.get("industry_id") or enterprise.industry_id,
        created_by=user if getattr(user, "pk", None) else None,
        **fields,
    )
    declaration.full_clean()
    declaration.save()
    _add_hazards(declaration, hazards)
    _fulfil_triggers(declaration)
    return declaration


DECLARATION_FIELDS = (
    "employees",
    "exposed_total",
    "principal",
    "hygiene_manager",
    "legal_representative",
    "contact_phone",
    "principal_trained",
    "manager_trained",
    "workers_trained",
    "detection_year",
    "detection_org",
    "detection_points",
    "detection_exceeding",
    "exam_year",
    "exam_org",
    "exam_count",
    "exam_abnormal",
    "remark",
)


@transaction.atomic
def declaration_update(
    *,
    user: User | None,
    declaration: Declaration,
    data: dict[str, Any],
    hazards: Sequence[dict[str, Any]] | None = None,
) -> Declaration:
    """Correct an online declaration's details (not its employer, kind, date or receipt)."""
    _check_enterprise(user, declaration.enterprise)
    for name in DECLARATION_FIELDS:
        if name in data:
            setattr(declaration, name, data[name])
    declaration.full_clean()
    declaration.save()
    if hazards is not None:
        declaration.hazards.all().delete()
        _add_hazards(declaration, hazards)
    return declaration


@transaction.atomic
def declaration_void(*, user: User | None, declaration: Declaration, reason: str) -> Declaration:
    """Mark a declaration void (entered in error); it stops counting."""
    _check_enterprise(user, declaration.enterprise)
    declaration.status = DeclarationStatus.VOID
    declaration.remark = (f"作废：{reason}" if reason else "作废")[:300]
    declaration.save()
    return declaration


@transaction.atomic
def change_trigger_record(
    *,
    user: User | None,
    enterprise,
    kind: str,
    occurred_on: dt.date,
    description: str = "",
    today: dt.date | None = None,
) -> ChangeTrigger:
    """Record an event that makes a change/cancel declaration due; the due date comes from the rule."""
    _check_enterprise(user, enterprise)
    today = today or _today()
    if occurred_on > today:
        raise ValidationError({"occurred_on": "发生日期不能晚于今天"})
    trigger = ChangeTrigger(
        enterprise=enterprise,
        kind=kind,
        occurred_on=occurred_on,
        due_on=rules.declaration_due(kind, occurred_on),
        description=description,
        created_by=user if getattr(user, "pk", None) else None,
    )
    trigger.full_clean()
    trigger.save()
    return trigger


def annual_update_month_day() -> tuple[int, int] | None:
    """The local annual-update rule from configuration (``OHSTEWARD_DECLARATION_ANNUAL_UPDATE``)."""
    configured = getattr(settings, "OHSTEWARD_DECLARATION_ANNUAL_UPDATE", None)
    if configured is None:
        configured = os.environ.get("OHSTEWARD_DECLARATION_ANNUAL_UPDATE", "")
    return rules.parse_month_day(configured)


def declaration_todo(*, enterprise, today: dt.date) -> list[dict[str, Any]]:
    """What the enterprise manager must declare, in plain words, most urgent first."""
    items: list[dict[str, Any]] = []
    valid = Declaration.objects.valid().filter(enterprise=enterprise)
    if not valid.exists():
        items.append(
            {
                "kind": DeclarationKind.INITIAL,
                "due_on": None,
                "overdue": False,
                "message": "您单位尚未进行职业病危害项目申报，请完成初次申报",
            }
        )
    # Triggers of the same kind and dates are one thing to do (four undeclared factors in one
    # detection report are one 变更申报), said once with what each was.
    groups: dict[tuple, list[ChangeTrigger]] = {}
    for trigger in ChangeTrigger.objects.open().filter(enterprise=enterprise).order_by("due_on", "pk"):
        groups.setdefault((trigger.kind, trigger.occurred_on, trigger.due_on), []).append(trigger)
    for same in groups.values():
        trigger = same[0]
        details = [t.description for t in same if t.description]
        message = trigger.message
        # declarations/detection.py writes the factor in “…” in a detection trigger's description
        factors = [m for d in details for m in re.findall(r"危害因素“([^”]+)”", d)]
        if trigger.kind == TriggerKind.DETECTION_RESULT and factors:
            message += "（未申报的危害因素：" + "、".join(dict.fromkeys(factors)) + "）"
        elif details and len(same) > 1:
            message += "（" + "；".join(details) + "）"
        items.append(
            {
                "kind": trigger.due_kind,
                "due_on": trigger.due_on,
                "overdue": rules.is_overdue(trigger.due_on, None, today),
                "message": message,
                "trigger": trigger,
                "count": len(same),
            }
        )
    due = rules.annual_update_due(today.year, annual_update_month_day())
    if due is not None and valid.exists() and not valid.filter(declared_on__year=today.year).exists():
        items.append(
            {
                "kind": DeclarationKind.ANNUAL,
                "due_on": due,
                "overdue": today > due,
                "message": f"按本地规定，请在{due:%Y-%m-%d}前完成{today.year}年度申报更新",
            }
        )
    return items


# --------------------------------------------------------------------------------------------
# The list: generation, push, confirmation, hand-over, district additions
# --------------------------------------------------------------------------------------------


def _source_evidence(until: dt.date) -> dict[int, set[tuple[str, str]]]:
    """(kind, origin) pairs per employer from intake rows linked to a register employer."""
    evidence: dict[int, set[tuple[str, str]]] = {}
    # The one definition of evidence (intake): linked rows, which are linked only within the
    # jurisdiction that may see the employer (rows matching another district's employer are
    # referred there, not linked: issue 6 item 1).
    # rows of a batch still being written (or interrupted) do not count (SourceRowQuerySet.finished)
    rows = (
        SourceRow.objects.evidence()
        .finished()
        .filter(_event_until(until))
        .values_list("enterprise_id", "batch__kind", "origin")
        .distinct()
    )
    for enterprise_id, kind, origin in rows.iterator(chunk_size=5000):
        evidence.setdefault(enterprise_id, set()).add((kind, origin or ""))
    return evidence


def _event_until(until: dt.date):
    return Q(event_date__isnull=True) | Q(event_date__lte=until)


def _json_placeholder() -> str:
    return "%s::jsonb" if connection.vendor == "postgresql" else "%s"


def _insert_entries(hazard_list_id: int, rows: list[tuple[int, str, list[str], str]]) -> None:
    """Insert new list entries with one prepared statement (``executemany``).

    ``bulk_create`` spends most of its time preparing values field by field (≈ 45 s for 80,000
    rows on SQLite); the entries are uniform, so the statement is written once here.
    """
    if not rows:
        return

    qn = connection.ops.quote_name
    table = qn(HazardListEntry._meta.db_table)
    columns = [
        "hazard_list_id",
        "enterprise_id",
        "region_id",
        "reasons",
        "inclusion_note",
        "source",
        "status",
        "note",
        "created_at",
        "updated_at",
    ]
    values = ", ".join(_json_placeholder() if c == "reasons" else "%s" for c in columns)
    sql = f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({values})"
    now: Any = timezone.now()
    if connection.vendor == "sqlite":
        now = now.replace(tzinfo=None).isoformat(sep=" ")  # how Django stores aware datetimes in SQLite (UTC)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                sql,
                [
                    (
                        hazard_list_id,
                        pk,
                        region_id,
                        json.dumps(reasons),
                        note,
                        EntrySource.GENERATED.value,
                        EntryStatus.PENDING.value,
                        "",
                        now,
                        now,
                    )
                    for pk, region_id, reasons, note in rows[start : start + 5000]
                ],
            )


def _update_reasons(rows: list[tuple[int, list[str], str]]) -> None:
    """Refresh reasons of existing entries with one prepared statement."""
    if not rows:
        return

    qn = connection.ops.quote_name
    sql = (
        f"UPDATE {qn(HazardListEntry._meta.db_table)} SET {qn('reasons')} = {_json_placeholder()}, "
        f"{qn('inclusion_note')} = %s WHERE {qn('id')} = %s"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [(json.dumps(r), note, pk) for pk, r, note in rows[start : start + 5000]])


@transaction.atomic
def hazard_list_generate(*, user: User | None, year: int, as_of: dt.date | None = None) -> HazardList:
    """Form (or re-form) the year's list from every source, set-based.

    Re-runnable: existing entries keep their district, confirmation and hand-overs; their reasons
    are refreshed. New employers are added; pending generated entries that no longer qualify are
    removed; confirmed entries and district additions are never removed. The city CDC forms the
    list (实施方案 任务2), so only city-wide users run it.
    """
    access.require_citywide(user, "只有市级用户可以生成名单")
    as_of = as_of or _today()
    hazard_list, _ = HazardList.objects.get_or_create(year=year)
    serious_general = dict(
        Enterprise.objects.filter(industry_risk__in=["serious", "general"]).values_list("pk", "industry_risk")
    )
    evidence = _source_evidence(as_of)
    declared = set(
        DeclarationHazard.objects.filter(declaration__status=DeclarationStatus.VALID)
        .values_list("declaration__enterprise_id", flat=True)
        .distinct()
    )
    existing = {
        e["enterprise_id"]: e
        for e in HazardListEntry.objects.filter(hazard_list=hazard_list).values(
            "pk", "enterprise_id", "status", "source", "reasons", "inclusion_note"
        )
    }
    district_found = {pk for pk, e in existing.items() if e["source"] == EntrySource.DISTRICT}
    candidates = set(serious_general) | set(evidence) | declared | district_found
    enterprise_rows = {}
    ids = sorted(candidates)
    for start in range(0, len(ids), 20000):  # bounded IN lists, a handful of queries at 100k
        for row in Enterprise.objects.filter(pk__in=ids[start : start + 20000]).values_list(
            "pk", "region_id", "industry_risk", "status", "suspended_on", "registration"
        ):
            enterprise_rows[row[0]] = row

    to_create: list[tuple[int, str, list[str], str]] = []
    to_update: list[tuple[int, list[str], str]] = []
    excluded: dict[str, int] = {}
    kept_ids: set[int] = set()
    for pk, region_id, risk, status, suspended_on, registration in enterprise_rows.values():
        reasons = rules.reasons_from_sources(
            industry_risk=risk,
            source_kinds=evidence.get(pk, ()),
            declared_hazards=pk in declared,
            district_found=pk in district_found,
        )
        include, note = rules.inclusion(
            rules.InclusionInput(
                reasons=frozenset(reasons),
                status=status,
                registration=registration,
                suspended_on=suspended_on,
            ),
            as_of,
        )
        old = existing.get(pk)
        if not include and not (
            old and (old["status"] != EntryStatus.PENDING or old["source"] == EntrySource.DISTRICT)
        ):
            excluded[note] = excluded.get(note, 0) + 1
            continue
        kept_ids.add(pk)
        if old is None:
            to_create.append((pk, region_id, reasons, note))
        elif old["reasons"] != reasons or old["inclusion_note"] != note:
            to_update.append((old["pk"], reasons, note))
    stale = [
        e["pk"]
        for pk, e in existing.items()
        if pk not in kept_ids and e["status"] == EntryStatus.PENDING and e["source"] != EntrySource.DISTRICT
    ]
    _insert_entries(hazard_list.pk, to_create)
    _update_reasons(to_update)
    for start in range(0, len(stale), 20000):
        HazardListEntry.objects.filter(pk__in=stale[start : start + 20000]).delete()
    total = HazardListEntry.objects.filter(hazard_list=hazard_list).count()
    old_summary = dict(hazard_list.summary)
    hazard_list.generated_at = timezone.now()
    hazard_list.generated_by = user if getattr(user, "pk", None) else None
    hazard_list.as_of = as_of
    hazard_list.summary = {
        "total": total,
        "created": len(to_create),
        "updated": len(to_update),
        "removed": len(stale),
        "excluded": excluded,
    }
    # One audit row for the bulk write (bulk_create bypasses the signals).
    HazardList.objects.filter(pk=hazard_list.pk).update(
        generated_at=hazard_list.generated_at,
        generated_by=hazard_list.generated_by,
        as_of=as_of,
        summary=hazard_list.summary,
    )
    s = hazard_list.summary
    if s.get("created") or s.get("updated") or s.get("removed") or not old_summary:
        # a re-generation that changed no entry is not a change (issue 8 item 15)
        audit.record(hazard_list, "update", {"summary": [old_summary, s]}, user=user)
    return hazard_list


def _insert_push_changes(hazard_list_id: int, today: dt.date, due: dt.date, user: User | None) -> None:
    """One ``pushed`` history row per entry not yet pushed, in one INSERT … SELECT (a push may be
    100,000 entries; signals are not needed: the push itself is audited below)."""
    qn = connection.ops.quote_name
    changes, entries = qn(EntryChange._meta.db_table), qn(HazardListEntry._meta.db_table)
    now: Any = timezone.now()
    if connection.vendor == "sqlite":
        now = now.replace(tzinfo=None).isoformat(sep=" ")
    by = user.pk if user is not None and user.pk else None
    sql = (
        f"INSERT INTO {changes} (entry_id, kind, changed_on, status, region_id, due_on, by_id, created_at) "
        f"SELECT id, %s, %s, status, region_id, %s, %s, %s FROM {entries} "
        f"WHERE hazard_list_id = %s AND pushed_on IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [EntryChangeKind.PUSHED.value, today, due, by, now, hazard_list_id])


@transaction.atomic
def hazard_list_push(*, user: User | None, hazard_list: HazardList, today: dt.date | None = None) -> int:
    """下发: start the one-month confirmation clock on every entry not yet pushed (city only)."""
    access.require_citywide(user, "只有市级用户可以下发名单")
    today = today or _today()
    due = rules.one_month_after(today)
    pending = HazardListEntry.objects.filter(hazard_list=hazard_list, pushed_on__isnull=True)
    per_district = dict(pending.values_list("enterprise__region_id").order_by().annotate(n=Count("pk")))
    _insert_push_changes(hazard_list.pk, today, due, user)
    count = pending.update(pushed_on=today, due_on=due)
    audit.record(
        hazard_list, "update", {"pushed": [None, {"on": today.isoformat(), "entries": count}]}, user=user
    )
    # One audit row per district (a push may be 100,000 entries): each district sees in its own
    # trail what it received and by when it must confirm.
    rows = []
    for district, n in sorted(per_district.items()):
        row = audit.record(
            hazard_list,
            "update",
            {
                "pushed_to_district": [
                    None,
                    {"district": district, "entries": n, "on": today.isoformat(), "due_on": due.isoformat()},
                ]
            },
            user=user,
            save=False,
        )
        row.district_code = district
        rows.append(row)
    AuditLog.objects.bulk_create(rows)
    return count


@transaction.atomic
def entry_confirm(
    *, user: User | None, entry: HazardListEntry, status: str, note: str = "", today: dt.date | None = None
) -> HazardListEntry:
    """Record the district's confirmation: exists with hazards / no hazards / cancelled."""
    _check_entry(user, entry)
    if status not in (EntryStatus.HAZARDS, EntryStatus.NO_HAZARDS, EntryStatus.CANCELLED):
        raise ValidationError({"status": "核实结果无效（移交、合并请使用对应操作）"})
    entry.status = status
    entry.note = note[:300]
    entry.confirmed_on = today or _today()
    entry.confirmed_by = user if getattr(user, "pk", None) else None
    entry.full_clean()
    entry.save()
    _record_change(entry, EntryChangeKind.CONFIRMED, entry.confirmed_on, user)
    return entry


@transaction.atomic
def entry_reopen(
    *, user: User | None, entry: HazardListEntry, today: dt.date | None = None
) -> HazardListEntry:
    """Undo a confirmation (the clock is not restarted). Dated today: the confirmation still counts
    for the days before (a past quarter keeps it)."""
    _check_entry(user, entry)
    entry.status = EntryStatus.PENDING
    entry.confirmed_on = None
    entry.confirmed_by = None
    entry.duplicate_of = None
    entry.save()
    _record_change(entry, EntryChangeKind.REOPENED, today or _today(), user)
    return entry


@transaction.atomic
def entry_hand_over(
    *, user: User | None, entry: HazardListEntry, to_region, reason: str = "", today: dt.date | None = None
) -> HazardListEntry:
    """ "Not in this district": move the entry to ``to_region`` with a new one-month clock.

    The register is corrected too (the employer's district), so the receiving district sees the
    employer in its register as well.
    """
    _check_entry(user, entry)
    _check_enterprise(user, entry.enterprise)  # the register is changed below
    today = today or _today()
    if to_region.level != "district":
        raise ValidationError({"to_region": "请选择区县"})
    if to_region.pk == entry.region_id:
        raise ValidationError({"to_region": "移入区县与当前区县相同"})
    Handover.objects.create(
        entry=entry,
        from_region_id=entry.region_id,
        to_region=to_region,
        handed_on=today,
        reason=reason[:300],
        by=user if getattr(user, "pk", None) else None,
    )
    entry.region = to_region
    entry.status = EntryStatus.PENDING
    entry.pushed_on = today
    entry.due_on = rules.one_month_after(today)
    entry.confirmed_on = None
    entry.save()
    _record_change(entry, EntryChangeKind.HANDED_OVER, today, user)
    enterprise = entry.enterprise
    if enterprise.region_id != to_region.pk:
        enterprise.region = to_region
        if enterprise.town_id and not enterprise.town_id.startswith(to_region.pk):
            enterprise.town = None
        enterprise.save()
    return entry


@transaction.atomic
def entry_mark_duplicate(
    *, user: User | None, entry: HazardListEntry, keep, today: dt.date | None = None
) -> HazardListEntry:
    """ "Duplicate": the entry's employer is the same as ``keep``.

    The two register records are merged (all records move to ``keep``, the review queue's
    candidates too) and the duplicate link is recorded on the entry.
    """
    _check_entry(user, entry)
    if keep.pk == entry.enterprise_id:
        raise ValidationError({"duplicate_of": "不能与自身合并"})
    _check_enterprise(user, keep)
    entry.status = EntryStatus.DUPLICATE
    entry.duplicate_of = keep
    entry.confirmed_on = today or _today()
    entry.confirmed_by = user if getattr(user, "pk", None) else None
    entry.save()
    _record_change(entry, EntryChangeKind.DUPLICATE, entry.confirmed_on, user)
    merged = entry.enterprise
    # The kept employer's own entry for the year (if any) survives; this one is dropped by the merge.
    other = HazardListEntry.objects.filter(hazard_list=entry.hazard_list, enterprise=keep).first()
    if other is not None:
        entry_pk = entry.pk
        entry.delete()
        enterprise_merge(user=user, keep=keep, merge=merged)
        other.refresh_from_db()
        audit.record(other, "update", {"merged_entry": [entry_pk, None]}, user=user)
        return other
    enterprise_merge(user=user, keep=keep, merge=merged)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def entry_add_found(
    *,
    user: User | None,
    hazard_list: HazardList,
    enterprise,
    discovered_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> HazardListEntry:
    """A district adds an employer it found itself (任务4–7); it must report it within one month."""
    _check_enterprise(user, enterprise)
    today = today or _today()
    if discovered_on > today:
        raise ValidationError({"discovered_on": "发现日期不能晚于今天"})
    entry = HazardListEntry.objects.filter(hazard_list=hazard_list, enterprise=enterprise).first()
    if entry is not None:
        if "district_found" not in entry.reasons:
            entry.reasons = [*entry.reasons, "district_found"]
            entry.save()
        return entry
    entry = HazardListEntry(
        hazard_list=hazard_list,
        enterprise=enterprise,
        region_id=enterprise.region_id,
        reasons=["district_found"],
        source=EntrySource.DISTRICT,
        inclusion_note="区县自行发现",
        discovered_on=discovered_on,
        report_due_on=rules.one_month_after(discovered_on),
        status=EntryStatus.HAZARDS,
        confirmed_on=today,
        note=note[:300],
        confirmed_by=user if getattr(user, "pk", None) else None,
    )
    entry.full_clean()
    entry.save()
    _record_change(entry, EntryChangeKind.ADDED, today, user)
    return entry


@transaction.atomic
def entry_report(
    *, user: User | None, entry: HazardListEntry, today: dt.date | None = None
) -> HazardListEntry:
    """The district reports a self-found employer to the city CDC (任务8: within one month)."""
    _check_entry(user, entry)
    entry.reported_on = today or _today()
    entry.save()
    return entry


@transaction.atomic
def guidance_visit_record(
    *,
    user: User | None,
    enterprise,
    visited_on: dt.date,
    visitors: str,
    findings: str,
    next_step: str = "",
    entry: HazardListEntry | None = None,
    today: dt.date | None = None,
) -> GuidanceVisit:
    """Record an 入户指导 visit (任务11). Whoever may see the employer and has the permission may
    record one: district officers, CDC, technical support institutions and stewards (001 附件2 item 11)."""
    access.require_in_scope(user, enterprise)
    if visited_on > (today or _today()):
        raise ValidationError({"visited_on": "指导日期不能晚于今天"})
    visit = GuidanceVisit(
        enterprise=enterprise,
        entry=entry,
        visited_on=visited_on,
        visitors=visitors,
        findings=findings,
        next_step=next_step,
        created_by=user if getattr(user, "pk", None) else None,
    )
    visit.full_clean()
    visit.save()
    return visit


# --------------------------------------------------------------------------------------------
# Notices
# --------------------------------------------------------------------------------------------


@transaction.atomic
def notice_issue(
    *,
    user: User | None,
    enterprise,
    issuer: str = "",
    entry: HazardListEntry | None = None,
    today: dt.date | None = None,
    deadline_days: int = rules.NOTICE_DEADLINE_DAYS,
) -> Notice:
    """Make a numbered 申报告知单 (.docx) for an undeclared employer and store it.

    Made is not delivered: no deadline runs until ``notice_deliver`` records the delivery; the
    document says "自送达之日起N日内".
    """
    _check_enterprise(user, enterprise)
    today = today or _today()
    region = entry.region if entry is not None else enterprise.region
    serial = next_serial(f"notice:{region.pk}:{today.year}")
    number = rules.notice_number(region.pk, today.year, serial)
    issuer = issuer or f"{region.name}卫生健康委员会"
    notice = Notice(
        enterprise=enterprise,
        entry=entry,
        number=number,
        region=region,
        issued_on=today,
        doc_number=rules.notice_doc_number(region.name, today.year, serial),
        deadline_days=deadline_days,
        issuer=issuer,
        created_by=user if getattr(user, "pk", None) else None,
    )
    notice.full_clean()
    notice.save()
    NoticeFile.objects.create(notice=notice, content=notice_docx(notice=notice))
    return notice


@transaction.atomic
def notice_template_upload(*, user: User | None, region, content: bytes, name: str) -> NoticeTemplate:
    """A district replaces the 告知单 template with its own .docx (docxtpl placeholders).

    Refused when it is not a .docx, uses a placeholder the platform does not fill, or does not
    render with a sample notice — a broken template would stop every notice of the district.
    """
    if not access.governs_district(user, region.pk):
        raise PermissionDenied("只能上传本区县的告知单模板")
    try:
        unknown = template_variables(content) - set(PLACEHOLDERS)
    except Exception as exc:  # noqa: BLE001 - any parse failure means "not a usable .docx template"
        raise ValidationError(
            {"content": f"无法读取模板：请上传 Word .docx 文件（{type(exc).__name__}）"}
        ) from exc
    if unknown:
        raise ValidationError(
            {
                "content": "模板中有无法填写的占位符："
                + "、".join(sorted(unknown))
                + "（可用："
                + "、".join(PLACEHOLDERS)
                + "）"
            }
        )

    sample = Notice(
        enterprise=Enterprise(name="示例单位", uscc="", address=""),
        number="示例",
        doc_number="示例",
        region=region,
        issued_on=_today(),
        issuer=f"{region.name}卫生健康委员会",
    )
    try:
        render_docx_template(content, notice_context(sample))
    except Exception as exc:  # noqa: BLE001
        raise ValidationError({"content": f"模板无法填写：{exc}"}) from exc
    template, created = NoticeTemplate.objects.get_or_create(
        region=region, defaults={"name": name[:120], "content": content}
    )
    old_name = None if created else template.name
    template.name, template.content = name[:120], content
    template.uploaded_by = user if getattr(user, "pk", None) else None
    template.save()
    audit.record(template, "create" if created else "update", {"name": [old_name, template.name]}, user=user)
    return template


@transaction.atomic
def notice_template_reset(*, user: User | None, region) -> None:
    """Go back to the default template."""
    if not access.governs_district(user, region.pk):
        raise PermissionDenied("只能管理本区县的告知单模板")
    template = NoticeTemplate.objects.filter(region=region).first()
    if template is not None:
        audit.record(template, "delete", {"name": [template.name, None]}, user=user)
        template.delete()


SCAN_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def notice_deliver(
    *,
    user: User | None,
    notice: Notice,
    delivered_on: dt.date,
    method: str,
    signed_by: str = "",
    note: str = "",
    scan: bytes | None = None,
    scan_name: str = "",
    scan_type: str = "",
    today: dt.date | None = None,
) -> Notice:
    """Record the delivery (送达) of a notice: date, way, who signed, optionally the signed receipt's
    scan. The declaration deadline starts from the delivery date (``rules.notice_deadline``).

    Recording again corrects the delivery (the deadline is recomputed); the change is audited.
    """
    _check_enterprise(user, notice.enterprise)
    today = today or _today()
    errors = {}
    if method not in DeliveryMethod.values:
        errors["delivery_method"] = "送达方式无效（直接送达、邮寄送达或电子送达）"
    if delivered_on is None:
        errors["delivered_on"] = "请填写送达日期"
    elif delivered_on > today:
        errors["delivered_on"] = "送达日期不能晚于今天"
    elif delivered_on < notice.issued_on:
        errors["delivered_on"] = f"送达日期不能早于告知单制作日期（{notice.issued_on:%Y-%m-%d}）"
    if method == DeliveryMethod.DIRECT and not (signed_by or "").strip():
        errors["signed_by"] = "直接送达请填写签收人"
    if scan is not None:
        if scan_type not in SCAN_TYPES:
            errors["receipt_scan"] = "签收回执扫描件应为 PDF、JPG 或 PNG"
        elif len(scan) > SCAN_MAX_BYTES:
            errors["receipt_scan"] = "签收回执扫描件不能超过 10 MB"
    if errors:
        raise ValidationError(errors)
    notice.delivered_on = delivered_on
    notice.delivery_method = method
    notice.signed_by = (signed_by or "").strip()[:50]
    notice.delivery_note = (note or "").strip()[:200]
    notice.delivered_by = user if getattr(user, "pk", None) else None
    notice.deadline_on = rules.notice_deadline(delivered_on, notice.deadline_days)
    if notice.status == NoticeStatus.ISSUED:
        notice.status = NoticeStatus.DELIVERED
    notice.full_clean()
    notice.save()
    if scan is not None:
        file = notice.file
        file.receipt_scan = scan
        file.receipt_scan_name = (scan_name or f"{notice.number}-签收回执{SCAN_TYPES[scan_type]}")[:120]
        file.receipt_scan_type = scan_type
        file.save(update_fields=["receipt_scan", "receipt_scan_name", "receipt_scan_type"])
        audit.record(notice, "update", {"receipt_scan": [None, file.receipt_scan_name]}, user=user)
    return notice


# --------------------------------------------------------------------------------------------
# Quarterly dispatch
# --------------------------------------------------------------------------------------------


@transaction.atomic
def dispatch_publish(
    *, user: User | None, year: int, quarter: int, today: dt.date | None = None
) -> DispatchSnapshot:
    """发布 a finished quarter's dispatch: compute it city-wide as of the quarter's last day and
    freeze the per-district figures (扩面方案 任务13: quarterly bulletins must compare).

    Only city-level users; only after the quarter has ended; once per quarter.
    """
    if not access.sees_everything(user):
        raise PermissionDenied("季度调度由市级卫生健康委发布")
    today = today or _today()
    _, end = rules.quarter_range(year, quarter)
    if not rules.quarter_closed(year, quarter, today):
        raise ValidationError({"quarter": f"{year}年第{quarter}季度尚未结束（{end:%Y-%m-%d}），不能发布"})
    if DispatchSnapshot.objects.filter(year=year, quarter=quarter).exists():
        raise ValidationError({"quarter": f"{year}年第{quarter}季度已发布，发布后不再改变"})
    figures = reports.dispatch_figures(user=user, year=year, quarter=quarter, today=today)
    snapshot = DispatchSnapshot(
        year=year,
        quarter=quarter,
        as_of=end,
        published_at=timezone.now(),
        published_by=user if getattr(user, "pk", None) else None,
    )
    snapshot.full_clean()
    snapshot.save()
    keys = [k for k, _ in reports.DISPATCH_COLUMNS if k != "region_name"]
    DispatchSnapshotRow.objects.bulk_create(
        [
            DispatchSnapshotRow(
                snapshot=snapshot, region_id=row["region_id"], figures={k: row.get(k) for k in keys}
            )
            for row in figures["districts"]
        ]
    )
    return snapshot  # audited by the signal on DispatchSnapshot (the rows are its content)


# --------------------------------------------------------------------------------------------
# Spot check
# --------------------------------------------------------------------------------------------


@transaction.atomic
def spot_check_create(
    *, user: User | None, hazard_list: HazardList, seed: int, fraction: float, minimum: int, name: str = ""
) -> SpotCheck:
    """Draw the reproducible stratified sample (任务14) from the list's employers that may have hazards.

    The city runs the spot check (任务14), so only city-wide users draw one.
    """
    access.require_citywide(user, "只有市级用户可以发起抽查")
    population = list(
        HazardListEntry.objects.filter(hazard_list=hazard_list)
        .may_have_hazards()
        .values_list("pk", "region_id")
    )
    sample = rules.stratified_sample(population, fraction=fraction, minimum=minimum, seed=seed)
    check = SpotCheck(
        hazard_list=hazard_list,
        name=name or f"{hazard_list.year}年申报扩面抽查",
        seed=seed,
        fraction=Decimal(str(fraction)).quantize(Decimal("0.0001")),
        minimum=minimum,
        created_by=user if getattr(user, "pk", None) else None,
    )
    check.full_clean()
    check.save()
    chosen = [pk for ids in sample.values() for pk in ids]
    entries = HazardListEntry.objects.filter(pk__in=chosen).values_list("pk", "enterprise_id", "region_id")
    SpotCheckItem.objects.bulk_create(
        [
            SpotCheckItem(spot_check=check, entry_id=pk, enterprise_id=ent, region_id=reg)
            for pk, ent, reg in entries
        ],
        batch_size=BULK_BATCH,
    )
    audit.record(check, "create", {"sample": [None, {k: len(v) for k, v in sample.items()}]}, user=user)
    return check


@transaction.atomic
def spot_check_record(
    *, user: User | None, item: SpotCheckItem, data: dict[str, Any], today: dt.date | None = None
) -> SpotCheckItem:
    """Record what the inspector found for one sampled employer.

    The city runs the annual spot check and uses it to assess the districts (申报扩面实施方案 任务14:
    市卫生健康委每年至少开展1次抽查 … 作为对区县职业病危害申报率考核依据), so results are recorded
    by city-level users only; districts see their own results.
    """
    access.require_citywide(user, "抽查结果由市级卫生健康委录入，区县可查看本区县的抽查结果")
    for name in (
        "declared",
        "industry_ok",
        "size_ok",
        "hazards_ok",
        "headcount_ok",
        "note",
        "inspector",
        "checked_on",
    ):
        if name in data:
            setattr(item, name, data[name])
    if item.checked_on is None:
        item.checked_on = today or _today()
    item.full_clean()
    item.save()
    return item


def declarations_from_rows(rows: list[SourceRow], user: User | None) -> tuple[int, int]:
    """Record each linked declaration-export row as a declaration; returns (recorded, skipped).

    The intake link effect for ``SourceKind.DECLARATION`` (registered in apps.py).
    """

    factor_ids = {h["factor_id"] for r in rows for h in r.hazards or [] if h.get("factor_id")}
    factors = HazardFactor.objects.in_bulk(list(factor_ids))
    linked = [r for r in rows if r.enterprise_id and r.status in {RowStatus.LINKED, RowStatus.CREATED}]
    enterprises = Enterprise.objects.in_bulk([r.enterprise_id for r in linked])
    done = skipped = 0
    for row in linked:
        e = enterprises[row.enterprise_id]
        if user is not None and not access.can_write_enterprise(
            user, region_code=e.region_id, town_code=e.town_id, zone_code=e.zone_id, enterprise_id=e.pk
        ):
            # The code or name matched an employer of another district: one such row must not fail
            # the whole list. The row stays linked for the city to see; no declaration is recorded.
            note = "该用人单位不在您的管辖范围内，未记录为申报（请由所在区县或市级导入）"
            row.data = {**(row.data or {}), "declaration_skipped": note}
            SourceRow.objects.filter(pk=row.pk).update(data=row.data)
            skipped += 1
            continue
        declaration_import(
            user=user,
            enterprise=enterprises[row.enterprise_id],
            receipt_no=row.reference_no,
            kind=row.category or "initial",
            declared_on=row.event_date,
            employees=row.employees,
            exposed_total=row.exposed_total,
            hazards=[
                (factors.get(h.get("factor_id")), h.get("name", ""), h.get("count")) for h in row.hazards
            ],
            principal=row.data.get("principal", ""),
            hygiene_manager=row.data.get("hygiene_manager", ""),
            source_row=row,
        )
        done += 1
    return done, skipped

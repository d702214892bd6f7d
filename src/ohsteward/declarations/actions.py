"""Writes of the declarations app: keyword-only, transactional, with rules from ``rules.py``."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit
from ohsteward.declarations import rules
from ohsteward.declarations.choices import (
    DeclarationChannel,
    DeclarationKind,
    DeclarationStatus,
    EntrySource,
    EntryStatus,
    NoticeStatus,
    TriggerKind,
)
from ohsteward.declarations.models import (
    ChangeTrigger,
    Declaration,
    DeclarationHazard,
    GuidanceVisit,
    Handover,
    HazardList,
    HazardListEntry,
    Notice,
    NoticeFile,
    Serial,
    SpotCheck,
    SpotCheckItem,
)

BULK_BATCH = 2000


def _today() -> dt.date:
    return timezone.localdate()


def _check_enterprise(user, enterprise) -> None:
    """Writers may only touch employers in their jurisdiction (None user = system/CLI)."""
    if user is None:
        return
    if not access.can_write_enterprise(user, region_code=enterprise.region_id, town_code=enterprise.town_id,
                                       zone_code=enterprise.zone_id, enterprise_id=enterprise.pk):
        raise PermissionDenied("该用人单位不在您的管辖范围内")


def _check_entry(user, entry: HazardListEntry) -> None:
    if user is None:
        return
    if not HazardListEntry.objects.for_user(user).filter(pk=entry.pk).exists():
        raise PermissionDenied("该名单条目不在您的管辖范围内")


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
        for notice in Notice.objects.filter(enterprise=declaration.enterprise, status=NoticeStatus.ISSUED,
                                            issued_on__lte=declaration.declared_on):
            notice.status = NoticeStatus.DECLARED
            notice.save(update_fields=["status"])
    if declaration.kind == DeclarationKind.CANCEL:
        kinds = [TriggerKind.CLOSURE]
    elif declaration.kind in (DeclarationKind.CHANGE, DeclarationKind.INITIAL):
        kinds = [k for k in TriggerKind.values if k != TriggerKind.CLOSURE]
    else:
        return
    for trigger in ChangeTrigger.objects.filter(enterprise=declaration.enterprise, fulfilled_by__isnull=True,
                                                kind__in=kinds, occurred_on__lte=declaration.declared_on):
        trigger.fulfilled_by = declaration
        trigger.save(update_fields=["fulfilled_by"])


def _add_hazards(declaration: Declaration, hazards: Iterable[tuple[Any, str, int | None] | dict]) -> int:
    rows = []
    for item in hazards:
        if isinstance(item, dict):
            factor, name, count, workplace = (item.get("hazard_factor"), item.get("hazard_name") or "",
                                              item.get("exposed_count"), item.get("workplace") or "")
        else:
            factor, name, count = item
            workplace = ""
        name = (name or (factor.name if factor is not None else "")).strip()
        if not name:
            continue
        row = DeclarationHazard(declaration=declaration, workplace=workplace, hazard_factor=factor,
                                hazard_name=name, exposed_count=count)
        row.full_clean(exclude=["declaration"])
        rows.append(row)
    for row in rows:
        row.save()
    return len(rows)


@transaction.atomic
def declaration_import(*, user, enterprise, receipt_no: str, kind: str, declared_on: dt.date,
                       employees: int | None, exposed_total: int | None,
                       hazards: Sequence[tuple[Any, str, int | None]], principal: str, hygiene_manager: str,
                       source_row=None) -> Declaration:
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
        raise ValidationError({"kind": f"申报类型无法识别：{kind}（应为初次申报、变更申报、年度更新或注销申报）"})
    kind = code
    _check_enterprise(user, enterprise)
    declaration = Declaration(
        enterprise=enterprise, receipt_no=receipt_no, kind=kind, channel=DeclarationChannel.IMPORTED,
        declared_on=declared_on, unit_name=enterprise.name, region_id=enterprise.region_id,
        industry_id=enterprise.industry_id, employees=employees, exposed_total=exposed_total,
        principal=principal or "", hygiene_manager=hygiene_manager or "",
        source_row_id=getattr(source_row, "pk", source_row),
        created_by=user if getattr(user, "pk", None) else None,
    )
    declaration.full_clean()
    declaration.save()
    _add_hazards(declaration, hazards)
    _fulfil_triggers(declaration)
    return declaration


@transaction.atomic
def declaration_submit(*, user, enterprise, kind: str, data: dict[str, Any],
                       hazards: Sequence[dict[str, Any]], declared_on: dt.date | None = None) -> Declaration:
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
    if kind != DeclarationKind.CANCEL and not any((h.get("hazard_name") or h.get("hazard_factor")) for h in hazards):
        raise ValidationError({"__all__": "请至少填写一项职业病危害因素及接触人数"})
    serial = next_serial(f"receipt:{enterprise.region_id}:{declared_on.year}")
    fields = {name: data.get(name) for name in DECLARATION_FIELDS if name in data}
    declaration = Declaration(
        enterprise=enterprise, kind=kind, channel=DeclarationChannel.ONLINE, declared_on=declared_on,
        receipt_no=rules.receipt_number(enterprise.region_id, declared_on.year, serial),
        unit_name=data.get("unit_name") or enterprise.name, region_id=enterprise.region_id,
        industry_id=data.get("industry_id") or enterprise.industry_id,
        created_by=user if getattr(user, "pk", None) else None, **fields,
    )
    declaration.full_clean()
    declaration.save()
    _add_hazards(declaration, hazards)
    _fulfil_triggers(declaration)
    return declaration


DECLARATION_FIELDS = (
    "employees", "exposed_total", "principal", "hygiene_manager", "legal_representative", "contact_phone",
    "principal_trained", "manager_trained", "workers_trained", "detection_year", "detection_org",
    "detection_points", "detection_exceeding", "exam_year", "exam_org", "exam_count", "exam_abnormal", "remark",
)


@transaction.atomic
def declaration_update(*, user, declaration: Declaration, data: dict[str, Any],
                       hazards: Sequence[dict[str, Any]] | None = None) -> Declaration:
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
def declaration_void(*, user, declaration: Declaration, reason: str) -> Declaration:
    """Mark a declaration void (entered in error); it stops counting."""
    _check_enterprise(user, declaration.enterprise)
    declaration.status = DeclarationStatus.VOID
    declaration.remark = (f"作废：{reason}" if reason else "作废")[:300]
    declaration.save()
    return declaration


@transaction.atomic
def change_trigger_record(*, user, enterprise, kind: str, occurred_on: dt.date, description: str = "",
                          today: dt.date | None = None) -> ChangeTrigger:
    """Record an event that makes a change/cancel declaration due; the due date comes from the rule."""
    _check_enterprise(user, enterprise)
    today = today or _today()
    if occurred_on > today:
        raise ValidationError({"occurred_on": "发生日期不能晚于今天"})
    trigger = ChangeTrigger(enterprise=enterprise, kind=kind, occurred_on=occurred_on,
                            due_on=rules.declaration_due(kind, occurred_on), description=description,
                            created_by=user if getattr(user, "pk", None) else None)
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
        items.append({"kind": DeclarationKind.INITIAL, "due_on": None, "overdue": False,
                      "message": "您单位尚未进行职业病危害项目申报，请完成初次申报"})
    for trigger in ChangeTrigger.objects.open().filter(enterprise=enterprise).order_by("due_on"):
        items.append({"kind": trigger.due_kind, "due_on": trigger.due_on,
                      "overdue": rules.is_overdue(trigger.due_on, None, today), "message": trigger.message,
                      "trigger": trigger})
    due = rules.annual_update_due(today.year, annual_update_month_day())
    if due is not None and valid.exists() and not valid.filter(declared_on__year=today.year).exists():
        items.append({"kind": DeclarationKind.ANNUAL, "due_on": due, "overdue": today > due,
                      "message": f"按本地规定，请在{due:%Y-%m-%d}前完成{today.year}年度申报更新"})
    return items


# --------------------------------------------------------------------------------------------
# The list: generation, push, confirmation, hand-over, district additions
# --------------------------------------------------------------------------------------------


def _source_evidence(until: dt.date) -> dict[int, set[tuple[str, str]]]:
    """(kind, origin) pairs per employer from intake rows linked to a register employer."""
    evidence: dict[int, set[tuple[str, str]]] = {}
    try:
        from ohsteward.intake.models import SourceRow
    except ImportError:  # the intake app is optional for this rule set
        return evidence
    if SourceRow._meta.db_table not in connection.introspection.table_names():
        return evidence
    # rows of a batch still being written (or interrupted) do not count: SourceRowQuerySet.finished
    rows = (SourceRow.objects.finished().filter(enterprise__isnull=False,
                                                batch__kind__in=["exam", "detection", "inspection"],
                                                status__in=["linked", "created"])
            .filter(_event_until(until))
            .values_list("enterprise_id", "batch__kind", "origin").distinct())
    for enterprise_id, kind, origin in rows.iterator(chunk_size=5000):
        evidence.setdefault(enterprise_id, set()).add((kind, origin or ""))
    return evidence


def _event_until(until: dt.date):
    from django.db.models import Q

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
    import json

    qn = connection.ops.quote_name
    table = qn(HazardListEntry._meta.db_table)
    columns = ["hazard_list_id", "enterprise_id", "region_id", "reasons", "inclusion_note", "source", "status",
               "note", "created_at", "updated_at"]
    values = ", ".join(_json_placeholder() if c == "reasons" else "%s" for c in columns)
    sql = f"INSERT INTO {table} ({', '.join(qn(c) for c in columns)}) VALUES ({values})"
    now = timezone.now()
    if connection.vendor == "sqlite":
        now = now.replace(tzinfo=None).isoformat(sep=" ")  # how Django stores aware datetimes in SQLite (UTC)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [
                (hazard_list_id, pk, region_id, json.dumps(reasons), note, EntrySource.GENERATED.value,
                 EntryStatus.PENDING.value, "", now, now) for pk, region_id, reasons, note in rows[start:start + 5000]])


def _update_reasons(rows: list[tuple[int, list[str], str]]) -> None:
    """Refresh reasons of existing entries with one prepared statement."""
    if not rows:
        return
    import json

    qn = connection.ops.quote_name
    sql = (f"UPDATE {qn(HazardListEntry._meta.db_table)} SET {qn('reasons')} = {_json_placeholder()}, "
           f"{qn('inclusion_note')} = %s WHERE {qn('id')} = %s")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [(json.dumps(r), note, pk) for pk, r, note in rows[start:start + 5000]])


@transaction.atomic
def hazard_list_generate(*, user, year: int, as_of: dt.date | None = None) -> HazardList:
    """Form (or re-form) the year's list from every source, set-based.

    Re-runnable: existing entries keep their district, confirmation and hand-overs; their reasons
    are refreshed. New employers are added; pending generated entries that no longer qualify are
    removed; confirmed entries and district additions are never removed.
    """
    from ohsteward.registry.models import Enterprise

    as_of = as_of or _today()
    hazard_list, _ = HazardList.objects.get_or_create(year=year)
    serious_general = dict(Enterprise.objects.filter(industry_risk__in=["serious", "general"])
                           .values_list("pk", "industry_risk"))
    evidence = _source_evidence(as_of)
    declared = set(DeclarationHazard.objects.filter(declaration__status=DeclarationStatus.VALID)
                   .values_list("declaration__enterprise_id", flat=True).distinct())
    existing = {e["enterprise_id"]: e for e in HazardListEntry.objects.filter(hazard_list=hazard_list)
                .values("pk", "enterprise_id", "status", "source", "reasons", "inclusion_note")}
    district_found = {pk for pk, e in existing.items() if e["source"] == EntrySource.DISTRICT}
    candidates = set(serious_general) | set(evidence) | declared | district_found
    enterprise_rows = {}
    ids = sorted(candidates)
    for start in range(0, len(ids), 20000):  # bounded IN lists, a handful of queries at 100k
        for row in Enterprise.objects.filter(pk__in=ids[start:start + 20000]).values_list(
                "pk", "region_id", "industry_risk", "status", "suspended_on", "registration"):
            enterprise_rows[row[0]] = row

    to_create: list[tuple[int, str, list[str], str]] = []
    to_update: list[tuple[int, list[str], str]] = []
    excluded: dict[str, int] = {}
    kept_ids: set[int] = set()
    for pk, region_id, risk, status, suspended_on, registration in enterprise_rows.values():
        reasons = rules.reasons_from_sources(industry_risk=risk, source_kinds=evidence.get(pk, ()),
                                             declared_hazards=pk in declared, district_found=pk in district_found)
        include, note = rules.inclusion(rules.InclusionInput(
            reasons=frozenset(reasons), status=status, registration=registration, suspended_on=suspended_on), as_of)
        old = existing.get(pk)
        if not include and not (old and (old["status"] != EntryStatus.PENDING or old["source"] == EntrySource.DISTRICT)):
            excluded[note] = excluded.get(note, 0) + 1
            continue
        kept_ids.add(pk)
        if old is None:
            to_create.append((pk, region_id, reasons, note))
        elif old["reasons"] != reasons or old["inclusion_note"] != note:
            to_update.append((old["pk"], reasons, note))
    stale = [e["pk"] for pk, e in existing.items() if pk not in kept_ids and e["status"] == EntryStatus.PENDING
             and e["source"] != EntrySource.DISTRICT]
    _insert_entries(hazard_list.pk, to_create)
    _update_reasons(to_update)
    for start in range(0, len(stale), 20000):
        HazardListEntry.objects.filter(pk__in=stale[start:start + 20000]).delete()
    total = HazardListEntry.objects.filter(hazard_list=hazard_list).count()
    old_summary = dict(hazard_list.summary)
    hazard_list.generated_at = timezone.now()
    hazard_list.generated_by = user if getattr(user, "pk", None) else None
    hazard_list.as_of = as_of
    hazard_list.summary = {"total": total, "created": len(to_create), "updated": len(to_update),
                           "removed": len(stale), "excluded": excluded}
    # One audit row for the bulk write (bulk_create bypasses the signals).
    HazardList.objects.filter(pk=hazard_list.pk).update(
        generated_at=hazard_list.generated_at, generated_by=hazard_list.generated_by, as_of=as_of,
        summary=hazard_list.summary)
    audit.record(hazard_list, "update", {"summary": [old_summary, hazard_list.summary]}, user=user)
    return hazard_list


@transaction.atomic
def hazard_list_push(*, user, hazard_list: HazardList, today: dt.date | None = None) -> int:
    """下发: start the one-month confirmation clock on every entry not yet pushed."""
    today = today or _today()
    due = rules.one_month_after(today)
    pending = HazardListEntry.objects.filter(hazard_list=hazard_list, pushed_on__isnull=True)
    per_district = dict(pending.values_list("enterprise__region_id").order_by().annotate(n=Count("pk")))
    count = pending.update(pushed_on=today, due_on=due)
    audit.record(hazard_list, "update", {"pushed": [None, {"on": today.isoformat(), "entries": count}]}, user=user)
    # One audit row per district (a push may be 100,000 entries): each district sees in its own
    # trail what it received and by when it must confirm.
    from ohsteward.core.models import AuditLog

    rows = []
    for district, n in sorted(per_district.items()):
        row = audit.record(hazard_list, "update", {"pushed_to_district": [None, {
            "district": district, "entries": n, "on": today.isoformat(), "due_on": due.isoformat()}]},
            user=user, save=False)
        row.district_code = district
        rows.append(row)
    AuditLog.objects.bulk_create(rows)
    return count


@transaction.atomic
def entry_confirm(*, user, entry: HazardListEntry, status: str, note: str = "",
                  today: dt.date | None = None) -> HazardListEntry:
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
    return entry


@transaction.atomic
def entry_reopen(*, user, entry: HazardListEntry) -> HazardListEntry:
    """Undo a confirmation (the clock is not restarted)."""
    _check_entry(user, entry)
    entry.status = EntryStatus.PENDING
    entry.confirmed_on = None
    entry.confirmed_by = None
    entry.duplicate_of = None
    entry.save()
    return entry


@transaction.atomic
def entry_hand_over(*, user, entry: HazardListEntry, to_region, reason: str = "",
                    today: dt.date | None = None) -> HazardListEntry:
    """"Not in this district": move the entry to ``to_region`` with a new one-month clock.

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
    Handover.objects.create(entry=entry, from_region_id=entry.region_id, to_region=to_region, handed_on=today,
                            reason=reason[:300], by=user if getattr(user, "pk", None) else None)
    entry.region = to_region
    entry.status = EntryStatus.PENDING
    entry.pushed_on = today
    entry.due_on = rules.one_month_after(today)
    entry.confirmed_on = None
    entry.save()
    enterprise = entry.enterprise
    if enterprise.region_id != to_region.pk:
        enterprise.region = to_region
        if enterprise.town_id and not enterprise.town_id.startswith(to_region.pk):
            enterprise.town = None
        enterprise.save()
    return entry


@transaction.atomic
def entry_mark_duplicate(*, user, entry: HazardListEntry, keep, today: dt.date | None = None) -> HazardListEntry:
    """"Duplicate": the entry's employer is the same as ``keep``.

    When the intake app offers ``enterprise_merge`` the two register records are merged (all
    records move to ``keep``); otherwise the duplicate link is recorded on the entry.
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
    try:
        from ohsteward.intake.actions import enterprise_merge
    except ImportError:
        enterprise_merge = None
    if enterprise_merge is not None:
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
def entry_add_found(*, user, hazard_list: HazardList, enterprise, discovered_on: dt.date, note: str = "",
                    today: dt.date | None = None) -> HazardListEntry:
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
    entry = HazardListEntry(hazard_list=hazard_list, enterprise=enterprise, region_id=enterprise.region_id,
                            reasons=["district_found"], source=EntrySource.DISTRICT, inclusion_note="区县自行发现",
                            discovered_on=discovered_on, report_due_on=rules.one_month_after(discovered_on),
                            status=EntryStatus.HAZARDS, confirmed_on=today, note=note[:300],
                            confirmed_by=user if getattr(user, "pk", None) else None)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def entry_report(*, user, entry: HazardListEntry, today: dt.date | None = None) -> HazardListEntry:
    """The district reports a self-found employer to the city CDC (任务8: within one month)."""
    _check_entry(user, entry)
    entry.reported_on = today or _today()
    entry.save()
    return entry


@transaction.atomic
def guidance_visit_record(*, user, enterprise, visited_on: dt.date, visitors: str, findings: str,
                          next_step: str = "", entry: HazardListEntry | None = None,
                          today: dt.date | None = None) -> GuidanceVisit:
    """Record an 入户指导 visit (任务11)."""
    _check_enterprise(user, enterprise)
    if visited_on > (today or _today()):
        raise ValidationError({"visited_on": "指导日期不能晚于今天"})
    visit = GuidanceVisit(enterprise=enterprise, entry=entry, visited_on=visited_on, visitors=visitors,
                          findings=findings, next_step=next_step,
                          created_by=user if getattr(user, "pk", None) else None)
    visit.full_clean()
    visit.save()
    return visit


# --------------------------------------------------------------------------------------------
# Notices
# --------------------------------------------------------------------------------------------


@transaction.atomic
def notice_issue(*, user, enterprise, issuer: str = "", entry: HazardListEntry | None = None,
                 today: dt.date | None = None, deadline_days: int = rules.NOTICE_DEADLINE_DAYS) -> Notice:
    """Make a numbered 申报告知单 (.docx) for an undeclared employer and store it."""
    from ohsteward.declarations.reports import notice_docx

    _check_enterprise(user, enterprise)
    today = today or _today()
    region = entry.region if entry is not None else enterprise.region
    serial = next_serial(f"notice:{region.pk}:{today.year}")
    number = rules.notice_number(region.pk, today.year, serial)
    issuer = issuer or f"{region.name}卫生健康委员会"
    deadline = today + dt.timedelta(days=deadline_days)
    notice = Notice(enterprise=enterprise, entry=entry, number=number, region=region, issued_on=today,
                    deadline_on=deadline, issuer=issuer, created_by=user if getattr(user, "pk", None) else None)
    notice.full_clean()
    notice.save()
    NoticeFile.objects.create(notice=notice, content=notice_docx(number=number, enterprise=enterprise, issuer=issuer,
                                                                 issued_on=today, deadline_on=deadline))
    return notice


# --------------------------------------------------------------------------------------------
# Spot check
# --------------------------------------------------------------------------------------------


@transaction.atomic
def spot_check_create(*, user, hazard_list: HazardList, seed: int, fraction: float, minimum: int,
                      name: str = "") -> SpotCheck:
    """Draw the reproducible stratified sample (任务14) from the list's employers that may have hazards."""
    from decimal import Decimal

    population = list(HazardListEntry.objects.filter(hazard_list=hazard_list).may_have_hazards()
                      .values_list("pk", "region_id"))
    sample = rules.stratified_sample(population, fraction=fraction, minimum=minimum, seed=seed)
    check = SpotCheck(hazard_list=hazard_list, name=name or f"{hazard_list.year}年申报扩面抽查", seed=seed,
                      fraction=Decimal(str(fraction)).quantize(Decimal("0.0001")), minimum=minimum,
                      created_by=user if getattr(user, "pk", None) else None)
    check.full_clean()
    check.save()
    chosen = [pk for ids in sample.values() for pk in ids]
    entries = HazardListEntry.objects.filter(pk__in=chosen).values_list("pk", "enterprise_id", "region_id")
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spot_check=check, entry_id=pk, enterprise_id=ent, region_id=reg)
                                       for pk, ent, reg in entries], batch_size=BULK_BATCH)
    audit.record(check, "create", {"sample": [None, {k: len(v) for k, v in sample.items()}]}, user=user)
    return check


@transaction.atomic
def spot_check_record(*, user, item: SpotCheckItem, data: dict[str, Any],
                      today: dt.date | None = None) -> SpotCheckItem:
    """Record what the inspector found for one sampled employer.

    The city runs the annual spot check and uses it to assess the districts (申报扩面实施方案 任务14:
    市卫生健康委每年至少开展1次抽查 … 作为对区县职业病危害申报率考核依据), so results are recorded
    by city-level users only; districts see their own results.
    """
    if user is not None and not access.jurisdiction(user).everything:
        raise PermissionDenied("抽查结果由市级卫生健康委录入，区县可查看本区县的抽查结果")
    for name in ("declared", "industry_ok", "size_ok", "hazards_ok", "headcount_ok", "note", "inspector",
                 "checked_on"):
        if name in data:
            setattr(item, name, data[name])
    if item.checked_on is None:
        item.checked_on = today or _today()
    item.full_clean()
    item.save()
    return item

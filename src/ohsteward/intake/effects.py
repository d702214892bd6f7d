"""What linked rows do beyond being linked: registry lists fill the register, declaration
exports become declarations, new employers are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ohsteward.accounts import access
from ohsteward.core import audit
from ohsteward.core.models import AuditLog
from ohsteward.intake.bulkwrite import insert
from ohsteward.intake.choices import RowStatus, SourceKind
from ohsteward.intake.models import SourceRow
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.models import Enterprise, Industry

CHUNK = 5000
# Register fields a registry list may fill when the register has none (never overwritten).
REGISTRY_FIELDS = ("uscc", "town_id", "industry_id", "employees", "revenue", "total_assets", "address")


def audit_created(created: list[Enterprise], user) -> None:
    entries = [
        audit.record(e, "create", audit.diff(None, audit.snapshot(e)), user=user, source="import", save=False)
        for e in created
    ]
    insert(AuditLog, entries)


def registry_updates(rows: list[SourceRow], user) -> int:
    """Fill empty register fields from linked registry rows; record differences on the row.

    Never overwrites: a value that differs from the register is kept on the row
    (``data["differences"]``: field → [register, list]) for a person to judge.
    """
    linked = [r for r in rows if r.status == RowStatus.LINKED and r.enterprise_id]
    if not linked:
        return 0
    ids = {r.enterprise_id for r in linked}
    enterprises: dict[int, Enterprise] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), CHUNK):
        enterprises.update(
            Enterprise.objects.select_related("industry").in_bulk(id_list[start : start + CHUNK])
        )
    codes_in_use = set(Enterprise.objects.exclude(uscc=None).values_list("uscc", flat=True))
    # Differences describe the employer's register record: they are computed (and stored on the
    # row) only for employers the user may see (issue 6 item 1).
    visible = None
    if user is not None and not access.sees_everything(user):
        visible = set()
        for start in range(0, len(id_list), CHUNK):
            visible.update(
                Enterprise.objects.for_user(user)
                .filter(pk__in=id_list[start : start + CHUNK])
                .values_list("pk", flat=True)
            )
    before: dict[int, dict[str, Any]] = {}
    for row in linked:
        e = enterprises.get(row.enterprise_id)
        if e is None or (visible is not None and e.pk not in visible):
            continue
        # An employer outside the uploader's jurisdiction is not changed: differences are recorded.
        writable = user is None or access.can_write_enterprise(
            user, region_code=e.region_id, town_code=e.town_id, zone_code=e.zone_id, enterprise_id=e.pk
        )
        source = {
            "uscc": row.uscc if registry_rules.uscc_is_valid(row.uscc) else None,
            "town_id": row.town_id,
            "industry_id": row.industry_id if row.industry_id and len(row.industry_id) == 4 else None,
            "employees": row.employees,
            "revenue": row.data.get("revenue"),
            "total_assets": row.data.get("total_assets"),
            "address": row.data.get("address"),
            "region_id": row.district_id,
            "name": row.name,
        }
        differences: dict[str, list[Any]] = {}
        for fname, value in source.items():
            if value in (None, ""):
                continue
            current = getattr(e, fname)
            if fname in {"revenue", "total_assets"} and current is not None:
                current = str(current)
                value = str(value)
            if fname == "name":
                if registry_rules.normalize_name(value) != e.name_normalized and value not in e.former_names:
                    differences[fname] = [e.name, value]
                continue
            if current in (None, "") and fname in REGISTRY_FIELDS and writable:
                if fname == "uscc" and value in codes_in_use:
                    differences[fname] = [current, value]
                    continue
                if fname == "town_id" and not str(value).startswith(e.region_id):
                    continue
                before.setdefault(e.pk, audit.snapshot(e))
                setattr(e, fname, value)
                if fname == "uscc":
                    codes_in_use.add(value)
            elif str(current) != str(value):
                differences[fname] = [current, value]
        status = row.data.get("business_status")
        if status and status != e.status:
            differences["status"] = [e.status, status]
        for former in (row.data.get("former_names") or []) if writable else []:
            if registry_rules.normalize_name(former) != e.name_normalized and former not in e.former_names:
                before.setdefault(e.pk, audit.snapshot(e))
                e.former_names = [*e.former_names, former]
        if differences:
            row.data["differences"] = {
                k: [audit._jsonable(a), audit._jsonable(b)] for k, (a, b) in differences.items()
            }
    changed = [enterprises[pk] for pk in before]
    if not changed:
        return 0
    industries = {i.code: i for i in Industry.objects.filter(level="class")}
    for e in changed:
        e.industry = industries.get(e.industry_id) if e.industry_id else None
        e.derive()
    fields = [
        "uscc",
        "town",
        "industry",
        "employees",
        "revenue",
        "total_assets",
        "address",
        "former_names",
        "name_normalized",
        "size_class",
        "industry_risk",
    ]
    Enterprise.objects.bulk_update(changed, fields, batch_size=1000)
    entries = []
    for e in changed:
        changes = audit.diff(before[e.pk], audit.snapshot(e))
        if changes:
            entries.append(audit.record(e, "update", changes, user=user, source="import", save=False))
    insert(AuditLog, entries)
    return len(changed)


# --------------------------------------------------------------------------------------------
# Link effects of the apps intake feeds (docs/decisions/0002-intake-link-effects.md).
#
# intake is upstream of the apps that consume its rows, so it never imports them: each consuming
# app names, in its AppConfig.ready(), the function that turns linked rows of a source kind into
# its own records, with one greppable line: ``effects.on_link(SourceKind.X, handler)``.
# --------------------------------------------------------------------------------------------

LinkEffect = Callable[[list[SourceRow], Any], tuple[int, int]]
ON_LINK: dict[str, LinkEffect] = {}


def on_link(kind: str, handler: LinkEffect) -> None:
    """Register what linked rows of ``kind`` do (``handler(rows, user) -> (recorded, skipped)``)."""
    ON_LINK[kind] = handler


def apply_link_effect(kind: str, rows: list[SourceRow], user) -> tuple[int, int]:
    """Run the registered effect for ``kind``; without one, the linked rows wait (all pending)."""
    handler = ON_LINK.get(kind)
    if handler is None:
        return 0, sum(1 for r in rows if r.enterprise_id)
    return handler(rows, user)


def record_declarations(rows: list[SourceRow], user) -> tuple[int, int]:
    """Record each linked declaration-export row as a declaration (the declarations app's effect)."""
    return apply_link_effect(SourceKind.DECLARATION, rows, user)


def import_declaration_row(row: SourceRow, user) -> None:
    """Record one declaration-export row once a person has linked it (review queue)."""
    if row.batch.kind == SourceKind.DECLARATION and row.enterprise_id:
        record_declarations([row], user)

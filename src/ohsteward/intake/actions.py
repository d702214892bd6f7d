"""Writes of the intake app: ingest a file, decide review rows, undo links, merge employers.

``batch_ingest`` (in ``ingest.py``) reads and matches a whole file; the functions here are the
decisions people make afterwards, one row or one employer at a time, each audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.intake.choices import LinkMethod, RowStatus, SourceKind
from ohsteward.intake.effects import import_declaration_row, registry_updates
from ohsteward.intake.ingest import IntakeResult, batch_ingest  # noqa: F401 - re-exported: the public write API
from ohsteward.intake.models import OUTSIDE_REFERRED, SourceRow
from ohsteward.intake.queries import review_queue
from ohsteward.registry import actions as registry_actions
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.actions import enterprise_create
from ohsteward.registry.choices import RegistrationState
from ohsteward.registry.models import Enterprise, Region

if TYPE_CHECKING:
    from ohsteward.accounts.models import User

OUT_OF_SCOPE = "该用人单位不在您的管辖范围内"


def _row_in_scope(user: User | None, row: SourceRow) -> SourceRow:
    if user is not None and not SourceRow.objects.for_user(user).filter(pk=row.pk).exists():
        raise ValidationError({"row": "该来源数据行不在您的管辖范围内"})
    if user is not None and not user.has_perm("intake.change_sourcerow"):
        raise PermissionDenied("您的角色无权核对来源数据")
    return row


def _reviewable(user: User | None, row: SourceRow) -> SourceRow:
    """A review decision: the row must be in the user's review queue (a row referred to another
    jurisdiction is decided there, not by the uploader)."""
    _row_in_scope(user, row)
    if (
        user is not None
        and not review_queue(user).filter(pk=row.pk).exists()
        and row.status == RowStatus.REVIEW
    ):
        raise ValidationError({"row": OUTSIDE_REFERRED})
    return row


def _history(row: SourceRow, user: User | None, action: str, **extra: Any) -> None:
    row.history = [
        *(row.history or []),
        {
            "at": timezone.now().isoformat(timespec="seconds"),
            "user": getattr(user, "username", "系统"),
            "action": action,
            **extra,
        },
    ]


@transaction.atomic
def row_link(*, user: User | None, row: SourceRow, enterprise: Enterprise) -> SourceRow:
    """A person says: this row is about ``enterprise`` (是此单位)."""
    _reviewable(user, row)
    if row.status not in {RowStatus.REVIEW}:
        raise ValidationError({"status": "只有待人工核对的行可以关联"})
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": OUT_OF_SCOPE})
    scores = {int(c[0]): c[1] for c in row.candidates or []}
    row.enterprise = enterprise
    row.status = RowStatus.LINKED
    row.link_method = LinkMethod.MANUAL
    row.link_score = scores.get(enterprise.pk)
    row.reviewer = user if getattr(user, "pk", None) else None
    row.decided_at = timezone.now()
    row.error = ""
    _history(row, user, "link", enterprise_id=enterprise.pk, score=row.link_score)
    if row.batch.kind == SourceKind.REGISTRY:
        registry_updates([row], user)
    row.full_clean()
    row.save()
    import_declaration_row(row, user)
    return row


@transaction.atomic
def row_create_enterprise(
    *, user: User | None, row: SourceRow, district_code: str | None = None
) -> Enterprise:
    """A person says: this row is an employer not in the register yet (新建单位)."""
    _reviewable(user, row)
    if row.status != RowStatus.REVIEW:
        raise ValidationError({"status": "只有待人工核对的行可以新建单位"})
    district = district_code or row.district_id
    if not district or not Region.objects.filter(code=district, level="district").exists():
        raise ValidationError({"district": "请先选择所属区县"})
    if not registry_rules.normalize_name(row.name):
        raise ValidationError({"name": "来源数据没有单位名称，不能新建"})
    code = row.uscc if registry_rules.uscc_is_valid(row.uscc) else None
    if code and Enterprise.objects.filter(uscc=code).exists():
        # Whether the code is registered elsewhere is not told (issue 6 item 17): only that this
        # user cannot register it; an employer the user may see is named so it can be linked.
        if user is None or Enterprise.objects.for_user(user).filter(uscc=code).exists():
            raise ValidationError({"uscc": f"统一社会信用代码 {code} 已属于本辖区登记的单位，请关联该单位"})
        raise ValidationError({"uscc": f"统一社会信用代码 {code} 不能由您登记，请联系市卫生健康委核实"})
    data: dict[str, Any] = {
        "name": row.name,
        "uscc": code,
        "region_id": district,
        "town_id": row.town_id if row.town_id and row.town_id.startswith(district) else None,
        "zone_id": row.zone_id,
        "industry_id": row.industry_id if row.industry_id and len(row.industry_id) == 4 else None,
        "employees": row.employees,
        "address": (row.data or {}).get("address", "")[:200],
        "registration": (
            RegistrationState.REGISTERED
            if row.batch.kind == SourceKind.REGISTRY
            else RegistrationState.CANDIDATE
        ),
    }
    enterprise = enterprise_create(user=user, data=data)
    row.enterprise = enterprise
    row.district_id = row.district_id or district
    row.status = RowStatus.CREATED
    row.link_method = LinkMethod.NEW
    row.reviewer = user if getattr(user, "pk", None) else None
    row.decided_at = timezone.now()
    _history(row, user, "create", enterprise_id=enterprise.pk)
    row.save()
    import_declaration_row(row, user)
    return enterprise


@transaction.atomic
def row_reject(*, user: User | None, row: SourceRow, reason: str = "") -> SourceRow:
    """A person says: this row is not about any employer we keep (驳回)."""
    _reviewable(user, row)
    if row.status != RowStatus.REVIEW:
        raise ValidationError({"status": "只有待人工核对的行可以驳回"})
    row.status = RowStatus.REJECTED
    row.error = f"人工驳回：{reason.strip()}" if reason and reason.strip() else "人工驳回"
    row.reviewer = user if getattr(user, "pk", None) else None
    row.decided_at = timezone.now()
    _history(row, user, "reject", reason=reason)
    row.save()
    return row


@transaction.atomic
def row_unlink(*, user: User | None, row: SourceRow) -> SourceRow:
    """Undo a link (automatic or manual): the row goes back to the review queue.

    An employer that this row created stays in the register; when no other row supports it
    any more it shows up in ``candidates_without_evidence`` for a person to confirm or merge.
    """
    _row_in_scope(user, row)
    if row.status not in {RowStatus.LINKED, RowStatus.CREATED} or row.enterprise_id is None:
        raise ValidationError({"status": "该行没有关联用人单位"})
    if user is not None and not Enterprise.objects.for_user(user).filter(pk=row.enterprise_id).exists():
        raise ValidationError({"enterprise": OUT_OF_SCOPE})
    previous, method, score = row.enterprise_id, row.link_method, row.link_score
    candidates = [c for c in row.candidates or [] if int(c[0]) != previous]
    row.candidates = [[previous, score if score is not None else 0.0], *candidates]
    row.enterprise = None
    row.status = RowStatus.REVIEW
    row.link_method = ""
    row.link_score = None
    row.reviewer = user if getattr(user, "pk", None) else None
    row.decided_at = timezone.now()
    row.data = {**(row.data or {}), "review_reason": "已取消关联"}
    _history(row, user, "unlink", enterprise_id=previous, method=method, score=score)
    row.save()
    return row


def candidates_without_evidence():
    """Candidate employers (created from source lists) that no linked source row supports any more."""
    supported = SourceRow.objects.filter(
        enterprise__isnull=False, status__in=[RowStatus.LINKED, RowStatus.CREATED]
    ).values("enterprise_id")
    return Enterprise.objects.filter(registration=RegistrationState.CANDIDATE).exclude(pk__in=supported)


@transaction.atomic
def enterprise_merge(*, user: User | None, keep: Enterprise, merge: Enterprise) -> dict[str, int]:
    """Merge two employers in the register (``registry.actions.enterprise_merge``) and let the
    review rows that offered the merged employer as a candidate offer the kept one."""
    merged_pk = merge.pk
    moved = registry_actions.enterprise_merge(user=user, keep=keep, merge=merge)
    text = SourceRow.objects.filter(status=RowStatus.REVIEW).annotate(text=Cast("candidates", TextField()))
    for row in text.filter(text__contains=f"[{merged_pk},"):
        row.candidates = [[keep.pk if int(c[0]) == merged_pk else c[0], c[1]] for c in row.candidates]
        row.save(update_fields=["candidates"])
    return moved


def row_for_user_or_404(user: User | None, pk: int) -> SourceRow:
    return access.get_for_user_or_404(SourceRow.objects.select_related("batch"), user, pk=pk)

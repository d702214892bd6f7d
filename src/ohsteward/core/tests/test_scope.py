"""Scope of the audit trail (generated: ohsteward.accounts.tests.scope): city administrators see
every entry, district administrators the entries of their district, town or zone; nobody else."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from ohsteward.accounts.tests.scope import ALL, IN_YUBEI, ScopeCase, ScopeSuite
from ohsteward.core.models import AuditLog
from ohsteward.registry import actions
from ohsteward.registry.models import Workplace


def _entry(world, employer) -> AuditLog:
    """The audit entry of creating a workplace of ``employer`` (the suite builds rows under an audit context)."""
    workplace = actions.workplace_create(user=None, enterprise=employer, name="审计车间")
    return AuditLog.objects.get(
        content_type=ContentType.objects.get_for_model(Workplace), object_id=str(workplace.pk)
    )


AUDIT_VISIBLE = {
    "city": ALL,
    "yubei": IN_YUBEI,
    "wanzhou": {"wanzhou"},
    "town": {"yubei"},  # the entries of employers in the town
    "zone": {"liangjiang"},  # the entries carrying the zone
}


class TestAuditScope(ScopeSuite):
    cases = [ScopeCase(AuditLog, make=_entry, visible=AUDIT_VISIBLE)]

import pytest

from ohsteward.core.audit import audit_context
from ohsteward.core.models import AuditLog
from ohsteward.registry.actions import enterprise_update


@pytest.mark.django_db
def test_update_is_audited_with_actor_and_old_new(cast, enterprises):
    e = enterprises["yubei"]
    with audit_context(cast["yubei"], "web"):
        enterprise_update(user=cast["yubei"], enterprise=e, data={"employees": 77})
    log = AuditLog.objects.filter(action="update", enterprise_id=e.pk).get()
    assert log.user == cast["yubei"] and log.source == "web"
    assert log.changes["employees"] == [50, 77]
    assert log.district_code == "500112"


@pytest.mark.django_db
def test_audit_trail_is_scoped(cast, enterprises):
    with audit_context(cast["city"], "web"):
        for e in enterprises.values():
            enterprise_update(user=cast["city"], enterprise=e, data={"address": "新地址"})
    yubei_logs = AuditLog.objects.for_user(cast["yubei"]).filter(action="update")
    assert {log.enterprise_id for log in yubei_logs} == {enterprises["yubei"].pk, enterprises["yubei2"].pk}
    assert AuditLog.objects.for_user(cast["city"]).filter(action="update").count() == 3
    assert not AuditLog.objects.for_user(cast["cdc"]).exists()
    assert not AuditLog.objects.for_user(cast["manager"]).exists()


@pytest.mark.django_db
def test_rows_inserted_in_bulk_hold_what_record_saves(cast, enterprises):
    from ohsteward.core import audit

    e = enterprises["yubei"]
    assert audit.created_changes(e) == audit.diff(None, audit.snapshot(e))
    with audit_context(cast["yubei"], "import"):
        saved = audit.record(e, "create", audit.created_changes(e))
        audit.insert_entries([audit.entry_row(e, "create", audit.created_changes(e))])
    bulk = AuditLog.objects.filter(pk__gt=saved.pk, content_type=saved.content_type).get(object_id=str(e.pk))
    fields = ["user_id", "user_repr", "action", "content_type_id", "object_id", "object_repr", "changes",
              "district_code", "zone_code", "enterprise_id", "source"]  # fmt: skip
    assert [getattr(bulk, f) for f in fields] == [getattr(saved, f) for f in fields]
    assert bulk.user == cast["yubei"] and bulk.source == "import" and bulk.timestamp is not None

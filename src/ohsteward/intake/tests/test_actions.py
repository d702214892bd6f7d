"""Review decisions, unlinking and merging employers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from ohsteward.core.models import AuditLog
from ohsteward.declarations.actions import declaration_import
from ohsteward.intake import actions
from ohsteward.intake.actions import enterprise_merge
from ohsteward.intake.choices import LinkMethod, RowStatus, SourceKind
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.tests.factories import SourceBatchFactory, SourceRowFactory
from ohsteward.registry.choices import RegistrationState
from ohsteward.registry.models import Enterprise, Workplace
from ohsteward.registry.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_link_a_review_row_to_a_candidate(cast, enterprises):
    e = enterprises["yubei"]
    row = SourceRowFactory(candidates=[[e.pk, 0.78]])
    actions.row_link(user=cast["yubei"], row=row, enterprise=e)
    row.refresh_from_db()
    assert (row.status, row.enterprise, row.link_method, row.link_score) == (
        RowStatus.LINKED,
        e,
        LinkMethod.MANUAL,
        0.78,
    )
    assert row.reviewer == cast["yubei"] and row.decided_at is not None
    assert row.history[-1]["action"] == "link"
    assert AuditLog.objects.filter(object_id=str(row.pk), content_type__model="sourcerow").exists()


def test_district_officer_cannot_decide_another_districts_row(cast, enterprises):
    row = SourceRowFactory(district_id="500101")
    with pytest.raises(ValidationError):
        actions.row_link(user=cast["yubei"], row=row, enterprise=enterprises["yubei"])
    row = SourceRowFactory()
    with pytest.raises(ValidationError):  # the employer is outside the officer's district
        actions.row_link(user=cast["yubei"], row=row, enterprise=enterprises["wanzhou"])


def test_create_enterprise_from_a_review_row(cast):
    row = SourceRowFactory(name="重庆评审新建有限公司", uscc="")
    e = actions.row_create_enterprise(user=cast["yubei"], row=row)
    row.refresh_from_db()
    assert (row.status, row.enterprise, row.link_method) == (RowStatus.CREATED, e, LinkMethod.NEW)
    assert (e.registration, e.region_id) == (RegistrationState.CANDIDATE, "500112")


def test_create_needs_a_district(cast):
    row = SourceRowFactory(district_id=None)
    with pytest.raises(ValidationError, match="请先选择所属区县"):
        actions.row_create_enterprise(user=cast["city"], row=row)
    e = actions.row_create_enterprise(user=cast["city"], row=row, district_code="500101")
    assert e.region_id == "500101"


def test_reject_a_review_row(cast):
    row = actions.row_reject(user=cast["yubei"], row=SourceRowFactory(), reason="个体户，非用人单位")
    assert (row.status, row.error) == (RowStatus.REJECTED, "人工驳回：个体户，非用人单位")
    with pytest.raises(ValidationError):
        actions.row_reject(user=cast["yubei"], row=row)


def test_unlink_puts_the_row_back_and_flags_the_unsupported_candidate(ingest, cast):
    headers = ["用人单位名称", "所属区县", "体检日期"]
    result = ingest(SourceKind.EXAM, headers, [["重庆取消关联测试有限公司", "渝北区", "2024-05-01"]])
    row = result.batch.rows.get()
    created = row.enterprise
    assert created.registration == RegistrationState.CANDIDATE
    assert not actions.candidates_without_evidence().filter(pk=created.pk).exists()
    actions.row_unlink(user=cast["yubei"], row=row)
    row.refresh_from_db()
    assert (row.status, row.enterprise, row.link_method) == (RowStatus.REVIEW, None, "")
    assert row.candidates[0][0] == created.pk and row.history[-1]["method"] == "new"
    assert Enterprise.objects.filter(pk=created.pk).exists()  # the employer stays …
    assert actions.candidates_without_evidence().filter(pk=created.pk).exists()  # … flagged
    with pytest.raises(ValidationError):
        actions.row_unlink(user=cast["yubei"], row=row)


def test_merge_moves_every_record_records_former_names_and_audits(cast, enterprises):
    keep = enterprises["yubei"]
    dup = EnterpriseFactory(name="渝北示例机械厂", uscc=None, employees=None, address="渝北区某路1号")
    rows = [SourceRowFactory(enterprise=dup, status=RowStatus.LINKED) for _ in range(2)]
    review = SourceRowFactory(candidates=[[dup.pk, 0.8]])
    Workplace.objects.create(enterprise=dup, name="一车间")
    Workplace.objects.create(enterprise=keep, name="一车间")  # the same workplace on both: a duplicate
    Workplace.objects.create(enterprise=dup, name="二车间")
    moved = actions.enterprise_merge(user=cast["city"], keep=keep, merge=dup)
    assert not Enterprise.objects.filter(pk=dup.pk).exists()
    assert all(SourceRow.objects.get(pk=r.pk).enterprise_id == keep.pk for r in rows)
    assert moved["intake.sourcerow"] == 2 and moved["registry.workplace"] == 1
    assert moved["registry.workplace (重复，已删除)"] == 1
    assert sorted(Workplace.objects.filter(enterprise=keep).values_list("name", flat=True)) == [
        "一车间",
        "二车间",
    ]
    keep.refresh_from_db()
    assert "渝北示例机械厂" in keep.former_names
    review.refresh_from_db()
    assert review.candidates == [[keep.pk, 0.8]]
    log = AuditLog.objects.filter(object_id=str(keep.pk), changes__has_key="merged_from").get()
    assert log.user == cast["city"] and "渝北示例机械厂" in log.changes["merged_from"][0]
    assert AuditLog.objects.filter(object_id=str(dup.pk), action="delete").exists()


def test_merge_moves_declarations_too(cast, enterprises):
    keep, dup = enterprises["yubei"], enterprises["yubei2"]
    declaration = declaration_import(
        user=None,
        enterprise=dup,
        receipt_no="R-1",
        kind="initial",
        declared_on=dt.date(2024, 5, 1),
        employees=10,
        exposed_total=2,
        hazards=[],
        principal="",
        hygiene_manager="",
    )
    actions.enterprise_merge(user=cast["city"], keep=keep, merge=dup)
    declaration.refresh_from_db()
    assert declaration.enterprise_id == keep.pk


def test_merge_is_refused_outside_scope_and_with_itself(cast, enterprises):
    with pytest.raises(ValidationError):
        actions.enterprise_merge(user=cast["yubei"], keep=enterprises["yubei"], merge=enterprises["wanzhou"])
    with pytest.raises(ValidationError):
        actions.enterprise_merge(user=cast["city"], keep=enterprises["yubei"], merge=enterprises["yubei"])


def test_row_scope(cast, enterprises):
    batch = SourceBatchFactory(uploaded_by=cast["city"])
    in_yubei = SourceRowFactory(batch=batch, district_id="500112")
    linked_to_yubei = SourceRowFactory(
        batch=batch, district_id=None, enterprise=enterprises["yubei"], status=RowStatus.LINKED
    )
    in_wanzhou = SourceRowFactory(batch=batch, district_id="500101")
    assert set(SourceRow.objects.for_user(cast["yubei"])) == {in_yubei, linked_to_yubei}
    assert set(SourceRow.objects.for_user(cast["cdc"])) == {in_yubei, linked_to_yubei, in_wanzhou}
    assert not SourceRow.objects.for_user(cast["manager"]).exists()  # tip-offs are never shown to employers

    assert SourceBatch.objects.for_user(cast["yubei"]).get() == batch
    other = SourceBatchFactory(uploaded_by=cast["city"])
    SourceRowFactory(batch=other, district_id="500101")
    assert not SourceBatch.objects.for_user(cast["yubei"]).filter(pk=other.pk).exists()


def test_merge_does_not_hand_a_manager_account_to_the_kept_employer(cast, enterprises):
    """Review M2: the merged employer's manager must not gain the kept employer's data."""

    keep, merge = enterprises["yubei2"], enterprises["yubei"]  # the manager belongs to "yubei"
    Workplace.objects.create(enterprise=merge, name="喷涂车间")
    enterprise_merge(user=cast["yubei"], keep=keep, merge=merge)
    manager = type(cast["manager"]).objects.get(pk=cast["manager"].pk)
    assert manager.assignment is None
    assert not Enterprise.objects.for_user(manager).exists()
    # the moved workplace has an audit row of its own, and the deleted assignment is audited
    wp = Workplace.objects.get(name="喷涂车间")
    assert wp.enterprise == keep
    assert AuditLog.objects.filter(
        object_id=str(wp.pk), action="update", changes__merged_into__1=keep.name
    ).exists()
    assert AuditLog.objects.filter(content_type__model="roleassignment", action="delete").exists()


def test_creating_an_employer_with_another_districts_code_does_not_say_it_is_registered(cast, enterprises):
    """Issue 6 item 17: the message tells only that this user cannot register the code."""
    wanzhou = enterprises["wanzhou"]
    row = SourceRowFactory(batch=SourceBatchFactory(uploaded_by=cast["yubei"]), uscc=wanzhou.uscc)
    with pytest.raises(ValidationError) as caught:
        actions.row_create_enterprise(user=cast["yubei"], row=row)
    text = " ".join(caught.value.messages)
    assert (
        "不能由您登记" in text and "已登记" not in text and "已属于" not in text and wanzhou.name not in text
    )
    yubei = enterprises["yubei"]
    own = SourceRowFactory(batch=SourceBatchFactory(uploaded_by=cast["yubei"]), uscc=yubei.uscc)
    with pytest.raises(ValidationError, match="本辖区"):
        actions.row_create_enterprise(user=cast["yubei"], row=own)


def test_a_referred_row_is_decided_by_the_employers_district_not_by_the_uploader(cast, enterprises):
    wanzhou = enterprises["wanzhou"]
    row = SourceRowFactory(
        batch=SourceBatchFactory(uploaded_by=cast["yubei"]),
        referred_to_id="500101",
        candidates=[[wanzhou.pk, 1.0]],
    )
    for decide in (
        lambda: actions.row_reject(user=cast["yubei"], row=row),
        lambda: actions.row_create_enterprise(user=cast["yubei"], row=row),
    ):
        with pytest.raises(ValidationError, match="已转市级核实"):
            decide()
    actions.row_link(user=cast["wanzhou"], row=row, enterprise=wanzhou)
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        actions.row_unlink(user=cast["yubei"], row=row)

"""Self-inspection evidence pre-filled from the records the system has (issue 13 item 2): the
declaration, the latest detection report, the exams and the year's training records (standing per
role with hours and the rate, sessions, other records) — each a link to the record; the manager
removes and adds links and files while the draft is open."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from ohsteward.declarations.tests.factories import DeclarationFactory
from ohsteward.monitoring.models import DetectionReport
from ohsteward.stewardship.training import actions as training
from ohsteward.supervision import actions, evidence
from ohsteward.supervision.models import AnswerEvidence, AnswerRecord, StoredBlob

pytestmark = pytest.mark.django_db


def _train(enterprise, today):
    """A principal trained as required, a manager not, two exposed workers at one session."""
    training.trainee_add(user=None, enterprise=enterprise, name="张总", role="principal",
                         started_on=today - dt.timedelta(days=800))  # fmt: skip
    training.trainee_add(user=None, enterprise=enterprise, name="李管", role="manager",
                         started_on=today - dt.timedelta(days=800))  # fmt: skip
    for day in (dt.date(today.year - 1, 6, 1), today):
        training.record_add(user=None, enterprise=enterprise, name="张总", role="principal", hours=8,
                            trained_on=day, course="继续教育")  # fmt: skip
    training.record_add(user=None, enterprise=enterprise, name="张总", role="principal", hours=16,
                        trained_on=today - dt.timedelta(days=790), course="初次培训")  # fmt: skip
    return training.session_create(
        user=None, held_on=today, topic="防尘防噪声", trainer="王医生", hours=4, mode="onsite",
        enterprises=[enterprise],
        people=[{"name": "工人甲", "role": "exposed"}, {"name": "工人乙", "role": "exposed"}],
    )  # fmt: skip


def _records(inspection, hint):
    return list(AnswerRecord.objects.filter(answer__inspection=inspection, answer__item__evidence_hint=hint))


def test_training_items_are_prefilled_with_the_years_training_per_role(cast, enterprises):
    today = timezone.localdate()
    yubei = enterprises["yubei"]
    session = _train(yubei, today)
    inspection = actions.self_inspection_start(user=cast["manager"], enterprise=yubei, on=today)

    managers = _records(inspection, "training_managers")
    standing = managers[0]
    assert standing.url.endswith(f"?enterprise={yubei.pk}") and standing.added_by is None
    assert "主要负责人 1/1 人达标，每年 8 学时" in standing.label
    assert "职业卫生管理人员 0/1 人达标" in standing.label and "培训率 50%" in standing.label
    assert "未核对" in standing.label  # the training rules are not verified
    # the session had only exposed workers: not evidence for the managers' item; the principal's
    # own course of this year is
    assert all(r.url != session.get_absolute_url() for r in managers)
    assert any("其他培训记录 1 条" in r.label and "8 学时" in r.label for r in managers)

    workers = _records(inspection, "training_workers")
    # 4 hours at the session, short of the 8 before taking the post (training rules v1)
    assert "接害劳动者 0/2 人达标，每年 4 学时" in workers[0].label and "培训率 0%" in workers[0].label
    linked = next(r for r in workers if r.url == session.get_absolute_url())
    assert "防尘防噪声" in linked.label and "4学时" in linked.label and "本单位参训 2 人" in linked.label


def test_an_employer_without_training_on_record_gets_no_training_link(cast, enterprises):
    today = timezone.localdate()
    inspection = actions.self_inspection_start(
        user=cast["manager"], enterprise=enterprises["yubei"], on=today
    )
    assert _records(inspection, "training_managers") == [] == _records(inspection, "training_workers")
    page = _client(cast["manager"]).get(inspection.get_absolute_url()).content.decode()
    assert "系统中暂无可引用的记录（无数据）" in page


def test_declaration_detection_and_a_generic_training_hint_are_prefilled(cast, enterprises, two_institutions):
    today = timezone.localdate()
    yubei = enterprises["yubei"]
    declaration = DeclarationFactory(enterprise=yubei, declared_on=today - dt.timedelta(days=3))
    DetectionReport.objects.create(
        enterprise=yubei,
        institution=two_institutions["a"],
        number="JC-2026-001",
        kind="periodic",
        sampling_start=today - dt.timedelta(days=9),
    )
    _train(yubei, today)
    inspection = actions.self_inspection_start(user=cast["manager"], enterprise=yubei, on=today)
    (cited,) = _records(inspection, "declaration")
    assert declaration.receipt_no in cited.label and cited.url.endswith(f"/{declaration.pk}/")
    (report,) = _records(inspection, "detection")
    assert "JC-2026-001" in report.label
    # a loaded checklist may use the generic hint: every role's training
    every = evidence.records_for(yubei, "training", today)
    assert "主要负责人" in every[0].label and "接害劳动者" in every[0].label


def test_the_manager_removes_adds_and_refills_links_and_removes_files(cast, enterprises):
    today = timezone.localdate()
    yubei, manager = enterprises["yubei"], cast["manager"]
    _train(yubei, today)
    inspection = actions.self_inspection_start(user=manager, enterprise=yubei, on=today)
    code = inspection.answers.get(item__evidence_hint="training_workers").item.code
    prefilled = _records(inspection, "training_workers")
    for r in prefilled:
        actions.self_inspection_record_remove(user=manager, inspection=inspection, record_id=r.pk)
    assert _records(inspection, "training_workers") == []
    added = actions.self_inspection_record_add(
        user=manager, inspection=inspection, code=code, label="岗前培训签到表", url="/stewardship/training/"
    )
    assert added.added_by == manager
    with pytest.raises(ValidationError, match="本系统内"):
        actions.self_inspection_record_add(
            user=manager, inspection=inspection, code=code, label="外链", url="https://example.com/x"
        )
    with pytest.raises(ValidationError, match="已引用"):
        actions.self_inspection_record_add(
            user=manager, inspection=inspection, code=code, label="重复", url="/stewardship/training/"
        )
    back = actions.self_inspection_record_refill(user=manager, inspection=inspection, code=code, on=today)
    assert len(back) == len(prefilled)
    assert (
        actions.self_inspection_record_refill(user=manager, inspection=inspection, code=code, on=today) == []
    )

    pdf = SimpleUploadedFile("签到表.pdf", b"%PDF-1.4 x")
    actions.self_inspection_answer(user=manager, inspection=inspection, code=code, points=1, files=[pdf])
    file = AnswerEvidence.objects.get(answer__inspection=inspection)
    actions.self_inspection_evidence_remove(user=manager, inspection=inspection, evidence_id=file.pk)
    assert not AnswerEvidence.objects.exists() and not StoredBlob.objects.exists()


def test_evidence_cannot_change_once_submitted_or_out_of_scope(cast, enterprises):
    today = timezone.localdate()
    yubei, manager = enterprises["yubei"], cast["manager"]
    DeclarationFactory(enterprise=yubei, declared_on=today - dt.timedelta(days=3))
    inspection = actions.self_inspection_start(user=manager, enterprise=yubei, on=today)
    for answer in inspection.answers.select_related("item"):
        actions.self_inspection_answer(user=manager, inspection=inspection, code=answer.item.code,
                                       points=answer.item.points)  # fmt: skip
    actions.self_inspection_submit(user=manager, inspection=inspection, on=today)
    (cited,) = _records(inspection, "declaration")
    with pytest.raises(ValidationError, match="已提交"):
        actions.self_inspection_record_remove(user=manager, inspection=inspection, record_id=cited.pk)
    assert AnswerRecord.objects.filter(pk=cited.pk).exists()
    # a record of another self-inspection is "not found", not removed
    with pytest.raises(ValidationError, match="不存在"):
        other = actions.self_inspection_start(
            user=cast["wanzhou"], enterprise=enterprises["wanzhou"], on=today
        )
        actions.self_inspection_record_remove(user=manager, inspection=other, record_id=cited.pk)


def _client(user):
    c = Client()
    c.force_login(user)
    return c


def test_the_page_lists_links_and_the_manager_removes_one_on_it(cast, enterprises):
    today = timezone.localdate()
    yubei, manager = enterprises["yubei"], cast["manager"]
    session = _train(yubei, today)
    inspection = actions.self_inspection_start(user=manager, enterprise=yubei, on=today)
    page = _client(manager).get(inspection.get_absolute_url()).content.decode()
    assert session.get_absolute_url() in page and "本单位参训 2 人" in page
    record = next(r for r in _records(inspection, "training_workers") if r.url == session.get_absolute_url())
    assert f'id="remove-record-{record.pk}"' in page
    response = _client(manager).post(
        f"/supervision/self-inspections/{inspection.pk}/evidence/edit/",
        {"op": "record_remove", "record": record.pk, "code": "9.2"},
    )
    assert response.status_code == 302 and not AnswerRecord.objects.filter(pk=record.pk).exists()
    # another district's officer: the self-inspection is out of scope → 404, nothing removed
    other = _records(inspection, "training_workers")[0]
    response = _client(cast["wanzhou"]).post(
        f"/supervision/self-inspections/{inspection.pk}/evidence/edit/",
        {"op": "record_remove", "record": other.pk},
    )
    assert response.status_code == 404 and AnswerRecord.objects.filter(pk=other.pk).exists()


def test_the_api_lists_records_and_adds_and_removes_them(cast, enterprises):
    today = timezone.localdate()
    yubei, manager = enterprises["yubei"], cast["manager"]
    _train(yubei, today)
    inspection = actions.self_inspection_start(user=manager, enterprise=yubei, on=today)
    c = APIClient()
    c.force_authenticate(manager)
    body = c.get(f"/api/v1/self-inspections/{inspection.pk}/").json()
    workers = next(a for a in body["answers"] if a["code"] == "9.2")
    assert workers["records"] and all(
        r["prefilled"] and r["kind"] == "training_workers" for r in workers["records"]
    )
    gone = workers["records"][0]["id"]
    body = c.post(
        f"/api/v1/self-inspections/{inspection.pk}/remove-record/", {"id": gone}, format="json"
    ).json()
    assert gone not in [r["id"] for a in body["answers"] for r in a["records"]]
    response = c.post(
        f"/api/v1/self-inspections/{inspection.pk}/add-record/",
        {"code": "9.2", "label": "签到表", "url": "https://evil.example/"},
        format="json",
    )
    assert response.status_code == 400 and "本系统内" in response.content.decode()

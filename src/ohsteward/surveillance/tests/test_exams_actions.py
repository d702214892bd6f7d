"""Exam results and the work they open, with the clock controlled (``set_today``): recording,
the refusals (nothing saved), recheck/reassignment tasks, cases and their §13 time limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ohsteward.core import facts
from ohsteward.hazards.models import OccupationalDisease
from ohsteward.surveillance import actions as worker_actions
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.facts import exams_done
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamResult, SurveillanceTask
from ohsteward.surveillance.tests.exam_helpers import (
    TODAY,
    exam_institution,
    factor,
    make_post,
    make_worker,
    place,
    set_today,
)

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)
    return monkeypatch


EXAM_DAY = D(2026, 5, 4)


def _record(user, worker, institution, results, *, date=EXAM_DAY, kind="periodic"):
    return actions.exam_record(
        user=user, worker=worker, date=date, kind=kind, institution=institution, results=results
    )


def test_an_exam_with_three_conclusions_opens_a_recheck_and_a_reassignment(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    exam = _record(
        cast["institution"],
        worker,
        clinic,
        [
            {
                "factor": factor("噪声"),
                "conclusion": "b",
                "recheck_items": "纯音测听",
                "recheck_by": D(2026, 6, 4),
            },
            {"factor": factor("苯"), "conclusion": "d", "items": "血常规白细胞持续低于4×10⁹/L"},
            {"factor": factor("矽尘"), "conclusion": "a"},
        ],
    )
    assert [r.conclusion for r in exam.results.order_by("pk")] == ["b", "d", "a"]
    tasks = {t.kind: t for t in SurveillanceTask.objects.filter(worker=worker)}
    assert set(tasks) == {"recheck", "reassignment"}
    assert tasks["recheck"].due_on == D(2026, 6, 4) and tasks["recheck"].note == "纯音测听"
    assert tasks["reassignment"].due_on == TODAY + dt.timedelta(days=30)  # deadlines.REASSIGNMENT, 未核对
    assert tasks["reassignment"].status_on(TODAY) == "open"
    counts = actions.batch_summary(exam.batch)
    assert (counts["examined"], counts["recheck"], counts["contraindication"], counts["normal"]) == (
        1,
        1,
        1,
        0,
    )


def test_the_recheck_result_closes_the_recheck_task_and_overdue_before(cast, enterprises, clinic, clock):
    worker = make_worker(enterprises["yubei"])
    noise = factor("噪声")
    _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": noise, "conclusion": "b", "items": "高频听阈升高", "recheck_by": D(2026, 6, 4)}],
    )
    task = SurveillanceTask.objects.get(worker=worker, kind="recheck")
    assert SurveillanceTask.objects.with_status("overdue", D(2026, 6, 5)).filter(pk=task.pk).exists()
    set_today(clock, D(2026, 6, 10))
    later = _record(
        cast["institution"], worker, clinic, [{"factor": noise, "conclusion": "a"}], date=D(2026, 6, 8)
    )
    task.refresh_from_db()
    assert task.closed_on == D(2026, 6, 8) and task.closed_by == later.results.get()
    assert task.status_on(D(2026, 7, 1)) == "closed"


def test_recording_an_exam_updates_the_next_due_date(cast, enterprises, clinic, monkeypatch):
    worker = make_worker(enterprises["yubei"])
    called = []
    monkeypatch.setattr(
        worker_actions, "worker_recompute_due", lambda *, worker, **kw: called.append(worker.pk)
    )
    _record(cast["institution"], worker, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    assert called == [worker.pk]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"date": TODAY + dt.timedelta(days=1)}, "date", "不能晚于今天"),
        ({"date": D(1985, 6, 14)}, "date", "不能早于出生日期"),
        ({"conclusion": "f"}, "conclusion", "结论应为 a"),
        ({"conclusion": "b"}, "recheck_by", "复查期限"),
        ({"factor": None}, "factor", "未知的危害因素"),
    ],
)
def test_bad_input_is_refused_and_nothing_saved(cast, enterprises, clinic, change, field, message):
    worker = make_worker(enterprises["yubei"])
    result = {"factor": factor("噪声"), "conclusion": "a", **{k: v for k, v in change.items() if k != "date"}}
    with pytest.raises(ValidationError) as error:
        _record(cast["institution"], worker, clinic, [result], date=change.get("date", D(2026, 5, 4)))
    assert field in error.value.message_dict and message in str(error.value.message_dict[field])
    assert not Exam.objects.exists() and not SurveillanceTask.objects.exists()


def test_the_same_exam_uploaded_twice_is_refused(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    results = [{"factor": factor("噪声"), "conclusion": "a"}]
    _record(cast["institution"], worker, clinic, results)
    with pytest.raises(ValidationError) as error:
        _record(cast["institution"], worker, clinic, results)
    assert "请勿重复上传" in str(error.value)
    assert ExamResult.objects.count() == 1


def test_another_institution_cannot_upload_the_same_exam(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    _record(cast["institution"], worker, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    other = exam_institution("重庆另一体检中心", 88880009)
    with pytest.raises(ValidationError) as error:
        _record(None, worker, other, [{"factor": factor("苯"), "conclusion": "a"}])
    assert "其他机构" in str(error.value)


def test_a_worker_outside_the_institutions_clients_is_refused(cast, enterprises, clinic):
    worker = make_worker(enterprises["wanzhou"])
    with pytest.raises(ValidationError) as error:
        _record(cast["institution"], worker, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    assert "不在您的服务范围内" in str(error.value)


def test_staff_upload_only_as_their_own_institution(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    with pytest.raises(PermissionDenied):
        _record(
            cast["institution"],
            worker,
            exam_institution("重庆别家体检中心", 88880010),
            [{"factor": factor("噪声"), "conclusion": "a"}],
        )


def test_a_suspected_disease_is_a_case_tracked_to_its_deadlines(
    cast, enterprises, clinic, diagnosis_centre, clock
):
    worker = make_worker(enterprises["yubei"])
    exam = _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": factor("矽尘"), "conclusion": "c", "items": "胸片可见小阴影"}],
    )
    case = DiseaseCase.objects.get(worker=worker)
    assert (case.status, case.found_on, case.employer_notified_on) == ("referred", exam.date, TODAY)
    diagnosis = SurveillanceTask.objects.get(worker=worker, kind="diagnosis")
    actions.case_refer(user=cast["yubei"], case=case, institution=diagnosis_centre, on=D(2026, 5, 8))
    silicosis = OccupationalDisease.objects.in_force(D(2026, 5, 9)).filter(name__contains="矽肺").first()
    assert silicosis is not None
    set_today(clock, D(2026, 5, 12))
    actions.case_diagnose(
        user=cast["cdc"], case=case, outcome="confirmed", diagnosed_on=D(2026, 5, 9), disease=silicosis,
        stage="壹期", certificate_number="渝职诊〔2026〕12号", certificate_issued_on=D(2026, 5, 10),
    )  # fmt: skip
    diagnosis.refresh_from_db()
    assert diagnosis.closed_on == D(2026, 5, 9)
    case.refresh_from_db()
    assert case.status == "diagnosed"
    assert [d.status for d in case.deadlines_on(D(2026, 5, 24))] == ["open", "open", "open"]
    assert [d.status for d in case.deadlines_on(D(2026, 5, 25))] == ["open", "overdue", "open"]
    # 15 days after issue (05-10) the certificate is overdue; after the diagnosis (05-09) the report
    assert [d.status for d in case.deadlines_on(D(2026, 5, 26))] == ["overdue", "overdue", "open"]
    assert DiseaseCase.objects.overdue(D(2026, 5, 26)).filter(pk=case.pk).exists()
    set_today(clock, D(2026, 5, 28))
    actions.case_record_dates(
        user=cast["yubei"],
        case=case,
        data={"certificate_delivered_on": D(2026, 5, 27), "reported_on": D(2026, 5, 20)},
    )
    case.refresh_from_db()
    assert case.status == "closed"
    late = case.deadlines_on(D(2026, 5, 28))
    assert (late[0].status, late[0].late, late[1].late) == ("closed", True, False)
    assert not DiseaseCase.objects.overdue(D(2026, 5, 28)).filter(pk=case.pk).exists()


def test_a_disease_outside_the_catalogue_in_force_is_refused(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": factor("矽尘"), "conclusion": "c", "items": "小阴影"}],
    )
    case = DiseaseCase.objects.get()
    old = OccupationalDisease.objects.exclude(
        pk__in=OccupationalDisease.objects.in_force(D(2026, 5, 9))
    ).first()
    if old is None:
        pytest.skip("only one catalogue edition is loaded")
    with pytest.raises(ValidationError) as error:
        actions.case_diagnose(
            user=None, case=case, outcome="confirmed", diagnosed_on=D(2026, 5, 9), disease=old,
            certificate_number="X1", certificate_issued_on=D(2026, 5, 9),
        )  # fmt: skip
    assert "不在诊断日期施行" in str(error.value)


def test_only_the_diagnosis_institution_referred_to_records_the_diagnosis(
    cast, enterprises, clinic, diagnosis_centre
):
    worker = make_worker(enterprises["yubei"])
    _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": factor("矽尘"), "conclusion": "c", "items": "小阴影"}],
    )
    case = DiseaseCase.objects.get()
    actions.case_refer(user=None, case=case, institution=diagnosis_centre, on=D(2026, 5, 8))
    with pytest.raises(PermissionDenied):
        actions.case_diagnose(
            user=cast["institution"], case=case, outcome="excluded", diagnosed_on=D(2026, 5, 9)
        )


def test_a_reassignment_must_leave_the_factor_and_an_exposed_worker_after_the_deadline_is_an_alert(
    cast, enterprises, clinic, clock
):
    e = enterprises["yubei"]
    worker = make_worker(e)
    place(worker, make_post(e, "喷漆工", "苯"))
    _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": factor("苯"), "conclusion": "d", "items": "再生障碍性贫血"}],
    )
    task = SurveillanceTask.objects.get(worker=worker, kind="reassignment")
    assert not SurveillanceTask.objects.still_exposed(TODAY).exists()
    assert (
        SurveillanceTask.objects.still_exposed(task.due_on + dt.timedelta(days=1)).filter(pk=task.pk).exists()
    )
    with pytest.raises(ValidationError) as error:
        actions.reassignment_record(
            user=cast["manager"], task=task, on=TODAY, post=make_post(e, "调漆工", "苯", "噪声")
        )
    assert "仍接触苯" in str(error.value)
    with pytest.raises(ValidationError):
        actions.reassignment_record(user=cast["manager"], task=task, on=TODAY)  # still on the exposed post
    actions.reassignment_record(user=cast["manager"], task=task, on=TODAY, post=make_post(e, "仓管员"))
    task.refresh_from_db()
    assert task.closed_on == TODAY and task.new_post.name == "仓管员"
    assert not actions.exposed_posts(worker, factor("苯").pk).exists()
    assert (
        not SurveillanceTask.objects.still_exposed(task.due_on + dt.timedelta(days=1))
        .filter(closed_on__isnull=True)
        .exists()
    )


def test_another_employer_cannot_record_the_reassignment(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei2"])
    _record(
        cast["institution"], worker, clinic, [{"factor": factor("苯"), "conclusion": "d", "items": "贫血"}]
    )
    task = SurveillanceTask.objects.get()
    with pytest.raises(PermissionDenied):
        actions.reassignment_record(user=cast["manager"], task=task, on=TODAY)


def test_other_disease_is_a_note_and_opens_no_task(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    _record(
        cast["institution"],
        worker,
        clinic,
        [{"factor": factor("噪声"), "conclusion": "e", "items": "脂肪肝"}],
    )
    assert not SurveillanceTask.objects.exists() and not DiseaseCase.objects.exists()


def test_the_batch_expected_counts_workers_due_but_not_examined(cast, enterprises, clinic):
    e = enterprises["yubei"]
    examined, due, not_due = make_worker(e, name="甲"), make_worker(e, name="乙"), make_worker(e, name="丙")
    type(due).objects.filter(pk=due.pk).update(next_exam_due=D(2026, 4, 1))
    type(not_due).objects.filter(pk=not_due.pk).update(next_exam_due=D(2026, 12, 1))
    exam = _record(cast["institution"], examined, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    exam.batch.refresh_from_db()
    assert exam.batch.expected == 2
    assert actions.batch_summary(exam.batch)["normal"] == 1


def test_exams_done_is_the_fact_the_assistance_rate_asks(cast, enterprises, clinic):
    worker = make_worker(enterprises["yubei"])
    _record(cast["institution"], worker, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    ids = [enterprises["yubei"].pk, enterprises["yubei2"].pk]
    assert exams_done(ids, 2026) == {enterprises["yubei"].pk}
    assert exams_done(ids, 2025) == set()
    assert facts.provided(facts.EXAMS_DONE)
    assert facts.ask(facts.EXAMS_DONE, ids, 2026) == {enterprises["yubei"].pk}


def test_a_periodic_exam_moves_the_workers_next_due_date(cast, enterprises, clinic):
    e = enterprises["yubei"]
    worker = make_worker(e)
    place(worker, make_post(e, "冲压工", "噪声"))
    worker_actions.worker_recompute_due(worker=worker)
    worker.refresh_from_db()
    assert worker.last_exam_on is None
    _record(cast["institution"], worker, clinic, [{"factor": factor("噪声"), "conclusion": "a"}])
    worker.refresh_from_db()
    assert worker.last_exam_on == D(2026, 5, 4)
    # noise without a measurement: the stricter band, yearly (RULES.md §2.3)
    assert worker.next_exam_due == D(2027, 5, 4) and worker.next_exam_kind == "periodic"

"""The bulk exam import (``exams.bulk``) against the row-by-row reference (``run_row_by_row``, each
row through ``actions.exam_record``): for one mixed file, the same errors (row, column, Chinese
reason), the same report, and the same database afterwards — exams, results, batches and their
表5-1, tasks opened and closed, cases, the audit trail, the workers' schedule; a number of queries
that does not grow with the rows; supervision told once per file."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ohsteward.core.models import AuditLog
from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.institutions.models import ReportCard
from ohsteward.surveillance.exams import actions, effects
from ohsteward.surveillance.exams.importers import ExamImporter
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamBatch, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import Worker
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
HEAD = ["身份证号", "姓名", "统一社会信用代码", "体检日期", "体检类别", "体检机构", "体检编号", "危害因素", "结论",
        "异常项目/疾病名称", "复查项目", "复查期限"]  # fmt: skip


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def _file(rows) -> bytes:
    return write_xlsx([(h, h) for h in HEAD], rows)


def row(worker, day, factor_name, conclusion, *, kind="在岗期间", name="", uscc="", institution="", number="",
        items="", recheck_items="", recheck_by=""):  # fmt: skip
    number_cell = worker if isinstance(worker, str) else worker.id_number
    return [number_cell, name, uscc, day, kind, institution, number, factor_name, conclusion, items,
            recheck_items, recheck_by]  # fmt: skip


@pytest.fixture
def world(cast, enterprises, clinic):
    """Workers of both 渝北 employers on noise and benzene posts, one with an exam on record, one
    with an open recheck task, one employed twice (left one employer), one of another district;
    an exam of another institution on record."""
    yubei, yubei2 = enterprises["yubei"], enterprises["yubei2"]
    noise, benzene = make_post(yubei, "冲压工", "噪声", "苯"), make_post(yubei2, "喷漆工", "苯")
    w = {
        "a": make_worker(yubei, name="张三", birth=dt.date(1980, 1, 2)),
        "b": make_worker(yubei, name="李四", birth=dt.date(1981, 2, 3)),
        "c": make_worker(yubei, name="王五", birth=dt.date(1982, 3, 4)),
        "d": make_worker(yubei2, name="赵六", birth=dt.date(1983, 4, 5)),
        "out": make_worker(enterprises["wanzhou"], name="孙七", birth=dt.date(1984, 5, 6)),
    }
    moved = make_worker(yubei2, name="周八", birth=dt.date(1985, 6, 7), hired=dt.date(2015, 1, 1))
    Worker.objects.filter(pk=moved.pk).update(leave_date=dt.date(2019, 12, 31))
    again = Worker.objects.create(
        person=moved.person, enterprise=yubei, name="周八", hire_date=dt.date(2020, 1, 1)
    )
    again.id_number = moved.id_number
    w["moved"] = again
    for key in ("a", "b", "c", "moved"):
        place(w[key], noise)
    place(w["d"], benzene)
    other = exam_institution("另一职业健康检查机构", serial=88880009)
    actions.exam_record(user=None, worker=w["a"], date=dt.date(2026, 4, 1), kind="periodic", institution=clinic,
                        results=[{"factor": factor("噪声"), "conclusion": "a"}])  # fmt: skip
    actions.exam_record(user=None, worker=w["b"], date=dt.date(2026, 3, 1), kind="periodic", institution=clinic,
                        results=[{"factor": factor("噪声"), "conclusion": "b", "recheck_items": "纯音测听",
                                  "recheck_by": dt.date(2026, 6, 1)}])  # fmt: skip
    actions.exam_record(user=None, worker=w["d"], date=dt.date(2026, 4, 2), kind="periodic", institution=other,
                        results=[{"factor": factor("苯"), "conclusion": "a"}])  # fmt: skip
    return w


def mixed_rows(w):
    long_number = "N" * 41
    number = w["a"].id_number
    bad_check = number[:17] + ("0" if number[17] != "0" else "1")
    return [
        row(w["a"], "2026-04-01", "苯", "a"),  # adds a factor to the exam on record
        row(w["a"], "2026-04-01", "噪声", "a"),  # the same exam uploaded twice
        row(w["b"], "2026-05-04", "噪声", "a", name="李四"),  # closes the recheck on record
        row(w["c"], "2026-04-20", "噪声", "b", recheck_items="纯音测听", recheck_by="2026-05-20"),
        row(w["c"], "2026-05-05", "噪声", "a"),  # closes the recheck the row above opened
        row(w["c"], "2026-05-05", "苯", "c", items="疑似职业性慢性苯中毒"),  # a case and a diagnosis task
        row(w["moved"], "2026-05-06", "噪声", "d 职业禁忌证", items="高血压"),  # the current employment
        row(w["moved"], "2026-05-06", "苯", "e", items="脂肪肝"),
        row(w["d"], "2026-04-02", "苯", "a"),  # another institution's exam on record
        row(w["d"], "2026-05-07", "苯", "a", kind="离岗时", number=long_number),  # 体检编号 too long
        row(w["d"], "2026-05-08", "苯", "a", kind="上岗前"),  # the second employer's batch
        row(w["out"], "2026-05-04", "噪声", "a"),  # not a client
        row(bad_check, "2026-05-04", "噪声", "a"),
        row(w["a"], "2026-05-04", "不存在的因素", "a"),
        row(w["a"], "2026-05-04", "噪声", "f"),
        row(w["a"], "2026-05-04", "噪声", "b"),  # 复查 without what and when
        row(w["a"], "2026-05-04", "噪声", "a", name="张叁"),
        row(w["a"], (TODAY + dt.timedelta(days=2)).isoformat(), "噪声", "a"),
        row(w["a"], "1970-01-01", "噪声", "a"),  # before the birth date
        row(w["a"], "2026-05-04", "噪声", "a", kind="体检"),
        row(w["a"], "2026-05-04", "噪声", "a", institution="没有这家机构"),
        row(w["b"], "2026-05-09", "苯", "a", institution="另一职业健康检查机构"),  # not the uploader's
        row(w["a"], "", "噪声", "a"),
    ]


def state(before: set[int]):
    """The database after an import, without ids (the two paths number rows differently)."""

    def exam_key(exam):
        return (exam.worker.name, exam.kind, exam.date)

    exams = sorted((
        (*exam_key(e), e.institution.name, e.report_number, e.batch.enterprise.name, e.batch.source,
         e.batch.filename, e.batch.expected)
        for e in Exam.objects.select_related("worker", "institution", "batch__enterprise")
    ), key=repr)  # fmt: skip
    results = sorted(
        (
            (*exam_key(r.exam), r.factor.name, r.conclusion, r.items, r.recheck_items, r.recheck_by)
            for r in ExamResult.objects.select_related("exam__worker", "factor")
        ),
        key=repr,
    )
    tasks = sorted((
        (t.kind, t.worker.name, *exam_key(t.result.exam), t.factor.name, t.due_on, t.closed_on, t.note,
         exam_key(t.closed_by.exam) if t.closed_by else None)
        for t in SurveillanceTask.objects.select_related("worker", "result__exam__worker", "factor",
                                                        "closed_by__exam__worker")
    ), key=repr)  # fmt: skip
    cases = sorted(
        (
            (c.worker.name, c.factor.name, c.found_on, c.status, c.employer_notified_on, c.outcome)
            for c in DiseaseCase.objects.select_related("worker", "factor")
        ),
        key=repr,
    )
    batches = sorted(
        (
            (b.enterprise.name, b.institution.name, b.source, b.filename, b.expected)
            for b in ExamBatch.objects.select_related("enterprise", "institution")
        ),
        key=repr,
    )
    schedule = list(Worker.objects.order_by("pk").values_list("name", "last_exam_on", "next_exam_due",
                                                             "next_exam_kind", "schedule_note"))  # fmt: skip
    trail = Counter(
        (
            a.content_type.model,
            a.action,
            a.user_repr,
            a.source,
            re.sub(r"批次 ?\d+", "批次#", a.object_repr),
            tuple(sorted(a.changes)),
        )
        for a in AuditLog.objects.exclude(pk__in=before).select_related("content_type")
    )
    cards = ReportCard.objects.count()
    return {"exams": exams, "results": results, "tasks": tasks, "cases": cases, "batches": batches,
            "schedule": schedule, "audit": trail, "audit_rows": sum(trail.values()), "cards": cards}  # fmt: skip


def outcome(report):
    return ([str(e) for e in report.errors], report.created, report.notes, report.applied)


def both(user, content, **kwargs):
    """(row-by-row report, database) then (bulk report, database) for one file, each from the same
    starting database."""
    before = set(AuditLog.objects.values_list("pk", flat=True))
    got = []
    for run in (ExamImporter().run_row_by_row, ExamImporter().run):
        with transaction.atomic():
            report = run(user=user, filename="体检结果.xlsx", content=content, **kwargs)
            got.append((outcome(report), state(before)))
            transaction.set_rollback(True)
    return got


def test_bulk_and_row_by_row_give_the_same_errors_and_the_same_database(cast, world):
    (slow, slow_db), (fast, fast_db) = both(
        cast["institution"], _file(mixed_rows(world)), dry_run=False, all_or_nothing=False
    )
    assert fast == slow
    assert fast_db == slow_db
    errors, created, notes, applied = fast
    # the file is the mixed cast it means to be: every kind of error, every kind of work
    accepted = {0, 2, 3, 4, 5, 6, 7, 10}
    assert applied and len(created) == len(accepted)
    assert {int(e.split("行")[0].removeprefix("第")) - 2 for e in errors} == set(range(23)) - accepted, errors
    kinds = Counter((t[0], t[7] is not None) for t in fast_db["tasks"])  # (kind, closed)
    assert kinds == {("recheck", True): 2, ("diagnosis", False): 1, ("reassignment", False): 1}
    assert len(fast_db["cases"]) == 1
    assert sum(1 for b in fast_db["batches"] if b[2] == "file") == 2  # one per employer
    assert fast_db["audit_rows"] > 20


def test_all_or_nothing_and_dry_run_behave_as_before(cast, world):
    content = _file(mixed_rows(world))
    (slow, slow_db), (fast, fast_db) = both(cast["institution"], content, dry_run=False, all_or_nothing=True)
    assert fast == slow and fast_db == slow_db and not fast[3]
    assert fast_db["audit_rows"] == 0
    clean = _file([r for i, r in enumerate(mixed_rows(world)) if i in (0, 2, 3, 4, 5, 6, 7, 10)])
    (slow, slow_db), (fast, fast_db) = both(cast["institution"], clean, dry_run=True)
    assert fast == slow and fast_db == slow_db
    assert not fast[0] and fast[1] and fast[2] and not fast[3]  # no errors, rows and 表5-1 notes, not applied
    assert fast_db["audit_rows"] == 0


def test_the_system_user_imports_through_the_institution_column(cast, world, clinic):
    rows = [row(world[k], "2026-05-04", "噪声", "a", institution=clinic.uscc) for k in ("a", "b", "c")]
    rows.append(row(world["out"], "2026-05-04", "噪声", "a", institution=clinic.name))  # the system sees all
    rows.append(row(world["a"], "2026-05-05", "噪声", "a"))  # no institution, no own institution
    (slow, slow_db), (fast, fast_db) = both(None, _file(rows), dry_run=False, all_or_nothing=False)
    assert fast == slow and fast_db == slow_db
    assert fast[0] == ["第6行 体检机构: 请填写体检机构名称或统一社会信用代码"]


def test_queries_do_not_grow_with_the_rows(cast, enterprises, clinic):
    post = make_post(enterprises["yubei"], "冲压工", "噪声")
    workers = [make_worker(enterprises["yubei"], name=f"工{i}", birth=dt.date(1980, 1, 1) + dt.timedelta(days=i))
               for i in range(12)]  # fmt: skip
    for w in workers:
        place(w, post)

    def count(n):
        rows = [row(w, "2026-05-04", "噪声", "b" if i % 3 == 0 else "a", recheck_items="纯音测听",
                    recheck_by="2026-06-04" if i % 3 == 0 else "") for i, w in enumerate(workers[:n])]  # fmt: skip
        with transaction.atomic(), CaptureQueriesContext(connection) as q:
            report = ExamImporter().run(user=cast["institution"], filename="f.xlsx", content=_file(rows),
                                        dry_run=False)  # fmt: skip
            assert report.applied, [str(e) for e in report.errors]
            transaction.set_rollback(True)
        return len(q)

    few, many = count(3), count(12)
    assert many <= few + 2


def test_supervision_is_told_once_per_file_with_the_employers_of_the_new_exams(cast, world, monkeypatch):
    calls: list[list[int]] = []
    monkeypatch.setattr(effects, "_batch", [calls.append])
    rows = [row(world["b"], "2026-05-04", "噪声", "a"), row(world["c"], "2026-05-04", "噪声", "a"),
            row(world["d"], "2026-05-08", "苯", "a", kind="上岗前"), row(world["a"], "2026-04-01", "苯", "a")]  # fmt: skip
    with transaction.atomic():
        report = ExamImporter().run(
            user=cast["institution"], filename="f.xlsx", content=_file(rows), dry_run=False
        )
        transaction.set_rollback(True)
    assert report.applied
    # the exam on record that got a factor (worker a) sends nothing, as its save never happened
    assert calls == [sorted({world["b"].enterprise_id, world["d"].enterprise_id})]


def test_the_import_re_assesses_the_examined_employers_once_at_commit(
    cast, world, enterprises, django_capture_on_commit_callbacks, monkeypatch
):
    from ohsteward.supervision import actions as supervision_actions  # local: supervision sits above
    from ohsteward.supervision import triggers  # local: as above
    from ohsteward.supervision.models import RiskAssessment  # local: as above

    for key in ("yubei", "yubei2"):
        RiskAssessment.objects.create(
            enterprise=enterprises[key], assessed_on=TODAY, scheme="s", rules_version="2022-v1",
            hazard_level="II", comprehensive_class="乙", basis="posts", reassess_due=TODAY,
        )  # fmt: skip
    # the world's exams were recorded in this test's transaction, which never commits: forget
    # their pending flush, so that the import's is the one captured below
    monkeypatch.setattr(triggers._local, "flush", None, raising=False)
    calls: list[list[int]] = []
    monkeypatch.setattr(supervision_actions, "risk_refresh", lambda **kw: calls.append(kw["enterprise_ids"]))
    rows = [row(world["b"], "2026-05-04", "噪声", "a"), row(world["c"], "2026-05-04", "噪声", "a"),
            row(world["d"], "2026-05-08", "苯", "a", kind="上岗前")]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        report = ExamImporter().run(
            user=cast["institution"], filename="f.xlsx", content=_file(rows), dry_run=False
        )
    assert report.applied
    assert calls == [sorted([enterprises["yubei"].pk, enterprises["yubei2"].pk])]


def test_exam_models_have_no_clean_the_bulk_path_would_skip():
    """The bulk path checks only the free-text fields instead of ``full_clean`` because the row
    checks prove the rest and neither model has a ``clean()`` of its own (``bulk.clean_text_fields``).
    Adding one must come with a change to the bulk path."""
    from django.db import models

    from ohsteward.surveillance.models import Exam, ExamResult

    for model in (Exam, ExamResult):
        assert model.clean is models.Model.clean, f"{model.__name__}.clean() added: check it in bulk.py"
        assert model.validate_constraints is models.Model.validate_constraints


def test_the_workers_fields_the_import_leaves_unloaded_are_never_read(cast, world, monkeypatch):
    """``bulk.WORKER_FIELDS``: a deferred field read later would load it with a query per worker."""
    from ohsteward.surveillance.models import Person

    def refresh(self, *args, **kwargs):
        raise AssertionError(f"deferred field of {type(self).__name__} read: {kwargs.get('fields')}")

    monkeypatch.setattr(Worker, "refresh_from_db", refresh)
    monkeypatch.setattr(Person, "refresh_from_db", refresh)
    with transaction.atomic():
        report = ExamImporter().run(user=cast["institution"], filename="f.xlsx", content=_file(mixed_rows(world)),
                                    dry_run=False, all_or_nothing=False)  # fmt: skip
        assert report.applied and report.created
        transaction.set_rollback(True)

"""The batched recompute of every worker (``workers_recompute_due``, the nightly job) gives, for a
mixed cast, exactly what the per-worker rule (``worker_recompute_due``) gives — across batch
boundaries (GBZ 188, RULES.md §2.3; 49号令 第14、15条)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.monitoring.tests.factories import make_report, record
from ohsteward.surveillance import actions
from ohsteward.surveillance.exams import actions as exam_actions
from ohsteward.surveillance.models import AcuteExposure, Worker
from ohsteward.surveillance.tests.exam_helpers import TODAY, factor, make_post, make_worker, place, set_today

pytestmark = pytest.mark.django_db

D = dt.date
FIELDS = ("pk", "last_exam_on", "next_exam_due", "next_exam_kind", "schedule_note")


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    set_today(monkeypatch, TODAY)


def _exam(worker, clinic, day, kind="periodic", f="噪声"):
    exam_actions.exam_record(
        user=None, worker=worker, date=day, kind=kind, institution=clinic,
        results=[{"factor": factor(f), "conclusion": "a"}],
    )  # fmt: skip


@pytest.fixture
def mixed(enterprises, clinic):
    from ohsteward.institutions.models import Institution  # local: only this fixture needs it

    yubei = enterprises["yubei"]
    noise = make_post(yubei, "操作工", "噪声")
    measured = make_post(yubei, "冲压工", "噪声")
    dust = make_post(yubei, "投料工", "煤尘（游离 SiO2 含量＜10%）")
    both = make_post(yubei, "混合岗", "噪声", "苯")
    quiet = make_post(yubei, "文员")
    report = make_report(
        None, yubei, Institution.objects.order_by("pk").first(), number="JC-S", on=D(2026, 3, 10)
    )
    record(None, report, "噪声", {"l_ex_8h": 82}, post="冲压工", workplace="一车间", on=D(2026, 3, 10))
    workers = []

    def w(name, *posts, birth):
        worker = make_worker(yubei, name=name, birth=birth)
        for p in posts:
            place(worker, p)
        workers.append(worker)
        return worker

    _exam(w("未测噪声", noise, birth=D(1980, 1, 2)), clinic, D(2025, 6, 1))
    _exam(w("82分贝", measured, birth=D(1981, 2, 3)), clinic, D(2025, 6, 1))
    _exam(w("粉尘", dust, birth=D(1982, 3, 4)), clinic, D(2024, 6, 1), f="煤尘（游离 SiO2 含量＜10%）")
    _exam(w("两岗", noise, dust, birth=D(1983, 4, 5)), clinic, D(2025, 1, 10))
    _exam(w("噪声苯", both, birth=D(1984, 5, 6)), clinic, D(2025, 3, 1))
    w("从未体检", noise, birth=D(1986, 6, 7))
    w("无接害", quiet, birth=D(1987, 7, 8))
    w("无岗位", birth=D(1988, 8, 9))
    acute = w("急性接触", noise, birth=D(1989, 9, 10))
    _exam(acute, clinic, D(2025, 6, 1))
    AcuteExposure.objects.create(worker=acute, hazard_factor=factor("噪声"), occurred_on=D(2025, 12, 1))
    leaving = w("即将离职", noise, birth=D(1990, 10, 11))
    _exam(leaving, clinic, D(2025, 6, 1))
    Worker.objects.filter(pk=leaving.pk).update(leave_date=TODAY + dt.timedelta(days=20))
    counted = w("离岗前已检", noise, birth=D(1979, 11, 12))
    _exam(counted, clinic, TODAY - dt.timedelta(days=30))
    Worker.objects.filter(pk=counted.pk).update(leave_date=TODAY + dt.timedelta(days=20))
    moved = w("调离岗位", birth=D(1978, 12, 13))
    place(moved, noise).__class__.objects.filter(worker=moved).update(end_date=D(2024, 1, 1))
    return [wk.pk for wk in workers]


def test_the_batched_recompute_equals_the_per_worker_rule(mixed):
    cast = mixed
    expected = []
    for worker in Worker.objects.filter(pk__in=cast).order_by("pk"):
        actions.worker_recompute_due(worker=worker, save=False)
        expected.append(tuple(getattr(worker, "pk" if f == "pk" else f) for f in FIELDS))
    kinds = {row[3] for row in expected}
    assert kinds >= {"pre", "periodic", "exit", "emergency", ""}  # the cast covers each outcome
    Worker.objects.filter(pk__in=cast).update(next_exam_due=None, next_exam_kind="", schedule_note="")
    assert actions.workers_recompute_due(batch_size=4) == len(cast)  # several batches
    got = list(Worker.objects.filter(pk__in=cast).order_by("pk").values_list(*FIELDS))
    assert got == expected


def _measure_grade(enterprise, post, factor_name, grade, on):
    """A stored dust measurement with a 作业分级 (what the schedule reads from monitoring)."""
    from ohsteward.institutions.models import Institution  # local: only this helper needs it
    from ohsteward.monitoring.models import Measurement  # local: only this helper needs it

    report = make_report(
        None, enterprise, Institution.objects.order_by("pk").first(), number=f"JC-{grade}", on=on
    )
    return Measurement.objects.create(
        report=report, enterprise=enterprise, post=post, factor=factor(factor_name), kind="dust",
        measured_on=on, grade_level=grade,
    )  # fmt: skip


def test_the_set_recompute_keeps_the_gbz188_2025_switch_and_the_stricter_band(
    monkeypatch, enterprises, clinic
):
    """Coal dust: GBZ 188-2014 6.2 (Ⅱ级及以上 or unknown 2年, Ⅰ级 3年) for an exam before 2026-08-01,
    GBZ 188-2025 (粉尘 Ⅱ级及以上 or unknown 1年, Ⅰ级 2年, 未核对) from that day; an unreadable grade
    takes the stricter band. Both paths give the same plans, and the plans are these."""
    set_today(monkeypatch, D(2026, 12, 3))
    yubei = enterprises["yubei"]
    coal = "煤尘（游离 SiO2 含量＜10%）"
    unmeasured = make_post(yubei, "投料工", coal)
    grade_one = make_post(yubei, "破碎工", coal)
    unreadable = make_post(yubei, "筛分工", coal)
    _measure_grade(yubei, grade_one, coal, "I", D(2026, 3, 1))
    _measure_grade(yubei, unreadable, coal, "Ⅴ", D(2026, 3, 1))
    cases = [  # (post, exam day, expected due, standard cited, unverified flag)
        (unmeasured, D(2026, 7, 31), D(2028, 7, 31), "GBZ 188-2014", False),
        (unmeasured, D(2026, 8, 1), D(2027, 8, 1), "GBZ 188-2025", True),
        (grade_one, D(2026, 7, 31), D(2029, 7, 31), "GBZ 188-2014", False),
        (grade_one, D(2026, 8, 1), D(2028, 8, 1), "GBZ 188-2025", True),
        (unreadable, D(2026, 7, 31), D(2028, 7, 31), "GBZ 188-2014", False),
        (unreadable, D(2026, 8, 1), D(2027, 8, 1), "GBZ 188-2025", True),
    ]
    ids = []
    for i, (post, day, _due, _std, _flag) in enumerate(cases):
        worker = make_worker(yubei, name=f"煤尘{i}", birth=D(1980, 1, 1 + i))
        place(worker, post)
        _exam(worker, clinic, day, f=coal)
        ids.append(worker.pk)
    per_worker = []
    for worker in Worker.objects.filter(pk__in=ids).order_by("pk"):
        actions.worker_recompute_due(worker=worker, save=False)
        per_worker.append(tuple(getattr(worker, f) for f in FIELDS))
    Worker.objects.filter(pk__in=ids).update(next_exam_due=None, next_exam_kind="", schedule_note="")
    actions.workers_recompute_due(batch_size=2)
    got = list(Worker.objects.filter(pk__in=ids).order_by("pk").values_list(*FIELDS))
    assert got == per_worker
    for (_pk, _last, due, kind, note), (_post, _day, expected, standard, unverified) in zip(
        got, cases, strict=True
    ):
        assert (due, kind) == (expected, "periodic")
        assert standard in note
        assert note.endswith("（未核对）") is unverified
    assert "从严" in got[0][4] and "从严" in got[4][4] and "从严" not in got[2][4]


def test_a_recompute_of_some_workers_leaves_the_others_alone(mixed):
    cast = mixed
    """``queryset``: only those workers are read and written (the importer's and monitoring's call)."""
    Worker.objects.filter(pk__in=cast).update(next_exam_due=None, next_exam_kind="", schedule_note="")
    assert actions.workers_recompute_due(queryset=Worker.objects.filter(pk__in=cast[:3])) == 3
    rows = dict(Worker.objects.filter(pk__in=cast).values_list("pk", "next_exam_due"))
    assert all(rows[pk] is not None for pk in cast[:3])
    assert all(rows[pk] is None for pk in cast[3:])

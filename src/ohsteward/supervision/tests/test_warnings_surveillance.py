"""The three warnings over surveillance's records (issue 13 item 7): noise ≥ 85 dB(A) without
audiometry, a suspected case not referred in time, a contraindication not reassigned; their
thresholds as versioned data (table tests), and the batched refresh after an import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ohsteward.monitoring import effects
from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.registry.models import Post, PostExposure, Workplace
from ohsteward.supervision import actions, portrait, rules, triggers, warnings
from ohsteward.supervision.models import EarlyWarning, RiskAssessment
from ohsteward.supervision.tests.conftest import TODAY
from ohsteward.surveillance import actions as surveillance_actions
from ohsteward.surveillance.exams.models import DiseaseCase, Exam, ExamBatch, ExamResult, SurveillanceTask
from ohsteward.surveillance.models import WorkerPost
from ohsteward.surveillance.tests.factories import make_id_number

R = rules.warning_rules_for(TODAY)
D = dt.date


# ---- pure rules (table tests) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("l8", "lw", "value", "needs"),
    [
        (85.0, None, None, True),  # at the threshold: ≥ 85
        (84.9, None, None, False),
        (None, 86.0, None, True),  # a week not of 5 days: L_EX,W
        (None, None, 90.0, True),  # only the judgement value stored
        (80.0, 90.0, None, False),  # L_EX,8h wins over L_EX,W
        (None, None, None, False),  # no level: no warning (not a guess)
    ],
)
def test_noise_needs_audiometry_from_85_dba(l8, lw, value, needs):
    assert rules.noise_needs_audiometry(rules.noise_level(l8, lw, value), R) is needs


@pytest.mark.parametrize(
    ("found", "referred", "on", "late"),
    [
        (D(2026, 1, 1), None, D(2026, 1, 31), False),  # the 30th day: still in time
        (D(2026, 1, 1), None, D(2026, 2, 1), True),
        (D(2026, 1, 1), D(2026, 1, 20), D(2026, 3, 1), False),  # referred
    ],
)
def test_referral_deadline_counts_calendar_days(found, referred, on, late):
    assert rules.referral_late(found, referred, on, R) is late


def test_thresholds_are_versioned_data_with_unverified_flags():
    assert (R.version, R.noise_level_dba.value, R.audiometry_window_days.value) == ("v1", 85, 365)
    assert R.noise_level_dba.verified and R.noise_level_dba.flag == ""
    assert not R.referral_days.verified and R.referral_days.flag == "（未核对）"
    assert "未核对" in R.referral_days.source
    assert rules.warning_rules_for(D(2000, 1, 1)) == R  # before the first version: the first


# ---- workflow over surveillance's records -------------------------------------------------------

pytestmark_db = pytest.mark.django_db


def _worker(enterprise, name="张三"):
    return surveillance_actions.worker_create(
        user=None, enterprise=enterprise, id_number=make_id_number(), name=name, hire_date=D(2020, 1, 1)
    )


def _post(enterprise, factor, name="冲压工"):
    wp, _ = Workplace.objects.get_or_create(enterprise=enterprise, name="车间")
    post = Post.objects.create(workplace=wp, name=name)
    PostExposure.objects.create(post=post, hazard_factor=factor, exposed_count=1)
    return post


def _noise(enterprise, post, factor, institution, level, on=TODAY - dt.timedelta(days=20)):
    report = DetectionReport.objects.create(
        kind=ReportKind.PERIODIC, number=f"N-{Measurement.objects.count()}", institution=institution,
        enterprise=enterprise, sampling_start=on,
    )  # fmt: skip
    return Measurement.objects.create(
        report=report, enterprise=enterprise, post=post, factor=factor, kind="noise", measured_on=on,
        l_ex_8h=level, compliant=level <= 85,
    )  # fmt: skip


def _result(worker, factor, institution, conclusion, on):
    batch = ExamBatch.objects.create(enterprise=worker.enterprise, institution=institution, source="form")
    exam = Exam.objects.create(batch=batch, worker=worker, date=on, kind="periodic", institution=institution)
    return ExamResult.objects.create(exam=exam, factor=factor, conclusion=conclusion)


def _of(kind, enterprise):
    return [f for f in warnings.compute([enterprise.pk], TODAY) if f.kind == kind]


@pytest.mark.django_db
def test_a_loud_post_whose_workers_have_no_noise_exam_warns_until_audiometry_is_recorded(
    enterprises, factors, two_institutions
):
    yubei, noise = enterprises["yubei"], factors["noise"]
    post = _post(yubei, noise)
    worker = _worker(yubei)
    WorkerPost.objects.create(worker=worker, post=post, start_date=D(2020, 1, 1))
    m = _noise(yubei, post, noise, two_institutions["a"], 84.0)
    assert _of("noise_no_audiometry", yubei) == []  # below 85 dB(A)
    m.l_ex_8h = 88.5
    m.save()
    # an exam for another factor is no audiometry
    _result(worker, factors["benzene"], two_institutions["b"], "a", TODAY - dt.timedelta(days=10))
    found = _of("noise_no_audiometry", yubei)
    assert len(found) == 1 and found[0].key == str(post.pk) and found[0].actor == "enterprise"
    assert "88.5 dB(A)" in found[0].message and "1 名" in found[0].message
    assert found[0].records[0][1].endswith(f"/{m.pk}/")
    # a noise exam older than the window does not count
    _result(worker, noise, two_institutions["b"], "a", TODAY - dt.timedelta(days=400))
    assert len(_of("noise_no_audiometry", yubei)) == 1
    _result(worker, noise, two_institutions["b"], "a", TODAY - dt.timedelta(days=5))
    assert _of("noise_no_audiometry", yubei) == []


@pytest.mark.django_db
def test_a_suspected_case_not_referred_within_the_deadline_warns_the_employer(
    enterprises, factors, two_institutions
):
    yubei = enterprises["yubei"]
    worker = _worker(yubei, "李四")
    result = _result(worker, factors["silica"], two_institutions["b"], "c", TODAY - dt.timedelta(days=60))
    case = DiseaseCase.objects.create(
        worker=worker, result=result, factor=factors["silica"], found_on=TODAY - dt.timedelta(days=R.referral_days.value)
    )  # fmt: skip
    assert _of("case_not_referred", yubei) == []  # the last day: still in time
    DiseaseCase.objects.filter(pk=case.pk).update(
        found_on=TODAY - dt.timedelta(days=R.referral_days.value + 1)
    )
    found = _of("case_not_referred", yubei)
    assert len(found) == 1 and "李四" in found[0].message and "（未核对）" in found[0].message
    assert found[0].records[0][1].endswith(f"/{case.pk}/")
    DiseaseCase.objects.filter(pk=case.pk).update(referred_on=TODAY - dt.timedelta(days=2))
    assert _of("case_not_referred", yubei) == []


@pytest.mark.django_db
def test_a_contraindication_past_its_deadline_with_the_worker_still_exposed_warns(
    enterprises, factors, two_institutions
):
    yubei, benzene = enterprises["yubei"], factors["benzene"]
    worker = _worker(yubei, "王五")
    post = _post(yubei, benzene, "配料工")
    held = WorkerPost.objects.create(worker=worker, post=post, start_date=D(2020, 1, 1))
    result = _result(worker, benzene, two_institutions["b"], "d", TODAY - dt.timedelta(days=60))
    task = SurveillanceTask.objects.create(
        kind="reassignment", worker=worker, result=result, factor=benzene, due_on=TODAY
    )
    assert _of("not_reassigned", yubei) == []  # due today: not yet late
    SurveillanceTask.objects.filter(pk=task.pk).update(due_on=TODAY - dt.timedelta(days=1))
    found = _of("not_reassigned", yubei)
    assert len(found) == 1 and "王五" in found[0].message and found[0].records[0][1].endswith(f"/{task.pk}/")
    WorkerPost.objects.filter(pk=held.pk).update(end_date=TODAY - dt.timedelta(days=1))  # moved off
    assert _of("not_reassigned", yubei) == []


@pytest.mark.django_db
def test_refresh_stores_and_closes_the_three_kinds(enterprises, factors, two_institutions):
    yubei = enterprises["yubei"]
    worker = _worker(yubei)
    result = _result(worker, factors["silica"], two_institutions["b"], "c", TODAY - dt.timedelta(days=90))
    case = DiseaseCase.objects.create(
        worker=worker, result=result, factor=factors["silica"], found_on=TODAY - dt.timedelta(days=90)
    )
    warnings.refresh([yubei.pk], TODAY)
    assert EarlyWarning.objects.open().filter(enterprise=yubei, kind="case_not_referred").count() == 1
    DiseaseCase.objects.filter(pk=case.pk).update(referred_on=TODAY)
    assert warnings.refresh([yubei.pk], TODAY)["closed"] == 1


# ---- the batched effect: one refresh per import, queries not growing with rows ------------------


def _import(enterprises, factors, post_by, institution, tag):
    """One measurement per factor per employer, recorded as the bulk import does (one batch call
    with one measurement per employer × factor)."""
    made = []
    for e in enterprises:
        for i, factor in enumerate(factors):
            report = DetectionReport.objects.create(
                kind=ReportKind.PERIODIC, number=f"B-{e.pk}-{tag}-{i}", institution=institution, enterprise=e,
                sampling_start=TODAY,
            )  # fmt: skip
            made.append(
                Measurement.objects.create(
                    report=report,
                    enterprise=e,
                    post=post_by[e.pk],
                    factor=factor,
                    kind="chemical",
                    measured_on=TODAY,
                    compliant=True,
                )  # fmt: skip
            )
    return made


def _assessed(e):
    RiskAssessment.objects.create(
        enterprise=e, assessed_on=TODAY, scheme="s", rules_version="2022-v1", hazard_level="II",
        comprehensive_class="乙", basis="posts", reassess_due=TODAY,
    )  # fmt: skip


@pytest.mark.django_db
def test_an_import_refreshes_each_affected_employer_once_and_queries_do_not_grow_with_rows(
    enterprises, factors, two_institutions, django_capture_on_commit_callbacks, monkeypatch
):
    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    for e in (yubei, wanzhou):
        _assessed(e)
    posts = {e.pk: _post(e, factors["benzene"]) for e in (yubei, wanzhou)}
    calls: list[list[int]] = []
    real = actions.risk_refresh
    monkeypatch.setattr(
        actions, "risk_refresh", lambda **kw: calls.append(sorted(kw["enterprise_ids"])) or real(**kw)
    )

    # supervision's callbacks only (other apps' effects are theirs to measure)
    monkeypatch.setattr(effects, "_callbacks", [triggers.measurement])
    monkeypatch.setattr(effects, "_batch", {triggers.measurement: triggers.measurements})

    def run(keys):
        made = _import([yubei, wanzhou], [factors[k] for k in keys], posts, two_institutions["a"], len(keys))
        with CaptureQueriesContext(connection) as q:
            with django_capture_on_commit_callbacks(execute=True):
                effects.measurements_recorded(made)
        return len(q)

    few, many = run(["benzene"]), run(["toluene", "silica", "wood", "noise", "xray", "nickel"])
    assert calls == [sorted([yubei.pk, wanzhou.pk])] * 2  # once per import, every employer together
    assert many <= few + 2  # the same work whatever the number of rows (±cache)


@pytest.mark.django_db
def test_recorded_exams_trigger_one_batched_refresh(
    enterprises, factors, two_institutions, django_capture_on_commit_callbacks, monkeypatch
):
    yubei = enterprises["yubei"]
    _assessed(yubei)
    calls: list[list[int]] = []
    monkeypatch.setattr(actions, "risk_refresh", lambda **kw: calls.append(sorted(kw["enterprise_ids"])))
    workers = [_worker(yubei, f"工{i}") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        for w in workers:
            _result(w, factors["benzene"], two_institutions["b"], "a", TODAY - dt.timedelta(days=1))
    assert calls == [[yubei.pk]]


@pytest.mark.django_db
def test_the_portrait_lights_suspected_cases_and_reassignments_from_surveillance(
    enterprises, factors, two_institutions
):
    yubei, benzene = enterprises["yubei"], factors["benzene"]

    def lights():
        return {i.key: (i.light, i.value) for i in portrait.build(yubei, TODAY).indicators}

    assert lights()["suspected"][0] == "none"  # no exam on record: 无数据
    worker = _worker(yubei)
    _result(worker, benzene, two_institutions["b"], "a", TODAY - dt.timedelta(days=100))
    assert lights()["suspected"][0] == "green" and lights()["contraindication"][0] == "green"
    result = _result(worker, factors["silica"], two_institutions["b"], "c", TODAY - dt.timedelta(days=90))
    DiseaseCase.objects.create(
        worker=worker, result=result, factor=factors["silica"], found_on=TODAY - dt.timedelta(days=90)
    )
    post = _post(yubei, benzene, "配料工")
    WorkerPost.objects.create(worker=worker, post=post, start_date=D(2020, 1, 1))
    d = _result(worker, benzene, two_institutions["b"], "d", TODAY - dt.timedelta(days=60))
    SurveillanceTask.objects.create(
        kind="reassignment", worker=worker, result=d, factor=benzene, due_on=TODAY - dt.timedelta(days=3)
    )
    got = lights()
    assert got["suspected"] == ("red", "1 例待诊断，1 例超期未转诊")
    assert got["contraindication"] == ("red", "1 人待调岗，1 人逾期仍在原岗")


@pytest.mark.django_db
def test_employers_of_a_rolled_back_savepoint_are_not_refreshed(
    enterprises, django_capture_on_commit_callbacks, monkeypatch
):
    from django.db import transaction  # local: only this test opens savepoints

    yubei, wanzhou = enterprises["yubei"], enterprises["wanzhou"]
    for e in (yubei, wanzhou):
        _assessed(e)
    calls: list[list[int]] = []
    monkeypatch.setattr(actions, "risk_refresh", lambda **kw: calls.append(sorted(kw["enterprise_ids"])))
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                triggers.schedule([wanzhou.pk])  # a row that fails: its savepoint rolls back
                raise RuntimeError
        except RuntimeError:
            pass
        triggers.schedule([yubei.pk])
    assert calls == [[yubei.pk]]

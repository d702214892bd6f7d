"""Monitoring wired into the risk level (sources.py), the set-based recompute with its history
semantics, and the incremental recompute after a new measurement (monitoring.effects)."""

from __future__ import annotations

import datetime as dt

import pytest

from ohsteward.monitoring import effects
from ohsteward.monitoring.choices import ReportKind, TaskStatus
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.models import Post, PostExposure, Workplace
from ohsteward.supervision import actions, recompute, sources
from ohsteward.supervision.models import RiskAssessment
from ohsteward.supervision.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def toluene_shop(enterprises, factors):
    """The 渝北 employer: 5 workers exposed to toluene (一般) on one post, no declaration."""
    yubei = enterprises["yubei"]
    post = Post.objects.create(workplace=Workplace.objects.create(enterprise=yubei, name="车间"), name="喷漆")
    PostExposure.objects.create(post=post, hazard_factor=factors["toluene"], exposed_count=5)
    return yubei, post


def measure(enterprise, post, factor, compliant, on, institution, number="JC-1"):
    report, _ = DetectionReport.objects.get_or_create(
        number=number,
        institution=institution,
        defaults={"kind": ReportKind.PERIODIC, "enterprise": enterprise, "sampling_start": on},
    )
    return Measurement.objects.create(
        report=report, enterprise=enterprise, post=post, factor=factor, kind="chemical",
        measured_on=on, compliant=compliant,
    )  # fmt: skip


def test_a_measured_over_limit_factor_moves_the_hazard_level(cast, toluene_shop, factors, two_institutions):
    yubei, post = toluene_shop
    lab = two_institutions["a"]
    # no detection: the configured default (不符合) → 一般 × 不符合 × ≤9 → Ⅱ, flagged
    assert actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY).hazard_level == "II"
    measure(yubei, post, factors["toluene"], True, TODAY - dt.timedelta(days=60), lab)
    a = actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY)
    assert a.hazard_level == "I"  # measured compliant: 一般 × 符合 × ≤9
    assert a.factors[0]["compliant"] is True and "检测结果" in a.factors[0]["records"][-1][0]
    measure(yubei, post, factors["toluene"], False, TODAY - dt.timedelta(days=5), lab, number="JC-2")
    assert actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY).hazard_level == "II"


def test_compliance_takes_each_posts_latest_result_and_any_failing_post(
    enterprises, factors, two_institutions
):
    yubei = enterprises["yubei"]
    shop = Workplace.objects.create(enterprise=yubei, name="车间")
    a, b = Post.objects.create(workplace=shop, name="甲"), Post.objects.create(workplace=shop, name="乙")
    lab, benzene = two_institutions["a"], factors["benzene"]
    measure(yubei, a, benzene, False, TODAY - dt.timedelta(days=100), lab)
    measure(yubei, a, benzene, True, TODAY - dt.timedelta(days=10), lab, number="JC-2")  # fixed
    measure(yubei, b, benzene, True, TODAY - dt.timedelta(days=20), lab, number="JC-3")
    found = sources.factor_compliance(yubei.pk, benzene.pk, TODAY)
    assert (
        found is not None and found.compliant is True and found.measured_on == TODAY - dt.timedelta(days=10)
    )
    measure(yubei, b, benzene, False, TODAY - dt.timedelta(days=1), lab, number="JC-4")
    assert sources.factor_compliance(yubei.pk, benzene.pk, TODAY).compliant is False
    # as of a date before the last results, the earlier state
    assert sources.factor_compliance(yubei.pk, benzene.pk, TODAY - dt.timedelta(days=50)).compliant is False
    assert sources.factor_compliance(yubei.pk, factors["toluene"].pk, TODAY) is None  # 无数据


def test_open_rectifications_and_latest_periodic_detection(enterprises, factors, two_institutions):
    yubei = enterprises["yubei"]
    post = Post.objects.create(workplace=Workplace.objects.create(enterprise=yubei, name="车间"), name="甲")
    m = measure(yubei, post, factors["benzene"], False, TODAY - dt.timedelta(days=3), two_institutions["a"])
    assert sources.open_rectifications(yubei.pk) == 0
    RectificationTask.objects.create(
        enterprise=yubei, post=post, factor=factors["benzene"], measurement=m,
        required_measures=["工程控制"], deadline=TODAY + dt.timedelta(days=30),
    )  # fmt: skip
    assert sources.open_rectifications(yubei.pk) == 1
    RectificationTask.objects.update(status=TaskStatus.CLOSED, closed_on=TODAY)
    assert sources.open_rectifications(yubei.pk) == 0
    periodic = sources.latest_periodic_map([yubei.pk])[yubei.pk]
    assert periodic.on == TODAY - dt.timedelta(days=3) and "定期检测" in periodic.label
    assert sources.latest_detection_record(enterprises["wanzhou"].pk) is None


def test_recompute_writes_a_row_only_when_the_result_changes(cast, toluene_shop, factors, two_institutions):
    yubei, post = toluene_shop
    first = recompute.recompute(on=TODAY)
    assert first.written == first.employers >= 2  # every employer is new
    again = recompute.recompute(on=TODAY)
    assert again.written == 0 and again.unchanged == again.employers
    measure(yubei, post, factors["toluene"], True, TODAY - dt.timedelta(days=2), two_institutions["a"])
    third = recompute.recompute(on=TODAY)
    assert third.written == 1
    latest = RiskAssessment.objects.filter(enterprise=yubei).first()
    assert latest.hazard_level == "I" and RiskAssessment.objects.filter(enterprise=yubei).count() == 2


def test_recompute_matches_the_one_employer_assessment(cast, toluene_shop, factors, two_institutions):
    yubei, post = toluene_shop
    measure(yubei, post, factors["toluene"], False, TODAY - dt.timedelta(days=2), two_institutions["a"])
    single = actions.risk_assess(user=None, enterprise=yubei, on=TODAY)
    RiskAssessment.objects.all().delete()
    recompute.recompute(on=TODAY)
    bulk = RiskAssessment.objects.get(enterprise=yubei)
    assert (bulk.hazard_level, bulk.management_status, bulk.comprehensive_class, bulk.verified) == (
        single.hazard_level, single.management_status, single.comprehensive_class, single.verified,
    )  # fmt: skip
    assert bulk.factors == single.factors


def test_recompute_reads_in_a_fixed_number_of_queries(enterprises, factors, django_assert_max_num_queries):
    recompute.recompute(on=TODAY)  # warm the content type cache
    RiskAssessment.objects.all().delete()
    with django_assert_max_num_queries(14):
        stats = recompute.recompute(on=TODAY)
    assert stats.written == stats.employers


def test_a_recorded_measurement_reassesses_its_employer(
    cast,
    toluene_shop,
    factors,
    two_institutions,
    django_capture_on_commit_callbacks,
):
    yubei, post = toluene_shop
    actions.risk_assess(user=None, enterprise=yubei, on=TODAY)
    m = measure(yubei, post, factors["toluene"], True, TODAY - dt.timedelta(days=1), two_institutions["a"])
    with django_capture_on_commit_callbacks(execute=True):
        effects.measurement_recorded(m)
    assert RiskAssessment.objects.filter(enterprise=yubei).first().hazard_level == "I"
    assert RiskAssessment.objects.filter(enterprise=yubei).count() == 2


def test_a_measurement_of_an_employer_never_assessed_waits_for_its_first_assessment(
    toluene_shop,
    factors,
    two_institutions,
    django_capture_on_commit_callbacks,
):
    yubei, post = toluene_shop
    m = measure(yubei, post, factors["toluene"], True, TODAY - dt.timedelta(days=1), two_institutions["a"])
    with django_capture_on_commit_callbacks(execute=True):
        effects.measurement_recorded(m)
    assert not RiskAssessment.objects.filter(enterprise=yubei).exists()


def test_class_rise_is_found_from_the_last_two_assessments(enterprises):
    assert recompute.moved_higher("甲", "丙") and not recompute.moved_higher("丙", "乙")
    assert not recompute.moved_higher("", "丙")

"""Cross-checks (issue 9 item 6): the pure rules as tables, and each check on a small world of
detection reports, measurements and exam results. Each flagged item carries the records behind it."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Qualification
from ohsteward.institutions.tests import factories as institution_factories
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.supervision import crosschecks
from ohsteward.surveillance.exams.models import Exam, ExamBatch, ExamResult
from ohsteward.surveillance.tests.exam_helpers import make_post, make_worker

pytestmark = pytest.mark.django_db
two_institutions = institution_factories.two_institutions  # the fixture, used by name

YEAR = 2026
ON = dt.date(2026, 3, 10)
T = crosschecks.load_thresholds()


def factor(name: str, category: str) -> HazardFactor:
    found = HazardFactor.objects.filter(name=name).order_by("code").first()
    return found or HazardFactor.objects.create(
        code=f"T{abs(hash(name)) % 10**6}", name=name, category=category
    )


def report(institution, enterprise, number="JC-1", on=ON) -> DetectionReport:
    return DetectionReport.objects.create(
        kind="periodic", number=number, institution=institution, enterprise=enterprise, sampling_start=on
    )


def measure(rep, f, *, value=1.0, compliant=True, post=None, on=ON) -> Measurement:
    post = post or make_post(rep.enterprise, f"岗位{Measurement.objects.count()}")
    return Measurement.objects.create(
        report=rep, enterprise=rep.enterprise, post=post, factor=f, kind="dust" if f.category == "dust" else "noise",
        measured_on=on, value=value, compliant=compliant,
    )  # fmt: skip


def exam_result(institution, enterprise, f, on=ON) -> ExamResult:
    worker = make_worker(enterprise, name=f"工{ExamResult.objects.count()}")
    batch = ExamBatch.objects.create(enterprise=enterprise, institution=institution, source="form")
    exam = Exam.objects.create(batch=batch, worker=worker, date=on, kind="periodic", institution=institution)
    return ExamResult.objects.create(exam=exam, factor=f, conclusion="a")


# ---- rules as tables ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "category, texts, covered",
    [
        ("dust", ["粉尘、化学因素"], True),
        ("physical", ["粉尘、化学因素"], False),
        ("physical", ["粉尘", "物理因素"], True),
        ("dust", [""], None),
        ("dust", [], None),
    ],
)
def test_a_factor_category_is_covered_when_a_scope_text_names_it(category, texts, covered):
    assert crosschecks.scope_covers(category, texts) is covered


@pytest.mark.parametrize(
    "values, flagged",
    [
        ([1.0] * 20 + [2.0] * 40, True),  # 20 of 60 = 33 %
        ([1.0] * 19 + [2.0] * 5 + [3.0] * 5, False),  # 19 points: below the minimum
        ([1.0] * 20 + [float(i) for i in range(2, 62)], False),  # 20 of 80 = 25 %
        ([], False),
    ],
)
def test_the_same_value_on_many_points_is_flagged(values, flagged):
    assert (crosschecks.same_value_flag(values, T) is not None) is flagged


@pytest.mark.parametrize(
    "points, exceedances, rate, flagged",
    [(200, 0, 0.10, True), (199, 0, 0.5, False), (300, 1, 0.5, False), (300, 0, 0.09, False)],
)
def test_no_exceedance_across_many_points_where_the_industry_exceeds_often(
    points, exceedances, rate, flagged
):
    assert crosschecks.no_exceedance_flag(points, exceedances, rate, T) is flagged


def test_the_expected_rate_weights_the_industry_rates_by_points():
    assert crosschecks.expected_exceedance_rate({1: 30, 2: 10}, {1: 0.2, 2: 0.0}) == pytest.approx(0.15)
    assert crosschecks.expected_exceedance_rate({}, {}) == 0.0


def test_the_thresholds_are_flagged_unverified():
    assert T.verified is False and "[?]" in T.source


# ---- the checks -----------------------------------------------------------------------------


def test_noise_over_the_limit_without_a_noise_exam_is_flagged_with_its_reports(
    cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    noise = factor("噪声", "physical")
    flagged_employer, examined_employer = enterprises["yubei"], enterprises["yubei2"]
    rep = report(a, flagged_employer, "JC-N1")
    measure(rep, noise, value=92, compliant=False)
    other = report(a, examined_employer, "JC-N2")
    measure(other, noise, value=95, compliant=False)
    exam_result(b, examined_employer, noise, on=dt.date(2025, 11, 1))  # within the lookback year
    items = crosschecks.noise_no_audiometry(cast["cdc"], YEAR, T)
    assert [i.enterprise for i in items] == [flagged_employer]
    assert items[0].records == [("检测报告 JC-N1", reverse("monitoring:report_detail", args=[rep.pk]))]


def test_a_dust_exam_without_a_detection_of_that_dust_is_flagged(cast, enterprises, two_institutions):
    a, b = two_institutions["a"], two_institutions["b"]
    silica, coal = factor("矽尘", "dust"), factor("煤尘", "dust")
    employer = enterprises["yubei"]
    measure(report(a, employer, "JC-D1", on=dt.date(2024, 5, 1)), silica, on=dt.date(2024, 5, 1))
    exam_result(b, employer, silica)
    coal_result = exam_result(b, employer, coal)
    items = crosschecks.dust_exam_no_detection(cast["cdc"], YEAR, T)
    assert [(i.enterprise, i.summary.split("人次")[1][:2]) for i in items] == [(employer, "煤尘")]
    assert items[0].records == [
        (f"体检 {coal_result.exam_id}", reverse("surveillance:exam_detail", args=[coal_result.exam_id]))
    ]


def test_a_report_beyond_the_qualification_scope_or_without_a_valid_qualification_is_flagged(
    cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    Qualification.objects.create(
        institution=a,
        kind="hygiene",
        number="Q-1",
        scope_text="粉尘、化学因素",
        valid_until=dt.date(2027, 1, 1),
    )
    measure(report(a, enterprises["yubei"], "JC-S1"), factor("噪声", "physical"))
    measure(report(a, enterprises["yubei"], "JC-S2"), factor("矽尘", "dust"))
    measure(report(b, enterprises["wanzhou"], "JC-S3"), factor("矽尘", "dust"))
    items = crosschecks.out_of_scope(cast["cdc"], YEAR, T)
    found = {i.institution: i for i in items}
    assert set(found) == {a, b}
    assert "JC-S1（物理因素不在资质范围内）" in found[a].summary and "JC-S2" not in found[a].summary
    assert "采样日无有效资质" in found[b].summary


def test_the_same_value_on_many_points_flags_the_institution(cast, enterprises, two_institutions):
    a = two_institutions["a"]
    silica = factor("矽尘", "dust")
    rep = report(a, enterprises["yubei"], "JC-U1")
    post = make_post(enterprises["yubei"], "同值岗位")
    for i in range(T.same_value_min_points):
        measure(rep, silica, value=0.5, post=post if i == 0 else None)
    items = crosschecks.uniform_results(cast["cdc"], YEAR, T)
    assert [i.institution for i in items] == [a]
    assert "判定值同为 0.5" in items[0].summary


def test_no_exceedance_where_the_industry_exceeds_often_flags_the_institution(
    cast, enterprises, two_institutions
):
    a, b = two_institutions["a"], two_institutions["b"]
    silica = factor("矽尘", "dust")
    t = dataclasses.replace(T, no_exceedance_min_points=5, same_value_min_points=1000)
    clean, others = report(a, enterprises["yubei"], "JC-C1"), report(b, enterprises["yubei2"], "JC-C2")
    for i in range(5):
        measure(clean, silica, value=0.1 + i)
        measure(others, silica, value=5.0 + i, compliant=i % 2 == 0)
    items = crosschecks.uniform_results(cast["cdc"], YEAR, t)
    assert [i.institution for i in items] == [a]
    assert "5 个检测点无一超标" in items[0].summary


def test_the_page_and_export_are_for_the_qc_team_only(client, cast, enterprises, two_institutions):
    measure(report(two_institutions["b"], enterprises["wanzhou"], "JC-P1"), factor("矽尘", "dust"))
    client.force_login(cast["cdc"])
    page = client.get(reverse("supervision:crosscheck_list") + f"?year={YEAR}")
    assert page.status_code == 200 and "JC-P1" in page.content.decode() and "未核对" in page.content.decode()
    export = client.get(reverse("supervision:crosscheck_export") + f"?year={YEAR}")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(cast["institution"])
    assert client.get(reverse("supervision:crosscheck_list")).status_code in (403, 404)

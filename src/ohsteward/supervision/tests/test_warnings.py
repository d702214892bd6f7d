"""Early warnings computed from the other apps' data (supervision/warnings.py), kept in step by
``refresh``, and the enterprise portrait built on the same sources."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from ohsteward.declarations.tests.factories import DeclarationFactory, DeclarationHazardFactory
from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement, RectificationTask
from ohsteward.registry.models import Post, Workplace
from ohsteward.stewardship.tests.factories import make_team, sign_agreement
from ohsteward.supervision import portrait, warnings
from ohsteward.supervision.models import EarlyWarning, RiskAssessment
from ohsteward.supervision.tests.conftest import TODAY
from ohsteward.surveillance import actions as surveillance_actions
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _declare(enterprise, factor, name, n=12):
    d = DeclarationFactory(enterprise=enterprise, declared_on=TODAY - dt.timedelta(days=30))
    DeclarationHazardFactory(declaration=d, hazard_factor=factor, hazard_name=name, exposed_count=n)
    return d


def _post(enterprise):
    return Post.objects.create(
        workplace=Workplace.objects.create(enterprise=enterprise, name="车间"), name="操作工"
    )


def _measure(enterprise, post, factor, compliant, institution, on=TODAY - dt.timedelta(days=5)):
    report = DetectionReport.objects.create(
        kind=ReportKind.PERIODIC, number=f"JC-{Measurement.objects.count()}", institution=institution,
        enterprise=enterprise, sampling_start=on,
    )  # fmt: skip
    return Measurement.objects.create(
        report=report, enterprise=enterprise, post=post, factor=factor, kind="chemical", measured_on=on,
        compliant=compliant,
    )  # fmt: skip


def _kinds(found, enterprise):
    return sorted(f.kind for f in found if f.enterprise_id == enterprise.pk)


def test_a_declared_factor_without_detection_warns_the_employer_until_it_is_measured(
    enterprises, factors, two_institutions
):
    yubei = enterprises["yubei"]
    d = _declare(yubei, factors["benzene"], "苯")
    found = [f for f in warnings.compute(None, TODAY) if f.enterprise_id == yubei.pk]
    assert [f.kind for f in found] == ["undetected"]
    assert "苯" in found[0].message and found[0].actor == "enterprise"
    assert found[0].records[0][1].endswith(f"/{d.pk}/")
    assert warnings.refresh(None, TODAY)["opened"] >= 1
    _measure(yubei, _post(yubei), factors["benzene"], True, two_institutions["a"])
    counts = warnings.refresh(None, TODAY)
    w = EarlyWarning.objects.get(enterprise=yubei, kind="undetected")
    assert counts["closed"] == 1 and w.closed_on == TODAY  # closed, kept as history
    assert not EarlyWarning.objects.open().filter(enterprise=yubei).exists()


def test_over_the_limit_without_an_open_rectification_warns_the_district(
    enterprises, factors, two_institutions
):
    yubei = enterprises["yubei"]
    post = _post(yubei)
    m = _measure(yubei, post, factors["benzene"], False, two_institutions["a"])
    found = [f for f in warnings.compute([yubei.pk], TODAY) if f.kind == "over_limit"]
    assert len(found) == 1 and found[0].actor == "district" and "不符合" in found[0].message
    assert found[0].records[0][1].endswith(f"/{m.pk}/")
    RectificationTask.objects.create(
        enterprise=yubei, post=post, factor=factors["benzene"], measurement=m, required_measures=["工程控制"],
        deadline=TODAY + dt.timedelta(days=30),
    )  # fmt: skip
    assert "over_limit" not in _kinds(warnings.compute([yubei.pk], TODAY), yubei)


def test_exposed_workers_overdue_for_their_exam_warn_the_employer(enterprises):
    yubei = enterprises["yubei"]
    worker = surveillance_actions.worker_create(
        user=None, enterprise=yubei, id_number=make_id_number(), name="张三", hire_date=dt.date(2020, 1, 1)
    )
    assert "exam_overdue" not in _kinds(warnings.compute([yubei.pk], TODAY), yubei)
    Worker.objects.filter(pk=worker.pk).update(next_exam_due=TODAY - dt.timedelta(days=1))
    found = [f for f in warnings.compute([yubei.pk], TODAY) if f.kind == "exam_overdue"]
    assert len(found) == 1 and found[0].message.startswith("1 名") and "due=overdue" in found[0].records[0][1]


def test_an_expired_agreement_with_planned_visits_warns_the_team(enterprises):
    yubei = enterprises["yubei"]
    agreement = sign_agreement(
        make_team(), yubei, TODAY - dt.timedelta(days=400), TODAY - dt.timedelta(days=10)
    )
    planned = agreement.visits.filter(status="planned").count()
    found = [f for f in warnings.compute([yubei.pk], TODAY) if f.kind == "agreement_expired"]
    assert planned and len(found) == 1 and found[0].actor == "steward" and f"{planned} 次" in found[0].message
    agreement.visits.update(status="cancelled")
    assert "agreement_expired" not in _kinds(warnings.compute([yubei.pk], TODAY), yubei)


def test_a_class_that_moved_to_higher_risk_warns_the_district(enterprises):
    yubei = enterprises["yubei"]

    def assess(klass, days):
        return RiskAssessment.objects.create(
            enterprise=yubei, assessed_on=TODAY - dt.timedelta(days=days), scheme="s", rules_version="2022-v1",
            hazard_level="II", comprehensive_class=klass, basis="posts", reassess_due=TODAY,
        )  # fmt: skip

    assess("乙", 30)
    assess("甲", 20)
    assert "class_raised" not in _kinds(warnings.compute([yubei.pk], TODAY), yubei)  # lower risk
    assess("丙", 1)
    found = [f for f in warnings.compute([yubei.pk], TODAY) if f.kind == "class_raised"]
    assert len(found) == 1 and "由甲类升为丙类" in found[0].message


def test_warnings_api_filters_by_kind_region_enterprise_and_open(cast, enterprises, factors):
    _declare(enterprises["yubei"], factors["benzene"], "苯")
    _declare(enterprises["wanzhou"], factors["toluene"], "甲苯")
    warnings.refresh(None, TODAY)
    api = APIClient()
    api.force_authenticate(cast["city"])
    rows = api.get("/api/v1/warnings/", {"region": "500112", "kind": "undetected", "open": "true"}).json()
    rows = rows.get("results", rows)
    assert {r["enterprise"] for r in rows} == {enterprises["yubei"].uscc}
    assert rows[0]["actor"] == "enterprise" and rows[0]["records"]
    closed = api.get("/api/v1/warnings/", {"open": "false"}).json()
    assert closed.get("results", closed) == []
    api.force_authenticate(cast["wanzhou"])
    rows = api.get("/api/v1/warnings/", {"enterprise": enterprises["yubei"].uscc}).json()
    assert rows.get("results", rows) == []  # out of scope


def test_the_portrait_lights_the_indicators_and_says_what_to_fix_first(
    cast, client, enterprises, factors, two_institutions
):
    yubei = enterprises["yubei"]
    _declare(yubei, factors["benzene"], "苯")
    _measure(yubei, _post(yubei), factors["benzene"], False, two_institutions["a"])
    p = portrait.build(yubei, TODAY)
    lights = {i.key: i.light for i in p.indicators}
    assert lights["declaration"] == "green" and lights["over_limit"] == "red"
    assert lights["suspected"] == "none" and lights["exams"] == "none"  # 无数据, not a value
    assert p.advice[0].startswith("对超标岗位")
    assert "超标岗位" in [r["name"] for r in p.radar["radar"]["indicator"]]
    assert "疑似职业病未处置" not in [r["name"] for r in p.radar["radar"]["indicator"]]
    client.force_login(cast["manager"])  # the employer sees its own
    page = client.get(f"/supervision/enterprises/{yubei.uscc}/portrait/")
    assert page.status_code == 200 and "先做这几件事" in page.content.decode()
    docx = client.get(f"/supervision/enterprises/{yubei.uscc}/portrait.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert client.get(f"/supervision/enterprises/{enterprises['wanzhou'].uscc}/portrait/").status_code == 404
    api = APIClient()
    api.force_authenticate(cast["yubei"])
    data = api.get(f"/api/v1/portraits/{yubei.uscc}/").json()
    assert {i["key"]: i["light"] for i in data["indicators"]}["over_limit"] == "red"
    api.force_authenticate(cast["wanzhou"])
    assert api.get(f"/api/v1/portraits/{yubei.uscc}/").status_code == 404


def test_the_district_warnings_page_and_its_export(cast, client, enterprises, factors):
    _declare(enterprises["yubei"], factors["benzene"], "苯")
    warnings.refresh(None, TODAY)
    client.force_login(cast["yubei"])
    page = client.get("/supervision/warnings/", {"open": "true", "kind": "undetected"})
    assert page.status_code == 200 and "申报的危害因素“苯”" in page.content.decode()
    export = client.get("/supervision/warnings/export/", {"open": "true"})
    assert export.status_code == 200 and export.content[:2] == b"PK"


def test_the_portrait_counts_change_declarations_visits_and_rectifications_in_one_query_each(
    enterprises, factors, two_institutions, django_assert_max_num_queries
):
    """The counts are aggregated (one query per indicator); the values stay what the separate
    counts gave: overdue ⊂ open triggers, late = planned before today, late ⊂ open tasks."""
    from ohsteward.declarations.models import ChangeTrigger  # local: only this test needs triggers

    yubei = enterprises["yubei"]
    _declare(yubei, factors["benzene"], "苯")
    for due in (TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5)):
        ChangeTrigger.objects.create(
            enterprise=yubei, kind="process_change", occurred_on=TODAY - dt.timedelta(days=40), due_on=due
        )
    workplace = Workplace.objects.create(enterprise=yubei, name="车间")
    for days in (-1, 10):
        post = Post.objects.create(workplace=workplace, name=f"岗位{days}")  # one open task per post × factor
        m = _measure(yubei, post, factors["benzene"], False, two_institutions["a"])
        RectificationTask.objects.create(
            enterprise=yubei, post=post, factor=factors["benzene"], measurement=m,
            required_measures=["工程控制"], deadline=TODAY + dt.timedelta(days=days),
        )  # fmt: skip
    agreement = sign_agreement(
        make_team(), yubei, TODAY - dt.timedelta(days=200), TODAY + dt.timedelta(days=100)
    )
    visits = list(agreement.visits.order_by("planned_on", "pk"))
    agreement.visits.filter(pk=visits[0].pk).update(status="done", visited_on=visits[0].planned_on)
    late = agreement.visits.filter(status="planned", planned_on__lt=TODAY).count()
    with django_assert_max_num_queries(15):  # 17 before the aggregates; +1 the 工伤保险 record
        got = {i.key: (i.light, i.value) for i in portrait.build(yubei, TODAY).indicators}
    assert got["declaration"][0] == "red" and got["declaration"][1].endswith("1 项变更申报逾期")
    assert got["rectifications"] == ("red", "2 项未完成，1 项逾期")
    assert got["steward"][1].startswith(f"协议至 {TODAY + dt.timedelta(days=100)}，已服务 1 次")
    assert got["steward"][0] == ("amber" if late else "green")
    assert (f"{late} 次逾期未服务" in got["steward"][1]) == bool(late)
    ChangeTrigger.objects.filter(due_on__lt=TODAY).delete()
    RectificationTask.objects.filter(deadline__lt=TODAY).delete()
    got = {i.key: (i.light, i.value) for i in portrait.build(yubei, TODAY).indicators}
    assert got["declaration"][0] == "amber" and got["declaration"][1].endswith("1 项变更待申报")
    assert got["rectifications"] == ("amber", "1 项在整改期限内")

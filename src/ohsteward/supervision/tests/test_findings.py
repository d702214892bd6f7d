"""Stored cross-check findings (issue 9 item 6): the re-run job upserts by a stable key (decisions
survive, vanished items are marked, not deleted), the QC team's verification (audited; the city
CDC, a district CDC for its district), the list with filters and its .xlsx export, the API, who
sees which finding (an institution its own, read-only), and the findings as the 交叉核查 factor of the institutions' colour (issue 9 item 5)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ohsteward.api.testing import bearer_client
from ohsteward.core import facts
from ohsteward.core.audit import audit_context
from ohsteward.core.models import AuditLog, Job
from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.institutions import actions as institution_actions
from ohsteward.institutions.models import Engagement, InstitutionGrade, PerformanceEvaluation, QcInspection
from ohsteward.institutions.tests.factories import InstitutionFactory
from ohsteward.supervision import actions, crosschecks, findings, jobs
from ohsteward.supervision.models import CrossCheckFinding
from ohsteward.supervision.tests.test_crosschecks import ON, YEAR, exam_result, factor, measure, report

pytestmark = pytest.mark.django_db


def _world(enterprises, two_institutions):
    """渝北's employer has noise over the limit and no noise exam; institution B (万州, no
    qualification) measured at the 万州 employer."""
    a, b = two_institutions["a"], two_institutions["b"]
    noise, silica = factor("噪声", "physical"), factor("矽尘", "dust")
    measure(report(a, enterprises["yubei"], "JC-N1"), noise, value=92, compliant=False)
    measure(report(b, enterprises["wanzhou"], "JC-Q1"), silica)
    return {"a": a, "b": b, "noise": noise, "silica": silica}


def _ours(**lookup):
    return CrossCheckFinding.objects.filter(year=YEAR, **lookup)


def _noise(enterprises):
    return _ours(kind="noise_no_audiometry", key=f"e{enterprises['yubei'].pk}").get()


def _audit(finding):
    kind = ContentType.objects.get_for_model(CrossCheckFinding)
    return AuditLog.objects.filter(content_type=kind, object_id=str(finding.pk))


def _scope(b):
    return _ours(kind="out_of_scope", key=f"i{b.pk}").get()


# ---- the stable key ---------------------------------------------------------------------------


def test_an_item_is_keyed_by_what_it_is_about(enterprises, two_institutions):
    employer, institution = enterprises["yubei"], two_institutions["a"]
    assert crosschecks.Item("noise_no_audiometry", "", enterprise=employer).key == f"e{employer.pk}"
    dust = crosschecks.Item("dust_exam_no_detection", "", enterprise=employer, detail="f7")
    assert dust.key == f"e{employer.pk}-f7"
    assert crosschecks.Item("out_of_scope", "", institution=institution).key == f"i{institution.pk}"


# ---- the re-run upserts -------------------------------------------------------------------------


def test_a_run_stores_new_items_pending_with_their_records(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    counts = findings.refresh(YEAR)
    noise, scope = _noise(enterprises), _scope(w["b"])
    assert counts["new"] >= 2 and noise.status == scope.status == "pending"
    assert noise.enterprise == enterprises["yubei"] and noise.institution is None
    assert scope.institution == w["b"] and "采样日无有效资质" in scope.summary
    assert scope.records[0][0] == "检测报告 JC-Q1" and noise.found_at and noise.gone_at is None


def test_a_rerun_over_unchanged_data_writes_nothing(cast, enterprises, two_institutions):
    _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    before = AuditLog.objects.count()
    counts = findings.refresh(YEAR)
    assert (counts["new"], counts["updated"], counts["gone"], counts["back"]) == (0, 0, 0, 0)
    assert AuditLog.objects.count() == before


def test_a_rerun_keeps_decisions_and_their_evidence_and_marks_vanished_items(
    cast, enterprises, two_institutions
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    scope = actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="现场核实：无资质开展检测"
    )
    decided_summary = scope.summary
    # the data change: B files a second report out of scope; the noise employer gets its noise exam
    measure(report(w["b"], enterprises["wanzhou"], "JC-Q2"), w["silica"])
    exam = exam_result(w["a"], enterprises["yubei"], w["noise"], on=ON)
    counts = findings.refresh(YEAR)
    scope, noise = _scope(w["b"]), _noise(enterprises)
    assert scope.status == "confirmed" and scope.note == "现场核实：无资质开展检测"
    assert scope.decided_by == cast["cdc"] and scope.summary == decided_summary  # as decided on
    assert noise.gone_at is not None and noise.status == "pending" and counts["gone"] >= 1
    # found again: the mark goes
    exam.exam.delete()
    counts = findings.refresh(YEAR)
    assert _noise(enterprises).gone_at is None and counts["back"] >= 1


def test_a_pending_item_s_evidence_follows_the_data(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    measure(report(w["b"], enterprises["wanzhou"], "JC-Q2"), w["silica"])
    counts = findings.refresh(YEAR)
    scope = _scope(w["b"])
    assert counts["updated"] >= 1 and "2 份检测报告" in scope.summary
    assert [label for label, _ in scope.records] == ["检测报告 JC-Q1", "检测报告 JC-Q2"]


def test_the_job_reruns_a_year_for_the_qc_team_only(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    job = jobs.start_crosscheck_job(user=cast["cdc"], year=YEAR)  # the test backend runs it at once
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded" and job.result["new"] >= 2 and f"{YEAR}年" in job.result["summary"]
    assert _scope(w["b"]).status == "pending"
    created = _audit(_scope(w["b"])).filter(action="create").get()
    assert created.user == cast["cdc"] and created.source == "job"
    with pytest.raises(PermissionDenied):
        jobs.start_crosscheck_job(user=cast["yubei"], year=YEAR)  # a district reads, it does not run


def test_the_run_page_starts_the_job(client, cast, enterprises, two_institutions):
    _world(enterprises, two_institutions)
    client.force_login(cast["cdc"])
    response = client.post(reverse("supervision:crosscheck_run"), {"year": YEAR})
    job = Job.objects.filter(kind="supervision.crosschecks").order_by("-pk").first()
    assert response.status_code == 302 and response["Location"] == reverse("web:job_detail", args=[job.pk])
    client.force_login(cast["yubei"])
    assert client.post(reverse("supervision:crosscheck_run"), {"year": YEAR}).status_code == 403


# ---- the verification ---------------------------------------------------------------------------


def test_a_decision_needs_a_note_and_the_city_qc_team_and_is_audited(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    finding = _scope(w["b"])
    with pytest.raises(ValidationError) as error:
        actions.crosscheck_finding_decide(user=cast["cdc"], finding=finding, status="rejected", note=" ")
    assert "核实说明" in str(error.value)
    with pytest.raises(PermissionDenied):
        actions.crosscheck_finding_decide(user=cast["wanzhou"], finding=finding, status="rejected", note="x")
    with pytest.raises(ValidationError):
        actions.crosscheck_finding_decide(user=cast["cdc"], finding=finding, status="closed", note="x")
    with audit_context(cast["cdc"], "web"):  # the web and API set the actor (middleware)
        decided = actions.crosscheck_finding_decide(
            user=cast["cdc"], finding=finding, status="rejected", note="资质证书已补录"
        )
    assert decided.status == "rejected" and decided.decided_by == cast["cdc"] and decided.decided_at
    entry = _audit(finding).filter(action="update").latest("pk")
    assert entry.changes["status"] == ["pending", "rejected"] and entry.user == cast["cdc"]


def test_the_decision_form_saves_for_the_qc_team(client, cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    finding = _scope(w["b"])
    client.force_login(cast["cdc"])
    page = client.get(reverse("supervision:finding_detail", args=[finding.pk])).content.decode()
    assert 'id="decide-form"' in page and "JC-Q1" in page
    url = reverse("supervision:finding_decide", args=[finding.pk])
    assert client.post(url, {"status": "confirmed", "note": "属实"}).status_code == 302
    assert _scope(w["b"]).status == "confirmed"
    client.force_login(cast["wanzhou"])  # the district sees its institution's finding, without the form
    page = client.get(reverse("supervision:finding_detail", args=[finding.pk])).content.decode()
    assert "属实" in page and 'id="decide-form"' not in page
    assert client.post(url, {"status": "rejected", "note": "x"}).status_code == 403


# ---- list, filters, export, API -------------------------------------------------------------------


def test_the_list_filters_by_kind_status_institution_region_and_year(
    client, cast, enterprises, two_institutions
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="属实"
    )
    client.force_login(cast["cdc"])
    url = reverse("supervision:finding_list")

    def listed(query: str) -> str:
        return client.get(f"{url}?year={YEAR}&{query}").content.decode()

    assert "JC-Q1" in listed("kind=out_of_scope") and "JC-Q1" not in listed("kind=noise_no_audiometry")
    assert w["b"].name in listed("status=confirmed") and w["b"].name not in listed("status=pending")
    assert w["b"].name in listed(f"institution={w['b'].uscc}")
    assert w["b"].name in listed("region=500101") and w["b"].name not in listed("region=500112")
    assert enterprises["yubei"].name in listed("region=500112")
    assert w["b"].name not in client.get(f"{url}?year={YEAR - 1}").content.decode()


def test_the_export_holds_the_filtered_findings_with_their_decision(
    client, cast, enterprises, two_institutions
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="属实"
    )
    client.force_login(cast["cdc"])
    response = client.get(reverse("supervision:finding_export") + f"?year={YEAR}&kind=out_of_scope")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    mine = [r for r in rows if r["机构信用代码"] == w["b"].uscc]
    assert len(mine) == 1 and mine[0]["核实结论"] == "属实" and mine[0]["核实人"] == "cdc"
    assert "检测报告 JC-Q1" in mine[0]["相关记录"] and {r["核查类别"] for r in rows} == {
        "检测因素超出机构资质范围"
    }


def test_the_api_reads_and_decides(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    finding = _scope(w["b"])
    api = bearer_client(cast["cdc"])
    rows = api.get(f"/api/v1/crosscheck-findings/?year={YEAR}&institution={w['b'].uscc}").json()["results"]
    assert [(r["id"], r["kind"], r["status"], r["institution"]) for r in rows] == [
        (finding.pk, "out_of_scope", "pending", w["b"].uscc)
    ]
    answer = api.post(
        f"/api/v1/crosscheck-findings/{finding.pk}/decide/",
        {"status": "confirmed", "note": "属实"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed"
    assert answer.json()["decided_by"] == "cdc"
    missing = api.post(
        f"/api/v1/crosscheck-findings/{finding.pk}/decide/", {"status": "confirmed"}, format="json"
    )
    assert missing.status_code == 400
    district = bearer_client(cast["wanzhou"])
    assert district.get(f"/api/v1/crosscheck-findings/{finding.pk}/").status_code == 200
    refused = district.post(
        f"/api/v1/crosscheck-findings/{finding.pk}/decide/",
        {"status": "rejected", "note": "x"},
        format="json",
    )
    assert refused.status_code == 403
    run = api.post("/api/v1/crosscheck-findings/run/", {"year": YEAR}, format="json")
    assert run.status_code == 202 and run.json()["job"]


# ---- who sees a finding about an institution ---------------------------------------------------------


def test_a_finding_about_an_institution_is_seen_by_the_city_and_its_district_only(
    client, cast, enterprises, two_institutions
):
    """B is a 万州 institution: the city and 万州 see its finding; 渝北, the institution user (of A)
    and the employer's manager get 404. An out-of-province institution's finding is seen by the
    district it serves."""
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    finding = _scope(w["b"])
    away = InstitutionFactory(name="四川测试检测有限公司", region=None, province="四川省")
    Engagement.objects.create(institution=away, enterprise=enterprises["yubei"], start_date=ON)
    remote = CrossCheckFinding.objects.create(
        kind="uniform_results",
        year=YEAR,
        key=f"i{away.pk}",
        institution=away,
        summary="同值",
        found_at=timezone.now(),
    )
    url = reverse("supervision:finding_detail", args=[finding.pk])
    remote_url = reverse("supervision:finding_detail", args=[remote.pk])
    expected = {"city": 200, "cdc": 200, "wanzhou": 200, "yubei": 404, "institution": 404, "manager": 404}
    for who, status in expected.items():
        client.force_login(cast[who])
        assert client.get(url).status_code == status, who
    for who, status in {"yubei": 200, "wanzhou": 404, "institution": 404}.items():
        client.force_login(cast[who])
        assert client.get(remote_url).status_code == status, who


# ---- the colour's 交叉核查 factor (through core.facts) ---------------------------------------------


def _graded(cast, institution) -> dict:
    """Grade the year with enough weight with data (a QC inspection and an evaluation)."""
    QcInspection.objects.get_or_create(
        institution=institution, year=YEAR, status="recorded", score=90, result="pass"
    )
    PerformanceEvaluation.objects.get_or_create(
        institution=institution,
        year=YEAR,
        defaults={"checklist_version": "v1", "total": 90, "evaluated_on": ON},
    )
    institution_actions.grades_compute(user=cast["cdc"], year=YEAR)
    grade = InstitutionGrade.objects.get(institution=institution, year=YEAR)
    return {f["name"]: f for f in grade.factors}


def test_confirmed_findings_lower_the_institution_s_cross_check_factor(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    assert _graded(cast, w["b"])["crosscheck"]["value"] is None  # not checked yet: 无数据, not 100
    findings.refresh(YEAR)
    assert _graded(cast, w["b"])["crosscheck"]["value"] == 100.0  # pending does not count (v2)
    actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="属实"
    )
    factor = _graded(cast, w["b"])["crosscheck"]
    assert factor["value"] == 80.0 and factor["weight"] == 0.05 and factor["points"] is not None
    assert "属实 1 项" in factor["detail"]
    assert set(factor) >= {"name", "value", "weight", "points"}


def test_the_counts_come_from_supervision_and_are_none_without_it(
    cast, enterprises, two_institutions, monkeypatch
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="属实"
    )
    ids = [w["a"].pk, w["b"].pk]
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, ids, YEAR) == {w["a"].pk: 0, w["b"].pk: 1}
    # A's report JC-N1 was made without a valid qualification too: still 待核实
    assert facts.ask_counts(facts.PENDING_CROSSCHECK_FINDINGS, ids, YEAR) == {w["a"].pk: 1, w["b"].pk: 0}
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, ids, YEAR - 1) is None  # never run
    monkeypatch.setattr(facts, "_counters", {})  # supervision not installed
    assert facts.ask_counts(facts.CONFIRMED_CROSSCHECK_FINDINGS, ids, YEAR) is None
    factor = _graded(cast, w["b"])["crosscheck"]
    assert (
        factor["value"] is None
        and factor["points"] is None
        and factor["reason"].startswith("未接入交叉核查数据")
    )


def test_the_grade_page_explains_the_factor_with_a_link_to_the_findings(
    client, cast, enterprises, two_institutions
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    _graded(cast, w["b"])
    grade = InstitutionGrade.objects.get(institution=w["b"], year=YEAR)
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:grade_detail", args=[grade.pk])).content.decode()
    link = f"{reverse('supervision:finding_list')}?institution={w['b'].uscc}&amp;year={YEAR}"
    assert "交叉核查" in page and link in page
    rows = bearer_client(cast["cdc"]).get(f"/api/v1/institution-grades/?year={YEAR}").json()["results"]
    mine = next(r for r in rows if r["institution"] == w["b"].uscc)
    crosscheck = next(f for f in mine["factors"] if f["name"] == "crosscheck")
    assert set(crosscheck) >= {"name", "value", "weight", "points"} and crosscheck["value"] == 100.0


def test_the_list_page_and_export_send_no_query_per_finding(client, cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=_scope(w["b"]), status="confirmed", note="属实"
    )
    client.force_login(cast["cdc"])

    def more() -> None:
        for n in range(5):
            away = InstitutionFactory(region=None, province="四川省")
            CrossCheckFinding.objects.create(
                kind="uniform_results", year=YEAR, key=f"i{away.pk}", institution=away,
                summary=f"同值 {n}", found_at=timezone.now(), status="rejected", note="x", decided_by=cast["cdc"],
            )  # fmt: skip
            CrossCheckFinding.objects.create(
                kind="noise_no_audiometry", year=YEAR, key=f"e0-t{away.pk}", enterprise=enterprises["wanzhou"],
                summary=f"噪声 {n}", found_at=timezone.now(),
            )  # fmt: skip

    url = reverse("supervision:finding_list") + f"?year={YEAR}"
    assert_constant_queries(lambda: client.get(url), more)
    export = reverse("supervision:finding_export") + f"?year={YEAR}"
    assert_constant_queries(lambda: client.get(export), more)


# ---- institutions read their own findings; a district CDC decides its district's ---------------


def _about_institution(institution):
    return CrossCheckFinding.objects.get_or_create(
        kind="out_of_scope", year=YEAR, key=f"i{institution.pk}",
        defaults={"institution": institution, "summary": "检测因素超出资质范围", "found_at": timezone.now()},
    )[0]  # fmt: skip


def test_an_institution_reads_the_findings_about_itself_only_and_cannot_decide(
    client, cast, enterprises, two_institutions
):
    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    own, other, employer = _about_institution(w["a"]), _scope(w["b"]), _noise(enterprises)
    staff = cast["institution"]  # works for A (two_institutions)
    assert list(CrossCheckFinding.objects.for_user(staff)) == [own]
    client.force_login(staff)
    page = client.get(reverse("supervision:finding_detail", args=[own.pk]))
    assert page.status_code == 200 and 'id="decide-form"' not in page.content.decode()
    assert "由疾控中心质控人员核实" in page.content.decode()
    for hidden in (other, employer):
        assert client.get(reverse("supervision:finding_detail", args=[hidden.pk])).status_code == 404
    url = reverse("supervision:finding_decide", args=[own.pk])
    assert client.post(url, {"status": "rejected", "note": "x"}).status_code == 403
    api = bearer_client(staff)
    rows = api.get(f"/api/v1/crosscheck-findings/?year={YEAR}").json()["results"]
    assert [(r["id"], r["institution"]) for r in rows] == [(own.pk, w["a"].uscc)]
    with pytest.raises(PermissionDenied):
        actions.crosscheck_finding_decide(user=staff, finding=own, status="rejected", note="x")
    # the employer's manager still sees none
    assert not CrossCheckFinding.objects.for_user(cast["manager"]).exists()


def test_a_district_cdc_decides_the_findings_of_its_district_only(
    client, cast, enterprises, two_institutions
):
    from ohsteward.accounts import access
    from ohsteward.accounts.actions import user_create

    w = _world(enterprises, two_institutions)
    findings.refresh(YEAR)
    wanzhou_cdc = user_create(
        username="cdc_wanzhou", password="Ohs-test-pass-2024", role="cdc_staff", region_code="500101",
        check_password=False,
    )  # fmt: skip
    ours, theirs = _scope(w["b"]), _noise(enterprises)  # B is a 万州 institution; the noise is 渝北's
    decided = actions.crosscheck_finding_decide(
        user=wanzhou_cdc, finding=ours, status="confirmed", note="现场核实"
    )
    assert decided.status == "confirmed" and decided.decided_by == wanzhou_cdc
    with pytest.raises(access.OutOfScope):
        actions.crosscheck_finding_decide(user=wanzhou_cdc, finding=theirs, status="confirmed", note="x")
    client.force_login(wanzhou_cdc)
    page = client.get(reverse("supervision:finding_detail", args=[ours.pk])).content.decode()
    assert 'id="decide-form"' in page
    url = reverse("supervision:finding_decide", args=[theirs.pk])
    assert client.post(url, {"status": "rejected", "note": "x"}).status_code == 404
    api = bearer_client(wanzhou_cdc)
    answer = api.post(
        f"/api/v1/crosscheck-findings/{ours.pk}/decide/",
        {"status": "rejected", "note": "资质已补录"},
        format="json",
    )
    assert answer.status_code == 200 and answer.json()["status"] == "rejected"
    # the district officer (no change permission) still reads only
    with pytest.raises(PermissionDenied):
        actions.crosscheck_finding_decide(user=cast["wanzhou"], finding=ours, status="confirmed", note="x")


def test_a_district_cdc_reads_but_does_not_decide_an_out_of_province_institutions_finding(
    client, cast, enterprises, two_institutions
):
    """An out-of-province institution is seen by every district it serves: one district's CDC
    deciding would decide for all of them, so the city CDC's QC team decides (refused, form hidden)."""
    from ohsteward.accounts.actions import user_create

    away = InstitutionFactory(name="四川测试检测有限公司", region=None, province="四川省")
    Engagement.objects.create(institution=away, enterprise=enterprises["wanzhou"], start_date=ON)
    remote = CrossCheckFinding.objects.create(
        kind="uniform_results", year=YEAR, key=f"i{away.pk}", institution=away, summary="同值",
        found_at=timezone.now(),
    )  # fmt: skip
    wanzhou_cdc = user_create(
        username="cdc_wanzhou", password="Ohs-test-pass-2024", role="cdc_staff", region_code="500101",
        check_password=False,
    )  # fmt: skip
    assert CrossCheckFinding.objects.for_user(wanzhou_cdc).filter(pk=remote.pk).exists()
    assert not actions.can_decide_finding(wanzhou_cdc, remote)
    with pytest.raises(PermissionDenied):
        actions.crosscheck_finding_decide(user=wanzhou_cdc, finding=remote, status="confirmed", note="x")
    client.force_login(wanzhou_cdc)
    page = client.get(reverse("supervision:finding_detail", args=[remote.pk])).content.decode()
    assert 'id="decide-form"' not in page
    url = reverse("supervision:finding_decide", args=[remote.pk])
    answer = client.post(url, {"status": "rejected", "note": "x"}, follow=True)
    assert "由市疾控中心质控人员核实" in answer.content.decode()
    remote.refresh_from_db()
    assert remote.status == "pending" and remote.decided_by is None
    # the city CDC decides it
    decided = actions.crosscheck_finding_decide(
        user=cast["cdc"], finding=remote, status="rejected", note="核实"
    )
    assert decided.status == "rejected"


def test_an_institution_does_not_read_an_employer_finding_that_names_it(cast, enterprises, two_institutions):
    w = _world(enterprises, two_institutions)
    staff = cast["institution"]  # works for A
    both = CrossCheckFinding.objects.create(
        kind="noise_no_audiometry", year=YEAR, key=f"e{enterprises['yubei'].pk}-x", enterprise=enterprises["yubei"],
        institution=w["a"], summary="关于用人单位", found_at=timezone.now(),
    )  # fmt: skip
    own = _about_institution(w["a"])
    visible = set(CrossCheckFinding.objects.for_user(staff).values_list("pk", flat=True))
    assert own.pk in visible and both.pk not in visible

"""Pages, exports, the evaluation import and the API lookups of issue 9 items 5, 7, 8 and 9."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.institutions import actions, rules
from ohsteward.institutions.importers import _evaluation_columns, evaluation_import, evaluation_template
from ohsteward.institutions.models import PerformanceEvaluation, Referral, TechnicalGuidance
from ohsteward.institutions.tests.factories import InstitutionFactory
from ohsteward.registry.models import Region

pytestmark = pytest.mark.django_db
D = dt.date
FULL = {i.code: (Decimal(str(i.max_points)), "") for i in rules.load_checklist().items}


def _sheet(content: bytes) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


# --- performance evaluation ---------------------------------------------------------------


def _evaluation_file(rows: list[dict]) -> bytes:
    columns = [(c.key, c.header) for c in _evaluation_columns()]
    return write_xlsx(columns, ([r.get(key, "") for key, _h in columns] for r in rows))


def _row(inst, **extra) -> dict:
    row = {"year": "2026", "uscc": inst.uscc, "evaluated_on": "2026-05-01", "note": "年度评估"}
    row.update({f"score_{code}": str(v) for code, (v, _e) in FULL.items()})
    row.update(extra)
    return row


def test_the_evaluation_template_names_every_item_and_says_unverified():
    book = openpyxl.load_workbook(io.BytesIO(evaluation_template()))
    text = " ".join(str(c) for ws in book.worksheets for r in ws.iter_rows(values_only=True) for c in r if c)
    assert "Q1得分*" in text and "Q6评分依据" in text
    assert "v1（未核对）" in text


def test_an_evaluation_import_dry_runs_then_records_with_chinese_row_errors(cast):
    inst, other = InstitutionFactory(), InstitutionFactory()
    content = _evaluation_file([_row(inst, score_Q4="15"), _row(other, score_Q1="20", score_Q2="abc")])
    report = evaluation_import(user=cast["cdc"], filename="e.xlsx", content=content, dry_run=True)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "Q2得分", "无法识别的分数“abc”"),
    ]
    assert not PerformanceEvaluation.objects.exists()
    content = _evaluation_file([_row(inst, score_Q4="15"), _row(other, score_Q1="20")])
    report = evaluation_import(user=cast["cdc"], filename="e.xlsx", content=content, dry_run=True)
    assert [(e.row, e.column, e.message) for e in report.errors] == [(3, "Q1得分", "得分应在 0 到 15 之间")]
    report = evaluation_import(
        user=cast["cdc"], filename="e.xlsx", content=content, dry_run=False, all_or_nothing=False
    )
    assert report.applied
    assert [float(e.total) for e in PerformanceEvaluation.objects.all()] == [95.0]


def test_a_district_importing_evaluations_is_refused_per_row(cast):
    inst = InstitutionFactory()
    report = evaluation_import(
        user=cast["yubei"], filename="e.xlsx", content=_evaluation_file([_row(inst)]), dry_run=True
    )
    assert [(e.row, e.message) for e in report.errors] == [(2, "您无权执行此操作")]


def test_the_evaluation_pages_and_export(client, cast):
    inst = InstitutionFactory()
    evaluation = actions.performance_evaluation_record(
        user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 5, 1), scores=FULL
    )
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:evaluation_list")).content.decode()
    assert "未核对" in page and inst.name in page
    detail = client.get(evaluation.get_absolute_url()).content.decode()
    assert "100.0" in detail and "报告质量" in detail
    rows = _sheet(client.get(reverse("institutions:evaluation_export")).content)
    assert rows[0][:5] == ("年度", "机构", "统一社会信用代码", "评估日期", "总分")
    assert rows[1][4] == 100


def test_the_evaluation_form_records_one_score_per_item(client, cast):
    inst = InstitutionFactory()
    client.force_login(cast["cdc"])
    body = {"institution": inst.uscc, "year": "2026", "evaluated_on": "2026-05-01", "note": ""}
    body.update({f"score_{c}": str(v) for c, (v, _e) in FULL.items()})
    body["score_Q1"] = "10"
    body["evidence_Q1"] = "资质证书一项过期"
    response = client.post(reverse("institutions:evaluation_create"), body)
    assert response.status_code == 302, response.content.decode()[:500]
    evaluation = PerformanceEvaluation.objects.get()
    assert float(evaluation.total) == 95.0
    assert evaluation.scores[0] == {"code": "Q1", "score": 10.0, "evidence": "资质证书一项过期"}


def test_the_grade_page_explains_the_performance_factor_with_a_link(client, cast):
    inst = InstitutionFactory()
    evaluation = actions.performance_evaluation_record(
        user=cast["cdc"], institution=inst, year=2026, evaluated_on=D(2026, 5, 1), scores=FULL
    )
    grade = actions.grades_compute(user=cast["cdc"], year=2026)["graded"][0]
    client.force_login(cast["cdc"])
    page = client.get(grade.get_absolute_url()).content.decode()
    assert "绩效评估总分 100（评分表 v1（未核对））" in page
    assert reverse("institutions:evaluation_detail", args=[evaluation.pk]) in page


# --- the ledger ---------------------------------------------------------------------------


def test_the_ledger_list_filters_and_exports_and_the_month_summary_is_there(client, cast):
    inst = InstitutionFactory()
    referral = actions.referral_create(
        user=cast["cdc"],
        data={
            "direction": "qc_to_supervision",
            "institution": inst,
            "finding": "原始记录缺失",
            "handed_on": timezone.localdate(),
            "handed_by": "市疾控中心",
        },
    )
    month = timezone.localdate().strftime("%Y-%m")
    client.force_login(cast["yubei"])
    listing = client.get(reverse("institutions:referral_list"), {"status": "handed_over", "month": month})
    assert "原始记录缺失" in listing.content.decode()
    assert (
        "原始记录缺失"
        not in client.get(reverse("institutions:referral_list"), {"status": "closed"}).content.decode()
    )
    rows = _sheet(client.get(reverse("institutions:referral_export")).content)
    assert rows[1][0] == referral.pk and rows[1][4] == "渝北区"
    page = client.get(reverse("institutions:referral_month"), {"month": month}).content.decode()
    assert "每月市职业健康工作调度会" in page
    summary = _sheet(client.get(reverse("institutions:referral_month_export"), {"month": month}).content)
    assert summary[0][:3] == ("承办区县", "移交方向", "本月移交")
    assert summary[1][:3] == ("渝北区", "质控发现线索移交卫生监督", 1)
    assert summary[-1][:3] == ("合计", "", 1)
    client.force_login(cast["wanzhou"])
    assert client.get(referral.get_absolute_url()).status_code == 404


def test_a_district_receives_a_referral_on_its_page(client, cast):
    inst = InstitutionFactory()
    referral = actions.referral_create(
        user=cast["cdc"],
        data={
            "direction": "qc_to_supervision",
            "institution": inst,
            "finding": "x",
            "handed_on": timezone.localdate(),
            "handed_by": "市疾控中心",
        },
    )
    client.force_login(cast["yubei"])
    assert "advance-form" in client.get(referral.get_absolute_url()).content.decode()
    today = timezone.localdate().isoformat()
    client.post(
        reverse("institutions:referral_advance", args=[referral.pk]),
        {"status": "received", "on": today, "by": "渝北区卫生监督所"},
    )
    referral.refresh_from_db()
    assert referral.status == "received" and referral.received_by == "渝北区卫生监督所"


def test_the_referral_form_creates_a_supervision_report_of_the_district(client, cast):
    inst = InstitutionFactory()
    client.force_login(cast["yubei"])
    page = client.get(reverse("institutions:referral_create"))
    assert page.status_code == 200
    body = {
        "direction": "supervision_to_qc",
        "institution": inst.uscc,
        "finding": "监督检查发现检测报告结论与数据不符",
        "handed_on": timezone.localdate().isoformat(),
        "handed_by": "渝北区卫生监督所",
    }
    body.update(_submission(page))
    response = client.post(reverse("institutions:referral_create"), body)
    assert response.status_code == 302, response.content.decode()[:800]
    assert Referral.objects.get().district_id == "500112"


def _submission(page) -> dict:
    """The one-time submission token of a create form, if the page carries one."""
    import re  # local: only these form tests read the token

    found = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode())
    return {"submission_token": found.group(1)} if found else {}


# --- guidance -----------------------------------------------------------------------------


def test_guidance_list_counts_and_exports(client, cast, enterprises):
    centre = InstitutionFactory(name="重庆市渝北区疾病预防控制中心", guidance_duty=True)
    TechnicalGuidance.objects.create(
        institution=centre,
        enterprise=enterprises["yubei"],
        visited_on=timezone.localdate(),
        content="申报指导",
    )
    client.force_login(cast["yubei"])
    assert "申报指导" in client.get(reverse("institutions:guidance_list")).content.decode()
    page = client.get(reverse("institutions:guidance_counts")).content.decode()
    assert "重庆市渝北区疾病预防控制中心" in page and "未达标" in page
    rows = _sheet(client.get(reverse("institutions:guidance_counts_export")).content)
    assert rows[1] == ("重庆市渝北区疾病预防控制中心", centre.uscc, "渝北区", 1, 1, 50, "未达标")
    rows = _sheet(client.get(reverse("institutions:guidance_export")).content)
    assert rows[1][2] == enterprises["yubei"].name


def test_the_guidance_form_takes_credit_codes_and_refuses_an_unseen_employer(client, cast, enterprises):
    centre = InstitutionFactory(guidance_duty=True)
    client.force_login(cast["yubei"])
    page = client.get(reverse("institutions:guidance_create"))
    assert page.status_code == 200
    body = {
        "institution": centre.uscc,
        "enterprise": enterprises["wanzhou"].uscc,
        "visited_on": timezone.localdate().isoformat(),
        "kind": "guidance",
        "content": "现场指导",
        **_submission(page),
    }
    response = client.post(reverse("institutions:guidance_create"), body)
    assert "该统一社会信用代码不在您管辖的用人单位中" in response.content.decode()
    body["enterprise"] = enterprises["yubei"].uscc
    body.update(_submission(client.get(reverse("institutions:guidance_create"))))
    assert client.post(reverse("institutions:guidance_create"), body).status_code == 302
    assert TechnicalGuidance.objects.get().enterprise == enterprises["yubei"]


# --- out-of-province ----------------------------------------------------------------------


def test_the_out_of_province_report_page_and_export(client, cast):
    far = InstitutionFactory(
        name="四川某检测公司", province="四川省", region=None, qc_number="CQZK-9", qc_issued_on=D(2026, 1, 1)
    )
    actions.qcinspection_add(user=cast["cdc"], institution=far, year=2026)
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:out_of_province"), {"year": 2026}).content.decode()
    assert "四川某检测公司" in page and "纳入抽查比例" in page
    rows = _sheet(client.get(reverse("institutions:out_of_province_export"), {"year": 2026}).content)
    assert rows[1][:6] == ("四川某检测公司", far.uscc, "四川省", "CQZK-9", 0, "是")
    client.force_login(cast["yubei"])  # out-of-province institutions are the city's
    assert (
        "四川某检测公司"
        not in client.get(reverse("institutions:out_of_province"), {"year": 2026}).content.decode()
    )


# --- item 5: API input lookups are scoped ---------------------------------------------------


def test_a_proficiency_result_naming_an_unseen_institution_or_round_is_a_validation_error(client, cast):
    yubei_inst = InstitutionFactory()
    wanzhou_inst = InstitutionFactory(region=Region.objects.get(code="500101"))
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "噪声"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[yubei_inst, wanzhou_inst])
    user = cast["yubei"]
    user.user_permissions.add(Permission.objects.get(codename="change_proficiencyresult"))
    client.force_login(user)
    url = "/api/v1/proficiency-results/"
    other = client.post(
        url,
        {"round": rnd.pk, "institution": wanzhou_inst.uscc, "outcome": "satisfactory"},
        content_type="application/json",
    )
    assert other.status_code == 400
    assert f"统一社会信用代码 {wanzhou_inst.uscc} 不在机构名录中" in other.content.decode()
    # its own district's institution passes the lookup and meets the city-only rule of the action
    own = client.post(
        url,
        {"round": rnd.pk, "institution": yubei_inst.uscc, "outcome": "satisfactory"},
        content_type="application/json",
    )
    assert own.status_code == 403


def test_guidance_is_posted_through_the_api_with_scoped_lookups(client, cast, enterprises):
    centre = InstitutionFactory(guidance_duty=True)
    client.force_login(cast["yubei"])
    url = "/api/v1/technical-guidance/"
    body = {
        "institution": centre.uscc,
        "enterprise": enterprises["wanzhou"].uscc,
        "visited_on": timezone.localdate().isoformat(),
        "kind": "survey",
        "content": "职业病危害调查",
    }
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert "不在您管辖的用人单位中" in refused.content.decode()
    body["enterprise"] = enterprises["yubei"].uscc
    created = client.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.content.decode()
    assert created.json()["enterprise_name"] == enterprises["yubei"].name
    assert TechnicalGuidance.objects.get().kind == "survey"


def test_a_recorded_inspection_offers_the_hand_over_prefilled(client, cast):
    inst = InstitutionFactory()
    inspection = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=timezone.localdate().year)
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=inspection,
        data={
            "inspected_on": timezone.localdate(),
            "score": Decimal("55"),
            "result": "fail",
            "findings": "记录造假",
        },
    )
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:qcinspection_detail", args=[inspection.pk])).content.decode()
    assert 'id="refer-link"' in page
    form = client.get(
        reverse("institutions:referral_create"),
        {"direction": "qc_to_supervision", "institution": inst.uscc, "inspection": inspection.pk},
    ).context["form"]
    assert (form.initial["institution"], str(form.initial["inspection"])) == (inst.uscc, str(inspection.pk))
    client.force_login(cast["yubei"])  # districts see the inspection but do not hand QC clues over
    district_page = client.get(reverse("institutions:qcinspection_detail", args=[inspection.pk]))
    assert 'id="refer-link"' not in district_page.content.decode()


def test_the_new_lists_send_no_query_per_row(client, cast, enterprises):
    from ohsteward.core.testing.queries import assert_constant_queries  # local: only this test counts

    centre = InstitutionFactory(guidance_duty=True)

    def add():
        inst = InstitutionFactory()
        actions.performance_evaluation_record(
            user=None, institution=inst, year=2026, evaluated_on=D(2026, 5, 1), scores=FULL
        )
        actions.referral_create(
            user=None,
            data={"direction": "qc_to_supervision", "institution": inst, "finding": "x",
                  "handed_on": timezone.localdate(), "handed_by": "市疾控中心"},
        )  # fmt: skip
        TechnicalGuidance.objects.create(
            institution=centre, enterprise=enterprises["yubei"], visited_on=timezone.localdate(), content="x"
        )

    add()
    client.force_login(cast["city"])
    for name in ("evaluation_list", "referral_list", "guidance_list", "guidance_counts", "referral_month"):
        assert_constant_queries(lambda name=name: client.get(reverse(f"institutions:{name}")), add)

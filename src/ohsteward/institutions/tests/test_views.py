"""Pages: list, filters, detail, create/edit through the actions, export, QC, proficiency, grades."""

from __future__ import annotations

import datetime as dt
import io

import docx
import openpyxl
import pytest
from django.urls import reverse

from ohsteward.core.testing.queries import assert_constant_queries
from ohsteward.institutions import actions
from ohsteward.institutions.models import Institution, InstitutionGrade, ProficiencyResult, Qualification
from ohsteward.institutions.tests.factories import InstitutionFactory, uscc

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_list_filters_by_kind_and_origin_and_exports(client, cast):
    InstitutionFactory(name="重庆甲检测", kinds=["hygiene_service"])
    InstitutionFactory(name="四川乙体检", kinds=["exam"], province="四川省", region=None)
    client.force_login(cast["city"])
    body = client.get(
        reverse("institutions:institution_list"), {"origin": "out_of_province"}
    ).content.decode()
    assert "四川乙体检" in body and "重庆甲检测" not in body
    body = client.get(reverse("institutions:institution_list"), {"kind": "hygiene_service"}).content.decode()
    assert "重庆甲检测" in body and "四川乙体检" not in body
    response = client.get(reverse("institutions:institution_export"), {"kind": "exam"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["四川乙体检"]


def test_the_district_filter_is_a_list_of_district_names_and_filters_by_code(client, cast):
    InstitutionFactory(name="渝北丙检测", region_id="500112")
    InstitutionFactory(name="万州丁检测", region_id="500101")
    client.force_login(cast["city"])
    page = client.get(reverse("institutions:institution_list")).content.decode()
    assert '<select name="region"' in page and "渝北区" in page  # a drop-down, not a code box
    body = client.get(reverse("institutions:institution_list"), {"region": "500112"}).content.decode()
    assert "渝北丙检测" in body and "万州丁检测" not in body
    api = client.get("/api/v1/institutions/", {"region": "500101"}).json()
    assert [i["name"] for i in api["results"]] == ["万州丁检测"]


def test_the_list_page_costs_a_constant_number_of_queries(client, cast):
    client.force_login(cast["city"])

    def add():
        i = InstitutionFactory()
        Qualification.objects.create(institution=i, kind="filing", number=f"备{i.pk}")

    add()
    assert_constant_queries(lambda: client.get(reverse("institutions:institution_list")), add)


def test_create_through_the_form_refuses_a_qualification_style_error_and_saves_a_good_one(client, cast):
    client.force_login(cast["cdc"])
    data = {
        "uscc": uscc(811),
        "name": "重庆丙职业病防治院",
        "kinds": ["exam", "diagnosis"],
        "province": "重庆市",
        "region": "500112",
        "qc_number": "CQ-9",
        "qc_issued_on": "2026-01-01",
    }
    response = client.post(reverse("institutions:institution_create"), data)
    assert response.status_code == 200
    assert "本市机构无需领取质量控制号" in response.content.decode()
    data.update(qc_number="", qc_issued_on="")
    response = client.post(reverse("institutions:institution_create"), data)
    assert response.status_code == 302
    inst = Institution.objects.get(name="重庆丙职业病防治院")
    assert inst.kinds == ["exam", "diagnosis"]
    response = client.post(
        reverse("institutions:qualification_add", args=[inst.uscc]),
        {"kind": "filing", "number": "渝检备1", "issued_on": "2025-01-02", "valid_until": "2024-01-01"},
    )
    assert "有效期至不能早于发证（备案）日期" in response.content.decode()
    assert not inst.qualifications.exists()


def test_district_officers_read_but_cannot_edit(client, cast):
    inst = InstitutionFactory()
    client.force_login(cast["yubei"])
    assert client.get(reverse("institutions:institution_detail", args=[inst.uscc])).status_code == 200
    assert client.get(reverse("institutions:institution_edit", args=[inst.uscc])).status_code == 403


def test_qc_page_shows_the_year_figures(client, cast):
    a = InstitutionFactory()
    InstitutionFactory()  # not inspected: coverage 1/2
    i = actions.qcinspection_add(user=cast["cdc"], institution=a, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"], inspection=i, data={"inspected_on": D(2026, 3, 1), "score": 90, "result": "pass"}
    )
    client.force_login(cast["cdc"])
    body = client.get(reverse("institutions:qcinspection_list"), {"year": 2026}).content.decode()
    assert "质控覆盖率" in body and "50.0%（1/2）" in body


def test_recording_a_result_on_the_round_page_for_a_stranger_is_refused(client, cast):
    a, b = InstitutionFactory(), InstitutionFactory()
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "sampling", "name": "采样考核"}
    )
    client.force_login(cast["cdc"])
    url = reverse("institutions:proficiencyround_detail", args=[rnd.pk])
    assert client.post(url, {"enrol": "1", "institutions": a.uscc}).status_code == 302
    response = client.post(url, {"record": "1", "institution": b.uscc, "outcome": "satisfactory"})
    assert response.status_code == 400 and actions.NOT_IN_ROUND in response.content.decode()
    assert (
        client.post(url, {"record": "1", "institution": a.uscc, "outcome": "satisfactory"}).status_code == 302
    )
    assert ProficiencyResult.objects.get(institution=a).outcome == "satisfactory"


def test_the_grade_page_shows_no_data_factors_with_their_reason_and_unverified_rules(client, cast):
    inst = InstitutionFactory()
    i = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"], inspection=i, data={"inspected_on": D(2026, 3, 1), "score": 90, "result": "pass"}
    )
    rnd = actions.proficiencyround_create(
        user=cast["cdc"], data={"year": 2026, "kind": "noise", "name": "噪声"}
    )
    actions.proficiency_enrol(user=cast["cdc"], round=rnd, institutions=[inst])
    actions.proficiency_result_record(user=cast["cdc"], round=rnd, institution=inst, outcome="satisfactory")
    client.force_login(cast["cdc"])
    assert client.post(reverse("institutions:grade_compute"), {"year": 2026}).status_code == 302
    listing = client.get(reverse("institutions:grade_list"), {"year": 2026}).content.decode()
    assert "未核对" in listing and "绿色" in listing
    grade = inst.grades.get()
    body = client.get(reverse("institutions:grade_detail", args=[grade.pk])).content.decode()
    assert "无数据" in body and "本年度无应报送的信息报告卡" in body and "v1（未核对）" in body


def test_district_officers_cannot_compute_grades(client, cast):
    client.force_login(cast["yubei"])
    assert client.post(reverse("institutions:grade_compute"), {"year": 2026}).status_code == 403


def test_the_list_shows_the_latest_colour_and_exports_it(client, cast):
    inst = InstitutionFactory(name="重庆有色机构")
    InstitutionFactory(name="重庆未评机构")
    for year, colour in ((2025, "green"), (2026, "red")):
        InstitutionGrade.objects.create(
            institution=inst,
            year=year,
            colour=colour,
            score=50,
            rules_version="v1",
            computed_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC),
        )
    client.force_login(cast["city"])
    body = client.get(reverse("institutions:institution_list")).content.decode()
    assert '<span class="badge serious">红色</span>' in body and "未评定" in body
    sheet = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("institutions:institution_export")).content)
    ).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["重庆有色机构"][-2:] == ("红色", 2026)


def test_the_rectification_ledger_filters_overdue_demands(client, cast):
    inst = InstitutionFactory()
    i = actions.qcinspection_add(user=cast["cdc"], institution=inst, year=2026)
    actions.qcinspection_record(
        user=cast["cdc"],
        inspection=i,
        data={"inspected_on": D(2026, 1, 5), "score": 60, "result": "fail", "findings": "x"},
    )
    for demand, deadline in (("逾期的整改", D(2026, 1, 20)), ("未到期的整改", D(2099, 1, 1))):
        actions.rectification_issue(
            user=cast["cdc"],
            inspection=i,
            data={"demand": demand, "issued_on": D(2026, 1, 10), "deadline": deadline},
        )
    client.force_login(cast["cdc"])
    body = client.get(reverse("institutions:rectification_list"), {"overdue": "true"}).content.decode()
    assert "逾期的整改" in body and "未到期的整改" not in body


def _three_colours(cast):
    """Three graded institutions (green, yellow, red) and one the rules could not grade."""
    made = {}
    for colour, score, name in (
        ("green", 91, "重庆绿机构"),
        ("yellow", 78, "重庆黄机构"),
        ("red", 55, "重庆红机构"),
    ):
        inst = InstitutionFactory(name=name)
        InstitutionGrade.objects.create(
            institution=inst,
            year=2026,
            colour=colour,
            score=score,
            rules_version="v1",
            computed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        )
        made[colour] = inst
    InstitutionFactory(name="重庆未评机构")
    return made


def test_the_publication_docx_lists_institutions_under_their_colour_with_their_score(client, cast):
    made = _three_colours(cast)
    client.force_login(cast["cdc"])
    page = client.get(reverse("institutions:grade_list"), {"year": 2026}).content.decode()
    assert 'id="publication-docx"' in page and 'id="publication-xlsx"' in page
    response = client.get(reverse("institutions:grade_publication"), {"year": 2026})
    assert response.status_code == 200 and response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "2026年度职业病防治技术服务机构“三色管理”评定结果公示" in text
    assert "绿色1家，黄色1家，红色1家" in text and "另有" in text and "v1（未核对）" in text
    headings = [p.text for p in document.paragraphs if p.text.startswith(("一、", "二、", "三、"))]
    assert headings == ["一、绿色（低风险，1家）", "二、黄色（中风险，1家）", "三、红色（高风险，1家）"]
    # one table per colour, in that order, each with its institution and score
    rows = [[c.text for c in t.rows[1].cells] for t in document.tables]
    assert [(r[1], r[2], r[4]) for r in rows] == [
        (made["green"].name, made["green"].uscc, "91.0"),
        (made["yellow"].name, made["yellow"].uscc, "78.0"),
        (made["red"].name, made["red"].uscc, "55.0"),
    ]
    assert "重庆未评机构" not in text + "".join(r[1] for r in rows)
    section = document.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28  # GB/T 9704


def test_the_publication_xlsx_is_the_year_s_grade_export_by_score(client, cast):
    made = _three_colours(cast)
    client.force_login(cast["city"])
    response = client.get(reverse("institutions:grade_export"), {"year": 2026, "sort": "-score"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    at = {h: k for k, h in enumerate(header)}
    assert [(r[at["机构"]], r[at["颜色"]], float(r[at["得分"]])) for r in rows] == [
        (made["green"].name, "绿色", 91.0),
        (made["yellow"].name, "黄色", 78.0),
        (made["red"].name, "红色", 55.0),
    ]
    assert {r[at["规则版本"]] for r in rows} == {"v1（未核对）"}


def test_a_district_gets_no_publication_button_and_no_publication(client, cast):
    _three_colours(cast)
    client.force_login(cast["yubei"])
    page = client.get(reverse("institutions:grade_list"), {"year": 2026}).content.decode()
    assert "publication-docx" not in page
    assert client.get(reverse("institutions:grade_publication"), {"year": 2026}).status_code == 403

"""Pages, API and import of SME assistance."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from ohsteward.accounts.testing import PASSWORD
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.tests.factories import EnterpriseFactory
from ohsteward.stewardship.assistance import actions
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan

pytestmark = pytest.mark.django_db


def _web(username):
    c = Client()
    assert c.login(username=username, password=PASSWORD)
    return c


def _api(user):
    c = APIClient()
    c.force_authenticate(user)
    return c


@pytest.fixture
def entry(small, plan, team):
    e = actions.entry_add(user=None, plan=plan, enterprise=small["yubei"], team=team)
    item = e.items.get(item="identification")
    actions.item_record(
        user=None, item=item, state="done", done_on=timezone.localdate(), evidence_note="辨识表"
    )
    return e


def test_plan_page_shows_target_enrolled_items_and_the_rates(cast, entry):
    page = _web("yubei").get(reverse("stewardship:assistance_plan_detail", args=[entry.plan_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'id="target">20<' in body and 'id="enrolled">1<' in body and 'id="items-done">1<' in body
    assert "还差 19 家" in body
    # monitoring, surveillance and training are installed: every rate has data, none says 尚未接入
    assert "尚未接入" not in body
    assert entry.enterprise.name in body  # no valid declaration: listed as short of the declared rate
    assert "<th>慢病筛查与随访</th>" in body and "SortLink" not in body


def test_plan_list_and_export(cast, entry):
    web = _web("yubei")
    assert "渝北区" in web.get(reverse("stewardship:assistance_plan_list")).content.decode()
    response = web.get(reverse("stewardship:assistance_plan_export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "目标家数" in rows[0] and any(20 in r for r in rows[1:])
    export = web.get(reverse("stewardship:assistance_entry_export"))
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert "辨识" in rows[0] and any(entry.enterprise.uscc in r for r in rows[1:])


def test_the_steward_records_an_item_on_the_entry_page_and_the_manager_only_reads(cast, entry):
    web = _web("steward")
    url = reverse("stewardship:assistance_item_record", args=[entry.pk, "remediation"])
    assert web.get(url).status_code == 200
    bad = web.post(url, {"state": "na", "na_reason": ""})
    assert "不适用须说明理由" in bad.content.decode()
    ok = web.post(url, {"state": "na", "na_reason": "无超标岗位"})
    assert ok.status_code == 302
    assert entry.items.get(item="remediation").state == "na"
    manager = _web("manager")
    detail = manager.get(reverse("stewardship:assistance_entry_detail", args=[entry.pk]))
    assert detail.status_code == 200 and "无超标岗位" in detail.content.decode()
    assert manager.post(url, {"state": "open"}).status_code == 403
    assert manager.get(reverse("stewardship:assistance_plan_detail", args=[entry.plan_id])).status_code == 403


def test_api_plans_and_enterprises_with_the_fixed_fields(cast, entry):
    api = _api(cast["yubei"])
    plans = api.get("/api/v1/assistance-plans/").json()["results"]
    assert [(p["district"], p["target"], p["enrolled"], p["items_done"]) for p in plans] == [
        ("500112", 20, 1, 1)
    ]
    rows = api.get("/api/v1/assistance-enterprises/").json()["results"]
    assert len(rows) == 1 and rows[0]["enterprise"] == entry.enterprise.uscc
    assert [i["item"] for i in rows[0]["items"]][:1] == ["identification"]
    assert rows[0]["rates"]["declared"]["value"] == 0.0
    assert rows[0]["rates"]["exams"]["value"] == 0.0  # surveillance provides EXAMS_DONE: no exam yet
    # training comes from stewardship's own records: nobody on the employer's list is trained
    assert rows[0]["rates"]["training"]["value"] == 0.0 and rows[0]["rates"]["training"]["reason"] == ""
    assert api.get("/api/v1/assistance-enterprises/export/").status_code == 200
    assert api.get("/api/v1/assistance-plans/export/").status_code == 200


def test_api_record_and_refusals(cast, entry, small, plan):
    steward = _api(cast["steward"])
    done = steward.post(
        f"/api/v1/assistance-enterprises/{entry.pk}/record/",
        {"item": "training", "state": "done", "done_on": str(timezone.localdate())},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert {i["item"]: i["state"] for i in done.json()["items"]}["training"] == "done"
    missing = steward.post(
        f"/api/v1/assistance-enterprises/{entry.pk}/record/",
        {"item": "training", "state": "done"},
        format="json",
    )
    assert missing.status_code == 400 and "完成日期" in missing.content.decode()
    manager = _api(cast["manager"]).post(
        f"/api/v1/assistance-enterprises/{entry.pk}/record/",
        {"item": "training", "state": "open"},
        format="json",
    )
    assert manager.status_code == 403
    twice = _api(cast["yubei"]).post(
        "/api/v1/assistance-plans/", {"district": "500112", "year": 2025}, format="json"
    )
    assert twice.status_code == 400 and "已有帮扶计划" in twice.content.decode()


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["区县", "年度", "统一社会信用代码", "帮扶团队", "专家组", "完成时限", "一企一策"])
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_dry_run_errors_in_chinese_and_apply(cast, small, plan, team):
    from ohsteward.stewardship.assistance.importers import EntryImporter

    importer = EntryImporter()
    assert importer.template(user=cast["yubei"])[:2] == b"PK"
    content = _xlsx([
        ["渝北区", 2025, small["yubei"].uscc, team.name, "", "2025-11-30", "先做辨识"],
        ["渝北区", 2025, small["wanzhou"].uscc, "", "专家组A", "", ""],
        ["渝北区", "明年", small["yubei2"].uscc, "", "", "", ""],
    ])  # fmt: skip
    report = importer.run(user=cast["yubei"], filename="名单.xlsx", content=content, dry_run=True)
    messages = [(e.row, e.column, e.message) for e in report.errors]
    assert (3, "统一社会信用代码") in [(r, c) for r, c, _m in messages]
    assert any(r == 4 and c == "年度" for r, c, _m in messages)
    assert not AssistanceEntry.objects.filter(plan=plan).exists()  # dry run
    report = importer.run(
        user=cast["yubei"], filename="名单.xlsx", content=content, dry_run=False, all_or_nothing=False
    )
    assert list(AssistanceEntry.objects.filter(plan=plan).values_list("enterprise_id", flat=True)) == [
        small["yubei"].pk
    ]
    web = _web("yubei")
    assert web.get(reverse("stewardship:assistance_import_template")).status_code == 200


def test_the_declared_shortfall_exports_with_the_plan_filter(cast, entry, small, plan):
    from ohsteward.declarations.tests.test_actions import _declare

    declared = actions.entry_add(user=None, plan=plan, enterprise=small["yubei2"])
    _declare(small["yubei2"], "SB-ASSIST-2", timezone.localdate())
    response = _web("yubei").get(
        reverse("stewardship:assistance_entry_export") + f"?plan={plan.pk}&declared=no"
    )
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[1:]
    usccs = {c for r in rows for c in r}
    assert entry.enterprise.uscc in usccs and declared.enterprise.uscc not in usccs
    api = _api(cast["yubei"]).get("/api/v1/assistance-enterprises/?declared=yes").json()["results"]
    assert [r["id"] for r in api] == [declared.pk]


def test_the_district_edits_plan_target_and_entry_team_a_lower_target_is_refused(cast, entry, team):
    web = _web("yubei")
    low = web.post(reverse("stewardship:assistance_plan_edit", args=[entry.plan_id]), {"target": 12})
    assert "不能少于 20" in low.content.decode()
    ok = web.post(reverse("stewardship:assistance_plan_edit", args=[entry.plan_id]), {"target": 25})
    assert ok.status_code == 302
    entry.plan.refresh_from_db()
    assert entry.plan.target == 25
    edit = web.post(
        reverse("stewardship:assistance_entry_edit", args=[entry.pk]),
        {"team": "", "expert_group": "区疾控专家组", "deadline": "2025-10-31", "strategy": "先治理粉尘"},
    )
    assert edit.status_code == 302
    entry.refresh_from_db()
    assert (entry.team_id, entry.expert_group, entry.strategy) == (None, "区疾控专家组", "先治理粉尘")
    assert (
        _web("steward").get(reverse("stewardship:assistance_entry_edit", args=[entry.pk])).status_code == 403
    )


def test_lists_take_a_fixed_number_of_queries(cast, small, plan, django_assert_max_num_queries):
    for key in ("yubei", "yubei2"):
        actions.entry_add(user=None, plan=plan, enterprise=small[key])
    web = _web("yubei")
    web.get(reverse("stewardship:assistance_entry_list"))  # warm the session and jurisdiction
    with django_assert_max_num_queries(20) as few:
        web.get(reverse("stewardship:assistance_entry_list"))
    # 24: the plan page also asks the 带病例 / 在案整改 facts (3 IN queries, whatever the plan's size)
    with django_assert_max_num_queries(24) as detail:
        web.get(reverse("stewardship:assistance_plan_detail", args=[plan.pk]))
    more = EnterpriseFactory(region=Region.objects.get(code="500112"))
    Enterprise.objects.filter(pk=more.pk).update(size_class="micro")
    actions.entry_add(user=None, plan=plan, enterprise=Enterprise.objects.get(pk=more.pk))
    with django_assert_max_num_queries(len(few.captured_queries)):
        web.get(reverse("stewardship:assistance_entry_list"))
    with django_assert_max_num_queries(len(detail.captured_queries)):
        web.get(reverse("stewardship:assistance_plan_detail", args=[plan.pk]))


def test_an_item_file_is_checked_like_visit_evidence_and_served_only_in_scope(cast, entry):
    from django.core.files.uploadedfile import SimpleUploadedFile

    web = _web("steward")
    url = reverse("stewardship:assistance_item_record", args=[entry.pk, "system"])
    today = str(timezone.localdate())
    bad = web.post(url, {"state": "done", "done_on": today, "evidence": SimpleUploadedFile("a.exe", b"MZ")})
    assert "类型不支持" in bad.content.decode()
    assert entry.items.get(item="system").state == "open"
    photo = SimpleUploadedFile("制度.png", b"\x89PNG....", content_type="image/png")
    assert web.post(url, {"state": "done", "done_on": today, "evidence": photo}).status_code == 302
    file_url = reverse("stewardship:assistance_item_evidence", args=[entry.pk, "system"])
    got = _web("manager").get(file_url)
    assert got.status_code == 200 and got.content == b"\x89PNG...."
    assert _web("wanzhou").get(file_url).status_code == 404


def test_an_item_file_is_served_with_the_type_of_its_name_not_the_one_the_uploader_declared(cast, entry):
    from django.core.files.uploadedfile import SimpleUploadedFile  # local: as the test above

    web = _web("steward")
    url = reverse("stewardship:assistance_item_record", args=[entry.pk, "system"])
    page = SimpleUploadedFile("制度.png", b"<script>alert(1)</script>", content_type="text/html")
    assert (
        web.post(url, {"state": "done", "done_on": str(timezone.localdate()), "evidence": page}).status_code
        == 302
    )
    got = web.get(reverse("stewardship:assistance_item_evidence", args=[entry.pk, "system"]))
    assert got["Content-Type"] == "image/png"


def test_import_pages_preview_errors_and_confirm(cast, small, plan):
    from django.core.files.uploadedfile import SimpleUploadedFile

    web = _web("yubei")
    content = _xlsx([
        ["渝北区", 2025, small["yubei"].uscc, "", "区疾控专家组", "", ""],
        ["万州区", 2025, small["yubei2"].uscc, "", "", "", ""],
    ])  # fmt: skip
    preview = web.post(
        reverse("stewardship:assistance_import"), {"file": SimpleUploadedFile("名单.xlsx", content)}
    )
    body = preview.content.decode()
    assert preview.status_code == 200 and "试导入" in body
    assert "第3行" in body and "没有“万州区”2025年的帮扶计划" in body
    assert not AssistanceEntry.objects.filter(plan=plan).exists()
    token = preview.context["token"]
    errors = web.get(reverse("stewardship:assistance_import_errors", args=[token]))
    assert errors.status_code == 200 and errors.content[:2] == b"PK"
    done = web.post(reverse("stewardship:assistance_import_confirm", args=[token]), {"partial": "on"})
    assert done.status_code == 200
    assert list(AssistanceEntry.objects.filter(plan=plan).values_list("expert_group", flat=True)) == [
        "区疾控专家组"
    ]


def test_the_district_adds_an_employer_on_the_plan_page_and_a_large_one_is_refused(cast, small, plan, team):
    web = _web("yubei")
    url = reverse("stewardship:assistance_entry_create", args=[plan.pk])
    assert web.get(url).status_code == 200
    Enterprise.objects.filter(pk=small["yubei2"].pk).update(size_class="large")
    refused = web.post(url, {"uscc": small["yubei2"].uscc})
    assert refused.status_code == 200 and "大型企业不属于中小微企业帮扶对象" in refused.content.decode()
    added = web.post(url, {"uscc": small["yubei"].uscc, "team": team.pk, "deadline": "2025-11-30"})
    entry = AssistanceEntry.objects.get(plan=plan)
    assert added.status_code == 302 and added["Location"] == entry.get_absolute_url()
    assert (entry.enterprise_id, entry.team_id, entry.items.count()) == (small["yubei"].pk, team.pk, 6)
    other = _web("wanzhou").get(url)
    assert other.status_code == 404


def test_the_district_creates_its_plan_on_the_web_with_the_default_target(cast):
    web = _web("yubei")
    assert web.get(reverse("stewardship:assistance_plan_create")).status_code == 200
    data = {"district": "500112", "year": 2026, "target": "", "deadline": "2026-11-30"}
    created = web.post(reverse("stewardship:assistance_plan_create"), data)
    assert created.status_code == 302
    plan = AssistancePlan.objects.get(district_id="500112", year=2026)
    assert plan.target == 20 and created["Location"] == plan.get_absolute_url()
    foreign = web.post(reverse("stewardship:assistance_plan_create"), {**data, "district": "500101"})
    assert foreign.status_code == 200 and not AssistancePlan.objects.filter(district_id="500101").exists()

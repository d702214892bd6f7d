"""Writes of classified supervision: self-inspection, assessment from live data, plans, the
三步法 and cases — and the bad input of issue 13, refused in Chinese with nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ohsteward.accounts.access import OutOfScope
from ohsteward.declarations.tests.factories import DeclarationFactory, DeclarationHazardFactory
from ohsteward.registry.models import Enterprise, Post, PostExposure, Region, Workplace
from ohsteward.supervision import actions
from ohsteward.supervision.models import (
    ChecklistVersion,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    RiskAssessment,
    SelfInspection,
)
from ohsteward.supervision.rules import ChecklistItemSpec
from ohsteward.supervision.tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def _fill(inspection, user, points_of=lambda item: item.points):
    for answer in inspection.answers.select_related("item"):
        actions.self_inspection_answer(
            user=user, inspection=inspection, code=answer.item.code, points=points_of(answer.item)
        )


def test_the_provisional_checklist_is_installed_once_and_flagged(cast):
    first = actions.checklist_active()
    assert first.code == "provisional-v1" and not first.verified and first.items.count() > 10
    assert actions.checklist_active() == first
    assert ChecklistVersion.objects.count() == 1


def test_manager_fills_submits_and_the_steward_or_district_reviews(cast, enterprises):
    manager, district = cast["manager"], cast["yubei"]
    inspection = actions.self_inspection_start(user=manager, enterprise=enterprises["yubei"], on=TODAY)
    assert inspection.answers.count() == inspection.checklist.items.count()
    with pytest.raises(ValidationError, match="未填写"):
        actions.self_inspection_submit(user=manager, inspection=inspection, on=TODAY)
    _fill(inspection, manager)
    actions.self_inspection_submit(user=manager, inspection=inspection, on=TODAY)
    inspection.refresh_from_db()
    assert inspection.score == Decimal("100.0") and inspection.status == "A"
    with pytest.raises(PermissionDenied):
        actions.self_inspection_review(user=manager, inspection=inspection, on=TODAY)
    # the district sets the three largest non-veto items to 0 (the employer's figures are kept)
    lowered = list(
        inspection.answers.select_related("item").filter(item__veto=False).order_by("-item__points")[:3]
    )
    expected = Decimal("100") - sum(a.item.points for a in lowered)
    actions.self_inspection_review(
        user=district, inspection=inspection, on=TODAY, adjustments={a.item.code: 0 for a in lowered}
    )
    inspection.refresh_from_db()
    item = lowered[0]
    item.refresh_from_db()
    assert inspection.state == "reviewed" and inspection.score == expected and 70 <= expected < 90
    assert inspection.status == "B" and inspection.reviewed_by == district
    assert item.original_points == item.item.points and item.points == 0


def test_a_failed_veto_item_forces_C(cast, enterprises):
    inspection = actions.self_inspection_start(
        user=cast["manager"], enterprise=enterprises["yubei"], on=TODAY
    )
    _fill(inspection, cast["manager"], lambda item: item.points - 1 if item.veto else item.points)
    actions.self_inspection_submit(user=cast["manager"], inspection=inspection, on=TODAY)
    inspection.refresh_from_db()
    assert inspection.status == "C" and inspection.veto_failed


def test_a_checklist_for_an_employer_outside_scope_is_refused_and_nothing_saved(cast, enterprises):
    with pytest.raises(OutOfScope):
        actions.self_inspection_start(user=cast["manager"], enterprise=enterprises["wanzhou"], on=TODAY)
    with pytest.raises(OutOfScope):
        actions.self_inspection_start(user=cast["yubei"], enterprise=enterprises["wanzhou"], on=TODAY)
    assert not SelfInspection.objects.filter(enterprise=enterprises["wanzhou"]).exists()


def test_points_above_the_item_and_bad_files_are_refused(cast, enterprises):
    inspection = actions.self_inspection_start(
        user=cast["manager"], enterprise=enterprises["yubei"], on=TODAY
    )
    answer = inspection.answers.select_related("item").first()
    with pytest.raises(ValidationError, match="得分应在"):
        actions.self_inspection_answer(
            user=cast["manager"], inspection=inspection, code=answer.item.code, points=answer.item.points + 1
        )
    bad = SimpleUploadedFile("x.exe", b"MZ")
    with pytest.raises(ValidationError, match="类型不支持"):
        actions.self_inspection_answer(
            user=cast["manager"], inspection=inspection, code=answer.item.code, points=1, files=[bad]
        )
    answer.refresh_from_db()
    assert answer.points is None and not answer.evidence.exists()
    photo = SimpleUploadedFile("制度.pdf", b"%PDF-1.4 test", content_type="text/html")
    actions.self_inspection_answer(
        user=cast["manager"], inspection=inspection, code=answer.item.code, points=1, files=[photo]
    )
    evidence = answer.evidence.get()
    assert evidence.content_type == "application/pdf"  # the checked type, not the declared one


def test_the_declaration_is_prefilled_as_evidence(cast, enterprises):
    declaration = DeclarationFactory(enterprise=enterprises["yubei"])
    inspection = actions.self_inspection_start(
        user=cast["manager"], enterprise=enterprises["yubei"], on=TODAY
    )
    (record,) = inspection.answers.get(item__evidence_hint="declaration").records.all()
    assert declaration.receipt_no in record.label and record.url.endswith(f"/{declaration.pk}/")


def test_city_loads_a_checklist_version_other_users_cannot(cast):
    items = [
        ChecklistItemSpec("1", "责任制", "设置机构", 60, veto=True),
        ChecklistItemSpec("2", "申报", "申报", 40),
    ]
    with pytest.raises(PermissionDenied):
        actions.checklist_load(
            user=cast["yubei"], code="official-2022", name="官方", items=items, verified=True
        )
    version = actions.checklist_load(
        user=cast["city"], code="official-2022", name="官方", items=items, verified=True
    )
    assert actions.checklist_active() == version
    with pytest.raises(ValidationError, match="100"):
        actions.checklist_load(user=cast["city"], code="bad", name="x", items=items[:1], verified=True)


def test_assessment_from_the_declaration_with_no_detection_flagged(cast, enterprises, factors):
    yubei = enterprises["yubei"]
    declaration = DeclarationFactory(enterprise=yubei, declared_on=TODAY - dt.timedelta(days=10))
    DeclarationHazardFactory(
        declaration=declaration,
        hazard_factor=factors["silica"],
        hazard_name="矽尘",
        exposed_count=20,
        workplace="一车间",
    )
    DeclarationHazardFactory(
        declaration=declaration,
        hazard_factor=factors["silica"],
        hazard_name="矽尘",
        exposed_count=15,
        workplace="二车间",
    )
    DeclarationHazardFactory(
        declaration=declaration, hazard_factor=factors["noise"], hazard_name="噪声", exposed_count=12
    )
    a = actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY)
    assert a.basis == "declaration" and a.declaration == declaration
    assert a.hazard_level == "III"
    silica = next(f for f in a.factors if f["factor"] == "矽尘")
    assert silica["exposed"] == 35 and silica["serious"] and silica["compliant"] is None
    assert silica["records"] and "申报" in silica["records"][0][0]
    assert a.verified["hazard_level"] is False  # no detection data: flagged
    assert a.management_status == "" and a.comprehensive_class == ""
    assert any("无数据" in s for s in a.explanation)
    assert a.scheme == "国疾控综监督二函〔2022〕50号" and a.rules_version == "2022-v1"


def test_assessment_from_posts_and_the_reviewed_self_inspection(cast, enterprises, factors):
    yubei = enterprises["yubei"]
    post = Post.objects.create(workplace=Workplace.objects.create(enterprise=yubei, name="车间"), name="打磨")
    PostExposure.objects.create(post=post, hazard_factor=factors["toluene"], exposed_count=5)
    inspection = actions.self_inspection_start(user=cast["manager"], enterprise=yubei, on=TODAY)
    _fill(inspection, cast["manager"])
    actions.self_inspection_submit(user=cast["manager"], inspection=inspection, on=TODAY)
    actions.self_inspection_review(user=cast["yubei"], inspection=inspection, on=TODAY)
    a = actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY)
    assert a.basis == "posts"
    # toluene 一般, no detection → 不符合 (default), 5 → Ⅱ; A → 甲
    assert (a.hazard_level, a.management_status, a.comprehensive_class) == ("II", "A", "甲")
    assert a.self_inspection == inspection
    assert a.verified["management_status"] is False  # the provisional checklist is unverified
    second = actions.risk_assess(user=cast["yubei"], enterprise=yubei, on=TODAY)
    assert RiskAssessment.objects.filter(enterprise=yubei).count() == 2  # history kept
    assert list(RiskAssessment.objects.filter(enterprise=yubei).newest_per_enterprise()) == [second]


def test_recompute_all_for_a_district(cast, enterprises):
    seen = []
    n = actions.risk_assess_all(
        user=cast["wanzhou"], on=TODAY, progress=lambda done, total: seen.append((done, total))
    )
    assert n == 1 and seen[-1] == (1, 1)
    assert RiskAssessment.objects.filter(enterprise=enterprises["wanzhou"]).count() == 1


@pytest.fixture
def yubei_district(db):
    return Region.objects.get(code="500112")


def test_plan_needs_configured_ratios_then_draws_reproducibly(cast, enterprises, yubei_district):
    with pytest.raises(ValidationError, match="未配置"):
        actions.plan_generate(user=cast["yubei"], district=yubei_district, year=2026, seed=7)
    for klass, ratio in (("甲", 0.1), ("乙", 0.5), ("丙", 1)):
        actions.frequency_set(user=cast["yubei"], district=yubei_district, risk_class=klass, ratio=ratio)
    with pytest.raises(OutOfScope):
        actions.frequency_set(user=cast["wanzhou"], district=yubei_district, risk_class="甲", ratio=0.2)
    plan = actions.plan_generate(user=cast["yubei"], district=yubei_district, year=2026, seed=7)
    n = Enterprise.objects.filter(region=yubei_district).count()
    assert plan.drawn == {"未评估": n}  # no assessment yet: all 未评估, drawn at the 丙 ratio (100 %)
    assert Inspection.objects.filter(plan=plan).count() == n
    with pytest.raises(ValidationError, match="已有"):
        actions.plan_generate(user=cast["yubei"], district=yubei_district, year=2026, seed=8)
    assert InspectionPlan.objects.count() == 1


def test_inspection_order_reinspection_case_path(cast, enterprises):
    officer, yubei = cast["yubei"], enterprises["yubei"]
    inspection = Inspection.objects.create(enterprise=yubei)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        actions.inspection_record(
            user=officer, inspection=inspection, inspected_on=TODAY + dt.timedelta(days=1), today=TODAY
        )
    inspection.refresh_from_db()
    assert inspection.inspected_on is None and inspection.status == "planned"
    with pytest.raises(ValidationError, match="改正期限"):
        actions.inspection_record(
            user=officer,
            inspection=inspection,
            inspected_on=TODAY,
            today=TODAY,
            findings="无警示标识",
            order_deadline=TODAY,
        )
    photo = SimpleUploadedFile("现场.jpg", b"\xff\xd8\xff")
    actions.inspection_record(
        user=officer, inspection=inspection, inspected_on=TODAY - dt.timedelta(days=40), today=TODAY,
        findings="未设置警示标识", order_deadline=TODAY - dt.timedelta(days=10), photos=[photo],
    )  # fmt: skip
    assert inspection.photos.count() == 1
    follow = actions.inspection_reinspect(
        user=officer, inspection=inspection, inspected_on=TODAY, today=TODAY, corrected=False
    )
    assert follow.reinspection_of == inspection
    case = actions.case_open(
        user=officer, enterprise=yubei, inspection=inspection, opened_on=TODAY, today=TODAY,
        violations="逾期未改正", provisions="《职业病防治法》第七十条",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="处理决定"):
        actions.case_close(user=officer, case=case, closed_on=TODAY)
    case.refresh_from_db()
    assert case.status == "open" and case.closed_on is None
    actions.case_decide(
        user=officer, case=case, decision="警告并罚款2万元", decided_on=TODAY, penalty_amount=Decimal("20000")
    )
    actions.case_close(user=officer, case=case, closed_on=TODAY)
    assert EnforcementCase.objects.get(pk=case.pk).status == "closed"


def test_a_case_outside_scope_is_refused(cast, enterprises):
    with pytest.raises(OutOfScope):
        actions.case_open(
            user=cast["yubei"], enterprise=enterprises["wanzhou"], opened_on=TODAY, today=TODAY,
            violations="x", provisions="y",
        )  # fmt: skip
    assert not EnforcementCase.objects.exists()


def test_construction_project_stages_in_order_and_acceptance_opens_the_change_declaration(cast, enterprises):
    from ohsteward.declarations.models import ChangeTrigger

    officer, yubei = cast["yubei"], enterprises["yubei"]
    project = actions.project_create(
        user=officer, enterprise=yubei, name="二期厂房扩建", kind="expand", serious=True,
        started_on=TODAY - dt.timedelta(days=100), planned_completion=TODAY - dt.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="须先完成职业病危害预评价"):
        actions.project_record_stage(user=officer, project=project, stage="design", on=TODAY, today=TODAY)
    project.refresh_from_db()
    assert project.design_on is None
    for i, stage in enumerate(("pre_assessment", "design", "control_effect", "acceptance")):
        actions.project_record_stage(
            user=officer, project=project, stage=stage, on=TODAY - dt.timedelta(days=40 - i * 10), today=TODAY,
            report_no=f"R{i}",
        )  # fmt: skip
    trigger = ChangeTrigger.objects.get(enterprise=yubei, kind="construction_accepted")
    assert trigger.due_on == project.acceptance_on + dt.timedelta(days=30)
    with pytest.raises(OutOfScope):
        actions.project_create(user=officer, enterprise=enterprises["wanzhou"], name="x", kind="new")


def test_inspectors_must_be_officers_of_the_district(cast, enterprises):
    inspection = Inspection.objects.create(enterprise=enterprises["yubei"])
    with pytest.raises(ValidationError, match="不是该区县的监督检查人员"):
        actions.inspection_assign(user=cast["yubei"], inspection=inspection, inspector=cast["wanzhou"])
    with pytest.raises(ValidationError, match="不是该区县的监督检查人员"):
        actions.inspection_assign(user=cast["yubei"], inspection=inspection, inspector=cast["manager"])
    actions.inspection_assign(
        user=cast["yubei"], inspection=inspection, inspector=cast["yubei"], second=cast["city"]
    )
    inspection.refresh_from_db()
    assert inspection.inspector == cast["yubei"] and inspection.second_inspector == cast["city"]

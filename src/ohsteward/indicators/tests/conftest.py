"""A small hand-built world for the indicators: every indicator with a known numerator and
denominator in 渝北 (and nothing or something else in 万州)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ohsteward.declarations.choices import EntryStatus
from ohsteward.declarations.models import HazardListEntry
from ohsteward.declarations.tests.factories import (
    DeclarationFactory,
    HazardListEntryFactory,
    HazardListFactory,
)
from ohsteward.hazards.models import HazardFactor, OccupationalDisease
from ohsteward.indicators.models import Indicator
from ohsteward.institutions.models import Institution, QcInspection, ReportCard, TechnicalGuidance
from ohsteward.institutions.models import Rectification as QcRectification
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord
from ohsteward.monitoring.choices import ReportKind
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.registry.models import Enterprise, Industry, Post, PostExposure, Region, Workplace
from ohsteward.registry.tests.factories import make_uscc
from ohsteward.stewardship.assistance.models import AssistanceEntry, AssistancePlan
from ohsteward.stewardship.tests.factories import make_team, sign_agreement
from ohsteward.stewardship.training.models import AwarenessResponse, Questionnaire, Trainee, TrainingRecord
from ohsteward.supervision.models import ConstructionProject, EnforcementCase, Inspection
from ohsteward.surveillance.actions import person_for_id_number
from ohsteward.surveillance.dose.models import DoseRecord
from ohsteward.surveillance.exams.models import Exam, ExamBatch, PneumoconiosisPatient, RehabStation
from ohsteward.surveillance.tests.exam_helpers import make_post, make_worker, place
from ohsteward.surveillance.tests.factories import make_id_number

YUBEI = "500112"
WANZHOU = "500101"
D = dt.date


@pytest.fixture
def world(cast, enterprises):
    yubei, yubei2, wanzhou = enterprises["yubei"], enterprises["yubei2"], enterprises["wanzhou"]
    Enterprise.objects.filter(pk__in=[yubei.pk, yubei2.pk, wanzhou.pk]).update(exposed_workers=0)
    Enterprise.objects.filter(pk=yubei2.pk).update(exposed_workers=5)

    # declarations: 渝北 one declared (confirmed), one pending; 万州 ruled out
    hl = HazardListFactory(year=2025)
    HazardListEntryFactory(hazard_list=hl, enterprise=yubei, status=EntryStatus.HAZARDS)
    HazardListEntryFactory(hazard_list=hl, enterprise=yubei2, status=EntryStatus.PENDING)
    HazardListEntryFactory(hazard_list=hl, enterprise=wanzhou, status=EntryStatus.NO_HAZARDS)
    # 附件2 任务8: both 渝北 entries pushed on 1 February (one month: 1 March); yubei confirmed in
    # time, yubei2 still pending (万州's entry was never pushed)
    HazardListEntry.objects.filter(hazard_list=hl, enterprise__in=[yubei, yubei2]).update(
        pushed_on=D(2025, 2, 1), due_on=D(2025, 3, 1)
    )
    HazardListEntry.objects.filter(hazard_list=hl, enterprise=yubei).update(confirmed_on=D(2025, 2, 20))
    DeclarationFactory(enterprise=yubei, declared_on=D(2025, 3, 1))
    DeclarationFactory(enterprise=yubei2, declared_on=D(2026, 1, 5))  # after the period: not counted

    # institutions: two in 渝北 (one inspected in 2025), one from outside the province
    inst = Institution.objects.create(
        uscc=make_uscc(YUBEI, serial=77770001),
        name="甲检测公司",
        kinds=["hygiene_service"],
        region=Region.objects.get(code=YUBEI),
    )
    Institution.objects.create(
        uscc=make_uscc(YUBEI, serial=77770002),
        name="乙检测公司",
        kinds=["hygiene_service"],
        region=Region.objects.get(code=YUBEI),
    )
    Institution.objects.create(
        uscc=make_uscc(YUBEI, serial=77770003),
        name="川外检测公司",
        kinds=["hygiene_service"],
        province="四川省",
        region=Region.objects.get(code=YUBEI),
    )
    QcInspection.objects.create(institution=inst, year=2025, status="recorded", inspected_on=D(2025, 6, 1))
    # 002 capacity: 乙 a public exam and diagnosis institution, 甲 also a 甲级 primary-care exam one
    Institution.objects.filter(name="乙检测公司").update(kinds=["exam", "diagnosis"], public=True)
    Institution.objects.filter(pk=inst.pk).update(kinds=["hygiene_service", "exam"], primary_grade_a=True)
    for day in (D(2025, 4, 1), D(2025, 9, 1)):  # the same employer twice: one employer
        TechnicalGuidance.objects.create(institution=inst, enterprise=yubei, visited_on=day, content="指导")

    # monitoring: 渝北 yubei exposed and detected in 2025; yubei2 exposed workers, never detected
    post = make_post(yubei, "操作工", "噪声")
    DetectionReport.objects.create(
        kind=ReportKind.PERIODIC,
        number="JC-1",
        institution=inst,
        enterprise=yubei,
        sampling_start=D(2025, 5, 1),
    )
    report = DetectionReport.objects.get(number="JC-1")
    factor = HazardFactor.objects.filter(name="噪声").order_by("code").first()
    wp = Workplace.objects.get(enterprise=yubei, name="一车间")
    for name, compliant in (("冲压工", True), ("打磨工", False), ("装配工", None)):
        Measurement.objects.create(
            report=report,
            enterprise=yubei,
            post=Post.objects.create(workplace=wp, name=name),
            factor=factor,
            kind="noise",
            measured_on=D(2025, 5, 2),
            compliant=compliant,
        )

    # surveillance: two exposed workers at yubei (one examined in 2025), one not exposed
    quiet = Post.objects.create(workplace=Workplace.objects.get(enterprise=yubei, name="一车间"), name="文员")
    batch = ExamBatch.objects.create(enterprise=yubei, institution=inst, source="form")
    w1 = make_worker(yubei, name="甲")
    w2 = make_worker(yubei, name="乙")
    w3 = make_worker(yubei, name="丙")
    place(w1, post)
    place(w2, post)
    place(w3, quiet)
    Exam.objects.create(batch=batch, worker=w1, date=D(2025, 6, 1), kind="periodic", institution=inst)
    Exam.objects.create(batch=batch, worker=w2, date=D(2024, 6, 1), kind="periodic", institution=inst)

    # stewardship: one 渝北 team with one signed employer
    team = make_team()
    sign_agreement(team, yubei, D(2025, 1, 1))

    # supervision: two projects completing in 2025 (one with every stage), two cases (one closed)
    ConstructionProject.objects.create(
        enterprise=yubei,
        name="一期",
        kind="new",
        pre_assessment_on=D(2024, 1, 1),
        control_effect_on=D(2025, 2, 1),
        acceptance_on=D(2025, 3, 1),
    )
    ConstructionProject.objects.create(
        enterprise=yubei,
        name="二期",
        kind="new",
        pre_assessment_on=D(2024, 1, 1),
        planned_completion=D(2025, 8, 1),
    )
    EnforcementCase.objects.create(
        enterprise=yubei, opened_on=D(2025, 3, 1), violations="x", provisions="y", status="closed"
    )
    EnforcementCase.objects.create(enterprise=yubei, opened_on=D(2025, 4, 1), violations="x", provisions="y")
    # institutions: two QC rectifications of 2025, one accepted in time
    qc = QcInspection.objects.get(institution=inst, year=2025)
    QcRectification.objects.create(
        inspection=qc,
        demand="补充记录",
        issued_on=D(2025, 6, 2),
        deadline=D(2025, 7, 2),
        status="closed",
        closed_on=D(2025, 7, 1),
    )
    QcRectification.objects.create(
        inspection=qc, demand="更新设备", issued_on=D(2025, 6, 2), deadline=D(2025, 9, 2)
    )

    # surveillance: pneumoconiosis patients in three 渝北 towns; threshold 2 for the test (the
    # default 100 is the indicator's option); town 1 has a station, town 2 not, town 3 too few
    Indicator.objects.filter(code="rehab-station-coverage").update(options={"min_patients": 2})
    towns = list(Region.objects.filter(parent_id=YUBEI).order_by("code")[:3])
    disease = OccupationalDisease.objects.filter(name__contains="尘肺").order_by("pk").first()
    for town, n in zip(towns, (2, 3, 1), strict=True):
        for i in range(n):
            person = person_for_id_number(id_number=make_id_number(), name=f"患者{i}", on=D(2025, 1, 1))
            PneumoconiosisPatient.objects.create(
                person=person,
                disease=disease,
                diagnosed_on=D(2020, 1, 1),
                district_id=YUBEI,
                town=town,
                source="import",
            )
    # stewardship training: two answers to a 知晓率 questionnaire at yubei, one aware
    questionnaire = Questionnaire.objects.create(title="噪声知识", questions=[])
    for phone, aware in (("a", True), ("b", False)):
        AwarenessResponse.objects.create(
            questionnaire=questionnaire,
            enterprise=yubei,
            phone_hash=phone,
            score=90 if aware else 10,
            aware=aware,
        )
    answered = timezone.make_aware(dt.datetime(2025, 5, 1, 10, 0))
    AwarenessResponse.objects.filter(questionnaire=questionnaire).update(answered_at=answered)
    RehabStation.objects.create(name="康复站", kind="station", district_id=YUBEI, town=towns[0])
    RehabStation.objects.create(name="康复点", kind="point", district_id=YUBEI, town=towns[1])

    # institutions: two cards owed for 2025 activities at yubei (one filed), one of 2024 (and the
    # service card detection report JC-1 owes, created when it was recorded)
    for n, (kind, performed, reported) in enumerate(
        (
            ("exam_case", D(2025, 6, 1), D(2025, 6, 20)),
            ("diagnosis_case", D(2025, 7, 1), None),
            ("service_info", D(2024, 7, 1), None),
        )
    ):
        ReportCard.objects.create(
            institution=inst,
            enterprise=yubei,
            kind=kind,
            activity_app="test.activity",
            activity_id=n + 1,
            performed_on=performed,
            due_on=performed + dt.timedelta(days=30),
            rules_version="v1",
            reported_on=reported,
        )
    # supervision: yubei inspected in 2025, yubei2 only planned
    Inspection.objects.create(enterprise=yubei, status="done", inspected_on=D(2025, 4, 1))
    Inspection.objects.create(enterprise=yubei2, status="planned")

    # assistance: both 渝北 employers on the 2025 plan; yubei declared, detected, examined and
    # trained (its one manager has the hours); yubei2 none of these
    plan = AssistancePlan.objects.create(district_id=YUBEI, year=2025, target=20)
    for e in (yubei, yubei2):
        AssistanceEntry.objects.create(plan=plan, enterprise=e)
    trainee = Trainee.objects.create(
        enterprise=yubei, name="王经理", role="manager", started_on=D(2025, 1, 2)
    )
    TrainingRecord.objects.create(trainee=trainee, enterprise=yubei, trained_on=D(2025, 1, 10), hours=40)

    # 附件2: both 渝北 employers of a serious manufacturing industry with 50 employees
    industry = Industry.objects.filter(section="C").exclude(level="section").order_by("code").first()
    Enterprise.objects.filter(pk__in=[yubei.pk, yubei2.pk]).update(
        industry=industry, industry_risk="serious", employees=50
    )

    # dose: two radiation workers at yubei, one monitored in 2025Q2 (and examined: the 在岗 rate
    # becomes 2 of 4)
    radiation = HazardFactor.objects.filter(category="radiation").order_by("code").first()
    ray = make_post(yubei, "探伤工")
    PostExposure.objects.create(post=ray, hazard_factor=radiation, exposed_count=2)
    for name, dosed in (("丁", True), ("戊", False)):
        w = make_worker(yubei, name=name)
        place(w, ray)
        if dosed:
            Exam.objects.create(batch=batch, worker=w, date=D(2025, 6, 2), kind="periodic", institution=inst)
            DoseRecord.objects.create(
                worker=w,
                institution=inst,
                period_start=D(2025, 4, 1),
                period_end=D(2025, 6, 30),
                hp10="0.100",
                investigation_level="1.250",
            )

    # other departments' lists, 渝北 only (万州 has none: 无数据): yubei insured (30 in mid-2024,
    # 40 in mid-2025), yubei2 listed with nobody insured; yubei named a 区县级 健康企业 in 2025
    for e, on, insured in (
        (yubei, D(2024, 6, 30), 30),
        (yubei, D(2025, 6, 30), 40),
        (yubei2, D(2025, 6, 30), 0),
    ):
        InsuranceRecord.objects.create(enterprise=e, as_of=on, insured=insured, source="渝北区人力社保局")
    HealthyEnterprise.objects.create(
        enterprise=yubei, level="district", year=2025, document_number="渝北卫健〔2025〕1号"
    )
    return cast


# indicator → (numerator, denominator) in 渝北 for 2025
EXPECTED_YUBEI = {
    "declaration-rate": (1, 2),
    "work-injury-insurance-rate": (1, 2),  # the imported list: yubei insured, yubei2 nobody
    "work-injury-insured-workers": (2, None),  # two latest records (40 + 0 insured)
    "healthy-enterprises": (1, None),
    "periodic-detection-rate": (1, 2),
    "workplace-compliance-rate": (1, 2),
    "onjob-exam-rate": (2, 4),
    "qc-coverage": (1, 2),
    "qc-rectification-rate": (1, 2),
    "rehab-station-coverage": (1, 2),
    "cdc-guidance": (1, None),
    "steward-teams": (1, None),
    "signed-enterprises": (1, None),
    "awareness-rate": (1, 2),
    "three-simultaneous-rate": (1, 2),
    "case-handling-rate": (1, 2),
    "report-card-rate": (1, 3),  # with the card the detection report JC-1 owes (not filed)
    "case-report-rate": (1, 2),
    "supervision-coverage": (1, 2),
    "assisted-smes": (2, None),
    "assisted-declaration-rate": (1, 2),
    "assisted-detection-rate": (1, 2),
    "assisted-exam-rate": (1, 2),
    "assisted-training-rate": (1, 2),
    "serious-industrial-declaration-rate": (1, 2),
    "serious-10-declaration-rate": (1, 2),
    "radiation-dose-monitoring-rate": (1, 2),
    "list-confirmation-timely-rate": (1, 2),
    "public-diagnosis-institution": (1, None),
    "public-exam-institutions": (1, None),
    "grade-a-primary-exam-institution": (1, None),
    "steward-service-growth": (1, None),
}

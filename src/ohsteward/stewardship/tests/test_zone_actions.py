"""Workflows of the online service zone: request → accept → agreement draft; questions routed,
answered and overdue with the clock given explicitly; structured findings with a visit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from ohsteward.accounts.actions import role_assign, user_create
from ohsteward.accounts.testing import PASSWORD
from ohsteward.stewardship.choices import AgreementStatus
from ohsteward.stewardship.models import ServiceAgreement
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement
from ohsteward.stewardship.zone import actions, queries
from ohsteward.stewardship.zone.models import ExpertQuestion, TeamRequest, VisitFinding

pytestmark = pytest.mark.django_db

WED = dt.date(2026, 12, 2)


def _fresh(user):
    user.__dict__.pop("_ohs_jurisdiction", None)
    return user


# --- requests -----------------------------------------------------------------------------------


def test_request_accept_opens_an_agreement_draft_seen_by_both_sides(cast, team, enterprises):
    manager, steward = cast["manager"], _fresh(cast["steward"])
    req = actions.request_create(
        user=manager, enterprise=enterprises["yubei"], team=team, contents=["detection", "training"],
        message="职工 80 人，打磨岗位粉尘",
    )  # fmt: skip
    assert TeamRequest.objects.for_user(steward).filter(pk=req.pk).exists()  # not yet a client
    assert queries.open_work(steward, TODAY)[0].label == "1 家单位申请由本团队提供服务"
    actions.request_decide(user=steward, request=req, decision="accept", today=WED)
    req.refresh_from_db()
    draft = req.agreement
    assert req.status == "accepted" and req.decided_by == steward
    assert draft.status == AgreementStatus.DRAFT and draft.team == team
    assert draft.start_date == WED and draft.end_date == dt.date(2027, 12, 1)
    assert set(draft.content_quantities()) == {"detection", "training"}
    assert ServiceAgreement.objects.for_user(manager).filter(pk=draft.pk).exists()
    assert ServiceAgreement.objects.for_user(steward).filter(pk=draft.pk).exists()
    assert not draft.visits.exists()  # the calendar comes with signing


def test_an_accepted_request_starts_after_the_agreement_in_force(cast, team, enterprises):
    """000 二(三): one serving team at a time — the draft starts the day after the current ends."""
    current = sign_agreement(make_team("原团队"), enterprises["yubei"], TODAY - dt.timedelta(days=300))
    req = actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)
    actions.request_decide(user=_fresh(cast["steward"]), request=req, decision="accept", today=TODAY)
    req.refresh_from_db()
    assert req.agreement.start_date == current.end_date + dt.timedelta(days=1)
    # signing it still obeys the one-binding-agreement rule: it does not overlap
    from ohsteward.stewardship import actions as steward_actions

    steward_actions.agreement_sign(user=None, agreement=req.agreement)
    assert ServiceAgreement.objects.binding().filter(enterprise=enterprises["yubei"]).count() == 2


def test_declining_needs_a_reason_and_the_employer_reads_it(cast, team, enterprises):
    req = actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)
    steward = _fresh(cast["steward"])
    with pytest.raises(ValidationError, match="婉拒时请说明原因"):
        actions.request_decide(user=steward, request=req, decision="decline", reason="")
    actions.request_decide(user=steward, request=req, decision="decline", reason="本季度服务已排满")
    req.refresh_from_db()
    assert req.status == "declined" and req.agreement is None
    assert TeamRequest.objects.for_user(cast["manager"]).get(pk=req.pk).decline_reason == "本季度服务已排满"
    with pytest.raises(ValidationError, match="不能再答复"):
        actions.request_decide(user=steward, request=req, decision="accept")
    labels = [i.label for i in queries.open_work(cast["manager"], TODAY)]
    assert f"{team.name}已婉拒您的服务申请" in labels


def test_only_the_team_asked_decides(cast, team, enterprises):
    other = make_team("渝北区第二管家团队")
    req = actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=other)
    with pytest.raises(PermissionDenied):  # the steward is in the first team
        actions.request_decide(user=_fresh(cast["steward"]), request=req, decision="accept")
    with pytest.raises(PermissionDenied):  # a district officer reads, does not decide
        actions.request_decide(user=cast["yubei"], request=req, decision="accept")


def test_one_open_request_at_a_time_and_only_from_the_own_employer(cast, team, enterprises):
    actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)
    with pytest.raises(ValidationError, match="待团队答复"):
        actions.request_create(
            user=cast["manager"], enterprise=enterprises["yubei"], team=make_team("另一个团队")
        )
    with pytest.raises(PermissionDenied):
        actions.request_create(user=cast["manager"], enterprise=enterprises["yubei2"], team=team)


def test_a_team_outside_the_district_cannot_be_requested(cast, enterprises):
    wanzhou_team = make_team("万州区管家团队", "500101")
    with pytest.raises(ValidationError, match="不在本单位所在区县"):
        actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=wanzhou_team)


def test_withdraw(cast, team, enterprises):
    req = actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)
    actions.request_withdraw(user=cast["manager"], request=req)
    assert TeamRequest.objects.get(pk=req.pk).status == "withdrawn"
    # a new request is possible again
    actions.request_create(user=cast["manager"], enterprise=enterprises["yubei"], team=team)


# --- questions ----------------------------------------------------------------------------------


def _district_cdc(code="500112", name="yubei_cdc"):
    user = user_create(
        username=name, password=PASSWORD, role="cdc_staff", region_code=code, check_password=False
    )
    return user


def test_a_question_goes_to_the_team_of_the_agreement_in_force(cast, agreement, enterprises):
    q = actions.question_ask(
        user=cast["manager"], enterprise=enterprises["yubei"], question="噪声岗位多久体检一次？", today=WED
    )
    assert q.team == agreement.team and q.answerer_label == agreement.team.name
    assert q.due_on == dt.date(2026, 12, 9)  # 5 working days
    steward = _fresh(cast["steward"])
    assert actions.may_answer(steward, q)
    assert not actions.may_answer(_district_cdc(), q)  # the CDC does not answer a team's question
    actions.question_answer(user=steward, question=q, answer="在岗期间每年一次（GBZ 188-2014）")
    assert ExpertQuestion.objects.get(pk=q.pk).answered_by == steward


def test_without_a_team_the_question_goes_to_the_district_cdc_pool(cast, team, enterprises):
    q = actions.question_ask(
        user=cast["manager"], enterprise=enterprises["yubei"], question="要申报吗？", today=WED
    )
    assert q.team is None and q.district_id == "500112" and q.answerer_label == "渝北区疾控中心"
    yubei_cdc, wanzhou_cdc = _district_cdc(), _district_cdc("500101", "wanzhou_cdc")
    assert actions.may_answer(yubei_cdc, q)
    assert not actions.may_answer(wanzhou_cdc, q)  # out of its district
    assert not actions.may_answer(_fresh(cast["steward"]), q)  # a team member is not the pool
    assert not actions.may_answer(cast["yubei"], q)  # the district officer reads only
    with pytest.raises(PermissionDenied, match="渝北区疾控中心"):
        actions.question_answer(user=wanzhou_cdc, question=q, answer="x")
    actions.question_answer(user=yubei_cdc, question=q, answer="存在危害因素就要申报。")
    with pytest.raises(ValidationError, match="已答复"):
        actions.question_answer(user=yubei_cdc, question=q, answer="再答一次")


@override_settings(OHSTEWARD_EXPERT_ANSWER_DAYS=2)
def test_the_deadline_follows_the_setting(cast, enterprises):
    q = actions.question_ask(
        user=cast["manager"], enterprise=enterprises["yubei"], question="问题", today=WED
    )
    assert q.due_on == dt.date(2026, 12, 4)


def test_an_overdue_question_is_flagged_on_the_answerers_home_page(cast, enterprises):
    q = actions.question_ask(
        user=cast["manager"], enterprise=enterprises["yubei"], question="问题", today=WED
    )
    cdc = _district_cdc()
    in_time = queries.open_work(cdc, dt.date(2026, 12, 9))
    assert [(i.label, i.overdue) for i in in_time] == [("1 个企业咨询等待答复", False)]
    late = queries.open_work(cdc, dt.date(2026, 12, 10))
    assert [(i.label, i.overdue, i.due_on) for i in late] == [("1 个企业咨询已超过答复期限", True, q.due_on)]
    assert queries.open_work(_district_cdc("500101", "wanzhou_cdc"), dt.date(2026, 12, 10)) == []
    assert ExpertQuestion.objects.overdue(dt.date(2026, 12, 10)).get() == q


def test_empty_and_foreign_questions_are_refused(cast, enterprises):
    with pytest.raises(ValidationError):
        actions.question_ask(user=cast["manager"], enterprise=enterprises["yubei"], question="   ")
    with pytest.raises(PermissionDenied):
        actions.question_ask(user=cast["yubei"], enterprise=enterprises["yubei"], question="代问")
    assert not ExpertQuestion.objects.exists()


# --- structured findings --------------------------------------------------------------------------


def test_a_visit_record_stores_structured_findings_read_per_enterprise(cast, agreement, enterprises):
    from ohsteward.stewardship import actions as steward_actions

    visit = agreement.visits.order_by("planned_on").first()
    steward_actions.visit_record(
        user=_fresh(cast["steward"]), agreement=agreement, visit=visit,
        data={"visited_on": TODAY, "work_done": "现场检查", "content": visit.content},
        findings=[
            {"category": "ppe", "severity": "major", "text": "打磨岗位未戴防尘口罩"},
            {"category": "training", "severity": "minor", "text": "新员工未培训"},
        ],
    )  # fmt: skip
    facts = queries.findings_for_enterprise(enterprises["yubei"].pk)
    assert [(f.category, f.severity, f.visit_id) for f in facts] == [
        ("ppe", "major", visit.pk), ("training", "minor", visit.pk),
    ]  # fmt: skip
    assert queries.findings_by_enterprise([enterprises["wanzhou"].pk]) == {}
    assert set(queries.findings_by_enterprise(user=cast["manager"])) == {enterprises["yubei"].pk}


def test_a_bad_finding_saves_nothing(cast, agreement):
    from ohsteward.stewardship import actions as steward_actions

    visit = agreement.visits.order_by("planned_on").first()
    with pytest.raises(ValidationError) as error:
        steward_actions.visit_record(
            user=_fresh(cast["steward"]), agreement=agreement, visit=visit,
            data={"visited_on": TODAY, "work_done": "现场检查", "content": visit.content},
            findings=[{"category": "ppe", "severity": "major", "text": ""}],
        )  # fmt: skip
    assert "finding_1_text" in error.value.message_dict
    visit.refresh_from_db()
    assert visit.status == "planned" and not VisitFinding.objects.exists()


def test_finding_add_is_for_the_visits_own_team(cast, agreement):
    visit = agreement.visits.first()
    other = make_team("渝北区第二管家团队")
    outsider = user_create(
        username="other_steward", password=PASSWORD, role="steward_member", region_code="500112",
        check_password=False,
    )  # fmt: skip
    role_assign(user=outsider, role="steward_member", team=other)
    with pytest.raises(PermissionDenied):
        actions.finding_add(user=_fresh(outsider), visit=visit, category="ppe", severity="minor", text="x")
    finding = actions.finding_add(
        user=_fresh(cast["steward"]), visit=visit, category="ppe", severity="minor", text="x"
    )
    assert finding.visit == visit

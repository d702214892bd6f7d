"""Workflows of the steward service through the actions, with the clock controlled by dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ohsteward.accounts import access
from ohsteward.accounts.actions import role_assign
from ohsteward.stewardship import actions
from ohsteward.stewardship.choices import AgreementStatus, VisitStatus
from ohsteward.stewardship.models import ServiceAgreement, ServiceVisit, StewardTeam, VisitEvidence
from ohsteward.stewardship.tests.conftest import TODAY
from ohsteward.stewardship.tests.factories import make_team, sign_agreement

pytestmark = pytest.mark.django_db
D = dt.date


def test_team_page_facts_an_expired_nutritionist_leaves_the_team_incomplete(cast):
    team = make_team(skip=("nutritionist",))
    actions.member_create(
        user=None,
        team=team,
        data={"name": "王营养", "qualification": "nutritionist", "valid_until": TODAY - dt.timedelta(days=1)},
    )
    assert team.missing_qualifications(TODAY) == ["nutritionist"]
    actions.member_create(
        user=None,
        team=team,
        data={
            "name": "李营养",
            "qualification": "nutritionist",
            "valid_until": TODAY + dt.timedelta(days=30),
        },
    )
    team = StewardTeam.objects.get(pk=team.pk)
    assert team.missing_qualifications(TODAY) == []
    assert [m.name for m in team.expiring_members(TODAY)] == ["李营养"]


def test_a_district_officer_cannot_form_a_team_in_another_district(cast):
    from ohsteward.registry.models import Region

    with pytest.raises(ValidationError) as error:
        actions.team_create(
            user=cast["yubei"], data={"name": "越界团队", "district": Region.objects.get(code="500101")}
        )
    assert "只能在您管辖的区县" in str(error.value)
    assert not StewardTeam.objects.filter(name="越界团队").exists()


def test_signing_generates_the_calendar_across_a_multi_year_term(cast, enterprises):
    team = make_team()
    a = sign_agreement(
        team, enterprises["yubei"], D(2026, 1, 1), D(2027, 12, 31), {"detection": 2, "surveillance": 40}
    )
    assert a.status == AgreementStatus.ACTIVE and a.signed_on == D(2026, 1, 1)
    visits = list(a.visits.order_by("planned_on"))
    assert [v.content for v in visits].count("detection") == 4
    assert [v.content for v in visits].count("surveillance") == 2
    assert all(a.start_date <= v.planned_on <= a.end_date for v in visits)


def test_no_end_date_means_one_year(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 3, 1))
    assert a.end_date == D(2027, 2, 28)


def test_an_agreement_that_ends_before_it_starts_is_refused_and_nothing_saved(cast, enterprises):
    with pytest.raises(ValidationError) as error:
        sign_agreement(make_team(), enterprises["yubei"], D(2026, 3, 1), D(2026, 2, 1))
    assert "早于开始日期" in str(error.value)
    assert not ServiceAgreement.objects.exists()


def test_a_second_active_agreement_of_the_same_employer_is_refused(cast, enterprises):
    first = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    other = make_team("渝北区第二管家团队")
    with pytest.raises(ValidationError) as error:
        sign_agreement(other, enterprises["yubei"], D(2026, 6, 1))
    message = str(error.value)
    assert "渝北区第一管家团队" in message and "只能有一份生效" in message
    assert ServiceAgreement.objects.filter(enterprise=enterprises["yubei"]).count() == 1
    assert ServiceVisit.objects.exclude(agreement=first).count() == 0
    # after the first one ends, a new one is fine
    sign_agreement(other, enterprises["yubei"], D(2027, 1, 1))


def test_a_draft_cannot_be_signed_once_another_agreement_binds_the_employer(cast, enterprises):
    draft = actions.agreement_create(
        user=None,
        team=make_team("第二团队"),
        enterprise=enterprises["yubei"],
        start_date=D(2026, 6, 1),
        contents={"training": 1},
    )
    sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1), D(2026, 12, 31))
    with pytest.raises(ValidationError) as error:
        actions.agreement_sign(user=None, agreement=draft)
    assert "只能有一份生效" in str(error.value)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT and not draft.visits.exists()


def test_terminating_needs_a_reason_ends_the_agreement_and_drops_later_visits(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    with pytest.raises(ValidationError):
        actions.agreement_terminate(user=None, agreement=a, reason=" ")
    actions.agreement_terminate(user=None, agreement=a, reason="企业停产", terminated_on=D(2026, 5, 1))
    a.refresh_from_db()
    assert a.status == AgreementStatus.TERMINATED and a.end_date == D(2026, 5, 1)
    assert not a.visits.filter(planned_on__gt=D(2026, 5, 1)).exists()
    assert a.visits.exists()  # the ones before stay
    assert not ServiceAgreement.objects.in_force(D(2026, 4, 1)).filter(pk=a.pk).exists()


def test_renewal_is_a_new_signed_agreement_linked_to_the_old(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    new = actions.agreement_renew(user=None, agreement=a, years=2)
    assert new.renewed_from_id == a.pk and new.status == AgreementStatus.ACTIVE
    assert (new.start_date, new.end_date) == (D(2027, 1, 1), D(2028, 12, 31))
    assert new.content_quantities() == a.content_quantities()
    assert {f.channel: f.amount for f in new.funding.all()} == {
        "enterprise": Decimal("15000.00"),
        "government_purchase": Decimal("5000.00"),
    }
    assert new.visits.count() == 8
    with pytest.raises(ValidationError):
        actions.agreement_renew(user=None, agreement=a)


def test_a_supplement_adds_contents_and_their_visits_from_its_date(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    before = a.visits.count()
    actions.agreement_supplement(
        user=None, agreement=a, signed_on=D(2026, 7, 1), contents={"environment": 1}, note="增加健康企业建设"
    )
    assert a.content_quantities()["environment"] == 1
    added = a.visits.filter(content="environment")
    assert added.count() == 1 and added.get().planned_on >= D(2026, 7, 1)
    assert a.visits.count() == before + 1


def test_recording_a_visit_outside_the_agreement_is_refused_and_nothing_saved(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    visit = a.visits.order_by("planned_on").first()
    with pytest.raises(ValidationError) as error:
        actions.visit_record(
            user=None, agreement=a, visit=visit, data={"visited_on": D(2027, 1, 5), "work_done": "检测"}
        )
    assert "不在协议期限内" in str(error.value)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED


def test_evidence_of_a_wrong_type_refuses_the_whole_record(cast, enterprises):
    a = sign_agreement(make_team(), enterprises["yubei"], D(2026, 1, 1))
    visit = a.visits.first()
    files = [
        SimpleUploadedFile("现场.jpg", b"x" * 10, "image/jpeg"),
        SimpleUploadedFile("a.exe", b"MZ", "application/x"),
    ]
    with pytest.raises(ValidationError) as error:
        actions.visit_record(
            user=None,
            agreement=a,
            visit=visit,
            data={"visited_on": D(2026, 2, 1), "work_done": "培训"},
            files=files,
        )
    assert "类型不支持" in str(error.value)
    visit.refresh_from_db()
    assert visit.status == VisitStatus.PLANNED and not VisitEvidence.objects.exists()


def test_the_manager_confirms_and_rates_a_recorded_visit_once(cast, enterprises, agreement):
    visit = agreement.visits.order_by("planned_on").first()
    with pytest.raises(ValidationError):  # not done yet
        actions.visit_confirm(user=cast["manager"], visit=visit, rating=5)
    actions.visit_record(
        user=cast["steward"],
        agreement=agreement,
        visit=visit,
        data={
            "visited_on": TODAY,
            "work_done": "现场检测 12 个点",
            "findings": "打磨岗位粉尘超标",
            "trained_count": 15,
        },
        files=[SimpleUploadedFile("点位.png", b"\x89PNG....", "image/png")],
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.recorded_by == cast["steward"]
    assert bytes(visit.evidence.get().file.data) == b"\x89PNG...."
    with pytest.raises(PermissionDenied):  # only the employer's manager confirms
        actions.visit_confirm(user=cast["steward"], visit=visit, rating=5)
    with pytest.raises(ValidationError):
        actions.visit_confirm(user=cast["manager"], visit=visit, rating=6)
    actions.visit_confirm(user=cast["manager"], visit=visit, rating=4, comment="讲解清楚")
    visit.refresh_from_db()
    assert (visit.rating, visit.rating_comment, visit.confirmed_by) == (4, "讲解清楚", cast["manager"])
    with pytest.raises(ValidationError):
        actions.visit_confirm(user=cast["manager"], visit=visit, rating=5)


def test_the_team_moves_a_visit_inside_the_term_only(cast, enterprises, agreement):
    visit = agreement.visits.filter(status="planned").order_by("planned_on").last()
    original = visit.planned_on
    with pytest.raises(ValidationError):
        actions.visit_move(
            user=cast["steward"], visit=visit, planned_on=agreement.end_date + dt.timedelta(days=1)
        )
    actions.visit_move(user=cast["steward"], visit=visit, planned_on=agreement.end_date)
    visit.refresh_from_db()
    assert visit.planned_on == agreement.end_date and visit.originally_planned_on == original


def test_due_this_month_and_overdue(cast, enterprises, agreement):
    overdue = ServiceVisit.objects.overdue(TODAY)
    assert overdue.exists() and all(v.planned_on < TODAY for v in overdue)
    first_next = (TODAY.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    assert all(TODAY <= v.planned_on < first_next for v in ServiceVisit.objects.due_in_month(TODAY))


def test_a_steward_member_of_another_team_cannot_record_for_this_team(cast, enterprises, agreement):
    other = make_team("万州团队", "500101")
    role_assign(user=cast["steward"], role="steward_member", team=other)
    cast["steward"].__dict__.pop("_ohs_jurisdiction", None)
    visit = agreement.visits.first()
    with pytest.raises(PermissionDenied):
        actions.visit_record(
            user=cast["steward"],
            agreement=agreement,
            visit=visit,
            data={"visited_on": TODAY, "work_done": "x"},
        )


def test_a_team_member_cannot_write_another_teams_agreement_or_visits_with_a_shared_client(
    cast, enterprises, team, agreement
):
    # the steward's team T serves yubei; team U has its own (draft and signed) agreements with
    # yubei after T's ends. T's member sees them through the client but may not act for U.
    other = make_team("第二团队")
    start = agreement.end_date + dt.timedelta(days=1)
    draft = actions.agreement_create(
        user=None, team=other, enterprise=enterprises["yubei"], start_date=start,
        contents={"training": 1}, sign=False,
    )  # fmt: skip
    steward = cast["steward"]
    with pytest.raises(PermissionDenied):
        actions.agreement_sign(user=steward, agreement=draft)
    with pytest.raises(PermissionDenied):
        actions.agreement_update(user=steward, agreement=draft, data={"note": "改"})
    actions.agreement_sign(user=None, agreement=draft)
    with pytest.raises(PermissionDenied):
        actions.agreement_terminate(user=steward, agreement=draft, reason="抢单")
    with pytest.raises(PermissionDenied):
        actions.agreement_renew(user=steward, agreement=draft)
    visit = draft.visits.first()
    with pytest.raises(PermissionDenied):
        actions.visit_move(user=steward, visit=visit, planned_on=visit.planned_on + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        actions.visit_record(
            user=steward, agreement=draft, visit=visit, data={"visited_on": start, "work_done": "x"}
        )
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.ACTIVE and draft.terminated_on is None
    # its own agreement it still writes
    actions.agreement_update(user=steward, agreement=agreement, data={"note": "本团队"})


def test_own_team_id_is_the_team_members_team_only(cast, team):
    assert access.own_team_id(cast["steward"]) == team.pk
    assert access.own_team_id(cast["yubei"]) is None
    assert access.own_team_id(cast["manager"]) is None
    assert access.own_team_id(None) is None

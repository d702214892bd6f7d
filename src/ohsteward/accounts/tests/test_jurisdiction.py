"""Jurisdiction kinds: each role assignment maps to one kind, and the institution and team kinds
see exactly their organisation's client employers while the engagement or agreement is in force."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.accounts.access import Kind, OutOfScope, require_in_scope
from ohsteward.accounts.actions import role_assign
from ohsteward.accounts.models import RoleAssignment, User
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.models import Enterprise, Region, Workplace
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.surveillance.actions import worker_create
from ohsteward.surveillance.tests.factories import make_id_number

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YEAR = dt.timedelta(days=365)


def _fresh(user):
    user.__dict__.pop("_ohs_jurisdiction", None)
    return user


@pytest.fixture
def institution(cast, enterprises):
    inst = Institution.objects.create(
        uscc="91500000MA5U00001X", name="重庆示例职业卫生检测有限公司", kinds=["hygiene_service"]
    )
    Engagement.objects.create(institution=inst, enterprise=enterprises["wanzhou"], start_date=TODAY - YEAR)
    # ended last month: no longer a client
    Engagement.objects.create(
        institution=inst,
        enterprise=enterprises["yubei"],
        start_date=TODAY - YEAR,
        end_date=TODAY - dt.timedelta(days=30),
    )
    role_assign(user=cast["institution"], role="institution_staff", institution=inst)
    _fresh(cast["institution"])
    return inst


@pytest.fixture
def team(cast, enterprises):
    t = StewardTeam.objects.create(name="渝北区第一管家团队", district=Region.objects.get(code="500112"))
    ServiceAgreement.objects.create(team=t, enterprise=enterprises["yubei2"], start_date=TODAY - YEAR)
    # starts next month: not yet a client
    ServiceAgreement.objects.create(
        team=t, enterprise=enterprises["wanzhou"], start_date=TODAY + dt.timedelta(days=30)
    )
    role_assign(user=cast["steward"], role="steward_member", team=t)
    _fresh(cast["steward"])
    return t


def _names(qs):
    return set(qs.values_list("name", flat=True))


def test_each_role_assignment_maps_to_one_jurisdiction_kind(cast):
    kinds = {name: access.jurisdiction(_fresh(u)).kind for name, u in cast.items()}
    assert kinds["city"] is Kind.CITY
    assert kinds["yubei"] is Kind.DISTRICT
    assert kinds["cdc"] is Kind.CITY  # assigned the city region
    assert kinds["manager"] is Kind.ENTERPRISE


def test_institution_staff_see_only_employers_with_an_engagement_in_force(cast, enterprises, institution):
    user = cast["institution"]
    assert access.jurisdiction(user).kind is Kind.INSTITUTION
    assert _names(Enterprise.objects.for_user(user)) == {enterprises["wanzhou"].name}


def test_institution_staff_see_their_own_engagements_but_not_another_institutions(
    cast, enterprises, institution
):
    other = Institution.objects.create(uscc="91500000MA5U00002Y", name="另一检测机构")
    Engagement.objects.create(institution=other, enterprise=enterprises["yubei2"], start_date=TODAY - YEAR)
    visible = Engagement.objects.for_user(cast["institution"])
    assert set(visible.values_list("institution_id", flat=True)) == {institution.pk}
    assert visible.count() == 2  # the ended engagement is its own record


def test_steward_members_see_only_employers_of_agreements_in_force(cast, enterprises, team):
    user = cast["steward"]
    assert access.jurisdiction(user).kind is Kind.TEAM
    assert _names(Enterprise.objects.for_user(user)) == {enterprises["yubei2"].name}


def test_client_scope_reaches_rows_below_the_employer(cast, enterprises, team):
    Workplace.objects.create(enterprise=enterprises["yubei2"], name="一车间")
    Workplace.objects.create(enterprise=enterprises["yubei"], name="二车间")
    assert _names(Workplace.objects.for_user(cast["steward"])) == {"一车间"}


def test_regulators_see_client_relations_through_the_employer(cast, enterprises, institution):
    assert Engagement.objects.for_user(cast["wanzhou"]).count() == 1
    assert Engagement.objects.for_user(cast["yubei"]).count() == 1  # the ended one, a 渝北 employer
    assert Engagement.objects.for_user(cast["city"]).count() == 2


def test_an_institution_cannot_be_named_on_a_district_role(cast):
    inst = Institution.objects.create(uscc="91500000MA5U00003Z", name="机构")
    a = RoleAssignment(user=cast["yubei"], role="district_admin", region_id="500112", institution=inst)
    with pytest.raises(ValidationError):
        a.full_clean()


def test_require_in_scope_refuses_an_object_outside_the_jurisdiction(cast, enterprises):
    require_in_scope(cast["yubei"], enterprises["yubei"])
    require_in_scope(None, enterprises["wanzhou"])  # the system itself
    with pytest.raises(OutOfScope, match="不在您的管辖范围内"):
        require_in_scope(cast["yubei"], enterprises["wanzhou"])


def test_is_citywide_holds_for_the_system_and_city_level_users_only(cast):
    assert access.is_citywide(None)
    assert access.is_citywide(cast["city"]) and access.is_citywide(cast["cdc"])  # the city CDC
    for who in ("yubei", "wanzhou", "institution", "steward", "manager"):
        assert not access.is_citywide(_fresh(cast[who])), who


@pytest.mark.parametrize(
    ("who", "citywide", "district", "own_enterprise"),
    [
        ("city", True, None, False),
        ("cdc", True, None, False),  # assigned the city (500000)
        ("yubei", False, "500112", False),
        ("wanzhou", False, "500101", False),
        ("institution", False, "500112", False),  # no institution named: the assigned region
        ("manager", False, None, True),
    ],
)
def test_jurisdiction_questions_pages_ask(cast, enterprises, who, citywide, district, own_enterprise):
    """``is_citywide``, ``own_district`` and ``own_enterprise_id``: the three questions pages ask
    (what to offer) instead of reading the role or the region themselves."""
    user = _fresh(cast[who])
    assert access.is_citywide(user) is citywide
    assert access.own_district_code(user) == district
    expected = enterprises["yubei"].pk if own_enterprise else None
    assert access.own_enterprise_id(user) == expected


def test_a_worker_login_is_the_person_kind_and_needs_a_person(cast, enterprises):
    worker = worker_create(
        user=None,
        enterprise=enterprises["yubei"],
        id_number=make_id_number(),
        name="甲",
        hire_date=dt.date(2020, 1, 1),
    )
    user = User.objects.create_user("w_kind", password="x")
    with pytest.raises(ValidationError, match="须绑定劳动者"):
        role_assign(user=user, role="worker")
    with pytest.raises(ValidationError, match="只有劳动者本人账号"):
        role_assign(user=user, role="district_admin", region_code="500112", person=worker.person)
    role_assign(user=user, role="worker", person=worker.person)
    j = access.jurisdiction(_fresh(user))
    assert j.kind is Kind.PERSON and access.own_person_id(user) == worker.person_id
    # nothing reached through an employer: not the employer, not its workplaces
    assert not Enterprise.objects.for_user(user).exists()
    Workplace.objects.create(enterprise=enterprises["yubei"], name="车间")
    assert not Workplace.objects.for_user(user).exists()
    assert access.area_breakdown_field(user) is None and not access.selectable_zones(user).exists()
    assert not access.writable_districts(user).exists() and access.home_location(user) is None

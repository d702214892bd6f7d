"""The shared generated scope suite: an app's ``tests/test_scope.py`` declares its cases, this
module generates the tests (docs/development/access-control.md, "Tests").

Each case says how to make a row of a model that belongs to a given employer, and which members of
the cast see the rows of which employer (written out by hand from the jurisdiction rules: an
oracle that does not call ``accounts/access``). For every member of the cast — one per role and
jurisdiction kind: city, district, town, zone, enterprise, institution, team, person (a worker's
own login), and a user without a role — the suite checks ``for_user``, the detail page (out of scope is 404), the API list and
detail, and the API export, where the case names them::

    class TestRegistryScope(ScopeSuite):
        cases = [
            ScopeCase(
                Workplace,
                make=lambda world, employer: Workplace.objects.create(enterprise=employer, name="一车间"),
                page="/registry/workplaces/{obj.pk}/",
                api="/api/v1/workplaces/",
            ),
        ]

The world (the session cast, a fourth employer in a functional zone, the users of the remaining
kinds and their institution and team) and every case's rows are built once per class inside a
transaction that is rolled back when the class is done; each test runs in its own savepoint.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import openpyxl
import pytest
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import timezone

from ohsteward.accounts.actions import role_assign, user_create
from ohsteward.accounts.models import User
from ohsteward.accounts.testing import PASSWORD, YUBEI, build_cast, employer_uscc
from ohsteward.api.testing import bearer_client
from ohsteward.core.audit import audit_context
from ohsteward.institutions.models import Engagement, Institution
from ohsteward.registry.models import Enterprise, Region
from ohsteward.registry.tests.factories import EnterpriseFactory, make_uscc
from ohsteward.stewardship.models import ServiceAgreement, StewardTeam
from ohsteward.surveillance.actions import worker_create
from ohsteward.surveillance.models import Worker
from ohsteward.surveillance.tests.factories import make_id_number

EMPLOYERS = ("yubei", "yubei2", "wanzhou", "liangjiang")
ALL = set(EMPLOYERS)
IN_YUBEI = {"yubei", "yubei2", "liangjiang"}

# Who sees the rows of which employer, when rows are reached through their employer.
# yubei: 渝北, 双龙湖街道 (500112002) · yubei2: 渝北, no town · wanzhou: 万州 ·
# liangjiang: 渝北, 鸳鸯街道 (500112007), registered to 两江新区 (Z5001).
VISIBLE: dict[str, set[str]] = {
    "city": ALL,  # city kind
    "cdc": ALL,  # assigned the city (500000): city kind
    "yubei": IN_YUBEI,  # district kind
    "wanzhou": {"wanzhou"},  # district kind
    "institution": IN_YUBEI,  # institution staff assigned the 渝北 region (no institution): district kind
    "steward": IN_YUBEI,  # steward member assigned the 渝北 region (no team): district kind
    "town": {"yubei"},  # 渝北 officer of 双龙湖街道: town kind
    "zone": {"liangjiang"},  # officer of 两江新区: zone kind
    "manager": {"yubei"},  # enterprise kind
    "lab": {"wanzhou"},  # institution kind: its institution has an engagement in force with wanzhou
    "team": {"yubei2"},  # team kind: its team has an agreement in force with yubei2
    # person kind: a worker's own login, employed at yubei and then at wanzhou; sees nothing
    # reached only through an employer
    "worker": set(),
    "norole": set(),  # no role assignment
}
WHO = tuple(VISIBLE)
# Rows declared ``regulators_only``: employers, institutions, teams and workers never see them.
REGULATORS_ONLY = {**VISIBLE, "manager": set(), "lab": set(), "team": set()}
# The employers of the ``worker`` cast member's person (``ScopeWorld.own_worker``).
WORKER_EMPLOYERS = {"yubei", "wanzhou"}
# Rows about a person (``Scope(person=…)``) made for the ``worker`` cast member's employments:
# the worker sees their own, at both employers.
PERSONAL = {**VISIBLE, "worker": WORKER_EMPLOYERS}


@dataclass(frozen=True)
class ScopeCase:
    """How to make a row of ``model`` belonging to an employer, and where it must be seen.

    - ``make(world, employer)``: create and return one row reached through ``employer``.
    - ``visible``: cast member -> the employers whose rows they see (default ``VISIBLE``).
    - ``page``: detail page of a row, formatted with ``obj`` ("/registry/workplaces/{obj.pk}/").
    - ``api``: the list endpoint ("/api/v1/workplaces/"); the detail is ``{api}{key}/``.
    - ``key``: the attribute naming a row in the API's JSON and URL ("id", "uscc").
    - ``export_column``: the header of the API export's column holding ``key`` (checks ``{api}export/``).
    - ``name``: the test id (default: the model's name), for two cases of one model.
    """

    model: type[models.Model]
    make: Callable[[ScopeWorld, Enterprise], Any]
    visible: dict[str, set[str]] = field(default_factory=lambda: VISIBLE)
    page: str | None = None
    api: str | None = None
    key: str = "id"
    export_column: str | None = None
    name: str = ""
    # the permission that opens the page and the API (default ``<app>.view_<model>``)
    permission: str = ""

    @property
    def label(self) -> str:
        return self.name or self.model.__name__

    @property
    def view_permission(self) -> str:
        meta = self.model._meta
        return self.permission or f"{meta.app_label}.view_{meta.model_name}"

    def channels(self) -> list[str]:
        found = ["for_user"]
        if self.page:
            found.append("page")
        if self.api:
            found.append("api")
        if self.api and self.export_column:
            found.append("export")
        return found


@dataclass
class ScopeWorld:
    """The cast and its employers, plus the institution and the team of ``lab`` and ``team``."""

    users: dict[str, User]
    employers: dict[str, Enterprise]
    institution: Institution
    team: StewardTeam
    today: dt.date
    # employer pk -> the ``worker`` cast member's employment there (yubei, wanzhou)
    employments: dict[int, Worker] = field(default_factory=dict)

    def own_worker(self, employer: Enterprise) -> Worker | None:
        """The ``worker`` cast member's employment at ``employer`` (None at the other employers):
        makers of rows about a person use it, so that the worker has rows of their own to see."""
        return self.employments.get(employer.pk)


def _extra_user(username: str, role: str, region: str | None = None) -> User:
    return user_create(
        username=username, password=PASSWORD, role=role, region_code=region, check_password=False
    )


def build_world() -> ScopeWorld:
    """The session cast plus what only the scope suite needs (written inside the caller's transaction)."""
    build_cast()
    today = timezone.localdate()
    employers = Enterprise.objects.in_bulk(
        [employer_uscc(k) for k in ("yubei", "yubei2", "wanzhou")], field_name="uscc"
    )
    by_key = {k: employers[employer_uscc(k)] for k in ("yubei", "yubei2", "wanzhou")}
    by_key["liangjiang"] = EnterpriseFactory(
        uscc=make_uscc(YUBEI, serial=99990004),
        name="重庆两江示例电子有限公司",
        region=Region.objects.get(code=YUBEI),
        town=Region.objects.get(code="500112007"),
        zone=Region.objects.get(code="Z5001"),
    )
    institution = Institution.objects.create(uscc="91500000MA5U0SC01X", name="重庆范围测试检测有限公司")
    Engagement.objects.create(institution=institution, enterprise=by_key["wanzhou"], start_date=today)
    team = StewardTeam.objects.create(name="渝北范围测试管家团队", district=Region.objects.get(code=YUBEI))
    ServiceAgreement.objects.create(team=team, enterprise=by_key["yubei2"], start_date=today)
    _extra_user("town", "district_admin", "500112002")
    _extra_user("zone", "district_admin", "Z5001")
    role_assign(
        user=_extra_user("lab", "institution_staff", YUBEI), role="institution_staff", institution=institution
    )
    role_assign(user=_extra_user("team", "steward_member", YUBEI), role="steward_member", team=team)
    User.objects.create_user("norole", password=PASSWORD)
    # one person employed at yubei (left) and then at wanzhou, with their own login
    number = make_id_number(dt.date(1979, 2, 3))  # a birth date no other maker uses
    employments = {}
    for key, hired, left in (
        ("yubei", dt.date(2019, 3, 1), dt.date(2022, 6, 30)),
        ("wanzhou", dt.date(2022, 8, 1), None),
    ):
        worker = worker_create(
            user=None,
            enterprise=by_key[key],
            id_number=number,
            name="范围本人",
            hire_date=hired,
            leave_date=left,
        )
        employments[by_key[key].pk] = worker
    login = User.objects.create_user("worker", password=PASSWORD)
    role_assign(user=login, role="worker", person=worker.person)
    users = User.objects.in_bulk(list(WHO), field_name="username")
    return ScopeWorld(
        users=users,
        employers=by_key,
        institution=institution,
        team=team,
        today=today,
        employments=employments,
    )


class ScopeSuite:
    """Subclass it in ``<app>/tests/test_scope.py`` (a ``Test…`` name) and list the app's ``cases``."""

    cases: ClassVar[list[ScopeCase]] = []

    def pytest_generate_tests(self, metafunc):
        """One test per case × channel × member of the cast."""
        params = [
            pytest.param(case, channel, who, id=f"{case.label}-{channel}-{who}")
            for case in self.cases
            for channel in case.channels()
            for who in WHO
        ]
        metafunc.parametrize(("case", "channel", "who"), params)

    @pytest.fixture(scope="class")
    @classmethod
    def scope_rows(cls, request, django_db_setup, django_db_blocker):
        """(world, {case label: {row pk: employer key}}), built once for the class, rolled back after."""
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                with (
                    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
                    audit_context(None, "test"),
                ):
                    world = build_world()
                    rows: dict[str, dict[Any, str]] = {}
                    for case in cls.cases:
                        assert case.label not in rows, f"two cases named {case.label}: give one a name"
                        rows[case.label] = {case.make(world, e).pk: key for key, e in world.employers.items()}
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        yield world, rows
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def test_scope(self, scope_rows, db, case: ScopeCase, channel: str, who: str):
        world, rows = scope_rows
        owned = rows[case.label]
        assert set(owned.values()) == ALL  # every employer has a row of this case
        user = User.objects.get(pk=world.users[who].pk)  # fresh: no cached jurisdiction or permissions
        expected = case.visible.get(who, set())
        objects = {obj.pk: obj for obj in case.model._default_manager.filter(pk__in=owned)}
        getattr(self, f"check_{channel}")(case, user, owned, objects, expected)

    @staticmethod
    def check_for_user(case, user, owned, objects, expected):
        visible = set(
            case.model._default_manager.for_user(user).filter(pk__in=owned).values_list("pk", flat=True)
        )
        assert {owned[pk] for pk in visible} == expected
        assert {owned[pk] for pk in set(owned) - visible} == ALL - expected

    @staticmethod
    def check_page(case, user, owned, objects, expected):
        client = Client()
        client.force_login(user)
        allowed = user.has_perm(case.view_permission)
        for pk, obj in objects.items():
            status = client.get(case.page.format(obj=obj)).status_code
            want = 403 if not allowed else (200 if owned[pk] in expected else 404)
            assert status == want, (owned[pk], status)

    @staticmethod
    def check_api(case, user, owned, objects, expected):
        client = bearer_client(user)
        response = client.get(f"{case.api}?page_size=1000")
        if not user.has_perm(case.view_permission):
            assert response.status_code == 403  # no role, no permission
            return
        assert response.status_code == 200
        by_key = {getattr(obj, case.key): owned[pk] for pk, obj in objects.items()}
        listed = {row[case.key] for row in response.json()["results"] if row[case.key] in by_key}
        assert {by_key[k] for k in listed} == expected
        for ident, owner in by_key.items():
            status = client.get(f"{case.api}{ident}/").status_code
            assert status == (200 if owner in expected else 404), (ident, owner)

    @staticmethod
    def check_export(case, user, owned, objects, expected):
        response = bearer_client(user).get(f"{case.api}export/")
        if not user.has_perm(case.view_permission):
            assert response.status_code == 403
            return
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [cell.value for cell in sheet[1]]
        column = header.index(case.export_column)
        exported = {str(row[column]) for row in sheet.iter_rows(min_row=2, values_only=True)}
        by_key = {str(getattr(obj, case.key)): owned[pk] for pk, obj in objects.items()}
        assert {by_key[k] for k in exported if k in by_key} == expected

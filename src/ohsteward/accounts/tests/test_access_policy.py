"""Only accounts/access interprets where a user works (issue 7 item 4).

Code elsewhere asks a named question (``access.own_enterprise_id``, ``sees_everything``,
``governs_district``, ``writable_districts``, ``selectable_towns`` …) instead of reading the
jurisdiction or the role assignment itself. The check reads the source (AST) of every module under
src/ohsteward outside accounts/access, tests, migrations, conftest.py, accounts/models.py (which
stores the assignment) and the files other engineers are rewriting, and reports:

- a call of ``jurisdiction(…)`` / ``access.jurisdiction(…)``: the object whose ``.district``,
  ``.zone``, ``.everything`` … would then be read;
- ``.role``, ``.district_code``, ``.town_code``, ``.zone_code``, ``.region``, ``.jurisdiction`` read
  on a *user* — an expression named ``user``, ``viewer``, ``actor`` or ending in ``.user`` (so
  ``request.user.role`` is caught while ``enterprise.district_code`` or ``entry.region`` is not);
- any attribute of a user's role assignment (``user.assignment.role``, ``.region``, …) except
  ``get_role_display`` (a label, not a decision);
- the jurisdiction cache ``_ohs_jurisdiction`` (``access.CityWideActor``, ``forget_jurisdiction``).

A receiver named otherwise (``u.role``) is not seen: the check is a guard against the habit, not a
proof; review still applies.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ohsteward.accounts import access
from ohsteward.accounts.actions import role_assign
from ohsteward.accounts.testing import WANZHOU, YUBEI
from ohsteward.institutions.models import Institution
from ohsteward.registry.models import Region
from ohsteward.stewardship.tests.factories import make_team

PACKAGE = Path(access.__file__).resolve().parents[2]  # src/ohsteward

USER_NAMES = {"user", "viewer", "actor"}
USER_FIELDS = {"role", "district_code", "town_code", "zone_code", "region", "jurisdiction"}
LABELS = {"get_role_display"}
CACHE = "_ohs_jurisdiction"

EXCLUDED = {"accounts/models.py", "accounts/testing.py"}
# TEMPORARY: the template context still hands the Jurisdiction to the declarations templates
# (_spotcheck_row.html, spotcheck_detail.html read jurisdiction.everything) until their rewrite
# reads ``sees_everything``; then drop the "jurisdiction" key in web/context.py and this entry.
TEMPORARY_CALLS = {("web/context.py", "navigation")}


def _is_user(node: ast.AST) -> bool:
    if isinstance(node, ast.Name):
        return node.id in USER_NAMES
    return isinstance(node, ast.Attribute) and node.attr == "user"


def findings(source: str, rel: str) -> list[str]:
    tree = ast.parse(source)
    found: list[str] = []
    functions = {
        child: node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.walk(node)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name == "jurisdiction" and (rel, functions.get(node)) not in TEMPORARY_CALLS:
                found.append(f"{rel}:{node.lineno} calls jurisdiction()")
        if (isinstance(node, ast.Attribute) and node.attr == CACHE) or (
            isinstance(node, ast.Constant) and node.value == CACHE
        ):
            found.append(f"{rel}:{node.lineno} touches the jurisdiction cache")
        if isinstance(node, ast.Attribute):
            if node.attr in USER_FIELDS and _is_user(node.value):
                found.append(f"{rel}:{node.lineno} reads a user's .{node.attr}")
            elif (
                isinstance(node.value, ast.Attribute)
                and node.value.attr == "assignment"
                and _is_user(node.value.value)
                and node.attr not in LABELS
            ):
                found.append(f"{rel}:{node.lineno} reads a user's assignment.{node.attr}")
    return sorted(found, key=lambda f: int(f.split(":")[1].split()[0]))


def _scanned() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        key = rel.as_posix()
        if (
            "migrations" in rel.parts
            or "tests" in rel.parts
            or rel.name == "conftest.py"
            or key.startswith("accounts/access/")
            or key in EXCLUDED
        ):
            continue
        out.append((key, path))
    return out


def test_the_check_sees_user_reads_and_not_enterprise_reads():
    source = (
        "def f(request, user, enterprise, entry):\n"
        "    a = request.user.role == 'city_admin'\n"
        "    b = access.jurisdiction(user).district\n"
        "    c = enterprise.district_code\n"
        "    d = entry.region\n"
        "    e = user.assignment.region_id\n"
        "    f = user.assignment.get_role_display()\n"
        "    g = user.district_code\n"
        "    user.__dict__.pop('_ohs_jurisdiction', None)\n"
    )
    assert findings(source, "x.py") == [
        "x.py:2 reads a user's .role",
        "x.py:3 calls jurisdiction()",
        "x.py:6 reads a user's assignment.region_id",
        "x.py:8 reads a user's .district_code",
        "x.py:9 touches the jurisdiction cache",
    ]


def test_only_accounts_access_interprets_the_jurisdiction():
    found = [f for rel, path in _scanned() for f in findings(path.read_text(encoding="utf-8"), rel)]
    assert not found, (
        "Ask accounts/access a named question (add a small helper there, with a test) instead of "
        "reading the jurisdiction or role here:\n" + "\n".join(found)
    )


# --- the helpers the rest of the code asks ------------------------------------------------------


@pytest.mark.django_db
def test_own_enterprise_id_is_the_managers_employer_only(cast, enterprises):
    assert access.own_enterprise_id(cast["manager"]) == enterprises["yubei"].pk
    assert access.own_enterprise_id(cast["yubei"]) is None
    assert access.own_enterprise_id(cast["city"]) is None
    assert access.own_enterprise_id(None) is None


@pytest.mark.django_db
def test_sees_everything_is_the_city_wide_users(cast):
    assert access.sees_everything(cast["city"])
    assert not access.sees_everything(cast["yubei"])
    assert not access.sees_everything(cast["manager"])
    assert not access.sees_everything(None)


@pytest.mark.django_db
def test_governs_district_is_the_city_and_the_districts_own_officer(cast):
    yubei, wanzhou = YUBEI, WANZHOU
    assert access.governs_district(cast["city"], wanzhou)
    assert access.governs_district(cast["yubei"], yubei)
    assert not access.governs_district(cast["yubei"], wanzhou)
    assert not access.governs_district(cast["manager"], yubei)
    assert access.own_district_code(cast["yubei"]) == yubei
    assert access.own_district_code(cast["city"]) is None


@pytest.mark.django_db
def test_area_breakdown_is_districts_city_wide_and_towns_in_a_district(cast):
    assert access.area_breakdown_field(cast["city"]) == "region_id"
    assert access.area_breakdown_field(cast["yubei"]) == "town_id"
    assert access.area_breakdown_field(cast["manager"]) is None


@pytest.mark.django_db
def test_jurisdiction_label_names_the_area_in_plain_words(cast, enterprises):
    assert access.jurisdiction_label(cast["city"]) == "全市"
    assert access.jurisdiction_label(cast["yubei"]) == Region.objects.get(code=YUBEI).name
    assert access.jurisdiction_label(cast["manager"], "某某厂") == "某某厂"
    assert access.jurisdiction_label(cast["manager"]) == enterprises["yubei"].name


@pytest.mark.django_db
def test_jurisdiction_label_names_the_institution_or_team_of_an_organisation_user(cast):
    lab = Institution.objects.create(uscc="91500000MA5U0LB01X", name="重庆某检测机构")
    role_assign(user=cast["institution"], role="institution_staff", institution=lab)
    access.forget_jurisdiction(cast["institution"])
    assert access.jurisdiction_label(cast["institution"]) == "重庆某检测机构"

    team = make_team("渝北区某管家团队", "500112")
    role_assign(user=cast["steward"], role="steward_member", team=team)
    access.forget_jurisdiction(cast["steward"])
    assert access.jurisdiction_label(cast["steward"]) == "渝北区某管家团队"


@pytest.mark.django_db
def test_the_city_wide_actor_sees_the_city_and_a_changed_role_is_recomputed(cast):
    assert access.sees_everything(access.CityWideActor())
    officer = cast["yubei"]
    assert not access.sees_everything(officer)  # now cached on the user
    officer.assignment.role, officer.assignment.region_id = "city_admin", "500000"
    officer.assignment.save()
    assert not access.sees_everything(officer)  # the cache still answers
    access.forget_jurisdiction(officer)
    assert access.sees_everything(officer)


@pytest.mark.django_db
def test_require_own_team_refuses_a_member_writing_for_another_team_only(cast):
    own, other = make_team("渝北区甲管家团队", "500112"), make_team("渝北区乙管家团队", "500112")
    role_assign(user=cast["steward"], role="steward_member", team=own)
    access.forget_jurisdiction(cast["steward"])
    access.require_own_team(cast["steward"], own.pk)
    with pytest.raises(access.OutOfScope):
        access.require_own_team(cast["steward"], other.pk)
    access.require_own_team(cast["yubei"], other.pk)  # not a team member: scope decides
    access.require_own_team(None, other.pk)  # the system

"""Scope tests generated per model and per member of the test cast (STYLE.md, access control).

The expected visibility below is written out by hand from the jurisdiction rules (an oracle that
does not call accounts/access.py); each model is then checked through ``for_user`` and, where the
model has an endpoint, through the API list, the API detail and the .xlsx export.
"""

from __future__ import annotations

import io
import sys

import openpyxl
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from ohsteward.accounts.actions import user_create
from ohsteward.accounts.models import ApiToken, User
from ohsteward.api.testing import bearer_client, use_fast_password_hashing
from ohsteward.conftest import PASSWORD
from ohsteward.core.audit import audit_context
from ohsteward.core.models import AuditLog
from ohsteward.hazards.models import HazardFactor
from ohsteward.registry import actions
from ohsteward.registry.models import Enterprise, Post, PostExposure, Workplace

ALL = {"yubei", "yubei2", "wanzhou"}
YUBEI_BOTH = {"yubei", "yubei2"}

# Which of the cast's employers each user may see. "town" is a 渝北 officer assigned to 双龙湖街道
# (500112002), where only "yubei" lies.
VISIBLE = {
    "city": ALL,
    "yubei": YUBEI_BOTH,
    "wanzhou": {"wanzhou"},
    "cdc": ALL,  # assigned the city (500000)
    "institution": YUBEI_BOTH,
    "steward": YUBEI_BOTH,
    "manager": {"yubei"},
    "town": {"yubei"},
    "norole": set(),
}
# The audit trail: city admins see all; district admins their district (a town officer the
# employers of the town); nobody else sees it.
AUDIT_VISIBLE = {"city": ALL, "yubei": YUBEI_BOTH, "wanzhou": {"wanzhou"}, "town": {"yubei"}}
USERS = list(VISIBLE)


def _owner(obj) -> Enterprise:
    if isinstance(obj, Enterprise):
        return obj
    if isinstance(obj, Workplace):
        return obj.enterprise
    if isinstance(obj, Post):
        return obj.workplace.enterprise
    return obj.post.workplace.enterprise


MODELS = [Enterprise, Workplace, Post, PostExposure, AuditLog]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    use_fast_password_hashing(settings)


@pytest.fixture
def world(cast, enterprises):
    """Each employer of the cast with a workplace, a post and an exposure; users and their names."""
    factor = HazardFactor.objects.order_by("code").first()
    objects: dict[type, dict[int, str]] = {m: {} for m in MODELS}
    with audit_context(None, "test"):
        for key, e in enterprises.items():
            workplace = actions.workplace_create(user=None, enterprise=e, name="一车间")
            exposure = actions.post_exposure_set(
                user=None, workplace=workplace, post_name="焊工", hazard_factor=factor, exposed_count=3
            )
            for obj in (e, workplace, exposure.post, exposure):
                objects[type(obj)][obj.pk] = key
    users = dict(cast)
    users["town"] = user_create(
        username="town",
        password=PASSWORD,
        role="district_admin",
        region_code="500112002",
        check_password=False,
    )
    users["norole"] = User.objects.create_user("norole", password=PASSWORD)
    # Audit entries about these objects, keyed by the employer they concern.
    for model in (Enterprise, Workplace, Post, PostExposure):
        ct = ContentType.objects.get_for_model(model)
        for entry in AuditLog.objects.filter(
            content_type=ct, object_id__in=[str(pk) for pk in objects[model]]
        ):
            objects[AuditLog][entry.pk] = objects[model][int(entry.object_id)]
    return {"users": users, "objects": objects, "enterprises": enterprises}


def expected_keys(model, who: str) -> set[str]:
    return AUDIT_VISIBLE.get(who, set()) if model is AuditLog else VISIBLE[who]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_queryset_scope(world, model, who):
    owned = world["objects"][model]
    assert {owner for owner in owned.values()} == ALL  # every employer has rows of this model
    visible_pks = set(
        model.objects.for_user(world["users"][who]).filter(pk__in=owned).values_list("pk", flat=True)
    )
    assert {owned[pk] for pk in visible_pks} == expected_keys(model, who)
    hidden = set(owned) - visible_pks
    assert {owned[pk] for pk in hidden} == ALL - expected_keys(model, who)


# Endpoints of the models above: (model, list URL, how a row is identified in the JSON and the URL).
ENDPOINTS = [(Enterprise, "/api/v1/enterprises/", "uscc")]


@pytest.mark.parametrize("who", USERS)
@pytest.mark.parametrize(("model", "url", "key"), ENDPOINTS, ids=[m.__name__ for m, _, _ in ENDPOINTS])
def test_api_scope(world, model, url, key, who):
    client = bearer_client(world["users"][who])
    response = client.get(f"{url}?page_size=1000")
    if who == "norole":
        assert response.status_code == 403  # no role, no permission
        return
    assert response.status_code == 200
    by_key = {
        getattr(obj, key): world["objects"][model][obj.pk]
        for obj in model.objects.filter(pk__in=world["objects"][model])
    }
    listed = {row[key] for row in response.json()["results"] if row[key] in by_key}
    assert {by_key[k] for k in listed} == expected_keys(model, who)
    for ident, owner in by_key.items():
        status = client.get(f"{url}{ident}/").status_code
        assert status == (200 if owner in expected_keys(model, who) else 404), (ident, owner)


@pytest.mark.parametrize("who", [u for u in USERS if u != "norole"])
@pytest.mark.parametrize(("model", "url", "key"), ENDPOINTS, ids=[m.__name__ for m, _, _ in ENDPOINTS])
def test_export_scope(world, model, url, key, who):
    response = bearer_client(world["users"][who]).get(f"{url}export/")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    exported = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    by_key = {
        getattr(obj, key): world["objects"][model][obj.pk]
        for obj in model.objects.filter(pk__in=world["objects"][model])
    }
    assert {by_key[k] for k in exported if k in by_key} == expected_keys(model, who)


def test_yubei_officer_cannot_patch_wanzhou_employer(world):
    wanzhou = world["enterprises"]["wanzhou"]
    response = bearer_client(world["users"]["yubei"]).patch(
        f"/api/v1/enterprises/{wanzhou.uscc}/", {"name": "越权修改"}, format="json"
    )
    assert response.status_code == 404
    wanzhou.refresh_from_db()
    assert wanzhou.name != "越权修改"


# ---- commands ------------------------------------------------------------------------------


def test_token_create_prints_only_the_token_and_it_authenticates(cast):
    out = io.StringIO()
    call_command("token_create", "yubei", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ohs_")
    assert ApiToken.objects.filter(user=cast["yubei"]).count() == 1
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {lines[0]}")
    assert client.get("/api/v1/enterprises/").status_code == 200


def test_token_create_unknown_user(db):
    with pytest.raises(CommandError, match="用户不存在：ghost"):
        call_command("token_create", "ghost")


def test_cli_maps_token_create(cast, capsys, monkeypatch):
    """`ohsteward token create NAME` runs the token_create command.

    Django's run_from_argv closes every database connection when a command ends, which would end
    the test's transaction on PostgreSQL; the mapped argv is run with call_command instead.
    """
    import django.core.management

    from ohsteward.cli import main

    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    main(["ohsteward", "token", "create", "city"])
    assert seen == [["ohsteward", "token_create", "city"]]
    call_command(*seen[0][1:])
    token = capsys.readouterr().out.strip()
    assert ApiToken.lookup(token).user == cast["city"]


def test_user_add_with_password_stdin(enterprises, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("Qx-very-long-pass-7781\n"))
    out = io.StringIO()
    call_command(
        "user_add",
        "wz_officer",
        "--role",
        "district_admin",
        "--region",
        "500101",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="wz_officer")
    assert user.check_password("Qx-very-long-pass-7781")
    assert user.role == "district_admin" and user.assignment.region_id == "500101"
    assert "wz_officer" in out.getvalue()
    assert set(Enterprise.objects.for_user(user)) == {enterprises["wanzhou"]}


def test_user_add_enterprise_manager_from_env(enterprises, monkeypatch):
    monkeypatch.setenv("OHSTEWARD_PASSWORD", "Qx-very-long-pass-7781")
    call_command(
        "user_add",
        "boss",
        "--role",
        "enterprise_manager",
        "--enterprise",
        enterprises["yubei2"].uscc,
        stdout=io.StringIO(),
    )
    assert set(Enterprise.objects.for_user(User.objects.get(username="boss"))) == {enterprises["yubei2"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "king"], "未知角色：king"),
        (["--role", "district_admin", "--region", "999999"], "未知的区划代码：999999"),
        (["--role", "district_admin"], "该角色须指定辖区"),
        (["--role", "enterprise_manager", "--enterprise", "91500112000000000N"], "未找到统一社会信用代码"),
    ],
)
def test_user_add_errors_in_chinese(db, monkeypatch, args, message):
    monkeypatch.setenv("OHSTEWARD_PASSWORD", "Qx-very-long-pass-7781")
    with pytest.raises(CommandError, match=message):
        call_command("user_add", "someone", *args)
    assert not User.objects.filter(username="someone").exists()


def test_user_add_needs_a_password(db, monkeypatch):
    monkeypatch.delenv("OHSTEWARD_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="未提供密码"):
        call_command("user_add", "someone", "--role", "city_admin")


def test_user_add_rejects_weak_password(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        call_command("user_add", "someone", "--role", "city_admin", "--password-stdin")
    assert not User.objects.filter(username="someone").exists()


def test_user_add_duplicate(cast, monkeypatch):
    monkeypatch.setenv("OHSTEWARD_PASSWORD", "Qx-very-long-pass-7781")
    with pytest.raises(CommandError, match="用户名 city 已存在"):
        call_command("user_add", "city", "--role", "city_admin")


def test_cli_user_add_bad_role_exits_non_zero(db, monkeypatch, capsys):
    from ohsteward.cli import main

    monkeypatch.setattr(sys, "stdin", io.StringIO("Qx-very-long-pass-7781\n"))
    with pytest.raises(SystemExit) as exit_info:
        main(["ohsteward", "user", "add", "someone", "--role", "king", "--password-stdin"])
    assert exit_info.value.code != 0
    assert "未知角色：king" in capsys.readouterr().err

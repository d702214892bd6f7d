"""Writes across districts are refused, and the account commands (token_create, user_add).

The generated scope tests (for_user, pages, API, exports per model and member of the cast) moved
to each app's ``tests/test_scope.py`` on the shared suite ``ohsteward.accounts.tests.scope``.
"""

from __future__ import annotations

import io
import sys

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from ohsteward.accounts.models import ApiToken, User
from ohsteward.api.testing import bearer_client
from ohsteward.registry.models import Enterprise


def test_yubei_officer_cannot_patch_wanzhou_employer(cast, enterprises):
    wanzhou = enterprises["wanzhou"]
    response = bearer_client(cast["yubei"]).patch(
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

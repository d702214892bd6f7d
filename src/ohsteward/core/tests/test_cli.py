import django.core.management
import pytest

from ohsteward import cli


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["ohsteward", "import", "enterprises", "a.xlsx", "--dry-run"],
            ["ohsteward", "import_enterprises", "a.xlsx", "--dry-run"],
        ),
        (
            ["ohsteward", "user", "add", "li", "--role", "city_admin"],
            ["ohsteward", "user_add", "li", "--role", "city_admin"],
        ),
        (["ohsteward", "token", "create", "li"], ["ohsteward", "token_create", "li"]),
        (["ohsteward", "hazard-list", "generate"], ["ohsteward", "hazard_list", "generate"]),
        (["ohsteward", "migrate"], ["ohsteward", "migrate"]),
        (["ohsteward", "--help"], ["ohsteward", "--help"]),
    ],
)
def test_two_word_commands_map_onto_management_commands(argv, expected, monkeypatch):
    monkeypatch.setattr(cli.os, "environ", {})
    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    cli.main(argv)
    assert seen == [expected]


@pytest.mark.parametrize(
    ("args", "is_help"),
    [
        ([], True),
        (["--help"], True),
        (["-h"], True),
        (["help"], True),
        (["help", "serve"], True),
        (["serve", "--help"], True),
        (["user", "add", "-h"], True),
        (["--version"], True),
        (["serve"], False),
        (["migrate", "--noinput"], False),
        (["check", "--", "--help"], False),
    ],
)
def test_help_requests_are_told_apart_from_real_commands(args, is_help):
    assert cli.is_help_request(args) is is_help


def test_help_mode_key_is_set_only_for_help(monkeypatch):
    environ = {}
    monkeypatch.setattr(cli.os, "environ", environ)
    monkeypatch.setattr(django.core.management, "execute_from_command_line", lambda argv: None)
    cli.main(["ohsteward", "migrate"])
    assert "OHSTEWARD_SECRET_KEY" not in environ
    cli.main(["ohsteward", "migrate", "--help"])
    assert environ["OHSTEWARD_SECRET_KEY"].startswith("help-only-")


def _clean_run(args, tmp_path):
    """Run the console script as on a fresh machine: no OHSTEWARD_* variables, an empty home."""
    import os
    import subprocess
    import sys

    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "ohsteward", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["serve", "--help"],
        ["user", "add", "--help"],
        ["import", "enterprises", "--help"],
        ["help", "demo"],
        ["demo", "--help"],
    ],
)
def test_help_works_on_a_fresh_machine_without_configuration(args, tmp_path):
    result = _clean_run(args, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout.lower() or "Available subcommands" in result.stdout
    assert "Traceback" not in result.stderr
    assert "OHSTEWARD_SECRET_KEY" not in result.stdout + result.stderr


def test_list_of_commands_includes_the_projects_own_without_configuration(tmp_path):
    result = _clean_run(["--help"], tmp_path)
    assert "[web]" in result.stdout and "serve" in result.stdout
    assert "only Django core commands are listed" not in result.stdout


def test_a_real_command_in_production_still_refuses_without_a_secret_key(tmp_path):
    result = _clean_run(["check"], tmp_path)
    assert result.returncode != 0
    assert "OHSTEWARD_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr

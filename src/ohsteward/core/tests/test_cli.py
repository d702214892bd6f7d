import django.core.management
import pytest

from ohsteward import cli


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["ohsteward", "import", "enterprises", "a.xlsx", "--dry-run"], ["ohsteward", "import_enterprises", "a.xlsx", "--dry-run"]),
        (["ohsteward", "user", "add", "li", "--role", "city_admin"], ["ohsteward", "user_add", "li", "--role", "city_admin"]),
        (["ohsteward", "token", "create", "li"], ["ohsteward", "token_create", "li"]),
        (["ohsteward", "hazard-list", "generate"], ["ohsteward", "hazard_list", "generate"]),
        (["ohsteward", "migrate"], ["ohsteward", "migrate"]),
        (["ohsteward", "--help"], ["ohsteward", "--help"]),
    ],
)
def test_two_word_commands_map_onto_management_commands(argv, expected, monkeypatch):
    seen = []
    monkeypatch.setattr(django.core.management, "execute_from_command_line", seen.append)
    cli.main(argv)
    assert seen == [expected]

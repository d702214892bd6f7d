"""The command-line faces of the register: import, synth, refdata."""

import io

import pytest
from django.core.management import call_command

from ohsteward.demo.synth import enterprise_rows, load_world
from ohsteward.registry.models import Enterprise, Industry, Region
from ohsteward.registry.tests.test_importers import good_rows, xlsx


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_import_command_dry_run_then_apply(tmp_path):
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(good_rows()))
    out = io.StringIO()
    call_command("import_enterprises", str(path), "--dry-run", stdout=out)
    assert "将新增3家" in out.getvalue() and Enterprise.objects.count() == 0
    call_command("import_enterprises", str(path), stdout=out)
    assert Enterprise.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_import_command_exits_non_zero_and_writes_errors(tmp_path):
    rows = good_rows()
    rows[1][2] = "火星区"
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(rows))
    errors = tmp_path / "errors.xlsx"
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(
            "import_enterprises", str(path), "--errors-out", str(errors), stdout=io.StringIO(), stderr=err
        )
    assert exc.value.code == 1
    assert "第3行 所属区县: 未知的区县“火星区”" in err.getvalue()
    assert errors.exists()
    # default (not --all-or-nothing) imports the valid rows
    assert Enterprise.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_import_command_all_or_nothing_refuses_the_whole_file(tmp_path):
    rows = good_rows()
    rows[1][2] = "火星区"
    path = tmp_path / "list.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_enterprises", str(path), "--all-or-nothing", stdout=out, stderr=io.StringIO())
    assert Enterprise.objects.count() == 0
    assert "（有错误，未写入）" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.usefixtures("no_cast")  # counts every employer
def test_synth_is_deterministic_and_spreads_over_all_districts():
    world = load_world()
    a = [r["uscc"] for r in enterprise_rows(300, seed=7, world=world)]
    b = [r["uscc"] for r in enterprise_rows(300, seed=7, world=world)]
    assert a == b and len(set(a)) == 300
    call_command("synth", "--enterprises", "2000", "--seed", "3", stdout=io.StringIO())
    assert Enterprise.objects.count() == 2000
    assert Enterprise.objects.values("region").distinct().count() == 38
    assert Enterprise.objects.values("industry__section").distinct().count() >= 8
    call_command("synth", "--enterprises", "2000", "--seed", "3", stdout=io.StringIO())
    assert Enterprise.objects.count() == 2000  # same seed adds nothing


@pytest.mark.django_db
def test_refdata_command_is_idempotent_and_keeps_admin_corrections():
    Industry.objects.filter(code="3311").update(name="金属结构制造（管理员修正）")
    out = io.StringIO()
    call_command("refdata", stdout=out)
    assert "regions: 新增 0" in out.getvalue()
    assert Industry.objects.get(code="3311").name == "金属结构制造（管理员修正）"
    assert Region.objects.count() == 1073


@pytest.mark.django_db
def test_import_command_refuses_a_sheet_whose_range_would_exhaust_memory(tmp_path):
    from django.core.management.base import CommandError

    from ohsteward.core.tests import hostile
    from ohsteward.registry.importers import REQUIRED

    path = tmp_path / "bad.xlsx"
    path.write_bytes(hostile.far_cell_xlsx(list(REQUIRED), []))
    with pytest.raises(CommandError, match="范围过大"):
        call_command("import_enterprises", str(path), stdout=io.StringIO())

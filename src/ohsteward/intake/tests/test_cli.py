"""``ohsteward intake FILE --source KIND``: summary and exit codes."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ohsteward.core.tests import hostile
from ohsteward.intake.models import SourceRow
from ohsteward.intake.tests.factories import xlsx_bytes

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
HEADERS = ["用人单位名称", "统一社会信用代码", "所属区县", "体检日期"]


def write(tmp_path, rows, name="exam.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(HEADERS, rows))
    return path


def run(*args):
    out = StringIO()
    call_command("intake", *map(str, args), "--no-progress", stdout=out)
    return out.getvalue()


def test_summary_and_success(tmp_path, enterprises):
    path = write(
        tmp_path,
        [
            [enterprises["yubei"].name, enterprises["yubei"].uscc, "渝北区", YESTERDAY],
            ["重庆渝北第二建材有限公司", "", "渝北区", YESTERDAY],
            ["重庆命令行新建有限公司", "", "渝北区", YESTERDAY],
        ],
    )
    out = run(path, "--source", "exam", "--department", "市职防院")
    assert "行数：3" in out and "按信用代码关联：1" in out and "按名称关联：1" in out and "新建单位：1" in out
    assert "拒绝：0" in out
    again = run(path, "--source", "exam")
    assert "本次未做任何更改" in again


def test_rejected_rows_exit_non_zero(tmp_path, enterprises):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = write(tmp_path, [["重庆甲公司", "", "渝北区", YESTERDAY], ["重庆乙公司", "", "渝东区", tomorrow]])
    with pytest.raises(CommandError) as exc:
        run(path, "--source", "exam")
    assert exc.value.returncode == 2
    assert SourceRow.objects.filter(status="rejected").count() == 1
    assert not SourceRow.objects.filter(status__in=["created", "linked"]).exists()


def test_valid_rows_only_and_dry_run(tmp_path, capsys, enterprises):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = write(tmp_path, [["重庆甲公司", "", "渝北区", YESTERDAY], ["重庆乙公司", "", "渝北区", tomorrow]])
    with pytest.raises(CommandError):
        run(path, "--source", "exam", "--dry-run")
    assert not SourceRow.objects.exists()
    with pytest.raises(CommandError):
        run(path, "--source", "exam", "--valid-rows-only")
    assert SourceRow.objects.filter(status="created").count() == 1


def test_user_scope_and_bad_arguments(tmp_path, cast):
    path = write(tmp_path, [["重庆万州某厂", "", "万州区", YESTERDAY]])
    with pytest.raises(CommandError):
        run(path, "--source", "exam", "--user", "yubei")
    with pytest.raises(CommandError, match="找不到用户"):
        run(path, "--source", "exam", "--user", "nobody")
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "none.xlsx", "--source", "exam")
    assert "行数：1" in run(path, "--source", "exam", "--user", "wanzhou")


def test_a_sheet_whose_range_would_exhaust_memory_is_refused(tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(hostile.far_cell_xlsx(HEADERS, []))
    with pytest.raises(CommandError, match="范围过大"):
        run(path, "--source", "exam")

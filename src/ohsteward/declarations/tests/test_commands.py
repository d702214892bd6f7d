"""CLI: ``hazard_list generate|push`` and ``dispatch``."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from ohsteward.declarations.models import DispatchSnapshot, HazardListEntry

pytestmark = pytest.mark.django_db


def test_hazard_list_generate_and_dispatch(enterprises, tmp_path, monkeypatch):

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 1, 25))  # pushed in January
    out = io.StringIO()
    call_command("hazard_list", "generate", "--year", "2026", "--as-of", "2026-01-20", "--push", stdout=out)
    text = out.getvalue()
    assert "2026年名单：共 3 家" in text and "已下发 3 家" in text
    assert HazardListEntry.objects.filter(pushed_on__isnull=False).count() == 3
    out = io.StringIO()
    call_command("hazard_list", "generate", "--year", "2026", "--as-of", "2026-01-20", stdout=out)
    assert "新增 0" in out.getvalue()
    target = tmp_path / "q3.xlsx"
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 10, 8))
    out = io.StringIO()
    call_command("dispatch", "--year", "2026", "--quarter", "3", "--out", str(target), stdout=out)
    assert target.read_bytes()[:2] == b"PK"
    lines = out.getvalue().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("区县"))
    assert lines[-1].startswith("合计\t3\t") and header < len(lines) - 1


def test_dispatch_command_publishes_a_past_quarter_and_then_shows_the_frozen_figures(
    enterprises, monkeypatch
):

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 4, 2))
    call_command("hazard_list", "generate", "--year", "2026", "--as-of", "2026-01-20", stdout=io.StringIO())
    HazardListEntry.objects.update(created_at=timezone.now().replace(year=2026, month=1, day=20))
    out = io.StringIO()
    call_command("dispatch", "--year", "2026", "--quarter", "1", "--publish", stdout=out)
    assert "已发布 2026年第1季度调度" in out.getvalue() and "（已发布，截至 2026-03-31）" in out.getvalue()
    assert DispatchSnapshot.objects.filter(year=2026, quarter=1).count() == 1

    with pytest.raises(CommandError, match="已发布"):
        call_command("dispatch", "--year", "2026", "--quarter", "1", "--publish", stdout=io.StringIO())
    out = io.StringIO()
    call_command("dispatch", "--year", "2026", "--quarter", "2", stdout=out)
    assert "（实时，截至 2026-04-02）" in out.getvalue()

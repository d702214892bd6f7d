"""CLI: ``hazard_list generate|push`` and ``dispatch``."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from ohsteward.declarations.models import HazardListEntry

pytestmark = pytest.mark.django_db


def test_hazard_list_generate_and_dispatch(enterprises, tmp_path):
    out = io.StringIO()
    call_command("hazard_list", "generate", "--year", "2026", "--as-of", "2026-01-20", "--push", stdout=out)
    text = out.getvalue()
    assert "2026年名单：共 3 家" in text and "已下发 3 家" in text
    assert HazardListEntry.objects.filter(pushed_on__isnull=False).count() == 3
    out = io.StringIO()
    call_command("hazard_list", "generate", "--year", "2026", "--as-of", "2026-01-20", stdout=out)
    assert "新增 0" in out.getvalue()
    target = tmp_path / "q3.xlsx"
    out = io.StringIO()
    call_command("dispatch", "--year", "2026", "--quarter", "3", "--out", str(target), stdout=out)
    assert target.read_bytes()[:2] == b"PK"
    lines = out.getvalue().splitlines()
    assert lines[1].startswith("区县") and lines[-1].startswith("合计\t3\t")

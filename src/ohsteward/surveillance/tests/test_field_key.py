"""OHSTEWARD_FIELD_KEY like OHSTEWARD_SECRET_KEY (issue 12 item 2): production refuses to start
without it or with a short one; demo mode generates one and keeps it in the data directory."""

from __future__ import annotations

import os
import subprocess
import sys

GOOD_SECRET = "k9" * 30 + "abcdefghij"


def _run(tmp_path, **env):
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8"}
    return subprocess.run(
        [sys.executable, "-m", "ohsteward", "check"],
        env={**base, "OHSTEWARD_DATA_DIR": str(tmp_path / "data"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_production_refuses_to_start_without_a_field_key(tmp_path):
    result = _run(tmp_path, OHSTEWARD_SECRET_KEY=GOOD_SECRET, OHSTEWARD_ALLOWED_HOSTS="example.org")
    assert result.returncode != 0
    assert "OHSTEWARD_FIELD_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_refuses_a_short_field_key(tmp_path):
    result = _run(tmp_path, OHSTEWARD_SECRET_KEY=GOOD_SECRET, OHSTEWARD_FIELD_KEY="short")
    assert result.returncode != 0
    assert "OHSTEWARD_FIELD_KEY is not fit for production" in result.stderr


def test_demo_mode_generates_a_private_field_key_and_keeps_it(tmp_path):
    assert _run(tmp_path, OHSTEWARD_DEMO="1").returncode == 0
    key_file = tmp_path / "data" / "field_key"
    first = key_file.read_text()
    assert len(first) >= 32 and key_file.stat().st_mode & 0o777 == 0o600
    assert _run(tmp_path, OHSTEWARD_DEMO="1").returncode == 0
    assert key_file.read_text() == first

"""`ohsteward serve`: which production server it builds, and with how many processes and threads."""

from __future__ import annotations

import io
import os
import sys
import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ohsteward.web.management.commands import serve as serve_module
from ohsteward.web.management.commands.serve import build_server


@pytest.fixture
def no_gunicorn(monkeypatch):
    """gunicorn cannot be imported (as on Windows or without the package)."""
    for name in [m for m in sys.modules if m == "gunicorn" or m.startswith("gunicorn.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "gunicorn", None)
    monkeypatch.setitem(sys.modules, "gunicorn.app", None)
    monkeypatch.setitem(sys.modules, "gunicorn.app.base", None)


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn does not run on Windows")
def test_serve_builds_gunicorn_with_two_workers_per_core_by_default(monkeypatch, settings):
    settings.OHSTEWARD_WORKERS = 0
    settings.OHSTEWARD_THREADS = None
    monkeypatch.setattr(serve_module.os, "cpu_count", lambda: 3)
    plan = build_server(host="127.0.0.1", port=8108)
    assert plan.kind == "gunicorn"
    assert plan.options["workers"] == 6
    assert plan.options["threads"] == 1 and plan.options["worker_class"] == "sync"
    assert plan.options["bind"] == "127.0.0.1:8108"


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn does not run on Windows")
def test_serve_takes_workers_and_threads_from_settings_and_options(settings):
    settings.OHSTEWARD_WORKERS = 5
    settings.OHSTEWARD_THREADS = 4
    plan = build_server(host="0.0.0.0", port=9000)
    assert (plan.options["workers"], plan.options["threads"], plan.options["worker_class"]) == (
        5,
        4,
        "gthread",
    )
    plan = build_server(host="0.0.0.0", port=9000, workers=2, threads=1)
    assert (plan.options["workers"], plan.options["threads"], plan.options["worker_class"]) == (2, 1, "sync")
    # the gunicorn application really takes these settings
    app = serve_module._gunicorn_application(plan.options)
    assert (app.cfg.workers, app.cfg.threads, app.cfg.bind) == (2, 1, ["0.0.0.0:9000"])


def test_serve_falls_back_to_waitress_when_gunicorn_cannot_be_imported(no_gunicorn, settings):
    settings.OHSTEWARD_THREADS = None
    plan = build_server(host="127.0.0.1", port=8108)
    assert plan.kind == "waitress"
    assert plan.options == {"threads": 8}
    assert "gunicorn" in plan.note
    # asking for gunicorn explicitly is an error, not a silent fallback
    with pytest.raises(CommandError, match="gunicorn"):
        build_server(host="127.0.0.1", port=8108, server="gunicorn")


def test_serve_runs_waitress_when_asked_even_where_gunicorn_runs(settings):
    settings.OHSTEWARD_THREADS = 6
    plan = build_server(host="127.0.0.1", port=8108, server="waitress")
    assert (plan.kind, plan.options) == ("waitress", {"threads": 6})


@pytest.mark.django_db
def test_serve_command_collects_static_files_then_runs_the_planned_server(monkeypatch, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    ran = []
    monkeypatch.setattr(serve_module, "run_server", lambda plan, stdout=None: ran.append(plan))
    call_command("serve", "--port", "8109", "--workers", "3", stdout=io.StringIO())
    assert (settings.STATIC_ROOT / "app.css").exists()
    assert len(ran) == 1 and ran[0].port == 8109
    if sys.platform != "win32":
        assert ran[0].kind == "gunicorn" and ran[0].options["workers"] == 3


@pytest.mark.django_db
def test_serve_collects_static_files_again_only_when_a_source_file_changed(monkeypatch, settings, tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "extra.css").write_text("body { color: red }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, source]
    settings.STATIC_ROOT = tmp_path / "static"
    assert serve_module.collect_static() is True
    assert serve_module.collect_static() is False
    (source / "extra.css").write_text("body { color: blue; }")
    later = time.time() + 5  # collectstatic copies files newer than the collected copy (by the second)
    os.utime(source / "extra.css", (later, later))
    assert serve_module.collect_static() is True
    assert (settings.STATIC_ROOT / "extra.css").read_text() == "body { color: blue; }"

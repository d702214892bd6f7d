"""``ohsteward serve`` starts the embedded background-job worker unless ``--no-worker``."""

from __future__ import annotations

import sys

import pytest
from django.core.management import call_command

from ohsteward.web import embedded_worker
from ohsteward.web.management.commands import serve as serve_command


@pytest.fixture
def started(monkeypatch, settings):
    settings.OHSTEWARD_TASKS_BACKEND = "database"
    seen: dict[str, list] = {"workers": [], "servers": []}

    class FakeProcess:
        pid = 4242

        def __init__(self, argv):
            seen["workers"].append(argv)

        def poll(self):
            return 0

    monkeypatch.setattr(embedded_worker.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(embedded_worker.atexit, "register", lambda fn: None)
    monkeypatch.setattr(serve_command, "serve", lambda **kwargs: seen["servers"].append(kwargs))
    return seen


def test_serve_starts_one_worker_process_beside_the_server(started):
    call_command("serve", "--port", "8999")
    assert started["workers"] == [[sys.executable, "-m", "ohsteward.cli", "worker", "--embedded"]]
    assert started["servers"][0]["port"] == 8999


def test_serve_with_no_worker_starts_none(started):
    call_command("serve", "--no-worker")
    assert started["workers"] == [] and len(started["servers"]) == 1


def test_no_embedded_worker_when_jobs_go_to_another_queue(started, settings):
    settings.OHSTEWARD_TASKS_BACKEND = "rq"
    call_command("serve")
    assert started["workers"] == []

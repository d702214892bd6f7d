"""Intake that did not finish (issue 6 items 7 and 14): a batch is written in committed chunks and
counts only once finished; a batch whose process died is discarded and the file can come again;
a large upload runs as a job, and a worker killed mid-intake leaves nothing counted."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from ohsteward.core import jobs
from ohsteward.core.tests.jobhooks import DB_BACKEND, WorkerWorld, skip_unless_sqlite, wait_for
from ohsteward.intake import ingest as ingest_module
from ohsteward.intake.choices import BatchStatus, RowStatus, SourceKind
from ohsteward.intake.ingest import WRITE_CHUNK, batch_ingest, batch_recover_stale
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.tests.factories import csv_bytes, xlsx_bytes
from ohsteward.registry.models import Enterprise

pytestmark = pytest.mark.django_db
YESTERDAY = timezone.localdate() - dt.timedelta(days=1)
HEADERS = ["用人单位名称", "所属区县", "体检日期", "危害因素"]
LONG_AGO = timezone.now() - dt.timedelta(hours=2)


def poll(read, until, tries: int = 100):
    """``read()`` until ``until(value)`` holds (at most ``tries`` reads, 0.1 s apart); the last value."""
    for _ in range(tries):
        value = read()
        if until(value):
            break
        time.sleep(0.1)
    return value


def _file(n: int = 2) -> bytes:
    return xlsx_bytes(
        HEADERS, [[f"重庆未完成{i}号制品有限公司", "渝北区", YESTERDAY, "噪声"] for i in range(n)]
    )


def _ingest(content: bytes, **kwargs):
    return batch_ingest(user=None, kind=SourceKind.EXAM, filename="exam.xlsx", content=content, **kwargs)


def _as_if_the_process_died(batch: SourceBatch) -> None:
    """What a kill after the first chunk leaves: the batch running, its rows on file, no heartbeat."""
    SourceBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, heartbeat_at=LONG_AGO, counts={}
    )


def test_a_batch_left_running_by_a_dead_process_does_not_block_the_same_file(enterprises):
    content = _file()
    first = _ingest(content).batch
    created = set(SourceRow.objects.filter(batch=first).values_list("enterprise_id", flat=True))
    _as_if_the_process_died(first)
    again = _ingest(content)
    assert not again.duplicate and again.batch.status == BatchStatus.DONE and again.batch.pk != first.pk
    assert SourceRow.objects.filter(batch__kind=SourceKind.EXAM).count() == 2  # once, not twice
    # the employers the dead batch created were taken back; the new batch created its own
    assert not Enterprise.objects.filter(pk__in=created).exists()
    # the interrupted batch was discarded and replaced by this upload
    assert list(SourceBatch.objects.values_list("status", flat=True)) == [BatchStatus.DONE]


def test_a_batch_running_now_still_answers_duplicate(enterprises):
    content = _file()
    first = _ingest(content).batch
    SourceBatch.objects.filter(pk=first.pk).update(status=BatchStatus.RUNNING, heartbeat_at=timezone.now())
    assert _ingest(content).duplicate


def test_stale_running_batches_are_marked_interrupted_with_their_rows_and_new_employers_removed(enterprises):
    batch = _ingest(_file(3)).batch
    created = list(SourceRow.objects.filter(batch=batch).values_list("enterprise_id", flat=True))
    fresh = _ingest(_file(1)).batch
    _as_if_the_process_died(batch)
    SourceBatch.objects.filter(pk=fresh.pk).update(status=BatchStatus.RUNNING, heartbeat_at=timezone.now())
    assert batch_recover_stale() == [batch.pk]
    batch.refresh_from_db()
    assert batch.status == BatchStatus.INTERRUPTED and "中断" in batch.message and batch.counts == {}
    assert not SourceRow.objects.filter(batch=batch).exists()
    assert not Enterprise.objects.filter(pk__in=created).exists()
    assert SourceBatch.objects.get(pk=fresh.pk).status == BatchStatus.RUNNING


def test_rows_of_a_batch_still_running_count_neither_as_evidence_nor_for_review(enterprises):
    batch = _ingest(xlsx_bytes(HEADERS, [[enterprises["yubei"].name, "渝北区", YESTERDAY, "噪声"]])).batch
    SourceRow.objects.filter(batch=batch).update(status=RowStatus.LINKED)
    assert SourceRow.objects.evidence().filter(batch=batch).count() == 1
    SourceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    assert SourceRow.objects.evidence().filter(batch=batch).count() == 0
    SourceRow.objects.filter(batch=batch).update(status=RowStatus.REVIEW)
    assert SourceRow.objects.in_review().filter(batch=batch).count() == 0


def test_a_failure_in_the_last_step_takes_back_the_chunks_already_committed(enterprises, monkeypatch):
    before = Enterprise.objects.count()

    def broken(self, saved):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ingest_module._Writer, "finish", broken)
    with pytest.raises(RuntimeError):
        _ingest(_file(3))
    batch = SourceBatch.objects.get(kind=SourceKind.EXAM)
    assert batch.status == BatchStatus.FAILED and "disk full" in batch.message
    assert not SourceRow.objects.filter(batch=batch).exists() and Enterprise.objects.count() == before


def test_a_large_upload_runs_as_a_job_and_the_page_follows_it(cast, client, settings):
    settings.OHSTEWARD_JOB_THRESHOLD_ROWS = 2
    client.force_login(cast["city"])
    content = csv_bytes(
        HEADERS, [[f"重庆大文件{i}号制品有限公司", "渝北区", YESTERDAY, "噪声"] for i in range(5)]
    )

    response = client.post(
        "/intake/upload/",
        {
            "kind": SourceKind.EXAM,
            "received_on": YESTERDAY.isoformat(),
            "file": SimpleUploadedFile("big.csv", content),
        },
    )
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    page = client.get(response["Location"]).content.decode()
    assert "导入完成" in page and "查看批次" in page
    assert SourceBatch.objects.get(kind=SourceKind.EXAM).counts["rows"] == 5


@skip_unless_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_intake_leaves_no_rows_counted_and_the_retry_imports_once(cast, tmp_path):
    n = 5000  # more than two committed chunks
    content = csv_bytes(
        HEADERS, [[f"重庆中断测试{i}号制品有限公司", "渝北区", YESTERDAY, "噪声"] for i in range(n)]
    )
    marker = tmp_path / "paused"
    world = WorkerWorld(tmp_path)
    with override_settings(TASKS=DB_BACKEND, DATA_DIR=tmp_path / "data"):
        job = jobs.job_start(
            user=cast["city"],
            kind="intake.ingest",
            title="来源名单导入",
            function="ohsteward.core.tests.jobhooks.pause_once",
            content=content,
            filename="exam.csv",
            on_interrupt="ohsteward.intake.jobs.ingest_interrupted",
            params={
                "inner": "ohsteward.intake.jobs.ingest_job",
                "kind": SourceKind.EXAM,
                "pause_stage": "写入",
                "marker": str(marker),
            },
        )
    world.copy_test_database()
    enterprises_before = world.query("SELECT count(*) FROM registry_enterprise")[0][0]
    worker = world.worker()
    try:
        wait_for(marker, worker, world)  # the first chunk has committed
        rows_written = world.query("SELECT count(*) FROM intake_sourcerow")[0][0]
        # the progress write may come from the job's heartbeat thread a moment after the marker
        status, stage, progress = poll(
            lambda: world.query("SELECT status, stage, progress FROM core_job WHERE id = ?", job.pk)[0],
            until=lambda r: r[1] == "写入",
        )
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    assert rows_written == WRITE_CHUNK  # committed, visible to others, but the batch is still running
    assert (status, stage) == ("running", "写入") and progress >= 80  # progress seen from another connection
    assert world.query("SELECT status FROM intake_sourcebatch") == [("running",)]
    world.run("cleanup")
    assert world.query("SELECT status FROM intake_sourcebatch") == [("interrupted",)]
    assert world.query("SELECT count(*) FROM intake_sourcerow")[0][0] == 0
    assert world.query("SELECT count(*) FROM registry_enterprise")[0][0] == enterprises_before
    job_status, error = world.query("SELECT status, error FROM core_job WHERE id = ?", job.pk)[0]
    assert job_status == "interrupted" and "中断" in error
    world.run(
        "shell",
        "-c",
        f"from ohsteward.core import jobs; from ohsteward.core.models import Job; "
        f"j = Job.objects.get(pk={job.pk}); jobs.job_retry(user=j.user, job=j)",
    )
    world.run("worker", "--batch")
    assert world.query("SELECT status, attempts FROM core_job WHERE id = ?", job.pk) == [("succeeded", 2)]
    assert world.query("SELECT status FROM intake_sourcebatch WHERE status = 'done'") == [("done",)]
    assert world.query("SELECT count(*) FROM intake_sourcerow")[0][0] == n
    created = world.query("SELECT count(*) FROM intake_sourcerow WHERE status = 'created'")[0][0]
    assert created > 0
    assert world.query("SELECT count(*) FROM registry_enterprise")[0][0] == enterprises_before + created

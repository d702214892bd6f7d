"""The background-job machinery: progress, failure in Chinese, visibility, retry, stale recovery,
the API contract, the progress partial, housekeeping, and a worker killed mid-job."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import OperationalError
from django.test import RequestFactory, override_settings
from django.utils import timezone

from ohsteward.api.testing import bearer_client
from ohsteward.core import jobs
from ohsteward.core.busy import BUSY_MESSAGE, DatabaseBusyMiddleware
from ohsteward.core.models import Job, JobStatus
from ohsteward.core.tests.jobhooks import DB_BACKEND, WorkerWorld, skip_unless_sqlite, wait_for

HOOKS = "ohsteward.core.tests.jobhooks"
pytestmark = pytest.mark.django_db


def _start(user, function, **kwargs):
    return jobs.job_start(user=user, kind="test", title="测试任务", function=f"{HOOKS}.{function}", **kwargs)


def test_progress_is_written_while_the_job_runs_and_the_result_when_it_ends(cast):
    job = _start(cast["yubei"], "report_progress")
    seen = job.result["seen_while_running"]
    assert seen == {"status": "running", "progress": 40, "stage": "第一阶段", "counts": {"已处理": 4}}
    assert (job.status, job.progress, job.stage, job.counts) == ("succeeded", 100, "完成", {"已处理": 7})
    assert job.started_at is not None and job.finished_at >= job.started_at


def test_a_failing_job_shows_the_user_error_in_chinese_and_a_crash_a_generic_one(cast):
    failed = _start(cast["yubei"], "fail_first_time")
    assert (failed.status, failed.error) == ("failed", "第3行 名称: 不能为空")
    crashed = _start(cast["yubei"], "crash")
    assert crashed.status == "failed" and "内部错误" in crashed.error and f"#{crashed.pk}" in crashed.error
    assert "boom" not in crashed.error


def test_retry_runs_a_failed_job_again_and_refuses_a_finished_one(cast):
    job = _start(cast["yubei"], "fail_first_time")
    job = jobs.job_retry(user=cast["yubei"], job=job)
    assert (job.status, job.attempts, job.error, job.result) == ("succeeded", 2, "", {"summary": "完成"})
    with pytest.raises(Exception, match="只有失败或中断的任务可以重试"):
        jobs.job_retry(user=cast["yubei"], job=job)


def test_a_job_is_seen_by_its_user_and_city_admins_and_is_404_to_others(cast, client):
    job = _start(cast["yubei"], "report_progress")
    for name, code in (("yubei", 200), ("city", 200), ("wanzhou", 404), ("cdc", 404), ("manager", 404)):
        client.force_login(cast[name])
        assert client.get(f"/jobs/{job.pk}/").status_code == code, name
        assert bearer_client(cast[name]).get(f"/api/v1/jobs/{job.pk}/").status_code == code, name
    # the list is one's own jobs, also for a city administrator
    assert [j["id"] for j in bearer_client(cast["yubei"]).get("/api/v1/jobs/").json()["results"]] == [job.pk]
    assert bearer_client(cast["city"]).get("/api/v1/jobs/").json()["results"] == []
    assert bearer_client(cast["wanzhou"]).post(f"/api/v1/jobs/{job.pk}/retry/").status_code == 404


def test_job_api_answers_exactly_the_contract_fields(cast):
    job = _start(cast["yubei"], "report_progress")
    jobs.attach_file(job, "结果.xlsx", b"PK")
    body = bearer_client(cast["yubei"]).get(f"/api/v1/jobs/{job.pk}/").json()
    assert set(body) == {
        "id",
        "kind",
        "status",
        "progress",
        "stage",
        "result",
        "error",
        "created_at",
        "finished_at",
        "download_url",
    }
    assert (body["id"], body["kind"], body["status"], body["progress"]) == (job.pk, "test", "succeeded", 100)
    assert body["download_url"] == f"/api/v1/jobs/{job.pk}/download/"
    download = bearer_client(cast["yubei"]).get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"PK"


def test_an_interrupted_job_is_failed_in_the_api_with_an_interrupted_error_and_can_be_retried(cast):
    job = _start(cast["yubei"], "fail_first_time")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        worker="elsewhere:1",
        error="",
        heartbeat_at=timezone.now() - dt.timedelta(hours=1),
    )
    assert jobs.recover_stale() == [job.pk]
    api = bearer_client(cast["yubei"])
    body = api.get(f"/api/v1/jobs/{job.pk}/").json()
    assert body["status"] == "failed" and "中断" in body["error"]
    retried = api.post(f"/api/v1/jobs/{job.pk}/retry/")
    assert retried.status_code == 202 and retried.json() == {
        "job": job.pk,
        "status_url": f"/api/v1/jobs/{job.pk}/",
    }
    assert api.get(f"/api/v1/jobs/{job.pk}/").json()["status"] == "succeeded"


def test_a_running_job_with_a_fresh_heartbeat_or_a_live_worker_is_not_stale(cast):
    job = _start(cast["yubei"], "report_progress")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker="elsewhere:1", heartbeat_at=timezone.now()
    )
    assert jobs.recover_stale() == []
    # a dead process on this host is stale at once, whatever its heartbeat
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    Job.objects.filter(pk=job.pk).update(worker=f"{jobs.worker_id().rpartition(':')[0]}:{dead.pid}")
    assert jobs.recover_stale() == [job.pk]


def test_the_progress_partial_polls_while_running_and_stops_with_the_download_when_done(cast, client):
    client.force_login(cast["yubei"])
    job = _start(cast["yubei"], "report_progress")
    jobs.attach_file(job, "错误行.xlsx", b"PK")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, progress=42, stage="匹配", counts={"已处理行数": 420}
    )
    running = client.get(f"/jobs/{job.pk}/?part=progress", HTTP_HX_REQUEST="true")
    html = running.content.decode()
    assert running.status_code == 200 and "<html" not in html
    assert 'hx-trigger="every 1s"' in html and 'value="42"' in html and "匹配" in html and "420" in html
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.SUCCEEDED, progress=100, stage="完成", result={"summary": "共10行"}
    )
    done = client.get(f"/jobs/{job.pk}/?part=progress", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "共10行" in done and f"/jobs/{job.pk}/download/" in done
    failed_job = _start(cast["yubei"], "crash")
    page = client.get(f"/jobs/{failed_job.pk}/").content.decode()
    assert "内部错误" in page and f"/jobs/{failed_job.pk}/retry/" in page
    listing = client.get("/jobs/").content.decode()
    assert "我的任务" in listing and f"/jobs/{job.pk}/" in listing


def test_cleanup_deletes_uploads_and_job_files_older_than_the_lifetime(cast, settings, tmp_path):
    from django.core.management import call_command

    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    old, new = time.time() - 25 * 3600, time.time() - 3600
    pending = tmp_path / "media" / "intake" / "pending"
    pending.mkdir(parents=True)
    stash = tmp_path / "uploads"
    stash.mkdir()
    for directory, name in ((pending, "a.xlsx"), (stash, "a.bin")):
        for stem, mtime in (("old-", old), ("new-", new)):
            path = directory / (stem + name)
            path.write_bytes(b"x")
            os.utime(path, (mtime, mtime))
    job = _start(cast["yubei"], "report_progress")
    jobs.attach_file(job, "r.xlsx", b"PK")
    Job.objects.filter(pk=job.pk).update(finished_at=timezone.now() - dt.timedelta(hours=25))
    call_command("cleanup")
    assert sorted(p.name for p in pending.iterdir()) == ["new-a.xlsx"]
    assert sorted(p.name for p in stash.iterdir()) == ["new-a.bin"]
    assert not jobs.job_dir(job).exists()


def test_a_write_that_times_out_on_the_sqlite_lock_answers_503_in_chinese():
    middleware = DatabaseBusyMiddleware(lambda request: None)
    locked = OperationalError("database is locked")
    page = middleware.process_exception(RequestFactory().post("/registry/enterprises/new/"), locked)
    api = middleware.process_exception(RequestFactory().post("/api/v1/enterprises/"), locked)
    assert page.status_code == api.status_code == 503 and BUSY_MESSAGE in page.content.decode()
    assert api["Retry-After"] and BUSY_MESSAGE in api.content.decode()
    assert middleware.process_exception(RequestFactory().get("/"), OperationalError("no such table")) is None


# --------------------------------------------------------------------------------------------------
# A worker killed with SIGKILL in the middle of a job (a real worker process on a copy of the test
# database; SQLite only, the suite's in-memory database is copied to a file the worker can open).
# --------------------------------------------------------------------------------------------------


def register_csv(n: int) -> bytes:
    from ohsteward.registry.tests.factories import make_uscc

    lines = ["统一社会信用代码,用人单位名称,所属区县"]
    lines += [f"{make_uscc('500112', 700000 + i)},重庆批量{i}号机械制造有限公司,渝北区" for i in range(n)]
    return ("\n".join(lines) + "\n").encode()


@skip_unless_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_register_import_killed_inside_its_transaction_leaves_the_register_as_before_and_retries_once(
    cast, tmp_path
):
    world = WorkerWorld(tmp_path)
    content = register_csv(300)
    marker = tmp_path / "paused"
    with override_settings(TASKS=DB_BACKEND, DATA_DIR=tmp_path / "data"):
        job = jobs.job_start(
            user=cast["city"],
            kind="registry.import",
            title="导入",
            function=f"{HOOKS}.pause_once",
            content=content,
            filename="list.csv",
            params={
                "inner": "ohsteward.registry.jobs.enterprise_import_job",
                "dry_run": False,
                "pause_stage": "写入",
                "pause_after": 2,
                "marker": str(marker),
            },
        )
    world.copy_test_database()
    before = world.query("SELECT count(*) FROM registry_enterprise")[0][0]
    worker = world.worker()
    try:
        wait_for(marker, worker, world)  # inside _apply: the new employers are inserted, not committed
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    world_count = world.query("SELECT count(*) FROM registry_enterprise")[0][0]
    assert world_count == before
    assert world.query("SELECT status FROM core_job WHERE id = ?", job.pk) == [("running",)]
    world.run("cleanup")  # what the worker does at start and every minute
    status, error = world.query("SELECT status, error FROM core_job WHERE id = ?", job.pk)[0]
    assert status == "interrupted" and "中断" in error
    world.run(
        "shell",
        "-c",
        f"from ohsteward.core import jobs; from ohsteward.core.models import Job; "
        f"j = Job.objects.get(pk={job.pk}); jobs.job_retry(user=j.user, job=j)",
    )
    world.run("worker", "--batch")
    assert world.query("SELECT status, attempts FROM core_job WHERE id = ?", job.pk) == [("succeeded", 2)]
    assert world.query("SELECT count(*) FROM registry_enterprise")[0][0] == before + 300
    assert world.query("SELECT count(*) FROM registry_enterprise GROUP BY uscc HAVING count(*) > 1") == []

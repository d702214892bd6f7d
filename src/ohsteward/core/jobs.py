"""Background jobs with progress: start, run, report, recover, retry (docs/decisions/0003-background-jobs.md).

A ``Job`` row is what the UI and the API read; the queue underneath is django-tasks (database
backend by default, so SQLite and PostgreSQL alike; RQ or Celery by setting). One task,
``core.tasks.run_job``, runs any job: it imports the job's function by its dotted path and calls

    function(job=job, progress=progress) -> dict      # the JSON result

``progress(percent, stage, **counts)`` is written in its own short transaction (or, while the
function is inside a transaction of its own, by the job's heartbeat thread on its own connection),
so the page sees it while the job runs. A function signals a user error by raising
``SpreadsheetError``, ``ValidationError`` or ``PermissionDenied`` (Chinese message); anything else
becomes a generic Chinese error and is logged.

Core imports nothing from the domain apps: the calling app names its function; there is no
registry of kinds.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import re
import shutil
import socket
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string

from ohsteward.core.models import Job, JobStatus
from ohsteward.core.spreadsheets import ZIP_MAGIC, SpreadsheetError, check_xlsx

logger = logging.getLogger(__name__)

Progress = Callable[..., None]
HEARTBEAT_SECONDS = 5
INTERRUPTED_ERROR = (
    "任务在运行中被中断（工作进程已停止或服务器重启）。未完成的更改没有保留，可以点击“重试”重新运行。"
)
INTERNAL_ERROR = (
    "任务执行出错（内部错误，已记录日志）。请稍后重试；如仍失败，请联系系统管理员并提供任务编号 #{pk}。"
)
EXPIRED_INPUT = "上传的文件已过期（超过保存期限），无法重试，请重新上传。"


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


# ------------------------------------------------------------------------------------------- files


def job_dir(job: Job) -> Path:
    return Path(settings.DATA_DIR) / "jobs" / str(job.pk)


def input_path(job: Job) -> Path:
    return job_dir(job) / "input"


def read_input(job: Job) -> bytes:
    path = input_path(job)
    if not path.exists():
        raise ValidationError(EXPIRED_INPUT)
    return path.read_bytes()


def result_path(job: Job) -> Path | None:
    if not job.result_name:
        return None
    path = job_dir(job) / "result"
    return path if path.exists() else None


def attach_file(job: Job, name: str, content: bytes) -> None:
    """Keep ``content`` as the job's downloadable result (an errors .xlsx, an export)."""
    directory = job_dir(job)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "result").write_bytes(content)
    job.result_name = name[:255]
    Job.objects.filter(pk=job.pk).update(result_name=job.result_name)


# ------------------------------------------------------------------------------------------- size

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def estimate_rows(filename: str, content: bytes) -> int:
    """About how many rows a spreadsheet holds, without reading it (milliseconds at 100,000 rows):
    the declared dimension of the first sheet of an .xlsx (or its ``<row`` tags when undeclared),
    the line count of a .csv, and for other types an estimate from the size."""
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return content.count(b"\n")
    if name.endswith((".xlsx", ".xlsm")):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                sheets = sorted(n for n in archive.namelist() if re.match(r"xl/worksheets/[^/]+\.xml$", n))
                if not sheets:
                    return 0
                with archive.open(sheets[0]) as fh:
                    head = fh.read(4096)
                    found = _DIMENSION.search(head)
                    if found:
                        return int(found[1] or 1)
                    rows = head.count(b"<row ")
                    while chunk := fh.read(1 << 20):
                        rows += chunk.count(b"<row ")
                    return rows
        except (zipfile.BadZipFile, OSError, ValueError):
            return 0
    return len(content) // 100


SPREADSHEET_TYPES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def refuse_unusable_upload(filename: str, content: bytes) -> None:
    """The checks a request can afford before queueing a file (the job reads it properly):
    ``SpreadsheetError`` for an empty file, an unknown type or one over the upload limit."""
    if not content:
        raise SpreadsheetError("文件为空")
    if not (filename or "").lower().endswith(SPREADSHEET_TYPES):
        raise SpreadsheetError("不支持的文件类型：请上传 .xlsx、.xls 或 .csv 文件")
    if len(content) > settings.OHSTEWARD_MAX_UPLOAD_MB * 1024 * 1024:
        raise SpreadsheetError(
            f"文件过大：{len(content) / 1048576:.1f} MB，上限为 {settings.OHSTEWARD_MAX_UPLOAD_MB} MB"
        )
    if content.startswith(ZIP_MAGIC):
        # a workbook whose declared range or unpacked size would exhaust memory is refused now,
        # not by a worker that dies reading it (issue 6 item 2; the check reads no cell values)
        check_xlsx(content)


# ------------------------------------------------------------------------------------------- start


def job_start(
    *,
    user,
    kind: str,
    title: str,
    function: str,
    params: dict | None = None,
    content: bytes | None = None,
    filename: str = "",
    on_interrupt: str = "",
) -> Job:
    """Record a job and put it on the queue; an uploaded file is kept in the job's directory.

    ``function`` and ``on_interrupt`` are dotted paths (``on_interrupt(job)`` cleans up after a
    worker died mid-job, before the job is marked interrupted)."""
    import_string(function)  # fail here, in the request, not later in the worker
    job = Job.objects.create(
        kind=kind,
        title=title[:200],
        function=function,
        params=params or {},
        on_interrupt=on_interrupt,
        user=user if getattr(user, "pk", None) else None,
        input_name=(filename or "")[:255],
    )
    if content is not None:
        job_dir(job).mkdir(parents=True, exist_ok=True)
        input_path(job).write_bytes(content)
    _enqueue(job)
    job.refresh_from_db()
    return job


def is_large(rows: int) -> bool:
    """Whether work on ``rows`` rows runs as a job (``OHSTEWARD_JOB_THRESHOLD_ROWS``) or inline."""
    return rows > settings.OHSTEWARD_JOB_THRESHOLD_ROWS


def start_job_if_large(*, rows: int, **kwargs: Any) -> Job | None:
    """A job when the input has more than ``OHSTEWARD_JOB_THRESHOLD_ROWS`` rows, else None (the
    caller runs the work inline, as small inputs always did). Takes ``job_start``'s arguments."""
    return job_start(**kwargs) if is_large(rows) else None


def _enqueue(job: Job) -> None:
    from ohsteward.core.tasks import run_job  # the task object needs the configured backend

    run_job.enqueue(job.pk)


def job_retry(*, user, job: Job) -> Job:
    """Queue a failed or interrupted job again with the same input. The job functions are
    idempotent (an upsert by credit code, a batch keyed by the file's checksum), so a retry after
    a partial attempt leaves no duplicate rows."""
    if not job.can_retry:
        raise ValidationError("只有失败或中断的任务可以重试")
    if job.input_name and not input_path(job).exists():
        raise ValidationError(EXPIRED_INPUT)
    updated = Job.objects.filter(pk=job.pk, status__in=[JobStatus.FAILED, JobStatus.INTERRUPTED]).update(
        status=JobStatus.QUEUED,
        progress=0,
        stage="",
        counts={},
        result={},
        error="",
        result_name="",
        started_at=None,
        finished_at=None,
        heartbeat_at=None,
        worker="",
    )
    if updated:
        _enqueue(job)
    job.refresh_from_db()
    return job


# ------------------------------------------------------------------------------------------- run


def _in_own_transaction() -> bool:
    """Whether the job function holds a transaction (the test suite's wrapping one does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


class _Reporter:
    """The ``progress(percent, stage, **counts)`` callback handed to job functions."""

    def __init__(self, job: Job):
        self.job = job
        self.state: dict[str, Any] = {"progress": 0, "stage": "", "counts": {}}
        self.lock = threading.Lock()  # one flush at a time
        self.state_lock = threading.Lock()  # the state between report and flush
        self.dirty = False
        self.beat: _Heartbeat | None = None
        self.last_write = 0.0

    def __call__(self, percent: float, stage: str = "", **counts: Any) -> None:
        with self.state_lock:
            new_stage = bool(stage) and stage[:100] != self.state["stage"]
            self.state["progress"] = max(0, min(100, int(percent)))
            if stage:
                self.state["stage"] = stage[:100]
            self.state["counts"] = {**self.state["counts"], **counts}
            self.dirty = True
        now = time.monotonic()
        if now - self.last_write < 0.5 and not new_stage:
            return  # at most two writes a second, except when the stage changes
        if not _in_own_transaction():
            self.flush()
        elif self.beat is not None:
            self.beat.wake.set()  # the heartbeat thread writes it on its own connection
        self.last_write = now

    def flush(self, *, heartbeat: bool = False) -> None:
        """Write the state; one writer at a time, so that when ``progress()`` returns in the job's
        thread, what it reported is committed (by this thread or by the heartbeat thread)."""
        with self.lock:
            with self.state_lock:
                fields: dict[str, Any] = {"heartbeat_at": timezone.now()}
                if self.dirty:
                    fields.update(
                        progress=self.state["progress"],
                        stage=self.state["stage"],
                        counts=dict(self.state["counts"]),
                    )
                    self.dirty = False
                elif not heartbeat:
                    return
            try:
                Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(**fields)
            except Exception:
                if "stage" in fields:
                    self.dirty = True  # not written: the next flush tries again
                raise


class _Heartbeat(threading.Thread):
    """Writes the heartbeat (and progress reported inside a transaction) every few seconds on the
    thread's own database connection, so a stale job can be told from a slow one."""

    def __init__(self, reporter: _Reporter):
        super().__init__(name=f"job-{reporter.job.pk}-heartbeat", daemon=True)
        self.reporter = reporter
        self.wake = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        try:
            while not self.done.is_set():
                self.wake.wait(HEARTBEAT_SECONDS)
                self.wake.clear()
                if self.done.is_set():
                    break
                try:
                    self.reporter.flush(heartbeat=True)
                except OperationalError:  # SQLite: the job holds the write lock; next beat
                    pass
        finally:
            connection.close()

    def stop(self) -> None:
        self.done.set()
        self.wake.set()
        self.join(timeout=30)


def _user_message(exc: BaseException) -> str | None:
    if isinstance(exc, SpreadsheetError | PermissionDenied):
        return str(exc) or "无权执行该操作"
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return None


def execute(job_id: int) -> None:
    """Run one queued job (the body of ``core.tasks.run_job``). A job that is not queued any more
    (already run, or delivered twice) is left alone."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        worker=worker_id()[:100],
        attempts=F("attempts") + 1,
        progress=0,
        stage="开始",
    )
    if not claimed:
        return
    job = Job.objects.select_related("user").get(pk=job_id)
    reporter = _Reporter(job)
    beat = None
    if not connection.in_atomic_block:
        beat = reporter.beat = _Heartbeat(reporter)
        beat.start()
    try:
        function = import_string(job.function)
        result = function(job=job, progress=reporter)
    except Exception as exc:  # noqa: BLE001 - every failure must end in a Chinese error on the job
        message = _user_message(exc)
        if message is None:
            logger.exception("job #%s (%s) failed", job.pk, job.kind)
            message = INTERNAL_ERROR.format(pk=job.pk)
        _finish(job, JobStatus.FAILED, error=message, reporter=reporter)
    else:
        _finish(job, JobStatus.SUCCEEDED, result=result or {}, reporter=reporter)
        if not job.params.get("keep_input"):  # a preview keeps it for the confirming job
            input_path(job).unlink(missing_ok=True)  # not needed any more (it may hold ID numbers)
    finally:
        if beat is not None:
            beat.stop()


def _finish(
    job: Job, status: str, *, reporter: _Reporter, result: dict | None = None, error: str = ""
) -> None:
    counts = dict(reporter.state["counts"])
    fields: dict[str, Any] = {
        "status": status,
        "finished_at": timezone.now(),
        "error": error[:5000],
        "counts": counts,
        "heartbeat_at": timezone.now(),
    }
    if status == JobStatus.SUCCEEDED:
        fields.update(progress=100, stage="完成", result=result or {})
    else:
        fields.update(stage="失败")
    for attempt in range(5):  # SQLite may be busy for a moment with a web write
        try:
            Job.objects.filter(pk=job.pk).update(**fields)
            return
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(1)


# ------------------------------------------------------------------------------------------- recover


def _pid_alive(worker: str) -> bool | None:
    """Whether the worker process named ``host:pid`` runs (None: another host, cannot tell)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def interrupt(job: Job) -> None:
    """Mark a running job whose worker died as interrupted, after its cleanup hook has run."""
    if job.on_interrupt:
        try:
            import_string(job.on_interrupt)(job)
        except Exception:  # noqa: BLE001 - the job must still leave "running"
            logger.exception("cleanup of interrupted job #%s failed", job.pk)
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
        status=JobStatus.INTERRUPTED, error=INTERRUPTED_ERROR, stage="已中断", finished_at=timezone.now()
    )


def recover_stale(*, now=None) -> list[int]:
    """Interrupt running jobs whose worker is gone (same host, process not running) or whose
    heartbeat is older than ``OHSTEWARD_JOB_STALE_SECONDS``. Run at worker start and periodically."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.OHSTEWARD_JOB_STALE_SECONDS)
    me = worker_id()
    found = []
    for job in Job.objects.filter(status=JobStatus.RUNNING):
        if job.worker == me:
            continue
        alive = _pid_alive(job.worker)
        if alive is False or (job.heartbeat_at or job.created_at) < limit:
            interrupt(job)
            found.append(job.pk)
    return found


def cleanup_files(*, now=None) -> int:
    """Delete the stored inputs and results of jobs finished longer ago than the upload lifetime."""
    now = now or timezone.now()
    limit = now - dt.timedelta(hours=settings.OHSTEWARD_UPLOAD_TTL_HOURS)
    removed = 0
    for job in Job.objects.finished().filter(finished_at__lt=limit).only("pk"):
        directory = job_dir(job)
        if directory.exists():
            shutil.rmtree(directory, ignore_errors=True)
            removed += 1
    return removed


def expire_files(directory: Path, pattern: str = "*", *, now: float | None = None) -> int:
    """Delete the files under ``directory`` older than the upload lifetime (stashed uploads)."""
    if not directory.exists():
        return 0
    limit = (now or time.time()) - settings.OHSTEWARD_UPLOAD_TTL_HOURS * 3600
    removed = 0
    for path in directory.glob(pattern):
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def maintenance_loop(stop: threading.Event, work: Callable[[], None], every: float = 60) -> None:
    """Run ``work`` now and then every ``every`` seconds until ``stop`` (the worker's housekeeping)."""
    while not stop.is_set():
        try:
            close_old_connections()
            work()
        except Exception:  # noqa: BLE001 - housekeeping must not kill the worker
            logger.exception("job maintenance failed")
        finally:
            connection.close()
        stop.wait(every)

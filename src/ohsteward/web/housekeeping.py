"""Housekeeping the worker runs every minute (and ``ohsteward cleanup`` on demand).

- running jobs whose worker died are marked interrupted (their cleanup hook runs first);
- intake batches left "running" by a process that died are marked interrupted;
- uploads waiting for a decision (intake column mapping, register import confirmation) and the
  files of finished jobs are deleted after ``OHSTEWARD_UPLOAD_TTL_HOURS`` (they may hold ID numbers).
"""

from __future__ import annotations

from ohsteward.core import jobs
from ohsteward.intake.ingest import batch_recover_stale, expire_pending_uploads
from ohsteward.registry.importers import expire_import_stashes


def recover() -> dict[str, int]:
    return {"interrupted_jobs": len(jobs.recover_stale()), "interrupted_batches": len(batch_recover_stale())}


def cleanup() -> dict[str, int]:
    return {
        "intake_uploads": expire_pending_uploads(),
        "import_stashes": expire_import_stashes(),
        "job_files": jobs.cleanup_files(),
    }


def run() -> dict[str, int]:
    return {**recover(), **cleanup()}

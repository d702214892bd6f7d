"""What every spreadsheet import shares: column specs, row errors, the report, the upload stash.

An importer (``registry.importers.enterprise_import`` is the first) reads the rows, reports every
error as "第N行 列名: 原因" (``RowError``) and what it would create or update (``ImportReport``),
and applies only when asked. ``core.views.ImportView`` runs any object with the ``Importer``
shape: template download → upload → ``UploadStash`` → dry-run preview → confirm → errors.xlsx.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.http import Http404, HttpRequest

from ohsteward.core.spreadsheets import write_xlsx


@dataclass(frozen=True)
class Column:
    """One column of an import file: its header, the key it fills, whether it must be there, the
    other headers officials use for it, and the note shown in the template."""

    header: str
    key: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    comment: str = ""


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return (
            f"第{self.row}行 {self.column}: {self.message}"
            if self.column
            else f"第{self.row}行: {self.message}"
        )


@dataclass
class ImportReport:
    total_rows: int = 0
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = True
    headers: list[str] = field(default_factory=list)
    raw_rows: dict[int, list[Any]] = field(default_factory=dict)
    unit: str = "家"  # the counting word of the summary (家 for employers)
    notes: list[str] = field(default_factory=list)  # rows skipped, said so in the preview

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    @property
    def valid_changes(self) -> int:
        """Records the rows without errors would add or update (what "仅导入无误的行" writes)."""
        return len(self.created) + len(self.updated)

    def summary(self) -> str:
        verb = "将" if not self.applied else "已"
        u = self.unit
        return (
            f"共{self.total_rows}行：{verb}新增{len(self.created)}{u}，{verb}更新{len(self.updated)}{u}，"
            f"无变化{self.unchanged}{u}，有错误{len(self.rejected_rows)}行"
        )

    def errors_xlsx(self) -> bytes:
        """The rejected rows as they were, with a column saying why (for correcting and re-uploading)."""
        by_row: dict[int, list[str]] = {}
        for e in self.errors:
            by_row.setdefault(e.row, []).append(f"{e.column}: {e.message}" if e.column else e.message)
        columns = [("row", "原行号"), ("reason", "错误原因")] + [(h, h) for h in self.headers]
        rows = ([r, "；".join(msgs), *self.raw_rows.get(r, [])] for r, msgs in sorted(by_row.items()))
        return write_xlsx(columns, rows, sheet="错误行")


class Importer(Protocol):
    """What ``ImportView`` needs from an importer."""

    template_filename: str

    def template(self, user: Any = None) -> bytes:
        """The .xlsx template (with drop-downs) users fill in; choices narrowed to what ``user`` may write."""

    def run(
        self, *, user: Any, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
    ) -> ImportReport:
        """Check (``dry_run``) or apply the file; raises ``SpreadsheetError`` for an unreadable file."""


class UploadStash:
    """Uploaded files kept on the server between the dry run and the confirmation.

    The bytes go to ``DATA_DIR/uploads/<token>.bin`` under a random token; the session remembers
    which tokens belong to whom and for which importer (``kind``), so a confirm step never trusts
    anything the browser sends back except the token. Files older than
    ``OHSTEWARD_UPLOAD_TTL_SECONDS`` are removed at the next upload.
    """

    SESSION_KEY = "ohsteward_uploads"

    def __init__(self, request: HttpRequest, kind: str) -> None:
        self.request = request
        self.kind = kind

    @staticmethod
    def directory() -> Path:
        path = Path(settings.DATA_DIR) / "uploads"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _path(self, token: str) -> Path:
        return self.directory() / f"{token}.bin"

    def put(self, filename: str, content: bytes) -> str:
        directory = self.directory()
        stale = time.time() - settings.OHSTEWARD_UPLOAD_TTL_SECONDS
        for old in directory.glob("*.bin"):  # dry runs that were never confirmed
            if old.stat().st_mtime < stale:
                old.unlink(missing_ok=True)
        token = secrets.token_urlsafe(16)
        self._path(token).write_bytes(content)
        session = self.request.session
        entries = {k: v for k, v in session.get(self.SESSION_KEY, {}).items() if self._path(k).exists()}
        entries[token] = {"filename": filename, "user": self.request.user.pk, "kind": self.kind}
        session[self.SESSION_KEY] = entries
        return token

    def get(self, token: str) -> tuple[str, bytes]:
        entry = self.request.session.get(self.SESSION_KEY, {}).get(token)
        path = self._path(token) if token.replace("-", "").replace("_", "").isalnum() else None
        if (
            not entry
            or entry.get("user") != self.request.user.pk
            or entry.get("kind") != self.kind
            or path is None
            or not path.exists()
        ):
            raise Http404("导入文件已过期，请重新上传")
        return entry["filename"], path.read_bytes()

    def forget(self, token: str, confirmed: bool = False) -> None:
        entries = self.request.session.get(self.SESSION_KEY, {})
        if entries.pop(token, None) is not None:
            self._path(token).unlink(missing_ok=True)
        self.request.session[self.SESSION_KEY] = entries
        if confirmed:  # remembered, so that the same confirm sent again is recognised
            done = self.request.session.get(self.DONE_KEY, [])
            self.request.session[self.DONE_KEY] = [*done[-19:], token]

    DONE_KEY = "ohsteward_uploads_done"

    def was_confirmed(self, token: str) -> bool:
        return token in self.request.session.get(self.DONE_KEY, [])

    def is_claimed(self, token: str) -> bool:
        """Another request holds the file of ``token`` (a confirm in progress)."""
        return (
            token in self.request.session.get(self.SESSION_KEY, {})
            and token.replace("-", "").replace("_", "").isalnum()
            and any(self.directory().glob(f"{token}.*.claimed"))
        )

    def claim(self, token: str) -> Path | None:
        """Take the stored file for one confirm (an atomic rename); None when another request has it."""
        claimed = self._path(token).with_suffix(f".{secrets.token_hex(4)}.claimed")
        try:
            self._path(token).rename(claimed)
        except FileNotFoundError:
            return None
        return claimed

    def release(self, token: str, claimed: Path) -> None:
        """Give the file back (the confirm failed or wrote only part): it may be confirmed again."""
        claimed.rename(self._path(token))

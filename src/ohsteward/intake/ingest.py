"""Ingesting one source file: read, parse, check, match every row, write in bulk.

Phases (progress in brackets): read the file (0–10 %), parse and check every row (10–40 %),
match against the register (40–80 %), write rows and new employers in chunks of ``WRITE_CHUNK`` that commit
(80–98 %, so that other writers get the SQLite lock between chunks), then register updates,
declarations and the batch's "done" in one last transaction. Until that last commit the batch is
"running" and its rows do not count (``SourceRowQuerySet.finished``); a batch whose process died
is found by its stale heartbeat and discarded (its rows and the employers they created deleted,
status "interrupted"), so the same file can be uploaded again (docs/decisions/0003-background-jobs.md).
Nothing is written for a refused file; a file with bad rows is refused as a whole unless the
uploader chose "import valid rows". Writing is in ``bulkwrite``; what linked rows do to the
register and declarations is in ``effects``.

Built for city scale: reference data and the register are read once into dicts and one
``Matcher``; rows and employers are written with ``bulk_create`` in chunks; the audit trail
of bulk-created employers is written in bulk too (signals do not fire for bulk writes).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit, jobs
from ohsteward.core.spreadsheets import SpreadsheetError, read_table
from ohsteward.intake import rules
from ohsteward.intake.bulkwrite import CHUNK, PendingRow, bulk_rows, insert
from ohsteward.intake.choices import BatchMode, BatchStatus, LinkMethod, RowStatus, SourceKind
from ohsteward.intake.effects import audit_created, record_declarations, registry_updates
from ohsteward.intake.formats import FORMATS, HeaderMap, is_template_example, map_headers
from ohsteward.intake.matching import (
    METHOD_FUZZY,
    METHOD_NEW,
    METHOD_REVIEW,
    Matcher,
    MatchSettings,
    RegisterEntry,
    SourceRecord,
)
from ohsteward.intake.models import OUTSIDE_REFERRED, SourceBatch, SourceRow
from ohsteward.intake.parsing import Lookups, ParsedRow, RowParser
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import EnterpriseStatus, RegistrationState
from ohsteward.registry.models import Enterprise, Industry

# The matcher says in English why a row needs a person; the review queue says it in Chinese.
REVIEW_REASONS = {
    "no name; code resembles a register code": "没有单位名称，信用代码与名录中的单位相近",
    "no name and no usable code": "没有单位名称，也没有可用的信用代码",
    "code shared by several register entries": "名录中有多家单位使用该信用代码",
    "code and name point to different employers": "信用代码与单位名称指向名录中不同的单位",
    "name shared by several register entries": "名录中有多家同名单位",
    "valid code differs from the register's": "信用代码与名录中同名单位的信用代码不同",
    "mistyped code resembles another employer's": "信用代码有误，且与另一家单位的信用代码相近",
    "code resembles a register code, name differs": "信用代码与名录中某单位相近，但名称不同",
    "similar name below the link threshold": "名称相似，但相似度不足以自动关联",
    "similar name with several differences": "名称相似，但有多处不同",
    "several similar names": "名录中有多家名称相似的单位",
    "similar name in another district": "名称相似的单位在其他区县",
    "different branch of a similar name": "名称相似，但属于不同的分支机构",
    "same name with another legal form": "名称相同，但组织形式不同（如有限公司与厂）",
}
Progress = Callable[[str, int, int], None]
# ``percent_progress(percent, stage, done, total)``: what a background job shows on its page
PercentProgress = Callable[[int, str, int, int], None]
# Uploads waiting for their column mapping (the upload page keeps them here, in MEDIA_ROOT)
PENDING_DIR = "intake/pending"
# Rows per committed write transaction: other writers (web edits) get the SQLite lock between two
# chunks, so they wait about one chunk's time (docs/performance.md), not the whole intake.
WRITE_CHUNK = 2000
SQLITE_PAUSE_SECONDS = 0.15
logger = logging.getLogger(__name__)


@dataclass
class IntakeResult:
    """What an intake did (or would do, for a dry run)."""

    batch: SourceBatch | None
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # rows taken with a note (e.g. a wrong check digit)
    duplicate: bool = False
    dry_run: bool = False
    refused: bool = False

    @property
    def rejected(self) -> int:
        return self.counts.get("rejected", 0)


def file_checksum(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def match_settings() -> MatchSettings:
    """Matcher thresholds: the settings ``OHSTEWARD_MATCH_FUZZY_*`` where set, else the defaults."""
    overrides: dict[str, float] = {}
    if getattr(settings, "OHSTEWARD_MATCH_FUZZY_ACCEPT", None) is not None:
        overrides["fuzzy_accept"] = settings.OHSTEWARD_MATCH_FUZZY_ACCEPT
    if getattr(settings, "OHSTEWARD_MATCH_FUZZY_REVIEW", None) is not None:
        overrides["fuzzy_review"] = settings.OHSTEWARD_MATCH_FUZZY_REVIEW
    return MatchSettings(**overrides)


def build_matcher() -> Matcher:
    """One matcher over the whole register (city-wide: a row must find its employer even when a
    department filed it under another district). What it finds outside the uploader's scope is
    referred for review, never linked or shown (``_Writer._outside``)."""
    entries = (
        RegisterEntry(id=pk, uscc=uscc, name=name, former_names=tuple(former or ()), district=region_id)
        for pk, uscc, name, former, region_id in Enterprise.objects.values_list(
            "pk", "uscc", "name", "former_names", "region_id"
        ).iterator(chunk_size=10000)
    )
    return Matcher(entries, match_settings())


def read_source(
    kind: str, filename: str, content: bytes, column_map: dict[str, str] | None = None
) -> tuple[Any, HeaderMap]:
    """Read a source file and map its headers; ``SpreadsheetError`` when required columns are missing."""
    if kind not in FORMATS:
        raise SpreadsheetError(f"未知的来源类型：{kind}")
    table = read_table(filename, content)
    header_map = map_headers(kind, table.headers, column_map)
    if header_map.missing:
        raise SpreadsheetError(
            f"缺少必需的列：{'、'.join(header_map.missing)}。请使用导入模板，或在上传页面指定列的对应关系。"
            + (f"（文件中未识别的列：{'、'.join(header_map.unknown)}）" if header_map.unknown else "")
        )
    return table, header_map


def _noop(stage: str, done: int, total: int) -> None:
    return None


class _Progress:
    """Reports progress to a callback and, at most every few percent, to the batch row (with its
    heartbeat, which tells a slow batch from one whose process died)."""

    def __init__(
        self,
        batch: SourceBatch | None,
        callback: Progress | None,
        percent_callback: PercentProgress | None = None,
    ):
        self.batch = batch
        self.callback = callback or _noop
        self.percent_callback = percent_callback
        self.last = -10
        self.beat = 0.0

    def __call__(self, stage: str, done: int, total: int, lo: int, hi: int) -> None:
        self.callback(stage, done, total)
        percent = lo + (hi - lo) * done // max(total, 1)
        if self.percent_callback is not None:
            self.percent_callback(percent, stage, done, total)
        now = time.monotonic()
        if self.batch is not None and self.batch.pk and (percent - self.last >= 5 or now - self.beat >= 10):
            self.last, self.beat = percent, now  # the heartbeat at least every 10 s while reporting
            SourceBatch.objects.filter(pk=self.batch.pk).update(progress=percent, heartbeat_at=timezone.now())


def _stale_before() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.OHSTEWARD_JOB_STALE_SECONDS)


def _is_stale(batch: SourceBatch) -> bool:
    return batch.status == BatchStatus.RUNNING and (batch.heartbeat_at or batch.uploaded_at) < _stale_before()


def batch_discard_partial(*, batch_id: int, status: str, message: str) -> None:
    """Undo what an unfinished batch wrote in its committed chunks: its rows, and the employers
    those rows created (unless something else refers to them by now); then set ``status``.
    The register updates and declarations of a batch are written only in its last transaction,
    so they need no undoing."""
    with transaction.atomic():
        rows = SourceRow.objects.filter(batch_id=batch_id)
        created = list(
            rows.filter(link_method=LinkMethod.NEW, enterprise__isnull=False).values_list(
                "enterprise_id", flat=True
            )
        )
        rows._raw_delete(rows.db)  # never-finished rows: no audit entry per row
        for start in range(0, len(created), CHUNK):
            chunk = created[start : start + CHUNK]
            try:
                with transaction.atomic():
                    Enterprise.objects.filter(pk__in=chunk).delete()
            except ProtectedError:
                logger.warning(
                    "batch %s: employers created by the interrupted batch are in use; kept", batch_id
                )
        SourceBatch.objects.filter(pk=batch_id).update(
            status=status, message=message[:2000], counts={}, progress=0
        )


INTERRUPTED_MESSAGE = "处理过程中断（进程停止或服务器重启），本批次未导入任何数据。可以重新上传同一文件。"


def batch_recover_stale() -> list[int]:
    """Mark batches left "running" by a process that died (no heartbeat for
    ``OHSTEWARD_JOB_STALE_SECONDS``) as interrupted, discarding their partial rows."""
    found = list(
        SourceBatch.objects.filter(status=BatchStatus.RUNNING, heartbeat_at__lt=_stale_before()).values_list(
            "pk", flat=True
        )
    )
    found += list(
        SourceBatch.objects.filter(
            status=BatchStatus.RUNNING, heartbeat_at=None, uploaded_at__lt=_stale_before()
        ).values_list("pk", flat=True)
    )
    for pk in found:
        batch_discard_partial(batch_id=pk, status=BatchStatus.INTERRUPTED, message=INTERRUPTED_MESSAGE)
    return found


def expire_pending_uploads() -> int:
    """Delete uploads that waited for a column mapping longer than ``OHSTEWARD_UPLOAD_TTL_HOURS``."""
    return jobs.expire_files(Path(settings.MEDIA_ROOT) / PENDING_DIR)


def batch_ingest(
    *,
    user,
    kind: str,
    filename: str,
    content: bytes,
    department: str = "",
    received_on: dt.date | None = None,
    valid_rows_only: bool = False,
    dry_run: bool = False,
    column_map: dict[str, str] | None = None,
    progress: Progress | None = None,
    percent_progress: PercentProgress | None = None,
) -> IntakeResult:
    """Ingest one source file of ``kind`` uploaded by ``user`` (None = system).

    Re-uploading a file already ingested (same SHA-256 for the kind) changes nothing and returns
    the earlier batch with ``duplicate=True``. A batch refused as a whole may be uploaded again.
    A row outside the uploader's jurisdiction is rejected; city and CDC may upload anything.
    """
    if user is not None and not user.has_perm("intake.add_sourcebatch"):
        raise PermissionDenied("您的角色无权上传来源名单")
    checksum = file_checksum(content)
    existing = SourceBatch.objects.filter(kind=kind, checksum=checksum).first()
    if existing is not None and _is_stale(existing):  # its process died: it never counted
        batch_discard_partial(
            batch_id=existing.pk, status=BatchStatus.INTERRUPTED, message=INTERRUPTED_MESSAGE
        )
        existing.refresh_from_db()
    if existing is not None and existing.status in {BatchStatus.DONE, BatchStatus.RUNNING}:
        return IntakeResult(batch=existing, counts=dict(existing.counts), duplicate=True, dry_run=dry_run)
    table, header_map = read_source(kind, filename, content, column_map)
    today = timezone.localdate()
    batch = None
    if not dry_run:
        if existing is not None:
            existing.delete()  # a refused or failed batch: this upload replaces it
        batch = SourceBatch(
            kind=kind,
            department=(department or "").strip()[:100],
            received_on=received_on or today,
            file_name=(filename or "")[:255],
            checksum=checksum,
            uploaded_by=user if getattr(user, "pk", None) else None,
            mode=BatchMode.VALID_ROWS if valid_rows_only else BatchMode.ALL_OR_NOTHING,
            column_map={spec.header: table.headers[i] for i, spec in header_map.columns.items()},
            status=BatchStatus.RUNNING,
            heartbeat_at=timezone.now(),
        )
        try:
            with transaction.atomic():
                batch.save()
        except IntegrityError:  # the same file is being ingested right now by somebody else
            other = SourceBatch.objects.filter(kind=kind, checksum=checksum).first()
            return IntakeResult(batch=other, counts=dict(other.counts) if other else {}, duplicate=True)
    report = _Progress(batch, progress, percent_progress)
    # Hundreds of thousands of small objects and no reference cycles worth collecting: the cyclic
    # garbage collector would run hundreds of times for nothing (measured: about a third of the time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = _ingest(
            user=user,
            kind=kind,
            batch=batch,
            table=table,
            header_map=header_map,
            today=today,
            valid_rows_only=valid_rows_only,
            dry_run=dry_run,
            report=report,
        )
    except Exception as exc:
        if batch is not None:  # chunks may have committed: take them back
            batch_discard_partial(batch_id=batch.pk, status=BatchStatus.FAILED, message=str(exc))
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    return result


def _ingest(
    *,
    user,
    kind: str,
    batch: SourceBatch | None,
    table,
    header_map: HeaderMap,
    today: dt.date,
    valid_rows_only: bool,
    dry_run: bool,
    report: _Progress,
) -> IntakeResult:
    lookups = Lookups.load()
    home, may_write = None, None
    if user is not None and not access.sees_everything(user):
        home = access.home_location(user)

        def may_write(district, town, zone):
            return access.can_write_enterprise(user, region_code=district, town_code=town, zone_code=zone)

    extra = {
        i: str(h) for i, h in enumerate(table.headers) if i not in header_map.columns and str(h or "").strip()
    }
    parser = RowParser(
        columns=header_map.columns,
        lookups=lookups,
        today=today,
        home=home,
        may_write=may_write,
        extra_columns=extra,
    )
    notes: list[str] = []
    rows = table.rows
    if rows and is_template_example(header_map.columns, rows[0][1]):
        notes.append(f"第{rows[0][0]}行是模板示例，已跳过")
        rows = rows[1:]
    total = len(rows)
    parsed: list[ParsedRow] = []
    for i, (row_number, cells) in enumerate(rows):
        parsed.append(parser.parse(row_number, cells))
        if i % CHUNK == 0:
            report("检查", i, total, 10, 40)
    report("检查", total, total, 10, 40)
    bad = [p for p in parsed if not p.ok]
    errors = [e for p in bad for e in p.errors]
    counts = {"rows": total, "rejected": len(bad)}
    warned = [p for p in parsed if p.ok and p.values.get("uscc_warning")]
    if warned:
        counts["invalid_uscc"] = len(warned)
    if notes:
        counts["example_skipped"] = 1
    warnings = notes + [
        rules.row_message(
            p.row_number, "统一社会信用代码", p.values["uscc_warning"].removeprefix("统一社会信用代码")
        )
        for p in warned
    ]
    result = IntakeResult(batch=batch, counts=counts, errors=errors, warnings=warnings, dry_run=dry_run)
    if bad and not valid_rows_only:
        result.refused = True
    if bad and not valid_rows_only and not dry_run:
        if batch is not None:
            with transaction.atomic():
                bulk_rows(batch, [_rejected_row(batch, p) for p in bad])
                _finish(
                    batch,
                    BatchStatus.REJECTED,
                    counts,
                    f"{len(bad)} 行有错误，整个文件未导入。请修改后重新上传，或选择“仅导入正确的行”。",
                )
        return result
    good = [p for p in parsed if p.ok]
    writer = _Writer(user=user, kind=kind, batch=batch, lookups=lookups, counts=counts)
    writer.match(good, report)
    if dry_run:  # the same writes, all in one transaction that is rolled back
        with transaction.atomic():
            writer.write(bad, report)
            transaction.set_rollback(True)
        return result
    saved = writer.write(bad, report)
    with transaction.atomic():
        writer.finish(saved)
        if batch is not None:
            _finish(batch, BatchStatus.DONE, counts, "")
    return result


def _finish(batch: SourceBatch, status: str, counts: dict[str, int], message: str) -> None:
    batch.status = status
    batch.counts = counts
    batch.progress = 100
    batch.message = message
    batch.save(update_fields=["status", "counts", "progress", "message"])


def _rejected_row(batch: SourceBatch | None, p: ParsedRow) -> PendingRow:
    values = p.values
    return PendingRow(
        batch_id=batch.pk if batch else None,
        row_number=p.row_number,
        raw=p.raw,
        status=RowStatus.REJECTED,
        error="；".join(p.errors),
        name=str(values.get("name") or p.raw.get("用人单位名称", ""))[:200],
        uscc=str(values.get("uscc") or "")[:30],
    )


ROW_FIELDS = (
    "uscc",
    "name",
    "event_date",
    "reference_no",
    "category",
    "institution",
    "hazards",
    "employees",
    "exposed_total",
    "headcount",
    "points",
    "over_limit_points",
    "origin",
    "remark",
)
DATA_FIELDS = (
    "revenue",
    "total_assets",
    "business_status",
    "address",
    "former_names",
    "principal",
    "hygiene_manager",
    "town_text",
    "industry_name",
    "uscc_warning",
)


class _Writer:
    """Matches parsed rows and writes the outcome (rows, new employers, register updates)."""

    def __init__(
        self, *, user, kind: str, batch: SourceBatch | None, lookups: Lookups, counts: dict[str, int]
    ):
        self.user = user
        self.kind = kind
        self.batch = batch
        self.lookups = lookups
        self.counts = counts
        for key in ("uscc", "name_exact", "former_name", "fuzzy", "created", "review", "updated"):
            counts.setdefault(key, 0)
        self.rows: list[PendingRow] = []
        self.new_enterprises: list[Enterprise] = []  # placeholder id -(index + 1)
        self.row_placeholder: dict[int, int] = {}  # index in self.rows → placeholder
        self.codes_in_use: set[str] = set()
        self.industries: dict[str, Industry] = {}
        # The employers the uploader may see (None: all). The matcher looks city-wide, so that a
        # row filed under the wrong district finds its employer instead of creating it again;
        # what it finds outside this set is referred, never linked (issue 6 item 1).
        self.visible: set[int] | None = None
        if user is not None and not access.sees_everything(user):
            self.visible = set(Enterprise.objects.for_user(user).values_list("pk", flat=True))
        self.referred: list[PendingRow] = []

    # -------------------------------------------------------------- matching (no writes)

    def match(self, parsed: list[ParsedRow], report: _Progress) -> None:
        matcher = build_matcher()
        self.codes_in_use = set(Enterprise.objects.exclude(uscc=None).values_list("uscc", flat=True))
        self.industries = {i.code: i for i in Industry.objects.filter(level="class")}
        total = len(parsed)
        batch_id = self.batch.pk if self.batch is not None else None
        for i, p in enumerate(parsed):
            v = p.values
            row = PendingRow(
                batch_id=batch_id,
                row_number=p.row_number,
                raw=p.raw,
                district_id=v.get("district"),
                town_id=v.get("town"),
                zone_id=v.get("zone"),
                industry_id=v.get("industry"),
                **{k: v[k] for k in ROW_FIELDS if v.get(k) is not None},
                data={k: _json(v[k]) for k in DATA_FIELDS if v.get(k) not in (None, "", [])},
            )
            result = matcher.match(
                SourceRecord(
                    uscc=row.uscc or None,
                    name=row.name,
                    district=row.district_id,
                    authoritative=self.kind == SourceKind.REGISTRY,
                )
            )
            if result.method in (METHOD_REVIEW, METHOD_FUZZY):  # exact links need no alternatives on file
                row.candidates = [[cid, score] for cid, score in result.candidates]
            if self._outside(result):
                # The match is an employer the uploader may not see: refer the row to the city and
                # the employer's district; nothing of that employer is linked, compared or shown.
                if result.entry_id is not None:
                    row.candidates = [
                        [result.entry_id, result.score],
                        *[c for c in row.candidates if c[0] != result.entry_id],
                    ]
                row.status, row.link_score = RowStatus.REVIEW, None
                row.data["review_reason"] = OUTSIDE_REFERRED
                self.referred.append(row)
                self.counts["review"] += 1
                self.counts["referred"] = self.counts.get("referred", 0) + 1
            elif result.method == METHOD_NEW and not row.district_id:
                row.status, row.link_score = RowStatus.REVIEW, result.score
                row.data["review_reason"] = "来源数据没有所属区县，无法新建用人单位"
                self.counts["review"] += 1
            elif result.method == METHOD_NEW:
                placeholder = self._new_enterprise(row, v)
                matcher.add(
                    RegisterEntry(
                        id=placeholder,
                        uscc=self.new_enterprises[-1].uscc,
                        name=row.name,
                        former_names=tuple(v.get("former_names") or ()),
                        district=row.district_id,
                    )
                )
                row.status, row.link_method, row.link_score = RowStatus.CREATED, LinkMethod.NEW, result.score
                self.row_placeholder[len(self.rows)] = placeholder
                self.counts["created"] += 1
            elif result.method == METHOD_REVIEW:
                row.status, row.link_score = RowStatus.REVIEW, result.score
                if result.reason:
                    row.data["review_reason"] = REVIEW_REASONS.get(result.reason, result.reason)
                self.counts["review"] += 1
            else:
                row.status, row.link_method, row.link_score = RowStatus.LINKED, result.method, result.score
                if result.entry_id is not None and result.entry_id < 0:
                    self.row_placeholder[len(self.rows)] = result.entry_id
                else:
                    row.enterprise_id = result.entry_id
                self.counts[result.method] = self.counts.get(result.method, 0) + 1
            self.rows.append(row)
            if i % CHUNK == 0:
                report("匹配", i, total, 40, 80)
        self.counts["by_name"] = sum(self.counts.get(k, 0) for k in ("name_exact", "former_name", "fuzzy"))
        self._refer()
        report("匹配", total, total, 40, 80)

    def _outside(self, result) -> bool:
        """Whether the employer a match points to (the link, or the best review candidate) lies
        outside what the uploader may see. Employers created by this upload (ids < 0) are inside."""
        if self.visible is None:
            return False
        if result.method in (METHOD_NEW,):
            return False
        target = (
            result.entry_id
            if result.method != METHOD_REVIEW
            else (result.candidates[0][0] if result.candidates else None)
        )
        return target is not None and target > 0 and target not in self.visible

    def _refer(self) -> None:
        """Referred rows go to the district of the employer they matched (and the city)."""
        ids = {int(r.candidates[0][0]) for r in self.referred if r.candidates}
        regions = dict(Enterprise.objects.filter(pk__in=ids).values_list("pk", "region_id")) if ids else {}
        for row in self.referred:
            row.referred_to_id = regions.get(int(row.candidates[0][0])) if row.candidates else None

    def _new_enterprise(self, row: SourceRow, v: dict[str, Any]) -> int:
        code = (
            row.uscc if registry_rules.uscc_is_valid(row.uscc) and row.uscc not in self.codes_in_use else None
        )
        if code:
            self.codes_in_use.add(code)
        industry = self.industries.get(v.get("industry") or "")
        employees = v.get("employees")
        exposed = v.get("exposed_total")
        if exposed is not None and employees is not None and exposed > employees:
            exposed = None
        e = Enterprise(
            uscc=code,
            name=row.name,
            region_id=row.district_id,
            town_id=row.town_id,
            zone_id=row.zone_id,
            industry=industry,
            employees=employees,
            exposed_workers=exposed,
            revenue=v.get("revenue"),
            total_assets=v.get("total_assets"),
            address=(v.get("address") or "")[:200],
            former_names=list(v.get("former_names") or []),
            registration=(
                RegistrationState.REGISTERED
                if self.kind == SourceKind.REGISTRY
                else RegistrationState.CANDIDATE
            ),
        )
        status = v.get("business_status")
        if status == EnterpriseStatus.SUSPENDED and v.get("event_date"):
            e.status, e.suspended_on = status, v["event_date"]
        elif status == EnterpriseStatus.CANCELLED and v.get("event_date"):
            e.status, e.cancelled_on = status, v["event_date"]
        e.derive()
        self.new_enterprises.append(e)
        return -len(self.new_enterprises)

    # -------------------------------------------------------------- writing

    def write(self, bad: list[ParsedRow], report: _Progress) -> list[PendingRow]:
        """Write rows and the employers they create, ``WRITE_CHUNK`` rows per committed transaction.

        A new employer is written in the chunk of the first row that creates it (rows are in
        file order, and the matcher only links a later row to it), so at every commit each new
        employer has its creating row on file, tagged with the batch: that is what
        ``batch_discard_partial`` deletes if the batch never finishes."""
        placeholder_of = {id(self.rows[index]): ph for index, ph in self.row_placeholder.items()}
        all_rows = self.rows + [_rejected_row(self.batch, p) for p in bad]
        all_rows.sort(key=lambda r: r.row_number)
        real: dict[int, int] = {}
        saved: list[PendingRow] = []
        chunks = [
            all_rows[start : start + WRITE_CHUNK] for start in range(0, len(all_rows), WRITE_CHUNK)
        ] or [[]]
        for n, chunk in enumerate(chunks):
            with transaction.atomic():
                needed = sorted(
                    {placeholder_of[id(r)] for r in chunk if id(r) in placeholder_of} - set(real),
                    reverse=True,
                )  # -1 was made first
                created = insert(Enterprise, [self.new_enterprises[-ph - 1] for ph in needed], with_ids=True)
                real.update({ph: e.pk for ph, e in zip(needed, created, strict=True)})
                audit_created(created, self.user)
                for row in chunk:
                    if id(row) in placeholder_of:
                        row.enterprise_id = real[placeholder_of[id(row)]]
                    if row.candidates and any(c[0] < 0 for c in row.candidates):
                        row.candidates = [[real.get(c[0], c[0]), c[1]] for c in row.candidates]
                saved.extend(
                    bulk_rows(
                        self.batch, chunk, with_ids=self.kind in {SourceKind.DECLARATION, SourceKind.REGISTRY}
                    )
                )
                if self.batch is not None:
                    SourceBatch.objects.filter(pk=self.batch.pk).update(heartbeat_at=timezone.now())
            report("写入", n + 1, len(chunks), 80, 98)
            if connection.vendor == "sqlite":
                # Let a waiting writer in: SQLite's busy handler retries every ~100 ms, and without a
                # pause this loop would take the lock again at once (measured: web writes waited 13 s).
                time.sleep(SQLITE_PAUSE_SECONDS)
        return saved

    def finish(self, saved: list[PendingRow]) -> None:
        """The batch's effects, in its last transaction: register updates, declarations."""
        if self.kind == SourceKind.REGISTRY:
            self.counts["updated"] = registry_updates(self.rows, self.user)
            # the rows are on file already: store the differences registry_updates noted on them
            noted = [SourceRow(pk=r.pk, data=r.data) for r in self.rows if r.pk and "differences" in r.data]
            SourceRow.objects.bulk_update(noted, ["data"], batch_size=1000)
        if self.kind == SourceKind.DECLARATION and self.batch is not None:
            self.counts["declarations"], self.counts["declarations_pending"] = record_declarations(
                saved, self.user
            )


def _json(value: Any) -> Any:
    return audit._jsonable(value) if not isinstance(value, int | float | str | list | dict) else value

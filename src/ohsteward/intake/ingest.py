"""Ingesting one source file: read, parse, check, match every row, write in bulk.

Phases (progress in brackets): read the file (0–10 %), parse and check every row (10–40 %),
match against the register (40–80 %), write rows, new employers, register updates and
declarations in one transaction (80–100 %). Nothing is written for a refused file; a file
with bad rows is refused as a whole unless the uploader chose "import valid rows".

Built for city scale: reference data and the register are read once into dicts and one
``Matcher``; rows and employers are written with ``bulk_create`` in chunks; the audit trail
of bulk-created employers is written in bulk too (signals do not fire for bulk writes).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import audit, bulk
from ohsteward.core.spreadsheets import SpreadsheetError, read_table
from ohsteward.declarations.matching import (
    METHOD_FUZZY,
    METHOD_NEW,
    METHOD_REVIEW,
    Matcher,
    MatchSettings,
    RegisterEntry,
    SourceRecord,
)
from ohsteward.intake.choices import BatchMode, BatchStatus, LinkMethod, RowStatus, SourceKind
from ohsteward.intake.formats import FORMATS, HeaderMap, map_headers
from ohsteward.intake.models import SourceBatch, SourceRow
from ohsteward.intake.parsing import Lookups, ParsedRow, RowParser
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import EnterpriseStatus, RegistrationState
from ohsteward.registry.models import Enterprise, Industry

CHUNK = 5000
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

# Register fields a registry list may fill when the register has none (never overwritten).
REGISTRY_FIELDS = ("uscc", "town_id", "industry_id", "employees", "revenue", "total_assets", "address")
FIELD_LABELS = {"uscc": "统一社会信用代码", "name": "用人单位名称", "region_id": "所属区县", "town_id": "所属乡镇街道",
                "industry_id": "行业代码", "employees": "从业人员数", "revenue": "营业收入(万元)",
                "total_assets": "资产总额(万元)", "address": "地址", "status": "经营状态"}


@dataclass
class IntakeResult:
    """What an intake did (or would do, for a dry run)."""

    batch: SourceBatch | None
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
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
    department filed it under another district)."""
    entries = (
        RegisterEntry(id=pk, uscc=uscc, name=name, former_names=tuple(former or ()), district=region_id)
        for pk, uscc, name, former, region_id in Enterprise.objects.values_list(
            "pk", "uscc", "name", "former_names", "region_id").iterator(chunk_size=10000)
    )
    return Matcher(entries, match_settings())


def read_source(kind: str, filename: str, content: bytes,
                column_map: dict[str, str] | None = None) -> tuple[Any, HeaderMap]:
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
    """Reports progress to a callback and, at most every few percent, to the batch row."""

    def __init__(self, batch: SourceBatch | None, callback: Progress | None):
        self.batch = batch
        self.callback = callback or _noop
        self.last = -10

    def __call__(self, stage: str, done: int, total: int, lo: int, hi: int) -> None:
        self.callback(stage, done, total)
        percent = lo + (hi - lo) * done // max(total, 1)
        if self.batch is not None and self.batch.pk and percent - self.last >= 5:
            self.last = percent
            SourceBatch.objects.filter(pk=self.batch.pk).update(progress=percent)


def batch_ingest(*, user, kind: str, filename: str, content: bytes, department: str = "",
                 received_on: dt.date | None = None, valid_rows_only: bool = False, dry_run: bool = False,
                 column_map: dict[str, str] | None = None, progress: Progress | None = None) -> IntakeResult:
    """Ingest one source file of ``kind`` uploaded by ``user`` (None = system).

    Re-uploading a file already ingested (same SHA-256 for the kind) changes nothing and returns
    the earlier batch with ``duplicate=True``. A batch refused as a whole may be uploaded again.
    A row outside the uploader's jurisdiction is rejected; city and CDC may upload anything.
    """
    if user is not None and not user.has_perm("intake.add_sourcebatch"):
        raise PermissionDenied("您的角色无权上传来源名单")
    checksum = file_checksum(content)
    existing = SourceBatch.objects.filter(kind=kind, checksum=checksum).first()
    if existing is not None and existing.status in {BatchStatus.DONE, BatchStatus.RUNNING}:
        return IntakeResult(batch=existing, counts=dict(existing.counts), duplicate=True, dry_run=dry_run)
    table, header_map = read_source(kind, filename, content, column_map)
    today = timezone.localdate()
    batch = None
    if not dry_run:
        if existing is not None:
            existing.delete()  # a refused or failed batch: this upload replaces it
        batch = SourceBatch(
            kind=kind, department=(department or "").strip()[:100], received_on=received_on or today,
            file_name=(filename or "")[:255], checksum=checksum, uploaded_by=user if getattr(user, "pk", None) else None,
            mode=BatchMode.VALID_ROWS if valid_rows_only else BatchMode.ALL_OR_NOTHING,
            column_map={spec.header: table.headers[i] for i, spec in header_map.columns.items()},
            status=BatchStatus.RUNNING,
        )
        try:
            with transaction.atomic():
                batch.save()
        except IntegrityError:  # the same file is being ingested right now by somebody else
            other = SourceBatch.objects.filter(kind=kind, checksum=checksum).first()
            return IntakeResult(batch=other, counts=dict(other.counts) if other else {}, duplicate=True)
    report = _Progress(batch, progress)
    # Hundreds of thousands of small objects and no reference cycles worth collecting: the cyclic
    # garbage collector would run hundreds of times for nothing (measured: about a third of the time).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = _ingest(user=user, kind=kind, batch=batch, table=table, header_map=header_map, today=today,
                         valid_rows_only=valid_rows_only, dry_run=dry_run, report=report)
    except Exception as exc:
        if batch is not None:
            SourceBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.FAILED, message=str(exc)[:2000])
        raise
    finally:
        if gc_was_enabled:
            gc.enable()
    return result


def _ingest(*, user, kind: str, batch: SourceBatch | None, table, header_map: HeaderMap, today: dt.date,
            valid_rows_only: bool, dry_run: bool, report: _Progress) -> IntakeResult:
    lookups = Lookups.load()
    allowed = access.allowed_district_codes(user) if user is not None else None
    parser = RowParser(columns=header_map.columns, lookups=lookups, today=today, allowed_districts=allowed)
    total = len(table.rows)
    parsed: list[ParsedRow] = []
    for i, (row_number, cells) in enumerate(table.rows):
        parsed.append(parser.parse(row_number, cells))
        if i % CHUNK == 0:
            report("检查", i, total, 10, 40)
    report("检查", total, total, 10, 40)
    bad = [p for p in parsed if not p.ok]
    errors = [e for p in bad for e in p.errors]
    counts = {"rows": total, "rejected": len(bad)}
    result = IntakeResult(batch=batch, counts=counts, errors=errors, dry_run=dry_run)
    if bad and not valid_rows_only:
        result.refused = True
        if batch is not None:
            with transaction.atomic():
                _bulk_rows(batch, [_rejected_row(batch, p) for p in bad])
                _finish(batch, BatchStatus.REJECTED, counts,
                        f"{len(bad)} 行有错误，整个文件未导入。请修改后重新上传，或选择“仅导入正确的行”。")
        return result
    good = [p for p in parsed if p.ok]
    writer = _Writer(user=user, kind=kind, batch=batch, lookups=lookups, counts=counts)
    writer.match(good, report)
    with transaction.atomic():
        writer.write(bad, report)
        if batch is not None:
            _finish(batch, BatchStatus.DONE, counts, "")
        if dry_run:
            transaction.set_rollback(True)
    return result


def _finish(batch: SourceBatch, status: str, counts: dict[str, int], message: str) -> None:
    batch.status = status
    batch.counts = counts
    batch.progress = 100
    batch.message = message
    batch.save(update_fields=["status", "counts", "progress", "message"])


ROW_ATTNAMES = tuple(f.attname for f in SourceRow._meta.concrete_fields if not f.primary_key)
_ROW_DEFAULTS = {f.attname: (None if f.null else f.get_default()) for f in SourceRow._meta.concrete_fields
                 if not f.primary_key}


class _Row:
    """A source row before it is written: SourceRow's attributes without the model machinery
    (building 300,000 model instances costs more than matching them). Immutable defaults are
    class attributes; JSON fields get a fresh list/dict per row."""

    pk = None

    def __init__(self, **values: Any):
        for name in _MUTABLE:
            if name not in values:
                values[name] = type(_ROW_DEFAULTS[name])()
        self.__dict__.update(values)


_MUTABLE = tuple(name for name, default in _ROW_DEFAULTS.items() if isinstance(default, dict | list))
for _name, _default in _ROW_DEFAULTS.items():
    if _name not in _MUTABLE:
        setattr(_Row, _name, _default)


def _rejected_row(batch: SourceBatch | None, p: ParsedRow) -> _Row:
    values = p.values
    return _Row(batch_id=batch.pk if batch else None, row_number=p.row_number, raw=p.raw,
                status=RowStatus.REJECTED, error="；".join(p.errors),
                name=str(values.get("name") or p.raw.get("用人单位名称", ""))[:200],
                uscc=str(values.get("uscc") or "")[:30])


def _insert(model, objs: list, *, with_ids: bool = False) -> list:
    """Insert model instances in bulk: PostgreSQL ``COPY`` (core.bulk), ``bulk_create`` elsewhere.

    With ``with_ids`` the primary keys are taken from the table's sequence first, so the
    instances know their ids afterwards (``bulk_create`` returns them on both databases).
    """
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        done = []
        for start in range(0, len(objs), CHUNK):
            done.extend(model.objects.bulk_create(objs[start:start + CHUNK]))
        return done
    meta = model._meta
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objs)])
            for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
                obj.pk = pk
    fields = [f for f in meta.concrete_fields if with_ids or not f.primary_key]
    rows = [[f.pre_save(obj, True) for f in fields] for obj in objs]
    bulk.insert_rows(model, [f.attname for f in fields], rows)
    for obj in objs:
        obj._state.adding = False
    return objs


def _bulk_rows(batch: SourceBatch | None, rows: list[_Row], *, with_ids: bool = False) -> list[_Row]:
    """Write the rows: PostgreSQL ``COPY`` of plain values, ``bulk_create`` elsewhere."""
    if batch is None or not rows:
        return rows
    if connection.vendor != "postgresql":
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            made = SourceRow.objects.bulk_create([SourceRow(**{a: getattr(r, a) for a in ROW_ATTNAMES})
                                                  for r in chunk])
            for r, m in zip(chunk, made, strict=True):
                r.pk = m.pk
        return rows
    names = list(ROW_ATTNAMES)
    get = operator.attrgetter(*ROW_ATTNAMES)
    if with_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [SourceRow._meta.db_table, len(rows)])
            for r, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                r.pk = pk
        names.append("id")
        data = [(*get(r), r.pk) for r in rows]
    else:
        data = [get(r) for r in rows]
    _copy_text(SourceRow, names, data)
    return rows


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any, is_json: bool) -> str:
    if value is None:
        return "\\N"
    if is_json:
        value = json.dumps(value, ensure_ascii=False, default=str)
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif not isinstance(value, str):
        value = value.isoformat() if isinstance(value, dt.date) else str(value)
    return value.translate(_COPY_ESCAPES)


def _copy_text(model, names: list[str], rows: list[tuple]) -> None:
    """PostgreSQL ``COPY … FROM STDIN`` in text format, the lines built here: several times faster
    than adapting value by value (core.bulk.insert_rows) at hundreds of thousands of rows."""
    meta = model._meta
    fields = [next(f for f in meta.concrete_fields if f.attname == name) for name in names]
    json_flags = [isinstance(f, JSONField) for f in fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for start in range(0, len(rows), CHUNK):
            lines = ["\t".join([_copy_value(v, j) for v, j in zip(row, json_flags, strict=True)])
                     for row in rows[start:start + CHUNK]]
            copy.write("\n".join(lines) + "\n")


ROW_FIELDS = ("uscc", "name", "event_date", "reference_no", "category", "institution", "hazards",
              "employees", "exposed_total", "headcount", "points", "over_limit_points", "origin", "remark")
DATA_FIELDS = ("revenue", "total_assets", "business_status", "address", "former_names", "principal",
               "hygiene_manager", "town_text", "industry_name")


class _Writer:
    """Matches parsed rows and writes the outcome (rows, new employers, register updates)."""

    def __init__(self, *, user, kind: str, batch: SourceBatch | None, lookups: Lookups, counts: dict[str, int]):
        self.user = user
        self.kind = kind
        self.batch = batch
        self.lookups = lookups
        self.counts = counts
        for key in ("uscc", "name_exact", "former_name", "fuzzy", "created", "review", "updated"):
            counts.setdefault(key, 0)
        self.rows: list[_Row] = []
        self.new_enterprises: list[Enterprise] = []  # placeholder id -(index + 1)
        self.row_placeholder: dict[int, int] = {}  # index in self.rows → placeholder
        self.codes_in_use: set[str] = set()
        self.industries: dict[str, Industry] = {}

    # -------------------------------------------------------------- matching (no writes)

    def match(self, parsed: list[ParsedRow], report: _Progress) -> None:
        matcher = build_matcher()
        self.codes_in_use = set(Enterprise.objects.exclude(uscc=None).values_list("uscc", flat=True))
        self.industries = {i.code: i for i in Industry.objects.filter(level="class")}
        total = len(parsed)
        batch_id = self.batch.pk if self.batch is not None else None
        for i, p in enumerate(parsed):
            v = p.values
            row = _Row(batch_id=batch_id, row_number=p.row_number, raw=p.raw, district_id=v.get("district"),
                       town_id=v.get("town"), industry_id=v.get("industry"),
                       **{k: v[k] for k in ROW_FIELDS if v.get(k) is not None},
                       data={k: _json(v[k]) for k in DATA_FIELDS if v.get(k) not in (None, "", [])})
            result = matcher.match(SourceRecord(uscc=row.uscc or None, name=row.name, district=row.district_id))
            if result.method in (METHOD_REVIEW, METHOD_FUZZY):  # exact links need no alternatives on file
                row.candidates = [[cid, score] for cid, score in result.candidates]
            if result.method == METHOD_NEW and not row.district_id:
                row.status, row.link_score = RowStatus.REVIEW, result.score
                row.data["review_reason"] = "来源数据没有所属区县，无法新建用人单位"
                self.counts["review"] += 1
            elif result.method == METHOD_NEW:
                placeholder = self._new_enterprise(row, v)
                matcher.add(RegisterEntry(id=placeholder, uscc=self.new_enterprises[-1].uscc, name=row.name,
                                          former_names=tuple(v.get("former_names") or ()), district=row.district_id))
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
        report("匹配", total, total, 40, 80)

    def _new_enterprise(self, row: SourceRow, v: dict[str, Any]) -> int:
        code = row.uscc if registry_rules.uscc_is_valid(row.uscc) and row.uscc not in self.codes_in_use else None
        if code:
            self.codes_in_use.add(code)
        industry = self.industries.get(v.get("industry") or "")
        employees = v.get("employees")
        exposed = v.get("exposed_total")
        if exposed is not None and employees is not None and exposed > employees:
            exposed = None
        e = Enterprise(
            uscc=code, name=row.name, region_id=row.district_id, town_id=row.town_id, industry=industry,
            employees=employees, exposed_workers=exposed, revenue=v.get("revenue"),
            total_assets=v.get("total_assets"), address=(v.get("address") or "")[:200],
            former_names=list(v.get("former_names") or []),
            registration=(RegistrationState.REGISTERED if self.kind == SourceKind.REGISTRY
                          else RegistrationState.CANDIDATE),
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

    def write(self, bad: list[ParsedRow], report: _Progress) -> None:
        report("写入", 0, 1, 80, 100)
        created = _insert(Enterprise, self.new_enterprises, with_ids=True)
        real = {-(i + 1): e.pk for i, e in enumerate(created)}
        for index, placeholder in self.row_placeholder.items():
            self.rows[index].enterprise_id = real[placeholder]
        for row in self.rows:
            if row.candidates and any(c[0] < 0 for c in row.candidates):
                row.candidates = [[real.get(c[0], c[0]), c[1]] for c in row.candidates]
        _audit_created(created, self.user)
        report("写入", 1, 4, 80, 100)
        if self.kind == SourceKind.REGISTRY:
            self.counts["updated"] = _registry_updates(self.rows, self.user)
        all_rows = self.rows + [_rejected_row(self.batch, p) for p in bad]
        all_rows.sort(key=lambda r: r.row_number)
        saved = _bulk_rows(self.batch, all_rows, with_ids=self.kind == SourceKind.DECLARATION)
        report("写入", 3, 4, 80, 100)
        if self.kind == SourceKind.DECLARATION and self.batch is not None:
            self.counts["declarations"], self.counts["declarations_pending"] = _declarations(saved, self.user)
        report("写入", 4, 4, 80, 100)


def _json(value: Any) -> Any:
    return audit._jsonable(value) if not isinstance(value, int | float | str | list | dict) else value


def _audit_created(created: list[Enterprise], user) -> None:
    from ohsteward.core.models import AuditLog

    entries = [audit.record(e, "create", audit.diff(None, audit.snapshot(e)), user=user, source="import",
                            save=False) for e in created]
    _insert(AuditLog, entries)


def _registry_updates(rows: list[SourceRow], user) -> int:
    """Fill empty register fields from linked registry rows; record differences on the row.

    Never overwrites: a value that differs from the register is kept on the row
    (``data["differences"]``: field → [register, list]) for a person to judge.
    """
    from ohsteward.core.models import AuditLog

    linked = [r for r in rows if r.status == RowStatus.LINKED and r.enterprise_id]
    if not linked:
        return 0
    ids = {r.enterprise_id for r in linked}
    enterprises: dict[int, Enterprise] = {}
    id_list = list(ids)
    for start in range(0, len(id_list), CHUNK):
        enterprises.update(Enterprise.objects.select_related("industry").in_bulk(id_list[start:start + CHUNK]))
    codes_in_use = set(Enterprise.objects.exclude(uscc=None).values_list("uscc", flat=True))
    before: dict[int, dict[str, Any]] = {}
    for row in linked:
        e = enterprises.get(row.enterprise_id)
        if e is None:
            continue
        # An employer outside the uploader's jurisdiction is not changed: differences are recorded.
        writable = user is None or access.can_write_enterprise(
            user, region_code=e.region_id, town_code=e.town_id, zone_code=e.zone_id, enterprise_id=e.pk)
        source = {
            "uscc": row.uscc if registry_rules.uscc_is_valid(row.uscc) else None,
            "town_id": row.town_id,
            "industry_id": row.industry_id if row.industry_id and len(row.industry_id) == 4 else None,
            "employees": row.employees,
            "revenue": row.data.get("revenue"),
            "total_assets": row.data.get("total_assets"),
            "address": row.data.get("address"),
            "region_id": row.district_id,
            "name": row.name,
        }
        differences: dict[str, list[Any]] = {}
        for fname, value in source.items():
            if value in (None, ""):
                continue
            current = getattr(e, fname)
            if fname in {"revenue", "total_assets"} and current is not None:
                current = str(current)
                value = str(value)
            if fname == "name":
                if registry_rules.normalize_name(value) != e.name_normalized and value not in e.former_names:
                    differences[fname] = [e.name, value]
                continue
            if current in (None, "") and fname in REGISTRY_FIELDS and writable:
                if fname == "uscc" and value in codes_in_use:
                    differences[fname] = [current, value]
                    continue
                if fname == "town_id" and not str(value).startswith(e.region_id):
                    continue
                before.setdefault(e.pk, audit.snapshot(e))
                setattr(e, fname, value)
                if fname == "uscc":
                    codes_in_use.add(value)
            elif str(current) != str(value):
                differences[fname] = [current, value]
        status = row.data.get("business_status")
        if status and status != e.status:
            differences["status"] = [e.status, status]
        for former in (row.data.get("former_names") or []) if writable else []:
            if registry_rules.normalize_name(former) != e.name_normalized and former not in e.former_names:
                before.setdefault(e.pk, audit.snapshot(e))
                e.former_names = [*e.former_names, former]
        if differences:
            row.data["differences"] = {k: [audit._jsonable(a), audit._jsonable(b)] for k, (a, b) in differences.items()}
    changed = [enterprises[pk] for pk in before]
    if not changed:
        return 0
    industries = {i.code: i for i in Industry.objects.filter(level="class")}
    for e in changed:
        e.industry = industries.get(e.industry_id) if e.industry_id else None
        e.derive()
    fields = ["uscc", "town", "industry", "employees", "revenue", "total_assets", "address", "former_names",
              "name_normalized", "size_class", "industry_risk"]
    Enterprise.objects.bulk_update(changed, fields, batch_size=1000)
    entries = []
    for e in changed:
        changes = audit.diff(before[e.pk], audit.snapshot(e))
        if changes:
            entries.append(audit.record(e, "update", changes, user=user, source="import", save=False))
    _insert(AuditLog, entries)
    return len(changed)


def _declarations(rows: list[SourceRow], user) -> tuple[int, int]:
    """Record each linked declaration-export row as a declaration (declarations app)."""
    try:
        from ohsteward.declarations.actions import declaration_import
    except ImportError:  # the declarations app does not offer imports: keep the rows for later
        return 0, sum(1 for r in rows if r.enterprise_id)
    from ohsteward.hazards.models import HazardFactor

    factor_ids = {h["factor_id"] for r in rows for h in r.hazards or [] if h.get("factor_id")}
    factors = HazardFactor.objects.in_bulk(list(factor_ids))
    linked = [r for r in rows if r.enterprise_id and r.status in {RowStatus.LINKED, RowStatus.CREATED}]
    enterprises = Enterprise.objects.in_bulk([r.enterprise_id for r in linked])
    done = 0
    for row in linked:
        declaration_import(
            user=user, enterprise=enterprises[row.enterprise_id], receipt_no=row.reference_no,
            kind=row.category or "initial", declared_on=row.event_date, employees=row.employees,
            exposed_total=row.exposed_total,
            hazards=[(factors.get(h.get("factor_id")), h.get("name", ""), h.get("count")) for h in row.hazards],
            principal=row.data.get("principal", ""), hygiene_manager=row.data.get("hygiene_manager", ""),
            source_row=row,
        )
        done += 1
    return done, 0


def import_declaration_row(row: SourceRow, user) -> None:
    """Record one declaration-export row once a person has linked it (review queue)."""
    if row.batch.kind == SourceKind.DECLARATION and row.enterprise_id:
        _declarations([row], user)

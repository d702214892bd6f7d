"""Import of exam results from .xlsx/.xls/.csv: one row per worker, exam and hazard factor.

Rows of the same worker, kind and date are one exam with several results. The worker is found by
ID number through the keyed hash (``Worker.objects.by_id_number``), among the workers the uploader
may see (an exam institution: its clients' rosters); an ID number appears in an error message
only masked. A dry run writes and rolls the whole file back, so the preview (with its 表5-1) is
what the import would do; an all-or-nothing import with errors writes nothing. A file is one batch per employer (表5-1), its 应检 counted when the file is applied.

``ExamImporter.run`` (page, CLI) takes the bulk path (``bulk``: the same checks over look-ups of
the whole file, set writes); ``run_row_by_row`` is the row-by-row reference it is tested against.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core import bulk as core_bulk
from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.surveillance import conclusions
from ohsteward.surveillance import rules as id_rules
from ohsteward.surveillance.actions import workers_recompute_due
from ohsteward.surveillance.choices import ExamKind
from ohsteward.surveillance.exams import actions, bulk
from ohsteward.surveillance.exams.choices import BatchSource
from ohsteward.surveillance.exams.lookups import find_factor, find_institution
from ohsteward.surveillance.exams.models import ExamBatch
from ohsteward.surveillance.models import Worker

COLUMNS = [
    ("身份证号", True, "18位居民身份证号；劳动者须已在用人单位花名册中"),
    ("姓名", False, "用于核对，与花名册不一致时报错"),
    ("统一社会信用代码", False, "劳动者同时在多家单位在职时填写"),
    ("体检日期", True, "如 2026-03-02，不能晚于今天"),
    ("体检类别", True, "上岗前、在岗期间、离岗时或应急"),
    ("体检机构", False, "机构名称或统一社会信用代码；不填为本机构"),
    ("体检编号", False, ""),
    ("危害因素", True, "《职业病危害因素分类目录》中的名称或代码，如 噪声、矽尘、苯"),
    ("结论", True, "a 目前未见异常、b 复查、c 疑似职业病、d 职业禁忌证、e 其他疾病或异常"),
    ("异常项目/疾病名称", False, "疑似职业病、职业禁忌证须填写"),
    ("复查项目", False, "结论为复查时填写"),
    ("复查期限", False, "结论为复查时必填，晚于体检日期"),
]
HEADERS = {
    "worker": "身份证号",
    "date": "体检日期",
    "kind": "体检类别",
    "institution": "体检机构",
    "report_number": "体检编号",
    "factor": "危害因素",
    "conclusion": "结论",
    "items": "异常项目/疾病名称",
    "recheck_items": "复查项目",
    "recheck_by": "复查期限",
    "results": "危害因素",
}


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


class _Rollback(Exception):
    """Ends the outer transaction of a dry run (or of an all-or-nothing import with errors)."""


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def _date(value: Any, column: str):
    try:
        return parse_date(value)
    except CellError as error:
        raise RowProblem(column, str(error)) from None


KINDS = {
    **{_norm(label): code for code, label in ExamKind.choices},
    **{code: code for code, _l in ExamKind.choices},
}


def masked(text: str) -> str:
    """What an error may show of an ID number: the first six and last four characters."""
    return id_rules.id_mask(text)


class ExamImporter:
    template_filename = "职业健康检查结果导入模板.xlsx"

    def template(self, user=None) -> bytes:
        choices = {
            "体检类别": [label for _c, label in ExamKind.choices],
            "结论": [f"{c.code} {c.label}" for c in conclusions.CONCLUSIONS.values()],
        }
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), choices.get(h, ()), comment=c, width=20)
                for h, req, c in COLUMNS
            ],
            notes=[
                "一行为一名劳动者一次体检的一个危害因素；同一次体检接触多个因素的，写多行。",
                "结论依 GBZ 188-2014 §4.8.3；复查须写明复查项目与期限。",
                "同一劳动者同一日期同一类别同一危害因素的结论重复上传会被拒绝。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        """The import of a file (page, API upload, CLI): every row checked as the row-by-row
        path checks it, in the same order and with the same messages, over a ``bulk.Lookup`` of
        the whole file; the writes in ``bulk.write`` (set operations in one transaction). A dry
        run writes and rolls back, so its 表5-1 notes are what the import would give."""
        table, report = _read(filename, content, dry_run)
        today = timezone.localdate()
        numbers: dict[str, str] = {}  # cell text -> the valid ID number it holds (parsed once)
        for _row_no, record in table:
            text = cell_text(record.get("身份证号"))
            if text not in numbers:
                parsed, _error = id_rules.id_parse(text, on=today)
                if parsed is not None:
                    numbers[text] = parsed.number
        lookup = bulk.Lookup(user, numbers.values())

        def worker_for(user, record: dict[str, Any]) -> Worker:
            number = numbers.get(cell_text(record.get("身份证号"))) or parse_id(record, lookup.today)
            found = lookup.workers.get(lookup.hash_of(number), [])
            uscc = cell_text(record.get("统一社会信用代码")).upper()
            if uscc:
                found = [w for w in found if w.enterprise.uscc == uscc]
            return choose_worker(found[:5], record, number)

        def institution_for(user, record: dict[str, Any]) -> Institution:
            return _institution(user, record, find=lookup.institution, own=lookup.own_institution)

        checked: dict[int, RowInput] = {}
        errors: dict[int, list[RowError]] = {}
        for row_no, record in table:
            try:
                checked[row_no] = check_row(
                    user,
                    record,
                    worker_for=worker_for,
                    factor_for=lookup.factor,
                    institution_for=institution_for,
                    institution_check=lookup.check_institution,
                )
            except (RowProblem, ValidationError, PermissionDenied) as error:
                errors[row_no] = _row_errors(row_no, error)
        lookup.load_history(
            {r.worker.pk: r.worker for r in checked.values()}, {r.date for r in checked.values()}
        )
        plan = bulk.Plan()
        kind_labels = dict(ExamKind.choices)
        for row_no, _record in table:
            row = checked.get(row_no)
            if row is None:
                report.errors.extend(errors[row_no])
                continue
            plan.reach(row.worker, row.institution)
            try:
                bulk.plan_row(
                    worker=row.worker, date=row.date, kind=row.kind, institution=row.institution,
                    report_number=row.report_number, result=row.result, lookup=lookup, plan=plan,
                )  # fmt: skip
            except (RowProblem, ValidationError, PermissionDenied) as error:
                report.errors.extend(_row_errors(row_no, error))
                continue
            report.created.append(created_label(row, kind_labels[row.kind]))
        if all_or_nothing and report.errors:
            return report
        try:
            with transaction.atomic():
                bulk.write(plan, lookup, filename=filename)
                finish(plan.batches, plan.workers, report, refresh=bulk.batches_refresh_expected)
                if dry_run:
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report

    def run_row_by_row(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        """Each row through ``actions.exam_record`` in its savepoint (the reference the bulk path
        is tested against; ~40 queries per row)."""
        state = _State(user=user, filename=filename)

        def apply_row(user, record: dict[str, Any], report: ImportReport) -> None:
            _exam_row(user, record, report, state)

        return _run(
            user=user,
            filename=filename,
            content=content,
            dry_run=dry_run,
            all_or_nothing=all_or_nothing,
            apply_row=apply_row,
            finish=state.finish,
        )


def _read(
    filename: str, content: bytes, dry_run: bool
) -> tuple[list[tuple[int, dict[str, Any]]], ImportReport]:
    """The file's rows as records, and the report with the rows kept for the errors file (the ID
    number masked: issue 12 "Bad input", an ID number never appears in full in an export)."""
    table = read_table(filename, content, required=["身份证号", "体检日期", "体检类别", "危害因素", "结论"])
    report = ImportReport(total_rows=len(table.rows), headers=list(table.headers), unit="条", dry_run=dry_run)
    id_index = table.headers.index("身份证号")
    records = []
    for row_no, values in table.rows:
        kept = list(values)
        if id_index < len(kept) and kept[id_index]:
            kept[id_index] = masked(cell_text(kept[id_index]))
        report.raw_rows[row_no] = kept
        records.append((row_no, dict(zip(table.headers, values, strict=False))))
    return records, report


def _row_errors(row_no: int, error: Exception) -> list[RowError]:
    """A rejected row's errors, each naming the column (``HEADERS``) and the reason."""
    if isinstance(error, RowProblem):
        return [RowError(row_no, error.column, error.message)]
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return [
                RowError(row_no, HEADERS.get(field, ""), message)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        return [RowError(row_no, "", message) for message in error.messages]
    return [RowError(row_no, "", str(error) or "您无权导入该行")]


def _run(
    *,
    user,
    filename: str,
    content: bytes,
    dry_run: bool,
    all_or_nothing: bool,
    apply_row: Callable[[Any, dict[str, Any], ImportReport], None],
    finish: Callable[[ImportReport], None],
) -> ImportReport:
    """Every row in its savepoint, errors per row and column, then ``finish`` (the batches'
    表5-1) inside the same transaction, rolled back for a dry run."""
    records, report = _read(filename, content, dry_run)
    try:
        with transaction.atomic():
            for row_no, record in records:
                try:
                    with transaction.atomic():
                        apply_row(user, record, report)
                except (RowProblem, ValidationError, PermissionDenied) as error:
                    report.errors.extend(_row_errors(row_no, error))
            if not (all_or_nothing and report.errors):
                finish(report)
            if dry_run or (all_or_nothing and report.errors):
                raise _Rollback
            report.applied = True
    except _Rollback:
        pass
    return report


def finish(
    batches: list[ExamBatch],
    workers: set[int],
    report: ImportReport,
    *,
    refresh: Callable[[list[ExamBatch]], None] | None = None,
) -> None:
    """After the file's exams are written: the schedule of every worker examined in it (in
    batches of 5,000, ``workers_recompute_due``), then each batch's 应检 (``refresh``; default
    one ``batch_refresh_expected`` each) and its 表5-1 note."""
    for rhs in core_bulk.in_chunks(sorted(workers)):  # PostgreSQL: all of them in one run
        workers_recompute_due(queryset=Worker.objects.filter(pk__in=rhs))
    if refresh is not None:
        refresh(batches)
    else:
        for batch in batches:
            actions.batch_refresh_expected(batch)
    summaries = actions.batches_summary(batches)
    for batch in batches:
        counts = summaries[batch.pk]
        report.notes.append(
            f"{batch.enterprise.name}：应检{counts['expected']}人，实检{counts['examined']}人，"
            f"目前未见异常{counts['normal']}人，复查{counts['recheck']}人，疑似职业病{counts['suspected']}人，"
            f"职业禁忌证{counts['contraindication']}人，其他疾病或异常{counts['other']}人"
        )


class _State:
    """What the rows of one file share (row-by-row path): its batch per employer, the workers."""

    def __init__(self, *, user, filename: str) -> None:
        self.user = user
        self.filename = filename
        self.batches: dict[tuple[int, int], ExamBatch] = {}
        self.workers: set[int] = set()

    def batch(self, worker: Worker, institution: Institution) -> ExamBatch:
        key = (worker.enterprise_id, institution.pk)
        if key not in self.batches or not ExamBatch.objects.filter(pk=self.batches[key].pk).exists():
            # (a row rolled back to its savepoint may have taken the batch with it)
            self.batches[key] = actions._batch_for(
                user=self.user,
                enterprise_id=worker.enterprise_id,
                institution=institution,
                source=BatchSource.FILE,
                filename=self.filename,
            )
        return self.batches[key]

    def finish(self, report: ImportReport) -> None:
        kept = [b for b in self.batches.values() if ExamBatch.objects.filter(pk=b.pk).exists()]
        finish(kept, self.workers, report)


def parse_id(record: dict[str, Any], today) -> str:
    """The row's ID number, checked (GB 11643, ``rules.id_parse``)."""
    parsed, error = id_rules.id_parse(cell_text(record.get("身份证号")), on=today)
    if parsed is None:
        raise RowProblem("身份证号", error or "身份证号无效")
    return parsed.number


# how the roster's employments of one person are tried: current first, the latest hire first
WORKER_ORDER = ("leave_date", "-hire_date", "pk")


def choose_worker(found: list[Worker], record: dict[str, Any], number: str) -> Worker:
    """The worker a row means among the first employments of the ID number in the uploader's
    scope (``found``, in ``WORKER_ORDER``, already narrowed to the row's credit code if any): the
    one still employed, else the latest; the name, if given, must match the roster."""
    if not found:
        raise RowProblem(
            "身份证号",
            f"未找到身份证号为 {masked(number)} 的劳动者，或不在您的服务范围内（请先导入花名册）",
        )
    current = [w for w in found if w.leave_date is None]
    if len(current) > 1:
        raise RowProblem("统一社会信用代码", "该劳动者同时在多家单位在职，请填写用人单位统一社会信用代码")
    worker = current[0] if current else found[0]
    name = cell_text(record.get("姓名"))
    if name and _norm(name) != _norm(worker.name):
        raise RowProblem("姓名", f"与花名册中该身份证号的姓名不一致（花名册为“{worker.name}”）")
    return worker


def _worker(user, record: dict[str, Any]) -> Worker:
    number = parse_id(record, timezone.localdate())
    workers = Worker.objects.for_user(user) if user is not None else Worker.objects.all()
    candidates = workers.by_id_number(number).select_related("enterprise", "person")
    uscc = cell_text(record.get("统一社会信用代码")).upper()
    if uscc:
        candidates = candidates.filter(enterprise__uscc=uscc)
    return choose_worker(list(candidates.order_by(*WORKER_ORDER)[:5]), record, number)


def _own_institution(pk: int) -> Institution:
    return Institution.objects.get(pk=pk)


def _institution(
    user,
    record: dict[str, Any],
    *,
    find: Callable[[str], Institution | None] = find_institution,
    own: Callable[[int], Institution] = _own_institution,
) -> Institution:
    """The row's institution (name or credit code), or the uploader's own when the cell is empty."""
    text = cell_text(record.get("体检机构"))
    if text:
        institution = find(text)
        if institution is None:
            raise RowProblem("体检机构", f"机构登记中没有“{text}”")
        return institution
    own_id = access.own_institution_id(user) if user is not None else None
    if own_id is None:
        raise RowProblem("体检机构", "请填写体检机构名称或统一社会信用代码")
    return own(own_id)


@dataclass
class RowInput:
    """One row after its own checks: what ``actions.exam_record`` is then asked to record."""

    worker: Worker
    date: dt.date
    kind: str
    institution: Institution
    report_number: str
    result: dict[str, Any]


def check_row(
    user,
    record: dict[str, Any],
    *,
    worker_for: Callable[[Any, dict[str, Any]], Worker],
    factor_for: Callable[[str], HazardFactor | None],
    institution_for: Callable[[Any, dict[str, Any]], Institution],
    institution_check: Callable[[Any, Institution], None],
) -> RowInput:
    """The checks of one row, in order, each failure a ``RowProblem`` naming the column (the
    row-by-row path resolves with queries; ``bulk`` with the file's look-ups)."""
    worker = worker_for(user, record)
    date = _date(record.get("体检日期"), "体检日期")
    if date is None:
        raise RowProblem("体检日期", "请填写体检日期")
    kind_text = cell_text(record.get("体检类别"))
    kind = KINDS.get(_norm(kind_text))
    if kind is None:
        raise RowProblem("体检类别", f"应为 上岗前、在岗期间、离岗时 或 应急，实际为“{kind_text}”")
    factor_text = cell_text(record.get("危害因素"))
    factor = factor_for(factor_text)
    if factor is None:
        raise RowProblem("危害因素", f"未知的危害因素“{factor_text}”（应为分类目录中的名称或代码）")
    conclusion_text = cell_text(record.get("结论"))
    if conclusions.parse(conclusion_text) is None:
        raise RowProblem("结论", f"{conclusions.code_error(conclusion_text)}，实际为“{conclusion_text}”")
    institution = institution_for(user, record)
    institution_check(user, institution)
    return RowInput(
        worker=worker,
        date=date,
        kind=kind,
        institution=institution,
        report_number=cell_text(record.get("体检编号")),
        result={
            "factor": factor,
            "conclusion": conclusion_text,
            "items": cell_text(record.get("异常项目/疾病名称")),
            "recheck_items": cell_text(record.get("复查项目")),
            "recheck_by": _date(record.get("复查期限"), "复查期限"),
        },
    )


def created_label(row: RowInput, exam_kind_label: str) -> str:
    worker = row.worker
    return f"{worker.name}（{worker.id_number_masked}）· {exam_kind_label} {row.date} · {row.result['factor'].name}"


def _exam_row(user, record: dict[str, Any], report: ImportReport, state: _State) -> None:
    row = check_row(
        user,
        record,
        worker_for=_worker,
        factor_for=find_factor,
        institution_for=_institution,
        institution_check=actions.check_institution,
    )
    exam = actions.exam_record(
        user=user,
        worker=row.worker,
        date=row.date,
        kind=row.kind,
        institution=row.institution,
        report_number=row.report_number,
        source=BatchSource.FILE,
        batch=state.batch(row.worker, row.institution),
        recompute=False,
        results=[row.result],
    )
    state.workers.add(row.worker.pk)
    report.created.append(created_label(row, exam.get_kind_display()))

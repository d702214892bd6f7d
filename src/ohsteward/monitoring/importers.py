"""Import of measurements from .xlsx/.xls/.csv: the template (Chinese headers), or a laboratory's
export whose table starts after a few title rows (the header row is found), one row per post ×
factor or one row per sample (rows of the same report, post and factor are taken together).

Each post × factor goes through ``actions.measurement_record`` in a savepoint; errors name the row,
the column and the reason in Chinese; a dry run rolls everything back; the same file imported again
changes nothing (unchanged rows are counted as such).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.accounts import access
from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import SpreadsheetError, TemplateColumn, read_table, template_xlsx
from ohsteward.hazards.lookup import UnknownFactor, catalogue_factor
from ohsteward.hazards.models import HazardFactor
from ohsteward.institutions.models import Institution
from ohsteward.monitoring import actions, assess, bulk
from ohsteward.monitoring.calculator import service
from ohsteward.monitoring.choices import ReportKind, SamplingMode
from ohsteward.monitoring.models import DetectionReport, Measurement
from ohsteward.monitoring.rules import MonitoringRuleError, to_number
from ohsteward.registry.models import Enterprise

# (header, key, required, note); the key is the inputs field or a header field
COLUMNS: list[tuple[str, str, bool, str]] = [
    ("报告编号", "number", True, "同一报告的各行编号相同"),
    ("报告类型", "kind", True, "定期检测、现状评价、控制效果评价、监督检测、职业病危害因素监测项目"),
    ("检测机构信用代码", "institution", False, "机构用户可不填（默认为本机构）"),
    ("用人单位统一社会信用代码", "enterprise", True, "须为本机构服务的用人单位"),
    ("采样日期", "sampling_start", True, "如 2026-03-10"),
    ("报告日期", "issued_on", False, ""),
    ("车间", "workplace_name", True, "不存在时自动在单位名下新建"),
    ("岗位", "post_name", True, "不存在时自动新建"),
    ("危害因素", "factor", True, "目录名称、CDC代码或CAS号"),
    ("检测日期", "measured_on", False, "不填则为采样日期"),
    ("采样方式", "sampling_mode", False, "定点或个体"),
    ("检测值", "value", False, "浓度；低于检出限写 <LOD 或 <0.05"),
    ("采样时长(min)", "minutes", False, "与检测值对应"),
    ("检出限", "lod", False, "检测值为 <LOD 时必填"),
    ("短时间检测值", "short_value", False, "C_STE 或峰接触浓度用"),
    ("短时间采样时长(min)", "short_minutes", False, "不超过15 min"),
    ("C_TWA", "c_twa", False, "已计算的时间加权平均浓度（无分段数据时）"),
    ("C_ME", "c_me", False, "最高浓度（MAC 用）"),
    ("班次时长(h)", "shift_hours", False, ""),
    ("限值条件", "condition", False, "如 铅尘、铅烟"),
    ("游离SiO2含量(%)", "free_silica_percent", False, "粉尘"),
    ("粉尘类别", "dust_fraction", False, "总尘或呼尘"),
    ("体力劳动强度", "labour_intensity", False, "Ⅰ–Ⅳ级"),
    ("毒物危害程度", "toxicity", False, "轻度、中度、高度、极度（化学物分级用）"),
    ("L_Aeq(dB(A))", "noise_level", False, "噪声分段声级"),
    ("噪声接触时间(h)", "noise_hours", False, "与分段声级对应"),
    ("L_EX,8h(dB(A))", "l_ex_8h", False, "直接给出的8 h等效声级"),
    ("每周工作天数", "days_per_week", False, ""),
    ("WBGT(℃)", "wbgt", False, ""),
    ("接触时间率", "time_ratio", False, "0–1，或 75%"),
    ("a_hw(4)(m/s²)", "a_hw4", False, "手传振动"),
    ("工频电场(kV/m)", "e_field", False, ""),
    ("接触人数", "exposed_workers", False, "该岗位接触该因素的人数（与申报的接触人数比对）"),
]
HEADER_OF = {key: header for header, key, _r, _n in COLUMNS}
KEY_OF = {header: key for header, key, _r, _n in COLUMNS}
# what laboratory exports call the same columns
ALIASES = {
    "样品编号": "", "报告号": "报告编号", "检测报告编号": "报告编号", "单位信用代码": "用人单位统一社会信用代码",
    "统一社会信用代码": "用人单位统一社会信用代码", "车间/工作场所": "车间", "工作场所": "车间", "岗位/工种": "岗位",
    "工种": "岗位", "检测项目": "危害因素", "职业病危害因素": "危害因素", "浓度(mg/m3)": "检测值",
    "浓度(mg/m³)": "检测值", "检测结果": "检测值", "采样时间(min)": "采样时长(min)", "时长(min)": "采样时长(min)",
    "CTWA": "C_TWA", "C_TWA(mg/m3)": "C_TWA", "LEX,8h": "L_EX,8h(dB(A))", "L_EX,8h": "L_EX,8h(dB(A))",
    "WBGT": "WBGT(℃)", "WBGT指数(℃)": "WBGT(℃)", "游离二氧化硅含量(%)": "游离SiO2含量(%)",
}  # fmt: skip
REQUIRED = [h for h, _k, r, _n in COLUMNS if r]
KINDS = {label: value for value, label in ReportKind.choices} | {v: v for v in ReportKind.values}
MODES = {label: value for value, label in SamplingMode.choices} | {v: v for v in SamplingMode.values}
FRACTIONS = {"总尘": "total", "呼尘": "respirable", "total": "total", "respirable": "respirable"}
NUMERIC = (
    "c_twa",
    "c_me",
    "shift_hours",
    "free_silica_percent",
    "l_ex_8h",
    "days_per_week",
    "wbgt",
    "a_hw4",
    "e_field",
    "exposed_workers",
)
HEADER_SCAN_ROWS = 15  # a laboratory export's title block is at most this many rows


def _clean(value: Any) -> str:
    return "".join(str(value or "").split()).replace("（", "(").replace("）", ")").rstrip("*＊")


def _canonical(header: str) -> str:
    h = _clean(header)
    return ALIASES.get(h, h)


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


def find_header(
    headers: list[str], rows: list[tuple[int, list[Any]]]
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header row: the first row holding every required column (the template's is the first
    row; a lab export may have a title block above it)."""
    candidates = [
        (0, headers),
        *[(i + 1, [cell_text(v) for v in row]) for i, (_n, row) in enumerate(rows[:HEADER_SCAN_ROWS])],
    ]
    for index, names in candidates:
        canonical = [_canonical(n) for n in names]
        if all(r in canonical for r in REQUIRED):
            return canonical, rows[index:]
    missing = [r for r in REQUIRED if r not in [_canonical(n) for n in headers]]
    raise SpreadsheetError(
        f"缺少必需的列：{'、'.join(missing)}。请使用导入模板（表头可在前{HEADER_SCAN_ROWS}行内）。"
    )


def _num(record: dict[str, Any], key: str) -> float | None:
    text = cell_text(record.get(HEADER_OF[key]))
    if not text:
        return None
    if key == "time_ratio" and text.endswith("%"):
        try:
            return to_number(text[:-1], HEADER_OF[key]) / 100
        except MonitoringRuleError as e:
            raise RowProblem(HEADER_OF[key], str(e).split(": ", 1)[-1]) from None
    try:
        return to_number(text, HEADER_OF[key])
    except MonitoringRuleError as e:
        raise RowProblem(HEADER_OF[key], str(e).split(": ", 1)[-1]) from None


def _date(record: dict[str, Any], key: str, today=None):
    try:
        return parse_date(record.get(HEADER_OF[key]), today=today or timezone.localdate())
    except CellError as e:
        raise RowProblem(HEADER_OF[key], str(e)) from None


def _sample(record: dict[str, Any], value_key: str, minutes_key: str) -> dict[str, Any] | None:
    value = cell_text(record.get(HEADER_OF[value_key]))
    if not value:
        return None
    minutes = _num(record, minutes_key)
    if minutes is None:
        raise RowProblem(HEADER_OF[minutes_key], "填写了检测值但缺少采样时长")
    out: dict[str, Any] = {"value": value, "minutes": minutes}
    if value.startswith(("<", "＜")):
        lod = _num(record, "lod")
        if value.lstrip("<＜").strip().upper() in ("", "LOD", "检出限"):
            if lod is None:
                raise RowProblem("检出限", "检测值低于检出限（<LOD），须填写检出限数值")
            out["lod"] = lod
        out["value"] = "<" + value.lstrip("<＜").strip()
    else:
        try:
            to_number(value, HEADER_OF[value_key])
        except MonitoringRuleError as e:
            raise RowProblem(HEADER_OF[value_key], str(e).split(": ", 1)[-1]) from None
    return out


def _inputs(members: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """The judgement inputs of one post × factor from its rows (``RowProblem`` on a bad cell)."""
    record = members[0][1]
    inputs: dict[str, Any] = {}
    for key in NUMERIC:
        value = _num(record, key)
        if value is not None:
            inputs[key] = value
    ratio = _num(record, "time_ratio")
    if ratio is not None:
        inputs["time_ratio"] = ratio
    for key, table in (("sampling_mode", MODES), ("dust_fraction", FRACTIONS)):
        text = cell_text(record.get(HEADER_OF[key]))
        if text:
            if text not in table:
                raise RowProblem(HEADER_OF[key], f"无法识别“{text}”")
            inputs[key] = table[text]
    for key in ("condition", "labour_intensity", "toxicity"):
        text = cell_text(record.get(HEADER_OF[key]))
        if text:
            inputs[key] = text.removesuffix("级")
    samples, short, noise = [], [], []
    for row_no, member in members:
        try:
            s = _sample(member, "value", "minutes")
            t = _sample(member, "short_value", "short_minutes")
            level = _num(member, "noise_level")
            hours = _num(member, "noise_hours")
        except RowProblem as p:
            raise RowProblem(
                p.column, p.message if row_no == members[0][0] else f"（第{row_no}行）{p.message}"
            ) from None
        if s:
            samples.append(s)
        if t:
            if t["minutes"] > 15:
                raise RowProblem(HEADER_OF["short_minutes"], "短时间采样超过15 min，不能作为 C_STE")
            short.append(t)
        if level is not None:
            if hours is None:
                raise RowProblem(HEADER_OF["noise_hours"], "填写了声级但缺少接触时间")
            noise.append({"level": level, "hours": hours})
    if samples:
        inputs["samples"] = samples
    if short:
        inputs["short_samples"] = short
    if noise:
        inputs["noise_segments"] = noise
    return inputs


def _groups(rows, headers, report: ImportReport) -> dict[tuple, list[tuple[int, dict[str, Any]]]]:
    """The file's rows by report, employer, post, factor and date (one post × factor each)."""
    groups: dict[tuple, list[tuple[int, dict[str, Any]]]] = {}
    for row_no, values in rows:
        report.raw_rows[row_no] = values
        record = dict(zip(headers, values, strict=False))
        key = tuple(cell_text(record.get(HEADER_OF[k])) for k in
                    ("number", "enterprise", "workplace_name", "post_name", "factor", "measured_on"))  # fmt: skip
        groups.setdefault(key, []).append((row_no, record))
    return groups


# ---- the pure part of each post × factor, in worker processes for a large file ------------------

#: a file with at least this many post × factor groups is checked and judged in worker processes
#: (fewer: in this process; the results are the same either way)
POOL_MIN_GROUPS = 5000
POOL_CHUNK = 1000  # groups per task


@contextmanager
def _errors_of(report: ImportReport, row: int) -> Generator[None, None, None]:
    """A post × factor group's refusal as the row errors of its first row (both import paths)."""
    try:
        yield
    except RowProblem as p:
        report.errors.append(RowError(row, p.column, p.message))
    except ValidationError as error:
        for column, message in _messages(error):
            report.errors.append(RowError(row, column, message))
    except PermissionDenied as error:
        report.errors.append(RowError(row, HEADER_OF["enterprise"], str(error)))


@dataclass(frozen=True)
class Prepared:
    """What a post × factor's pure steps gave, computed ahead (possibly in a worker process):
    ``_inputs(members)``, ``assess.normalize_inputs`` of that, and the judgement
    (``bulk.judgement``) for the arguments in ``judged_for`` (factor id, measured_on, region) —
    each a value, or the error it raised as (column, message) / message. ``_plan`` takes each in the
    order it checks, raising the same errors, and uses the judgement only when its own arguments
    are these (otherwise it judges in this process)."""

    inputs: dict[str, Any] | None
    inputs_error: tuple[str, str] | None = None
    clean: dict[str, Any] | None = None
    clean_error: str | None = None
    judged_for: tuple[int, Any, str | None] | None = None
    judged: dict[str, Any] | None = None
    judged_error: str | None = None

    def get_inputs(self) -> dict[str, Any] | None:
        """The inputs, or ``None`` once their normal form is known (only that is used after)."""
        if self.inputs_error is not None:
            raise RowProblem(*self.inputs_error)
        return self.inputs

    def get_clean(self) -> dict[str, Any]:
        if self.clean_error is not None:
            raise MonitoringRuleError(self.clean_error)
        assert self.clean is not None
        return self.clean

    def judgement(self, factor_id: int, on, region: str | None) -> dict[str, Any] | None:
        """The judgement if it was computed for these arguments (``MonitoringRuleError`` as it
        raised), else ``None``."""
        if self.judged_for != (factor_id, on, region):
            return None
        if self.judged_error is not None:
            raise MonitoringRuleError(self.judged_error)
        return self.judged


def prepare(members: list[tuple[int, dict[str, Any]]], spec, lookup: bulk.Lookup) -> Prepared:
    """The pure steps of one post × factor (no query): its inputs, their normal form and — when
    ``spec`` (factor id, measured_on, region, key) names what the checks will most likely arrive at,
    ``lookup.memo`` holds its limit rows and region setting and the stored measurement of that key
    (if any) differs — the judgement. ``inputs`` travel back only with their error."""
    try:
        inputs = _inputs(members)
    except RowProblem as p:
        return Prepared(None, inputs_error=(p.column, p.message))
    try:
        clean = assess.normalize_inputs(inputs)
    except MonitoringRuleError as e:
        return Prepared(inputs, clean_error=str(e))
    if spec is None:
        return Prepared(None, clean=clean)
    factor_id, on, region, stored_key = spec
    spec = (factor_id, on, region)
    stored = lookup.measurements.get(stored_key)
    if stored is not None and stored[1] == clean and stored[2] == on:  # unchanged: no judgement needed
        return Prepared(None, clean=clean)
    match = lookup.matches[factor_id]
    if not service.memo_has(lookup.memo, match, on, region):
        return Prepared(None, clean=clean)
    try:
        judged = bulk.judgement(match, clean, on, region, lookup.editions, lookup.memo)
    except MonitoringRuleError as e:
        return Prepared(None, clean=clean, judged_for=spec, judged_error=str(e))
    return Prepared(None, clean=clean, judged_for=spec, judged=judged)


def _speculate(groups: list[list[tuple[int, dict[str, Any]]]], lookup: bulk.Lookup) -> list:
    """For each group, the (factor id, measured_on, region, stored measurement's key) its checks
    most likely arrive at —
    read from its first row and the lookup as ``_plan`` reads them, without the checks; ``None``
    where a cell does not read. A wrong guess costs a judgement in this process, never a result:
    ``Prepared.judgement`` is used only when ``_plan``'s own arguments are equal. The limit rows
    and region settings of every guess go into ``lookup.memo`` here (workers must not query)."""
    starts: dict[tuple[int, str], Any] = {}  # a new report takes its first group's sampling date
    out: list = []
    today = lookup.today
    for members in groups:
        record = members[0][1]
        spec = None
        factor = lookup.factors.get(cell_text(record.get(HEADER_OF["factor"])))
        enterprise = lookup.in_scope.get(cell_text(record.get(HEADER_OF["enterprise"])).upper())
        code = cell_text(record.get(HEADER_OF["institution"])).upper()
        institution = lookup.institutions.get(code) if code else lookup.own_institution
        if isinstance(factor, HazardFactor) and enterprise is not None and institution is not None:
            number = cell_text(record.get(HEADER_OF["number"]))
            report = lookup.reports.get((institution.pk, number))
            try:
                start = (
                    report.sampling_start
                    if report is not None
                    else starts.setdefault((institution.pk, number), _date(record, "sampling_start", today))
                )
                on = _date(record, "measured_on", today) or start
            except RowProblem:
                on = None
            if on is not None:
                region = enterprise.region_id
                workplace = cell_text(record.get(HEADER_OF["workplace_name"])).strip()
                post = cell_text(record.get(HEADER_OF["post_name"])).strip()
                stored_key = (institution.pk, number, enterprise.pk, workplace, post, factor.pk)
                spec = (factor.pk, on, region, stored_key)
                service.memo_fill(lookup.memo, lookup.matches[factor.pk], on, region, lookup.editions)
        out.append(spec)
    return out


_SHARED: tuple | None = None  # (groups, specs, lookup) for the forked workers: inherited, not sent


def _prepare_chunk(bounds: tuple[int, int]) -> list[Prepared]:
    assert _SHARED is not None
    groups, specs, lookup = _SHARED
    return [prepare(groups[i], specs[i], lookup) for i in range(*bounds)]


def pool_workers(groups: int) -> int:
    """Worker processes for a file of ``groups`` post × factor groups: 0 (this process) below
    ``POOL_MIN_GROUPS``, on one core, or where processes cannot be forked; else the cores (≤ 4)."""
    if groups < POOL_MIN_GROUPS or "fork" not in multiprocessing.get_all_start_methods():
        return 0
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return 0 if cores < 2 else min(cores, 4)


def prepared_groups(
    groups: list[list[tuple[int, dict[str, Any]]]], lookup: bulk.Lookup, workers: int, min_new: int = 1
) -> Generator[Prepared | None, None, None]:
    """One ``Prepared`` per group, in order: from ``workers`` forked processes (each inherits the
    file and the lookup; only the results travel back), or ``None`` per group with ``workers=0``
    (``_plan`` then runs the same steps itself) — also when fewer than ``min_new`` groups have
    no stored measurement yet (a re-import: few judgements to make)."""
    global _SHARED
    if workers <= 0:
        yield from (None for _ in groups)
        return
    specs = _speculate(groups, lookup)
    if sum(1 for s in specs if s is None or s[3] not in lookup.measurements) < min_new:
        yield from (None for _ in groups)
        return
    _SHARED = (groups, specs, lookup)
    try:
        context = multiprocessing.get_context("fork")
        bounds = [(i, min(i + POOL_CHUNK, len(groups))) for i in range(0, len(groups), POOL_CHUNK)]
        with context.Pool(workers) as pool:
            for chunk in pool.imap(_prepare_chunk, bounds):
                yield from chunk
    finally:
        _SHARED = None


class MeasurementImporter:
    template_filename = "检测结果导入模板.xlsx"

    def template(self, user=None) -> bytes:
        choices: dict[str, list[str]] = {
            "报告类型": [label for _v, label in ReportKind.choices],
            "采样方式": [label for _v, label in SamplingMode.choices],
            "粉尘类别": ["总尘", "呼尘"],
            "体力劳动强度": ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"],
        }
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), choices.get(h, ()), comment=note, width=18)
                for h, _k, req, note in COLUMNS
            ],
            notes=[
                "每行为一个岗位×危害因素的结果；也可每行一个样品，同一报告、车间、岗位和危害因素的各行合并计算。",
                "低于检出限的结果写 <LOD 并填写检出限，系统按删失数据保存，不以检出限的一半代替。",
                "重复导入同一文件不会产生变化。",
            ],
        )

    def run(
        self, *, user, filename, content, dry_run=True, all_or_nothing=True, progress=None, workers=None
    ) -> ImportReport:
        """The import of a file (page, CLI, background job): every post × factor checked as
        ``actions.measurement_record`` checks it, in the same order and with the same messages, but
        over a ``bulk.Lookup`` of the whole file; the writes in ``bulk.write`` (set operations in one
        transaction). A dry run does the same checks and writes nothing. ``workers``: processes
        for the pure steps of each post × factor (``prepared_groups``; default ``pool_workers``,
        0 = this process only) — the same result either way."""
        progress = progress or (lambda *a, **k: None)
        progress(5, "读取文件")
        table = read_table(filename, content)
        headers, rows = find_header(table.headers, table.rows)
        report = ImportReport(total_rows=len(rows), headers=headers, unit="条", dry_run=dry_run)
        groups = _groups(rows, headers, report)
        keys = bulk.FileKeys()
        for members in groups.values():
            record = members[0][1]
            keys.usccs.add(cell_text(record.get(HEADER_OF["enterprise"])).upper())
            keys.institutions.add(cell_text(record.get(HEADER_OF["institution"])).upper())
            keys.numbers.add(cell_text(record.get(HEADER_OF["number"])))
            keys.factors.add(cell_text(record.get(HEADER_OF["factor"])))
        keys.institutions.discard("")
        progress(15, "查找用人单位、报告与岗位")
        lookup = bulk.Lookup(user, keys)
        plan = bulk.Plan()
        progress(25, "校验与判定", 总数=len(groups))
        group_list = list(groups.values())
        auto = workers is None
        workers = pool_workers(len(group_list)) if auto else workers
        pending = prepared_groups(group_list, lookup, workers, POOL_MIN_GROUPS if auto else 1)
        try:
            for i, (members, prepared) in enumerate(zip(group_list, pending, strict=True)):
                if i and i % 5000 == 0:
                    progress(25 + 40 * i // len(groups), "校验与判定", 已处理=i, 总数=len(groups))
                with _errors_of(report, members[0][0]):
                    self._plan(user, members, lookup, plan, report, prepared)
        finally:
            pending.close()  # the worker processes end here, also on an unexpected error
        if dry_run or (all_or_nothing and report.errors):
            return report
        with transaction.atomic():
            bulk.write(plan, lookup, progress=progress)
        report.applied = True
        return report

    def _plan(
        self, user, members, lookup: bulk.Lookup, plan: bulk.Plan, report: ImportReport,
        prepared: Prepared | None = None,
    ) -> None:  # fmt: skip
        """One post × factor: the checks of ``_apply`` + ``actions.measurement_record``, in order
        (the pure steps taken from ``prepared`` when given: the same values and errors)."""
        record = members[0][1]
        today = lookup.today
        if not _date(record, "sampling_start", today):
            raise RowProblem(HEADER_OF["sampling_start"], "必填")
        factor_text = cell_text(record.get(HEADER_OF["factor"]))
        factor = lookup.factors.get(factor_text)
        if not factor_text.strip():
            raise RowProblem(HEADER_OF["factor"], "请填写危害因素")
        if not isinstance(factor, HazardFactor):
            raise RowProblem(HEADER_OF["factor"], str(factor))
        detection, pending = self._bulk_report(user, record, lookup)
        inputs = prepared.get_inputs() if prepared is not None else _inputs(members)
        if detection.pk is not None and user is not None and detection.pk not in lookup.reports_in_scope:
            raise access.OutOfScope()
        own = lookup.own_institution
        if own is not None and own.pk != detection.institution_id:
            raise PermissionDenied(actions.NOT_OWN_INSTITUTION)
        measured_on = _date(record, "measured_on", today) or detection.sampling_start
        if measured_on > today:
            raise ValidationError({"measured_on": "检测日期不能晚于今天"})
        if measured_on < detection.sampling_start or (
            detection.sampling_end and measured_on > detection.sampling_end
        ):
            raise ValidationError({"measured_on": "检测日期应在报告的采样日期内"})
        workplace_name = cell_text(record.get(HEADER_OF["workplace_name"])).strip()
        post_name = cell_text(record.get(HEADER_OF["post_name"])).strip()
        if not workplace_name:
            raise ValidationError({"workplace_name": "请填写车间/工作场所"})
        if not post_name:
            raise ValidationError({"post_name": "请填写岗位/工种"})
        kind = assess.kind_for(factor.category, factor.name)
        try:
            clean_inputs = (
                prepared.get_clean() if prepared is not None else assess.normalize_inputs(inputs or {})
            )
        except MonitoringRuleError as e:
            raise ValidationError({"inputs": str(e)}) from None
        enterprise = detection.enterprise
        report_key = (detection.institution_id, detection.number)
        key = (*report_key, enterprise.pk, workplace_name, post_name, factor.pk)
        planned = plan.measurements.get(key)
        stored = lookup.measurements.get(key)
        if planned:
            existing: Any = planned.measurement
        elif stored is not None:
            existing = bulk.Stored(*stored)
        else:
            existing = None
        if existing is not None and existing.inputs == clean_inputs and existing.measured_on == measured_on:
            report.unchanged += 1
            return
        if planned:
            measurement = planned.measurement
        elif stored is not None:
            measurement = bulk.blank_measurement(pk=stored[0], created_at=stored[3])
        else:
            measurement = bulk.blank_measurement()
        measurement.factor = factor
        measurement.enterprise = enterprise
        measurement.kind = kind
        measurement.measured_on = measured_on
        measurement.inputs = clean_inputs
        try:
            judged = prepared.judgement(factor.pk, measured_on, enterprise.region_id) if prepared else None
            if judged is None:
                bulk.judge_into(
                    measurement, lookup.matches[factor.pk], enterprise.region_id, lookup.editions, lookup.memo
                )
            else:
                actions.judgement_set(measurement, judged)
        except MonitoringRuleError as e:
            raise ValidationError({"inputs": str(e)}) from None
        # the group passed every check: its new report (if any) is now part of the file
        if pending:
            lookup.reports[report_key] = detection
            plan.new_reports[report_key] = detection
        new = planned.new if planned else existing is None
        plan.measurements[key] = bulk.Planned(
            measurement, report_key, (enterprise.pk, workplace_name, post_name), new
        )
        label = f"{workplace_name} / {post_name} × {factor.name}：{measurement.verdict}"
        if existing is None:
            report.created.append(label)
        else:
            report.updated.append(label)

    def _bulk_report(self, user, record, lookup: bulk.Lookup) -> tuple[DetectionReport, bool]:
        """``_find_report`` over the lookup: (the report, whether it is new to this file)."""
        number = cell_text(record.get(HEADER_OF["number"]))
        kind = KINDS.get(cell_text(record.get(HEADER_OF["kind"])))
        if kind is None:
            raise RowProblem(HEADER_OF["kind"], f"应为{'、'.join(ReportKind.labels)}之一")
        uscc = cell_text(record.get(HEADER_OF["enterprise"])).upper()
        enterprise = lookup.in_scope.get(uscc)
        if enterprise is None:
            raise RowProblem(HEADER_OF["enterprise"], actions.OUT_OF_SCOPE if uscc in lookup.known_usccs
                             else "没有该统一社会信用代码的用人单位")  # fmt: skip
        code = cell_text(record.get(HEADER_OF["institution"])).upper()
        if code:
            institution = lookup.institutions.get(code)
            if institution is None:
                raise RowProblem(HEADER_OF["institution"], "没有该信用代码的检测机构，或不在您的范围内")
        elif lookup.own_institution is not None:
            institution = lookup.own_institution
        else:
            raise RowProblem(HEADER_OF["institution"], "请填写检测机构信用代码")
        existing = lookup.reports.get((institution.pk, number))
        if existing is not None:
            if existing.enterprise_id != enterprise.pk:
                raise RowProblem(HEADER_OF["number"], f"报告编号 {number} 已用于另一用人单位")
            if existing.pk is not None and user is not None and existing.pk not in lookup.reports_in_scope:
                raise access.OutOfScope()
            return existing, False
        own = lookup.own_institution
        if own is not None and own.pk != institution.pk:
            raise PermissionDenied(actions.NOT_OWN_INSTITUTION)
        candidate = bulk.report_candidate(
            user=user, kind=kind, number=number, institution=institution, enterprise=enterprise,
            sampling_start=_date(record, "sampling_start", lookup.today),
            issued_on=_date(record, "issued_on", lookup.today),
        )  # fmt: skip
        return candidate, True

    def run_row_by_row(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        """Each post × factor through ``actions.measurement_record`` (the reference the bulk path is
        tested against; ~28 queries per post × factor)."""
        # per-run caches: the rows of one report share its header and most share a few factors
        self._reports: dict[tuple[str, ...], DetectionReport] = {}
        self._factors: dict[str, Any] = {}
        table = read_table(filename, content)
        headers, rows = find_header(table.headers, table.rows)
        report = ImportReport(total_rows=len(rows), headers=headers, unit="条", dry_run=dry_run)
        groups = _groups(rows, headers, report)
        try:
            with transaction.atomic():
                for members in groups.values():
                    with _errors_of(report, members[0][0]), transaction.atomic():
                        self._apply(user, members, report)
                if dry_run or (all_or_nothing and report.errors):
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report

    def _report(self, user, record: dict[str, Any]) -> DetectionReport:
        key = tuple(
            cell_text(record.get(HEADER_OF[k])) for k in ("number", "kind", "enterprise", "institution")
        )
        cached = self._reports.get(key)
        if cached is not None and DetectionReport.objects.filter(pk=cached.pk).exists():
            return cached
        self._reports[key] = self._find_report(user, record)
        return self._reports[key]

    def _find_report(self, user, record: dict[str, Any]) -> DetectionReport:
        number = cell_text(record.get(HEADER_OF["number"]))
        kind = KINDS.get(cell_text(record.get(HEADER_OF["kind"])))
        if kind is None:
            raise RowProblem(HEADER_OF["kind"], f"应为{'、'.join(ReportKind.labels)}之一")
        uscc = cell_text(record.get(HEADER_OF["enterprise"])).upper()
        employers = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
        enterprise = employers.filter(uscc=uscc).first()
        if enterprise is None:
            raise RowProblem(HEADER_OF["enterprise"], actions.OUT_OF_SCOPE if Enterprise.objects.filter(uscc=uscc).exists()
                             else "没有该统一社会信用代码的用人单位")  # fmt: skip
        code = cell_text(record.get(HEADER_OF["institution"])).upper()
        own = access.own_institution_id(user) if user is not None else None
        if code:
            institutions = (
                Institution.objects.for_user(user) if user is not None else Institution.objects.all()
            )
            institution = institutions.filter(uscc=code).first()
            if institution is None:
                raise RowProblem(HEADER_OF["institution"], "没有该信用代码的检测机构，或不在您的范围内")
        elif own is not None:
            institution = Institution.objects.get(pk=own)
        else:
            raise RowProblem(HEADER_OF["institution"], "请填写检测机构信用代码")
        existing = DetectionReport.objects.filter(institution=institution, number=number).first()
        if existing is not None:
            if existing.enterprise_id != enterprise.pk:
                raise RowProblem(HEADER_OF["number"], f"报告编号 {number} 已用于另一用人单位")
            access.require_in_scope(user, existing)
            return existing
        return actions.report_save(user=user, data={
            "kind": kind, "number": number, "institution": institution, "enterprise": enterprise,
            "sampling_start": _date(record, "sampling_start"), "issued_on": _date(record, "issued_on"),
        })  # fmt: skip

    def _apply(self, user, members: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
        record = members[0][1]
        if not _date(record, "sampling_start"):
            raise RowProblem(HEADER_OF["sampling_start"], "必填")
        factor_text = cell_text(record.get(HEADER_OF["factor"]))
        try:
            factor = self._factors.get(factor_text) or catalogue_factor(factor_text)
        except UnknownFactor as e:
            raise RowProblem(HEADER_OF["factor"], str(e)) from None
        self._factors[factor_text] = factor
        detection = self._report(user, record)
        inputs = _inputs(members)
        workplace_name = cell_text(record.get(HEADER_OF["workplace_name"]))
        post_name = cell_text(record.get(HEADER_OF["post_name"]))
        existed = Measurement.objects.filter(
            report=detection, factor=factor, post__workplace__name=workplace_name, post__name=post_name
        ).exists()
        measurement, changed = actions.measurement_record(
            user=user,
            report=detection,
            factor=factor,
            workplace_name=workplace_name,
            post_name=post_name,
            inputs=inputs,
            measured_on=_date(record, "measured_on"),
        )
        label = f"{measurement.post} × {factor.name}：{measurement.verdict}"
        if not changed:
            report.unchanged += 1
        elif existed:
            report.updated.append(label)
        else:
            report.created.append(label)


class _Rollback(Exception):
    pass


INPUT_COLUMNS: list[tuple[str, str]] = [
    ("短时间", "短时间检测值"), ("检出限", "检出限"), ("采样", "检测值"), ("检测值", "检测值"),
    ("游离SiO2", "游离SiO2含量(%)"), ("粉尘", "粉尘类别"), ("WBGT", "WBGT(℃)"), ("接触时间率", "接触时间率"),
    ("体力劳动强度", "体力劳动强度"), ("噪声", "L_Aeq(dB(A))"), ("L_EX", "L_EX,8h(dB(A))"), ("班次", "班次时长(h)"),
    ("限值条件", "限值条件"), ("C_TWA", "C_TWA"), ("振动", "a_hw(4)(m/s²)"), ("电场", "工频电场(kV/m)"),
    ("毒物", "毒物危害程度"),
]  # fmt: skip
FIELD_COLUMNS = {"measured_on": "检测日期", "number": "报告编号", "sampling_start": "采样日期",
                 "issued_on": "报告日期", "enterprise": "用人单位统一社会信用代码",
                 "workplace_name": "车间", "post_name": "岗位", "institution": "检测机构信用代码"}  # fmt: skip


def _column_for(message: str) -> str:
    return next((column for word, column in INPUT_COLUMNS if word in message), "")


def _messages(error: ValidationError) -> list[tuple[str, str]]:
    out = []
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                column = _column_for(message) if field == "inputs" else FIELD_COLUMNS.get(field, "")
                out.append((column, message))
    else:
        out = [(_column_for(m), m) for m in error.messages]
    return out


def measurement_import(**kwargs: Any) -> ImportReport:
    return MeasurementImporter().run(**kwargs)

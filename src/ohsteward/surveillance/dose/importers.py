"""Import of personal dose records from .xlsx/.xls/.csv: one row per worker and monitoring
period. The worker is found by ID number through the keyed hash among the workers the uploader
may see (an ID number appears in a message only masked); each row runs through
``actions.dose_record`` in a savepoint; a dry run (and an all-or-nothing import with errors) rolls
the whole file back, so the preview is what the import would do."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ohsteward.accounts import access
from ohsteward.core.cells import cell_text
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.institutions.models import Institution
from ohsteward.surveillance import rules as id_rules
from ohsteward.surveillance.dose import actions, rules
from ohsteward.surveillance.exams.importers import RowProblem, _date, _worker
from ohsteward.surveillance.exams.lookups import find_institution

COLUMNS = [
    ("身份证号", True, "18位居民身份证号；劳动者须已在用人单位花名册中"),
    ("姓名", False, "用于核对，与花名册不一致时报错"),
    ("统一社会信用代码", False, "劳动者同时在多家单位在职时填写"),
    ("监测周期开始", True, "如 2026-01-01；只填开始日期时按所在季度"),
    ("监测周期结束", False, "监测周期不是季度时填写"),
    ("Hp(10)", True, "个人剂量当量 Hp(10)，单位 mSv"),
    ("Hp(0.07)", False, "单位 mSv"),
    ("监测机构", False, "机构名称或统一社会信用代码；不填为本机构"),
    ("报告编号", False, ""),
]
HEADERS = {
    "worker": "身份证号",
    "period_start": "监测周期开始",
    "period_end": "监测周期结束",
    "hp10": "Hp(10)",
    "hp007": "Hp(0.07)",
    "institution": "监测机构",
    "report_number": "报告编号",
}


class _Rollback(Exception):
    pass


class DoseImporter:
    template_filename = "个人剂量监测结果导入模板.xlsx"

    def template(self, user=None) -> bytes:
        return template_xlsx(
            [TemplateColumn(h + ("*" if req else ""), (), comment=c, width=20) for h, req, c in COLUMNS],
            notes=[
                "一行为一名放射工作人员一个监测周期的剂量；监测周期缺省为季度。",
                "同一劳动者同一监测周期重复上传会被拒绝。",
                "超过调查水平的剂量会被标记（调查水平为设置项，未核对）。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        table = read_table(filename, content, required=["身份证号", "监测周期开始", "Hp(10)"])
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit="条", dry_run=dry_run
        )
        try:
            with transaction.atomic():
                id_col = list(table.headers).index("身份证号")
                for row_no, values in table.rows:
                    # the errors file keeps the rejected rows, the ID number masked
                    kept = list(values)
                    kept[id_col] = id_rules.id_mask(cell_text(kept[id_col])) if kept[id_col] else ""
                    report.raw_rows[row_no] = kept
                    record = dict(zip(table.headers, values, strict=False))
                    try:
                        with transaction.atomic():
                            dose = _row(user, record)
                        report.created.append(
                            f"{dose.worker.name}（{dose.worker.id_number_masked}）· "
                            f"{rules.period_label(dose.period_start)} · Hp(10) {dose.hp10} mSv"
                            + ("（超过调查水平）" if dose.above_investigation else "")
                        )
                    except RowProblem as problem:
                        report.errors.append(RowError(row_no, problem.column, problem.message))
                    except ValidationError as error:
                        for field, messages in error.message_dict.items():
                            for message in messages:
                                report.errors.append(RowError(row_no, HEADERS.get(field, ""), message))
                    except PermissionDenied as error:
                        report.errors.append(RowError(row_no, "", str(error) or "您无权导入该行"))
                if dry_run or (all_or_nothing and report.errors):
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report


def _institution(user, record: dict[str, Any]) -> Institution:
    text = cell_text(record.get("监测机构"))
    if text:
        institution = find_institution(text)
        if institution is None:
            raise RowProblem("监测机构", f"机构登记中没有“{text}”")
        return institution
    own = access.own_institution_id(user) if user is not None else None
    if own is None:
        raise RowProblem("监测机构", "请填写监测机构名称或统一社会信用代码")
    return Institution.objects.get(pk=own)


def _dose(record: dict[str, Any], column: str, required: bool):
    text = cell_text(record.get(column))
    if not text:
        if required:
            raise RowProblem(column, "不能为空")
        return None
    try:
        return float(text)
    except ValueError:
        raise RowProblem(column, f"“{text}”不是数字（单位 mSv）") from None


def _row(user, record: dict[str, Any]):
    worker = _worker(user, record)
    start = _date(record.get("监测周期开始"), "监测周期开始")
    if start is None:
        raise RowProblem("监测周期开始", "不能为空")
    end = _date(record.get("监测周期结束"), "监测周期结束")
    return actions.dose_record(
        user=user,
        worker=worker,
        institution=_institution(user, record),
        period_start=start,
        period_end=end,
        hp10=_dose(record, "Hp(10)", True),
        hp007=_dose(record, "Hp(0.07)", False),
        report_number=cell_text(record.get("报告编号")),
    )

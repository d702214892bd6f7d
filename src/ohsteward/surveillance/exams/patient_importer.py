"""Import of pneumoconiosis patients from the CDC system's list (.xlsx/.xls/.csv; issue 12 item 6):
one row per patient and disease. Each row runs through ``actions.patient_register_imported`` in a
savepoint — the person is matched on the ID number's keyed hash (the same identity as the worker
rosters), a patient already registered for the disease is updated. A dry run (and an
all-or-nothing import with errors) rolls the whole file back, so the preview is what the import
would do. The ID number never appears in full in a message, the preview or the errors file."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.hazards.models import OccupationalDisease
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region
from ohsteward.surveillance import rules as id_rules
from ohsteward.surveillance.exams import actions
from ohsteward.surveillance.exams.choices import PatientStatus

ID_COLUMN = "身份证号"
COLUMNS = [
    (ID_COLUMN, True, "18位居民身份证号；与劳动者花名册为同一身份"),
    ("姓名", True, ""),
    ("职业病名称", True, "诊断日期施行的职业病目录中的尘肺病名称，如 矽肺、煤工尘肺"),
    ("期别", False, "壹期、贰期、叁期"),
    ("诊断日期", True, "如 2024-06-18"),
    ("居住区县", True, "区县名称或代码，须在您的辖区内"),
    ("居住乡镇/街道", False, "乡镇/街道名称或代码，须属于居住区县"),
    ("状态", False, "存活、死亡；默认存活"),
    ("诊断时用人单位统一社会信用代码", False, "须已在平台登记"),
]
HEADERS = {
    "id_number": ID_COLUMN,
    "name": "姓名",
    "person": ID_COLUMN,
    "disease": "职业病名称",
    "stage": "期别",
    "diagnosed_on": "诊断日期",
    "district": "居住区县",
    "town": "居住乡镇/街道",
    "status": "状态",
    "enterprise": "诊断时用人单位统一社会信用代码",
}
STAGES = {
    "壹期": "壹期",
    "一期": "壹期",
    "Ⅰ期": "壹期",
    "I期": "壹期",
    "1期": "壹期",
    "贰期": "贰期",
    "二期": "贰期",
    "Ⅱ期": "贰期",
    "II期": "贰期",
    "2期": "贰期",
    "叁期": "叁期",
    "三期": "叁期",
    "Ⅲ期": "叁期",
    "III期": "叁期",
    "3期": "叁期",
}
STATUSES = {str(label): code for code, label in PatientStatus.choices} | {
    c: c for c, _ in PatientStatus.choices
}


class RowProblem(Exception):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


class _Rollback(Exception):
    pass


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split()).upper().replace("级", "期")


class PatientImporter:
    template_filename = "尘肺病患者导入模板.xlsx"

    def template(self, user=None) -> bytes:
        choices = {
            "期别": ["壹期", "贰期", "叁期"],
            "状态": [str(label) for _c, label in PatientStatus.choices],
        }
        return template_xlsx(
            [
                TemplateColumn(h + ("*" if req else ""), choices.get(h, ()), comment=c, width=20)
                for h, req, c in COLUMNS
            ],
            notes=[
                "每行一名尘肺病患者一个病种（来自疾控系统的患者名单）。同一身份证号同一病种已登记的将更新期别、居住地和状态。",
                "身份证号按 GB 11643 校验；与劳动者花名册中的同一人为同一身份；导入后只显示脱敏号码。",
                "职业病名称按诊断日期施行的《职业病分类和目录》核对；只收尘肺病。",
            ],
        )

    def run(self, *, user, filename, content, dry_run=True, all_or_nothing=True) -> ImportReport:
        table = read_table(filename, content, required=[h for h, req, _c in COLUMNS if req])
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit="人", dry_run=dry_run
        )
        id_index = table.headers.index(ID_COLUMN) if ID_COLUMN in table.headers else None
        try:
            with transaction.atomic():
                for row_no, values in table.rows:
                    kept = list(values)
                    if id_index is not None and id_index < len(kept) and kept[id_index]:
                        kept[id_index] = id_rules.id_mask(cell_text(kept[id_index]))
                    report.raw_rows[row_no] = kept
                    record = dict(zip(table.headers, values, strict=False))
                    try:
                        with transaction.atomic():
                            _row(user, record, report)
                    except RowProblem as problem:
                        report.errors.append(RowError(row_no, problem.column, problem.message))
                    except ValidationError as error:
                        for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
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


def _text(record: dict[str, Any], column: str, required: bool = False) -> str:
    text = cell_text(record.get(column))
    if required and not text:
        raise RowProblem(column, "不能为空")
    return text


def _district(text: str) -> Region:
    found = Region.objects.filter(level=RegionLevel.DISTRICT).filter(code=text).first() or (
        Region.objects.filter(level=RegionLevel.DISTRICT, name=text).order_by("code").first()
    )
    if found is None:
        raise RowProblem("居住区县", f"没有名为或代码为“{text}”的区县")
    return found


def _town(text: str, district: Region) -> Region | None:
    if not text:
        return None
    found = Region.objects.filter(level=RegionLevel.TOWN, parent=district).filter(code=text).first() or (
        Region.objects.filter(level=RegionLevel.TOWN, parent=district, name=text).order_by("code").first()
    )
    if found is None:
        raise RowProblem("居住乡镇/街道", f"{district.name}没有乡镇/街道“{text}”")
    return found


def _disease(text: str, on) -> OccupationalDisease:
    catalogue = OccupationalDisease.objects.in_force(on)
    found = (
        catalogue.filter(name=text).order_by("pk").first()
        or catalogue.filter(code=text).order_by("pk").first()
    )
    if found is None:
        near = list(catalogue.filter(name__contains=text).order_by("pk")[:2])
        found = near[0] if len(near) == 1 else None
    if found is None:
        raise RowProblem("职业病名称", f"{on:%Y-%m-%d}施行的职业病目录中没有“{text}”")
    return found


def _row(user, record: dict[str, Any], report: ImportReport) -> None:
    number = _text(record, ID_COLUMN, required=True)
    parsed, error = id_rules.id_parse(number, on=timezone.localdate())
    if parsed is None:
        raise RowProblem(ID_COLUMN, error or "")
    name = _text(record, "姓名", required=True)
    try:
        diagnosed_on = parse_date(record.get("诊断日期"))
    except CellError as exc:
        raise RowProblem("诊断日期", str(exc)) from None
    if diagnosed_on is None:
        raise RowProblem("诊断日期", "不能为空")
    disease = _disease(_text(record, "职业病名称", required=True), diagnosed_on)
    district = _district(_text(record, "居住区县", required=True))
    town = _town(_text(record, "居住乡镇/街道"), district)
    stage_text = _text(record, "期别")
    stage = STAGES.get(_norm(stage_text)) if stage_text else ""
    if stage is None:
        raise RowProblem("期别", "应为壹期、贰期或叁期")
    status_text = _text(record, "状态")
    status = STATUSES.get(status_text) if status_text else PatientStatus.ALIVE
    if status is None:
        raise RowProblem("状态", "应为存活或死亡")
    enterprise = None
    uscc = _text(record, "诊断时用人单位统一社会信用代码").upper()
    if uscc:
        scoped = Enterprise.objects.for_user(user) if user is not None else Enterprise.objects.all()
        enterprise = scoped.filter(uscc=uscc).first()
        if enterprise is None:
            raise RowProblem("诊断时用人单位统一社会信用代码", "未登记的用人单位或不在您的管辖范围内")
    patient, outcome = actions.patient_register_imported(
        user=user, id_number=parsed.number, name=name, disease=disease, diagnosed_on=diagnosed_on,
        district=district, town=town, stage=stage, status=status, enterprise=enterprise,
    )  # fmt: skip
    label = f"{name}（{id_rules.id_mask(parsed.number)}）· {disease.name}{stage} · {district.name}"
    if outcome == "created":
        report.created.append(label)
    elif outcome == "updated":
        report.updated.append(label)
    else:
        report.unchanged += 1

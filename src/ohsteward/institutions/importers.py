"""Import the institutions register from .xlsx/.csv: one row per institution, with at most one
qualification (资质证书/备案) per row (further rows with the same credit code add further
qualifications).

Every row goes through the same actions as the form (``institution_create``/``_update``,
``qualification_add``) inside a savepoint, so the import refuses exactly what the form refuses;
the action's field errors become "第N行 列名: 原因". A dry run (and an all-or-nothing run with
errors) rolls everything back. Upsert by credit code; a row equal to what is stored changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ohsteward.core import cells
from ohsteward.core.imports import Column, ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.institutions import actions, rules
from ohsteward.institutions.choices import (
    CapabilityMode,
    CardKind,
    InspectionResult,
    InstitutionKind,
    ProficiencyKind,
    ProficiencyOutcome,
    QualificationKind,
)
from ohsteward.institutions.models import (
    Institution,
    ProficiencyRound,
    QcInspection,
    Qualification,
    ReportCard,
)
from ohsteward.registry import rules as registry_rules
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Region

COLUMNS = [
    Column("统一社会信用代码", "uscc", True, ("信用代码", "USCC"), "18位，GB 32100 校验"),
    Column("机构名称", "name", True, ("名称", "单位名称")),
    Column(
        "机构类别",
        "kinds",
        True,
        ("类别", "机构类型"),
        "多个类别用、分隔，如 职业健康检查机构、职业病诊断机构",
    ),
    Column("所在省份", "province", False, ("省份",), "留空为重庆市"),
    Column("所在区县", "region", False, ("区县",), "本市机构的区县名称或6位代码"),
    Column("地址", "address", False, ()),
    Column("质量控制号", "qc_number", False, ("质控号",), "仅外省来渝机构"),
    Column("质量控制号发放日期", "qc_issued_on", False, ()),
    Column("能力确认方式", "capability_mode", False, (), "直接确认 / 达标确认 / 评估确认"),
    Column("能力确认日期", "capability_confirmed_on", False, ()),
    Column("能力确认依据", "capability_basis", False, ()),
    Column(
        "承担技术指导任务",
        "guidance_duty",
        False,
        (),
        "是 / 否：区县疾控中心、公立机构（每年指导50家以上用人单位）",
    ),
    Column("公立医疗卫生机构", "public", False, ("公立",), "是 / 否"),
    Column("甲级基层医疗卫生机构", "primary_grade_a", False, ("甲级基层",), "是 / 否"),
    Column("资质类型", "q_kind", False, (), "资质证书 / 备案"),
    Column("资质编号", "q_number", False, ("证书编号", "备案编号")),
    Column("业务范围", "q_scope", False, ("资质范围",)),
    Column("发证日期", "q_issued_on", False, ("备案日期",)),
    Column("有效期至", "q_valid_until", False, ()),
]
HEADER_OF = {c.key: c.header for c in COLUMNS}
ALIASES = {alias: c.header for c in COLUMNS for alias in c.aliases}
KIND_WORDS = {str(label): value for value, label in InstitutionKind.choices}
MODE_WORDS = {str(label): value for value, label in CapabilityMode.choices}
QUAL_WORDS = {str(label): value for value, label in QualificationKind.choices}
YES_NO = {"是": True, "否": False}
# which import column an action's field error belongs to
FIELD_COLUMN = {
    "uscc": "uscc",
    "name": "name",
    "kinds": "kinds",
    "province": "province",
    "region": "region",
    "address": "address",
    "qc_number": "qc_number",
    "qc_issued_on": "qc_issued_on",
    "capability_mode": "capability_mode",
    "capability_confirmed_on": "capability_confirmed_on",
    "capability_basis": "capability_basis",
    "guidance_duty": "guidance_duty",
    "public": "public",
    "primary_grade_a": "primary_grade_a",
    "kind": "q_kind",
    "number": "q_number",
    "scope_text": "q_scope",
    "issued_on": "q_issued_on",
    "valid_until": "q_valid_until",
}
EXAMPLE = {
    "uscc": "12500000MB1234567X",
    "name": "重庆市示例职业病防治院",
    "kinds": "职业健康检查机构、职业病诊断机构",
    "region": "渝中区",
    "capability_mode": "直接确认",
    "capability_confirmed_on": "2024-06-30",
    "q_kind": "备案",
    "q_number": "渝职检备2024001",
    "q_scope": "粉尘、化学因素、物理因素",
    "q_issued_on": "2024-01-15",
}


def _template_columns(
    columns, *, choices=None, wide=frozenset(), width: int = 16, example=None
) -> list[TemplateColumn]:
    """The template's columns: required headers starred, drop-downs from ``choices`` (key → words),
    30 wide for the ``wide`` keys, ``example`` values (key → value) on the example row."""
    choices, example = choices or {}, example or {}
    return [
        TemplateColumn(
            header=c.header + ("*" if c.required else ""),
            choices=choices.get(c.key, ()),
            comment=c.comment,
            width=30 if c.key in wide else width,
            example=example.get(c.key),
        )
        for c in columns
    ]


def institution_import_template() -> bytes:
    choices = {
        "kinds": [str(label) for _, label in InstitutionKind.choices],
        "capability_mode": list(MODE_WORDS),
        "q_kind": list(QUAL_WORDS),
        "guidance_duty": list(YES_NO),
        "public": list(YES_NO),
        "primary_grade_a": list(YES_NO),
        "region": list(
            Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code").values_list("name", flat=True)
        ),
    }
    cols = _template_columns(
        COLUMNS,
        choices={k: v for k, v in choices.items() if k != "kinds"},
        wide={"name", "kinds", "q_scope", "address"},
        example=EXAMPLE,
    )
    notes = [
        "带 * 的列必须填写；第2行为示例（灰色），导入前请删除或覆盖。",
        "按统一社会信用代码更新：已登记的机构会被更新，未登记的会新增。",
        "机构类别可填多个，用、分隔：" + "、".join(choices["kinds"]) + "。",
        "外省来渝机构填写所在省份和质量控制号（市疾控中心发放）及发放日期；本市机构不填质量控制号。",
        "一行可带一项资质（资质证书或备案）；同一机构有多项资质时，另起一行填写同一信用代码和资质信息。",
        "有效期至不能早于发证日期。",
    ]
    return template_xlsx(cols, notes=notes)


@dataclass
class _Row:
    row: int
    institution: dict[str, Any] = field(default_factory=dict)
    qualification: dict[str, Any] = field(default_factory=dict)


def _parse(row_no: int, raw: dict[str, Any], regions: dict[str, str], report: ImportReport) -> _Row | None:
    parsed = _Row(row_no)
    errors_before = len(report.errors)

    def error(key: str, message: str) -> None:
        report.errors.append(RowError(row_no, HEADER_OF[key], message))

    text = {c.key: cells.cell_text(raw.get(c.key)) for c in COLUMNS}
    code = registry_rules.uscc_clean(text["uscc"])
    problem = registry_rules.uscc_error(code)
    if problem:
        error("uscc", problem)
    parsed.institution["uscc"] = code
    if not text["name"]:
        error("name", "请填写机构名称")
    parsed.institution["name"] = text["name"][:200]
    kinds = [
        k.strip()
        for k in text["kinds"].replace("；", "、").replace(";", "、").replace(",", "、").split("、")
        if k.strip()
    ]
    unknown = [k for k in kinds if k not in KIND_WORDS and k not in KIND_WORDS.values()]
    if not kinds:
        error("kinds", "请填写机构类别")
    elif unknown:
        error("kinds", f"无法识别的机构类别“{'、'.join(unknown)}”，应为：" + "、".join(KIND_WORDS))
    order = [value for value, _ in InstitutionKind.choices]
    codes = list(dict.fromkeys(KIND_WORDS.get(k, k) for k in kinds))
    parsed.institution["kinds"] = sorted(codes, key=lambda k: order.index(k) if k in order else len(order))
    parsed.institution["province"] = text["province"] or rules.HOME_PROVINCE
    if text["region"]:
        code_ = regions.get(text["region"])
        if code_ is None:
            error("region", f"无法识别的区县“{text['region']}”")
        parsed.institution["region"] = code_
    for key in ("address", "qc_number", "capability_basis"):
        parsed.institution[key] = text[key]
    for key in ("guidance_duty", "public", "primary_grade_a"):
        if text[key]:
            if text[key] not in YES_NO:
                error(key, "应为：是 / 否")
            parsed.institution[key] = YES_NO.get(text[key], False)
    if text["capability_mode"]:
        mode = MODE_WORDS.get(text["capability_mode"])
        if mode is None:
            error("capability_mode", "应为：" + "、".join(MODE_WORDS))
        parsed.institution["capability_mode"] = mode or ""
    for key, target, allow_future in (
        ("qc_issued_on", parsed.institution, False),
        ("capability_confirmed_on", parsed.institution, False),
        ("q_issued_on", parsed.qualification, False),
        ("q_valid_until", parsed.qualification, True),
    ):
        try:
            value = cells.parse_date(raw.get(key), today=None if allow_future else _today())
        except cells.CellError as exc:
            error(key, str(exc))
            value = None
        target[key.removeprefix("q_")] = value
    if text["q_kind"] or text["q_number"]:
        kind = QUAL_WORDS.get(text["q_kind"])
        if kind is None:
            error("q_kind", "应为：资质证书 / 备案")
        if not text["q_number"]:
            error("q_number", "填写了资质类型，请填写资质编号")
        parsed.qualification.update(kind=kind or "", number=text["q_number"], scope_text=text["q_scope"])
    else:
        parsed.qualification = {}
    return parsed if len(report.errors) == errors_before else None


def _today():
    return timezone.localdate()


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The cells that were filled in: an empty optional cell keeps the stored value."""
    return {k: v for k, v in values.items() if v not in (None, "", [])}


def _changes(institution: Institution, values: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for key, value in _given(values).items():
        old = institution.region_id if key == "region" else getattr(institution, key)
        if old != value:
            changes[key] = [old, value]
    return changes


def institution_import(
    *, user, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
) -> ImportReport:
    """Check (``dry_run``) or apply an institutions list; raises ``SpreadsheetError`` if unreadable."""
    table = read_table(
        filename,
        content,
        required=[c.header for c in COLUMNS if c.required],
        header_aliases=ALIASES,
    )
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers, unit="家")
    key_of = {c.header: c.key for c in COLUMNS}
    regions = {
        name: code
        for code, name in Region.objects.filter(level=RegionLevel.DISTRICT).values_list("code", "name")
    }
    regions.update({code: code for code in regions.values()})
    seen: set[str] = set()
    with transaction.atomic():
        for row_no, values in table.rows:
            report.raw_rows[row_no] = list(values)
            raw = {key_of[h]: v for h, v in zip(table.headers, values, strict=False) if h in key_of}
            if all(cells.cell_text(raw.get(k)) == cells.cell_text(v) for k, v in EXAMPLE.items()):
                report.notes.append(f"第{row_no}行为模板示例行，已跳过")
                continue
            parsed = _parse(row_no, raw, regions, report)
            if parsed is None:
                continue
            _apply_row(parsed, user, report, seen)
        if dry_run or (all_or_nothing and report.errors):
            transaction.set_rollback(True)
            report.applied = False
        else:
            report.applied = True
    return report


def _visible(model, user):
    """The rows of ``model`` a row of the file may name: what the importing user sees (None: the
    system, everything). Another district's institution is "not in the register" for the user."""
    return model.objects.all() if user is None else model.objects.for_user(user)


def _error_rows(report: ImportReport, row_no: int, exc: ValidationError, column_of: dict[str, str]) -> None:
    for name, messages in exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]:
        for message in messages:
            report.errors.append(RowError(row_no, column_of.get(name, ""), message))


# --------------------------------------------------------------------------------------------
# Proficiency results: one row per institution and round (year + scheme)
# --------------------------------------------------------------------------------------------

RESULT_COLUMNS = [
    Column("年度", "year", True, ()),
    Column(
        "类别",
        "kind",
        True,
        ("能力验证类别",),
        "噪声检测与评价能力验证 / 实验室检测能力比对 / 采样人员能力考核",
    ),
    Column("统一社会信用代码", "uscc", True, ("信用代码",)),
    Column("机构名称", "name", False, (), "仅供核对，不导入"),
    Column("结果", "outcome", False, (), "满意 / 可疑 / 不满意；留空时按 z 比分数判定"),
    Column("z比分数", "z_score", False, ("z 比分数", "Z比分数", "z值")),
]
RESULT_HEADER = {c.key: c.header for c in RESULT_COLUMNS}
PROFICIENCY_WORDS = {str(label): value for value, label in ProficiencyKind.choices}
OUTCOME_WORDS = {str(label): value for value, label in ProficiencyOutcome.choices}


def proficiency_result_template() -> bytes:
    choices = {"kind": list(PROFICIENCY_WORDS), "outcome": list(OUTCOME_WORDS)}
    cols = _template_columns(RESULT_COLUMNS, choices=choices, wide={"kind", "name"})
    notes = [
        "带 * 的列必须填写。每行为一家机构在一个轮次（年度 + 类别）中的结果。",
        "机构须已列入该轮名单，否则该行不导入。",
        "结果留空时按 z 比分数判定：|z|≤2 满意，2<|z|<3 可疑，|z|≥3 不满意；两者都填时须一致。",
    ]
    return template_xlsx(cols, notes=notes)


def proficiency_result_import(
    *, user, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
) -> ImportReport:
    """Record proficiency results from a file through ``actions.proficiency_result_record``."""
    table = read_table(
        filename,
        content,
        required=[c.header for c in RESULT_COLUMNS if c.required],
        header_aliases={a: c.header for c in RESULT_COLUMNS for a in c.aliases},
    )
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers, unit="条")
    key_of = {c.header: c.key for c in RESULT_COLUMNS}
    column_of = {"institution": RESULT_HEADER["uscc"], "outcome": RESULT_HEADER["outcome"]}
    with transaction.atomic():
        for row_no, values in table.rows:
            report.raw_rows[row_no] = list(values)
            raw = {
                key_of[h]: cells.cell_text(v)
                for h, v in zip(table.headers, values, strict=False)
                if h in key_of
            }
            before = len(report.errors)

            def error(key: str, message: str, row_no: int = row_no) -> None:
                report.errors.append(RowError(row_no, RESULT_HEADER[key], message))

            year = raw.get("year", "")
            kind = PROFICIENCY_WORDS.get(raw.get("kind", ""), raw.get("kind", ""))
            if not year.isdigit():
                error("year", "年度应为4位数字")
            if kind not in PROFICIENCY_WORDS.values():
                error("kind", "应为：" + " / ".join(PROFICIENCY_WORDS))
            outcome = OUTCOME_WORDS.get(raw.get("outcome", ""), "")
            if raw.get("outcome") and not outcome:
                error("outcome", "应为：满意 / 可疑 / 不满意")
            z = None
            if raw.get("z_score"):
                try:
                    z = float(raw["z_score"])
                except ValueError:
                    error("z_score", f"无法识别的数值“{raw['z_score']}”")
            institution = (
                _visible(Institution, user)
                .filter(uscc=registry_rules.uscc_clean(raw.get("uscc", "")))
                .first()
            )
            if institution is None:
                error("uscc", "该统一社会信用代码不在机构名录中")
            rounds = (
                list(_visible(ProficiencyRound, user).filter(year=int(year), kind=kind))
                if year.isdigit()
                else []
            )
            if len(report.errors) == before and len(rounds) != 1:
                error(
                    "kind",
                    "该年度没有此类别的轮次"
                    if not rounds
                    else "该年度此类别有多个轮次，请在轮次页面逐条录入",
                )
            if len(report.errors) > before:
                continue
            try:
                with transaction.atomic():
                    entry = actions.proficiency_result_record(
                        user=user, round=rounds[0], institution=institution, outcome=outcome, z_score=z
                    )
                report.updated.append(entry)
            except ValidationError as exc:
                _error_rows(report, row_no, exc, column_of)
            except PermissionDenied as exc:
                report.errors.append(RowError(row_no, "", str(exc) or "您无权录入能力验证结果"))
        if dry_run or (all_or_nothing and report.errors):
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


# --------------------------------------------------------------------------------------------
# QC results: one row per institution and year, recorded on its inspection of that year
# --------------------------------------------------------------------------------------------

QC_COLUMNS = [
    Column("年度", "year", True, ()),
    Column("统一社会信用代码", "uscc", True, ("信用代码",)),
    Column("机构名称", "name", False, (), "仅供核对，不导入"),
    Column("检查日期", "inspected_on", True, ()),
    Column("评分", "score", True, ("得分",), "百分制"),
    Column("结论", "result", True, (), "合格 / 不合格"),
    Column("发现的问题", "findings", False, ("问题",), "结论为不合格时必须填写"),
    Column("检查项目", "items", False, (), "多项用；分隔"),
]
QC_HEADER = {c.key: c.header for c in QC_COLUMNS}
RESULT_WORDS = {str(label): value for value, label in InspectionResult.choices}


def _score(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    return value.quantize(Decimal("0.1")) if 0 <= value <= 100 else None


def qc_result_template() -> bytes:
    cols = _template_columns(
        QC_COLUMNS, choices={"result": list(RESULT_WORDS)}, wide={"name", "findings", "items"}
    )
    notes = [
        "带 * 的列必须填写。每行为一家机构本年度一次质控检查的结果，录入到该机构本年度待检查（或已检查）的记录上。",
        "机构须已列入本年度质控计划（或已添加质控检查），否则该行不导入。",
    ]
    return template_xlsx(cols, notes=notes)


def qc_result_import(
    *, user, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
) -> ImportReport:
    """Record QC results from a file through ``actions.qcinspection_record``."""
    table = read_table(
        filename,
        content,
        required=[c.header for c in QC_COLUMNS if c.required],
        header_aliases={a: c.header for c in QC_COLUMNS for a in c.aliases},
    )
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers, unit="次")
    key_of = {c.header: c.key for c in QC_COLUMNS}
    column_of = {k: QC_HEADER[k] for k in ("inspected_on", "score", "result", "findings", "items")}
    with transaction.atomic():
        for row_no, values in table.rows:
            report.raw_rows[row_no] = list(values)
            raw = {key_of[h]: v for h, v in zip(table.headers, values, strict=False) if h in key_of}
            text = {k: cells.cell_text(v) for k, v in raw.items()}
            before = len(report.errors)

            def error(key: str, message: str, row_no: int = row_no) -> None:
                report.errors.append(RowError(row_no, QC_HEADER[key], message))

            year = text.get("year", "")
            if not year.isdigit():
                error("year", "年度应为4位数字")
            try:
                inspected_on = cells.parse_date(raw.get("inspected_on"), today=_today())
            except cells.CellError as exc:
                error("inspected_on", str(exc))
                inspected_on = None
            score = _score(text.get("score", ""))
            if text.get("score") and score is None:
                error("score", f"评分应为 0 到 100 之间的数字，实际为“{text['score']}”")
            result = RESULT_WORDS.get(text.get("result", ""))
            if result is None:
                error("result", "应为：合格 / 不合格")
            inspections = (
                list(
                    _visible(QcInspection, user)
                    .filter(year=int(year), institution__uscc=registry_rules.uscc_clean(text.get("uscc", "")))
                    .order_by("pk")[:2]
                )
                if year.isdigit()
                else []
            )
            if year.isdigit() and not inspections:
                error("uscc", "该机构本年度没有质控检查记录，请先列入质控计划")
            elif len(inspections) > 1:
                error("uscc", "该机构本年度有多次质控检查，请在检查页面逐条录入")
            if len(report.errors) > before:
                continue
            data = {
                "inspected_on": inspected_on,
                "score": score,
                "result": result,
                "findings": text.get("findings", ""),
                "items": "\n".join(
                    i.strip() for i in text.get("items", "").replace(";", "；").split("；") if i.strip()
                ),
            }
            try:
                with transaction.atomic():
                    report.updated.append(
                        actions.qcinspection_record(user=user, inspection=inspections[0], data=data)
                    )
            except ValidationError as exc:
                _error_rows(report, row_no, exc, column_of)
            except PermissionDenied as exc:
                report.errors.append(RowError(row_no, "", str(exc) or "您无权录入质控结果"))
        if dry_run or (all_or_nothing and report.errors):
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


def _apply_row(parsed: _Row, user, report: ImportReport, seen: set[str]) -> None:
    code = parsed.institution["uscc"]
    try:
        with transaction.atomic():
            existing = Institution.objects.filter(uscc=code).first()
            if existing is None:
                data = dict(parsed.institution)
                data["region"] = Region.objects.get(code=data["region"]) if data.get("region") else None
                institution = actions.institution_create(user=user, data=data)
                report.created.append(institution)
                changed = True
            else:
                changes = _changes(existing, parsed.institution)
                institution = existing
                if changes:
                    data = _given(parsed.institution)
                    if "region" in data:
                        data["region"] = Region.objects.get(code=data["region"])
                    institution = actions.institution_update(user=user, institution=existing, data=data)
                changed = bool(changes)
            q = parsed.qualification
            if (
                q
                and not Qualification.objects.filter(
                    institution=institution, kind=q["kind"], number=q["number"]
                ).exists()
            ):
                actions.qualification_add(user=user, institution=institution, data=q)
                changed = True
            if existing is not None and code not in seen:
                if changed:
                    report.updated.append(institution)
                else:
                    report.unchanged += 1
            elif existing is not None and changed and institution not in report.updated:
                report.updated.append(institution)
            seen.add(code)
    except ValidationError as exc:
        _error_rows(report, parsed.row, exc, {name: HEADER_OF[key] for name, key in FIELD_COLUMN.items()})
    except PermissionDenied as exc:
        report.errors.append(RowError(parsed.row, "", str(exc) or "您无权导入机构名录"))


# --------------------------------------------------------------------------------------------
# Performance evaluation scores: one row per institution and year, one column per checklist item
# --------------------------------------------------------------------------------------------


def _evaluation_columns() -> list[Column]:
    checklist = rules.load_checklist()
    return [
        Column("年度", "year", True, ()),
        Column("统一社会信用代码", "uscc", True, ("信用代码",)),
        Column("机构名称", "name", False, (), "仅供核对，不导入"),
        Column("评估日期", "evaluated_on", True, ()),
        *[
            Column(f"{i.code}得分", f"score_{i.code}", True, (i.code,), f"{i.label}，满分 {i.max_points:g}")
            for i in checklist.items
        ],
        *[Column(f"{i.code}评分依据", f"evidence_{i.code}", False, ()) for i in checklist.items],
        Column("评估说明", "note", False, ("备注",)),
    ]


def evaluation_template() -> bytes:
    checklist = rules.load_checklist()
    cols = [
        TemplateColumn(
            header=c.header + ("*" if c.required else ""),
            comment=c.comment,
            width=30 if c.key in {"name", "note"} or c.key.startswith("evidence_") else 14,
        )
        for c in _evaluation_columns()
    ]
    label = checklist.version if checklist.verified else f"{checklist.version}（未核对）"
    notes = [
        f"绩效评估评分表 {label}：每行为一家机构一个年度的评估，每个条目一列得分（0 至满分）。",
        "同一机构同一年度再次导入时替换原评估。总分按评分表的权重计算。",
    ]
    return template_xlsx(cols, notes=notes)


def evaluation_import(
    *, user, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
) -> ImportReport:
    """Record evaluations from a file through ``actions.performance_evaluation_record``."""
    columns = _evaluation_columns()
    header = {c.key: c.header for c in columns}
    table = read_table(
        filename,
        content,
        required=[c.header for c in columns if c.required],
        header_aliases={a: c.header for c in columns for a in c.aliases},
    )
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers, unit="家")
    key_of = {c.header: c.key for c in columns}
    checklist = rules.load_checklist()
    column_of = {f"score_{i.code}": header[f"score_{i.code}"] for i in checklist.items}
    column_of.update(evaluated_on="评估日期", institution="统一社会信用代码", total="评估说明")
    with transaction.atomic():
        for row_no, values in table.rows:
            report.raw_rows[row_no] = list(values)
            raw = {key_of[h]: v for h, v in zip(table.headers, values, strict=False) if h in key_of}
            text = {k: cells.cell_text(v) for k, v in raw.items()}
            before = len(report.errors)

            def error(key: str, message: str, row_no: int = row_no) -> None:
                report.errors.append(RowError(row_no, header[key], message))

            year = text.get("year", "")
            if not (year.isdigit() and len(year) == 4):
                error("year", "年度应为4位数字")
            try:
                evaluated_on = cells.parse_date(raw.get("evaluated_on"), today=_today())
            except cells.CellError as exc:
                error("evaluated_on", str(exc))
                evaluated_on = None
            institution = (
                (Institution.objects.for_user(user) if user is not None else Institution.objects.all())
                .filter(uscc=registry_rules.uscc_clean(text.get("uscc", "")))
                .first()
            )
            if institution is None:
                error("uscc", "该统一社会信用代码不在机构名录中")
            scores: dict[str, tuple[Decimal | None, str]] = {}
            for item in checklist.items:
                cell = text.get(f"score_{item.code}", "")
                try:
                    value = Decimal(cell) if cell else None
                except InvalidOperation:
                    error(f"score_{item.code}", f"无法识别的分数“{cell}”")
                    continue
                scores[item.code] = (value, text.get(f"evidence_{item.code}", ""))
            if len(report.errors) > before or institution is None or evaluated_on is None:
                continue
            try:
                with transaction.atomic():
                    report.updated.append(
                        actions.performance_evaluation_record(
                            user=user,
                            institution=institution,
                            year=int(year),
                            evaluated_on=evaluated_on,
                            scores=scores,
                            note=text.get("note", ""),
                        )
                    )
            except ValidationError as exc:
                _error_rows(report, row_no, exc, column_of)
            except PermissionDenied as exc:
                report.errors.append(RowError(row_no, "", str(exc) or "您无权录入绩效评估"))
        if dry_run or (all_or_nothing and report.errors):
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report


# --------------------------------------------------------------------------------------------
# Report-card filings: one row per card an institution filed (issue 9 item 3)
# --------------------------------------------------------------------------------------------

CARD_COLUMNS = [
    Column("统一社会信用代码", "uscc", True, ("信用代码",), "报送机构"),
    Column("机构名称", "name", False, (), "仅供核对，不导入"),
    Column("报告卡类别", "kind", True, (), "技术服务信息报送卡 / 职业健康检查个案卡 / 职业病诊断个案卡"),
    Column("服务记录", "activity", True, ("服务记录编号",), "如“检测报告 JC2026-001”，或服务记录编号"),
    Column("报送日期", "reported_on", True, ("报送时间",)),
]
CARD_HEADER = {c.key: c.header for c in CARD_COLUMNS}
CARD_WORDS = {str(label): value for value, label in CardKind.choices}


def card_filing_template() -> bytes:
    cols = _template_columns(
        CARD_COLUMNS, choices={"kind": list(CARD_WORDS)}, wide={"name", "activity"}, width=18
    )
    notes = [
        "带 * 的列必须填写。每行为机构已报送的一张信息报告卡。",
        "服务记录须是该机构已开展的服务（检测报告、体检批次或诊断，见“信息报告卡”列表的“服务记录”列），否则该行不导入。",
        "已按相同日期报送的报告卡再次导入不作改动；日期不同的不导入。",
    ]
    return template_xlsx(cols, notes=notes)


def _cards_of_activity(cards, activity: str) -> list[ReportCard]:
    """The institution's cards (of one kind) the 服务记录 cell names: by label, else by record number."""
    found = list(cards.filter(activity_label=activity).order_by("pk")[:2])
    if not found and activity.isdigit():
        found = list(cards.filter(activity_id=int(activity)).order_by("pk")[:2])
    return found


def card_filing_import(
    *, user, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
) -> ImportReport:
    """Record report-card filings from a file through ``actions.card_file``. A card already filed
    on the same date is unchanged (a re-import changes nothing)."""
    table = read_table(
        filename,
        content,
        required=[c.header for c in CARD_COLUMNS if c.required],
        header_aliases={a: c.header for c in CARD_COLUMNS for a in c.aliases},
    )
    report = ImportReport(total_rows=len(table.rows), dry_run=dry_run, headers=table.headers, unit="张")
    key_of = {c.header: c.key for c in CARD_COLUMNS}
    column_of = {"activity": CARD_HEADER["activity"], "kind": CARD_HEADER["kind"]}
    column_of.update({"reported_on": CARD_HEADER["reported_on"]})
    seen: set[int] = set()
    with transaction.atomic():
        for row_no, values in table.rows:
            report.raw_rows[row_no] = list(values)
            raw = {key_of[h]: v for h, v in zip(table.headers, values, strict=False) if h in key_of}
            text = {k: cells.cell_text(v) for k, v in raw.items()}
            before = len(report.errors)

            def error(key: str, message: str, row_no: int = row_no) -> None:
                report.errors.append(RowError(row_no, CARD_HEADER[key], message))

            kind = CARD_WORDS.get(text.get("kind", ""))
            if kind is None:
                error("kind", "应为：" + " / ".join(CARD_WORDS))
            try:
                reported_on = cells.parse_date(raw.get("reported_on"), today=_today())
            except cells.CellError as exc:
                error("reported_on", str(exc))
                reported_on = None
            institution = (
                _visible(Institution, user)
                .filter(uscc=registry_rules.uscc_clean(text.get("uscc", "")))
                .first()
            )
            if institution is None:
                error("uscc", "机构名册中没有此统一社会信用代码")
            activity = text.get("activity", "")
            cards: list[ReportCard] = []
            if institution is not None and kind is not None:
                cards = _cards_of_activity(
                    ReportCard.objects.filter(institution=institution, kind=kind), activity
                )
                if not cards:
                    error("activity", actions.NOT_PERFORMED)
                elif len(cards) > 1:
                    error("activity", "有多条同名服务记录，请填写服务记录编号")
                elif cards[0].pk in seen:
                    error("activity", "文件中已有该报告卡的另一行")
            if len(report.errors) > before:
                continue
            card = cards[0]
            seen.add(card.pk)
            if card.reported_on is not None and card.reported_on == reported_on:
                report.unchanged += 1
                continue
            try:
                with transaction.atomic():
                    report.updated.append(
                        actions.card_file(
                            user=user,
                            institution=institution,
                            activity_app=card.activity_app,
                            activity_id=card.activity_id,
                            kind=card.kind,
                            reported_on=reported_on,
                        )
                    )
            except ValidationError as exc:
                _error_rows(report, row_no, exc, column_of)
            except PermissionDenied as exc:
                report.errors.append(RowError(row_no, "", str(exc) or "您无权报送信息报告卡"))
        if dry_run or (all_or_nothing and report.errors):
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report

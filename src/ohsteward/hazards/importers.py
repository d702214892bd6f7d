"""Import of exposure limits as a dated edition: GBZ 2.1-2019 表1 (chemicals) and 表2 (dusts),
and their amendments, from .xlsx/.xls/.csv with the standard's columns (issue 11 item 7).

One file row is one line of the standard's table: 中文名, 英文名, CAS号, MAC / PC-TWA / PC-STEL
(表1) or PC-TWA 总尘 / 呼尘 (表2), 条件 (游离SiO₂ bands, 铅尘/铅烟 …), 临界不良健康效应, 备注 (皮, 敏,
G1, G2A, G2B …). It becomes one ``ExposureLimit`` per limit given, in the edition the row names
(版本, 施行日期, …; created when new). A row's limits are keyed by (edition, name, limit type,
condition): re-importing the same file changes nothing; a changed value is an update the dry run
shows beside the old one. Rows of the edition that the file does not mention are left as they are.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ohsteward.core.cells import CellError, cell_text, parse_date
from ohsteward.core.imports import ImportReport, RowError
from ohsteward.core.spreadsheets import TemplateColumn, read_table, template_xlsx
from ohsteward.hazards.choices import EditionKind, HazardCategory
from ohsteward.hazards.models import ExposureLimit, ExposureLimitEdition, HazardFactor

NAME, NAME_EN, CAS, MAC, TWA, STEL = "中文名", "英文名", "CAS号", "MAC", "PC-TWA", "PC-STEL"
TOTAL, RESP = "PC-TWA(总尘)", "PC-TWA(呼尘)"
TABLE, CONDITION, UNIT, EFFECT, NOTES = "表", "条件", "单位", "临界不良健康效应", "备注"
STANDARD, VERSION, KIND, EFFECTIVE, EFFECTIVE_TO, SOURCE, VERIFIED = (
    "标准",
    "版本",
    "版本类型",
    "施行日期",
    "废止日期",
    "来源",
    "已核对官方文本",
)
REQUIRED = (NAME, VERSION, EFFECTIVE)
HEADER_ALIASES = {
    "中文名称": NAME,
    "名称": NAME,
    "英文名称": NAME_EN,
    "CAS": CAS,
    "CASNo.": CAS,
    "CAS编号": CAS,
    "总尘": TOTAL,
    "PC-TWA总尘": TOTAL,
    "呼尘": RESP,
    "PC-TWA呼尘": RESP,
    "MAC(mg/m3)": MAC,
    "PC-TWA(mg/m3)": TWA,
    "PC-STEL(mg/m3)": STEL,
    "OELs(mg/m3)MAC": MAC,
    "临界不良健康效应(criticaladversehealtheffect)": EFFECT,
}
DEFAULT_UNIT = "mg/m3"
YES = {"是", "y", "yes", "1", "已核对", "true"}
NO = {"否", "n", "no", "0", "未核对", "false", ""}
#: 备注 tokens of GBZ 2.1-2019 (皮 skin, 敏 sensitiser, IARC groups); anything else is kept as text
NOTE_TOKENS = ("皮", "敏", "G1", "G2A", "G2B")
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
_EMPTY = {"", "-", "—", "–", "/", "—-"}


class RowProblem(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


class _Rollback(Exception):
    """Ends the outer transaction of a dry run (or an all-or-nothing import with errors)."""


@dataclass
class Change:
    """One limit the import adds or changes, as the preview lists it."""

    row: int
    edition: str
    agent_name: str
    limit_type: str
    condition: str
    old: str
    new: str

    def __str__(self) -> str:
        where = f"（{self.condition}）" if self.condition else ""
        if self.old:
            return f"{self.edition} {self.agent_name}{where} {self.limit_type}: {self.old} → {self.new}"
        return f"{self.edition} {self.agent_name}{where} {self.limit_type} = {self.new}"


def _norm(text: str) -> str:
    """Numbers, codes, versions, dates: full-width characters folded (１２ → 12)."""
    return unicodedata.normalize("NFKC", text).strip()


def _text(value: Any) -> str:
    """Names, conditions, notes: as the standard writes them (full-width ＜ and （） kept, so that a
    re-import of the shipped rows finds them), only surrounding spaces removed."""
    return cell_text(value).strip()


def _limit(value: Any, column: str) -> tuple[Decimal | None, str] | None:
    """(value, text) for a limit cell: a number, a text/formula limit kept as text, or None (empty)."""
    text = _norm(cell_text(value))
    if text in _EMPTY:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        if any(ch.isdigit() for ch in text):
            return None, text[:100]  # e.g. "400/t": a formula, not judged automatically
        raise RowProblem(column, f"应为数值，实际为“{text}”") from None
    if number < 0:
        raise RowProblem(column, "限值不能为负数")
    if number == 0:
        raise RowProblem(column, "限值不能为0（没有限值请留空）")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        raise RowProblem(column, f"最多4位小数（{text}）")
    return number, ""


def _category(record: dict[str, Any], dusty: bool) -> str:
    text = _norm(cell_text(record.get(TABLE)))
    if not text:
        return HazardCategory.DUST if dusty else HazardCategory.CHEMICAL
    if text in {"表1", "1", "化学", "化学因素", "化学有害因素"}:
        return HazardCategory.CHEMICAL
    if text in {"表2", "2", "粉尘"}:
        return HazardCategory.DUST
    raise RowProblem(TABLE, f"应为“表1”（化学有害因素）或“表2”（粉尘），实际为“{text}”")


_FULLWIDTH_ALNUM = str.maketrans(
    {
        chr(c): chr(c - 0xFEE0)
        for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B))
    }
)


def _notes(text: str) -> str:
    """备注 as written; full-width letters and digits folded (Ｇ１ → G1) so that the rules read G1."""
    return text.strip().translate(_FULLWIDTH_ALNUM)[:200]


class ExposureLimitImporter:
    """GBZ 2.1 表1/表2 rows → the limits of a dated edition (``core.views.ImportView`` shape)."""

    template_filename = "职业接触限值导入模板.xlsx"

    def template(self, user: Any = None) -> bytes:
        columns = [
            TemplateColumn(
                TABLE, choices=("表1", "表2"), comment="表1 化学有害因素；表2 粉尘", width=8, example="表1"
            ),
            TemplateColumn(NAME, comment="标准中的中文名（必填）", width=24, example="苯"),
            TemplateColumn(NAME_EN, width=24, example="Benzene"),
            TemplateColumn(CAS, width=14, example="71-43-2"),
            TemplateColumn(MAC, comment="最高容许浓度；无则留空", width=9),
            TemplateColumn(TWA, comment="时间加权平均容许浓度（表1）", width=9, example=6),
            TemplateColumn(STEL, comment="短时间接触容许浓度（表1）", width=9, example=10),
            TemplateColumn(TOTAL, comment="表2 粉尘：总尘 PC-TWA", width=11),
            TemplateColumn(RESP, comment="表2 粉尘：呼尘 PC-TWA", width=11),
            TemplateColumn(
                CONDITION, comment="如 10%≤游离SiO2含量≤50%、铅尘、铅烟；总尘/呼尘由列区分", width=24
            ),
            TemplateColumn(UNIT, comment="默认 mg/m3", width=9, example="mg/m3"),
            TemplateColumn(EFFECT, width=24, example="神经系统损害；血液毒性"),
            TemplateColumn(NOTES, comment="皮、敏、G1、G2A、G2B 等，按标准原文", width=14, example="皮，G1"),
            TemplateColumn(STANDARD, comment="如 GBZ 2.1", width=10, example="GBZ 2.1"),
            TemplateColumn(
                VERSION,
                comment="如 GBZ 2.1-2019、GBZ 2.1-2019 第1号修改单（必填）",
                width=24,
                example="GBZ 2.1-2019",
            ),
            TemplateColumn(KIND, choices=tuple(EditionKind.labels), width=10, example="标准文本"),
            TemplateColumn(EFFECTIVE, comment="版本施行日期（必填）", width=12, example="2020-04-01"),
            TemplateColumn(EFFECTIVE_TO, comment="废止日期；现行留空", width=12),
            TemplateColumn(SOURCE, comment="来源（文本出处）", width=24),
            TemplateColumn(
                VERIFIED, choices=("是", "否"), comment="已与官方文本逐项核对时填“是”", width=10, example="否"
            ),
        ]
        notes = [
            "一行对应标准表1或表2中的一行；每个限值（MAC、PC-TWA、PC-STEL、总尘、呼尘）导入为一条限值。",
            "同一版本的各行，版本类型、施行日期、废止日期、来源和“已核对官方文本”应一致；新版本导入时自动建立。",
            "再次导入同一文件不会改变任何数据；文件中没有的现有限值保持不变。",
        ]
        return template_xlsx(columns, notes=notes)

    def run(
        self, *, user: Any, filename: str, content: bytes, dry_run: bool = True, all_or_nothing: bool = True
    ) -> ImportReport:
        if user is not None and not user.has_perm("hazards.add_exposurelimitedition"):
            raise PermissionDenied("您的角色无权导入职业接触限值")
        table = read_table(filename, content, required=REQUIRED, header_aliases=HEADER_ALIASES)
        report = ImportReport(
            total_rows=len(table.rows), headers=list(table.headers), unit="条", dry_run=dry_run
        )
        editions: dict[str, ExposureLimitEdition] = {}
        edition_rows: dict[str, int] = {}
        factors = _FactorIndex()
        try:
            with transaction.atomic():
                for row_no, values in table.rows:
                    report.raw_rows[row_no] = values
                    record = dict(zip(table.headers, values, strict=False))
                    try:
                        with transaction.atomic():
                            self._row(record, report, editions, edition_rows, row_no, factors)
                    except RowProblem as problem:
                        report.errors.append(RowError(row_no, problem.column, problem.message))
                        # an edition first met on this row was rolled back with it: meet it afresh
                        for version in [v for v, first in edition_rows.items() if first == row_no]:
                            editions.pop(version, None)
                            edition_rows.pop(version, None)
                untouched = sum(
                    ExposureLimit.objects.filter(edition=e).exclude(pk__in=report_seen(report, e)).count()
                    for e in editions.values()
                    if e.pk
                )
                if untouched:
                    report.notes.append(f"文件中没有的 {untouched} 条现有限值保持不变")
                if dry_run or (all_or_nothing and report.errors):
                    raise _Rollback
                report.applied = True
        except _Rollback:
            pass
        return report

    def _row(
        self,
        record: dict[str, Any],
        report: ImportReport,
        editions: dict[str, ExposureLimitEdition],
        edition_rows: dict[str, int],
        row_no: int,
        factors: _FactorIndex,
    ) -> None:
        name = _text(record.get(NAME))
        if not name:
            raise RowProblem(NAME, "必填")
        cas = _norm(cell_text(record.get(CAS)))
        if cas and not all(
            _CAS.match(part.strip()) for part in re.split(r"[;；,，/、]", cas) if part.strip()
        ):
            raise RowProblem(CAS, f"CAS号格式应为 数字-数字-校验位，如 71-43-2（{cas}）")
        edition = self._edition(record, report, editions, edition_rows, row_no)
        limits = {col: _limit(record.get(col), col) for col in (MAC, TWA, STEL, TOTAL, RESP)}
        given = {col: v for col, v in limits.items() if v is not None}
        if not given:
            raise RowProblem(TWA, "MAC、PC-TWA、PC-STEL、总尘、呼尘至少填写一项")
        dusty = TOTAL in given or RESP in given
        category = _category(record, dusty)
        if dusty and category != HazardCategory.DUST:
            raise RowProblem(TOTAL, "总尘/呼尘限值只用于表2（粉尘）")
        condition = _text(record.get(CONDITION))[:150]
        unit = _norm(cell_text(record.get(UNIT))) or DEFAULT_UNIT
        base = {
            "agent_name_en": _text(record.get(NAME_EN))[:200],
            "category": category,
            "cas": cas[:60],
            "unit": unit[:30],
            "notes": _notes(cell_text(record.get(NOTES))),
            "critical_effect": _text(record.get(EFFECT))[:200],
            "standard": edition.standard,
            "standard_version": edition.version,
            "effective_from": edition.effective_from,
            "effective_to": edition.effective_to,
            "source": edition.source[:400] or "导入",
            "verified": edition.verified,
            "hazard_factor": factors.find(name, cas),
        }
        for col, (value, text) in given.items():
            limit_type = TWA if col in (TOTAL, RESP) else col
            fraction = {TOTAL: "总尘", RESP: "呼尘"}.get(col)
            cond = ", ".join(p for p in (condition, fraction) if p)
            self._apply(report, edition, name, limit_type, cond, value, text, base, row_no)

    def _edition(
        self,
        record: dict[str, Any],
        report: ImportReport,
        editions: dict[str, ExposureLimitEdition],
        edition_rows: dict[str, int],
        row_no: int,
    ) -> ExposureLimitEdition:
        version = _norm(cell_text(record.get(VERSION)))
        if not version:
            raise RowProblem(VERSION, "必填，如 GBZ 2.1-2019")
        try:
            effective = parse_date(record.get(EFFECTIVE))
            ends = parse_date(record.get(EFFECTIVE_TO))
        except CellError as error:
            raise RowProblem(EFFECTIVE, str(error)) from None
        if effective is None:
            raise RowProblem(EFFECTIVE, "必填，如 2020-04-01")
        if ends is not None and ends <= effective:
            raise RowProblem(EFFECTIVE_TO, "废止日期须晚于施行日期")
        kind_text = _norm(cell_text(record.get(KIND)))
        kinds = {label: code for code, label in EditionKind.choices} | {c: c for c in EditionKind.values}
        if kind_text and kind_text not in kinds:
            raise RowProblem(KIND, f"应为“标准文本”或“修改单”（{kind_text}）")
        kind = kinds.get(kind_text) or (EditionKind.AMENDMENT if "修改单" in version else EditionKind.BASE)
        verified_text = _norm(cell_text(record.get(VERIFIED))).lower()
        if verified_text not in YES | NO:
            raise RowProblem(VERIFIED, f"应为“是”或“否”（{verified_text}）")
        wanted = {
            "standard": _norm(cell_text(record.get(STANDARD))) or version.split("-")[0].strip(),
            "kind": kind,
            "effective_from": effective,
            "effective_to": ends,
            "source": _norm(cell_text(record.get(SOURCE)))[:400],
            "verified": verified_text in YES,
        }
        if version in editions:
            edition = editions[version]
            for key, column in (
                ("effective_from", EFFECTIVE),
                ("effective_to", EFFECTIVE_TO),
                ("kind", KIND),
            ):
                if getattr(edition, key) != wanted[key]:
                    raise RowProblem(
                        column, f"与第{edition_rows[version]}行同一版本“{version}”的{column}不一致"
                    )
            return edition
        edition = ExposureLimitEdition.objects.filter(version=version).first()
        if edition is None:
            edition = ExposureLimitEdition(version=version, **wanted)
            edition.full_clean()
            edition.imported_at = timezone.now()
            edition.save()
        else:
            changed = [
                k for k, v in wanted.items() if getattr(edition, k) != v and not (k == "source" and not v)
            ]
            if changed:
                for key in changed:
                    setattr(edition, key, wanted[key])
                edition.imported_at = timezone.now()
                edition.full_clean()
                edition.save()
                if "verified" in changed:  # the edition's flag is every row's flag (ExposureLimit.clean)
                    for row in ExposureLimit.objects.filter(edition=edition).exclude(
                        verified=edition.verified
                    ):
                        row.verified = edition.verified
                        row.save(update_fields=["verified"])
                labels = "、".join(_EDITION_LABELS[k] for k in changed)
                report.notes.append(f"版本“{version}”的{labels}{'已' if not report.dry_run else '将'}更新")
        editions[version] = edition
        edition_rows[version] = row_no
        return edition

    def _apply(
        self,
        report: ImportReport,
        edition: ExposureLimitEdition,
        name: str,
        limit_type: str,
        condition: str,
        value: Decimal | None,
        text: str,
        base: dict[str, Any],
        row_no: int,
    ) -> None:
        fields = {**base, "value": value, "value_text": text}
        row = ExposureLimit.objects.filter(
            edition=edition, agent_name=name, limit_type=limit_type, condition=condition
        ).first()
        shown = f"{value.normalize():f}" if value is not None else text
        if row is None:
            row = ExposureLimit(
                edition=edition, agent_name=name, limit_type=limit_type, condition=condition, **fields
            )
            row.full_clean()
            row.save()
            report.created.append(
                Change(row_no, edition.version, name, limit_type, condition, "", f"{shown} {base['unit']}")
            )
            _seen(report, edition).add(row.pk)
            return
        _seen(report, edition).add(row.pk)
        differs = [k for k, v in fields.items() if _differs(getattr(row, k), v)]
        if not differs:
            report.unchanged += 1
            return
        old = f"{row.value.normalize():f}" if row.value is not None else row.value_text
        for key in differs:
            setattr(row, key, fields[key])
        row.full_clean()
        row.save()
        what = (
            f"{shown} {base['unit']}"
            if ("value" in differs or "value_text" in differs or "unit" in differs)
            else ("、".join(_FIELD_LABELS.get(k, k) for k in differs) + " 更新")
        )
        report.updated.append(
            Change(row_no, edition.version, name, limit_type, condition, f"{old} {row.unit}", what)
        )


_EDITION_LABELS = {
    "standard": "标准",
    "kind": "版本类型",
    "effective_from": "施行日期",
    "effective_to": "废止日期",
    "source": "来源",
    "verified": "核对状态",
}
_FIELD_LABELS = {
    "agent_name_en": "英文名",
    "category": "类别",
    "cas": "CAS号",
    "unit": "单位",
    "notes": "备注",
    "critical_effect": "临界不良健康效应",
    "source": "来源",
    "verified": "核对状态",
    "hazard_factor": "危害因素",
    "effective_from": "施行日期",
    "effective_to": "废止日期",
    "standard": "标准",
    "standard_version": "版本",
}


def _differs(old: Any, new: Any) -> bool:
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old.compare(new) != 0
    if isinstance(old, HazardFactor) or isinstance(new, HazardFactor):
        return getattr(old, "pk", None) != getattr(new, "pk", None)
    return old != new


def _seen(report: ImportReport, edition: ExposureLimitEdition) -> set[int]:
    seen: dict[int, set[int]] = report.__dict__.setdefault("_seen", {})
    return seen.setdefault(edition.pk, set())


def report_seen(report: ImportReport, edition: ExposureLimitEdition) -> set[int]:
    return report.__dict__.get("_seen", {}).get(edition.pk, set())


class _FactorIndex:
    """The CDC catalogue entry a limit row belongs to: by CAS number, then by exact name/alias."""

    def __init__(self) -> None:
        self.by_cas: dict[str, HazardFactor] = {}
        self.by_name: dict[str, HazardFactor] = {}
        for f in HazardFactor.objects.order_by("code"):
            if f.cas:
                self.by_cas.setdefault(f.cas, f)
            self.by_name.setdefault(f.name, f)
            for alias in f.alias_list:
                self.by_name.setdefault(alias, f)

    def find(self, name: str, cas: str) -> HazardFactor | None:
        return self.by_cas.get(cas) if cas and cas in self.by_cas else self.by_name.get(name)

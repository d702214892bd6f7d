"""Turning the cells of one source row into row fields, with reference data preloaded once.

``Lookups.load()`` reads regions, industries and hazard factors into dicts (one query each),
so that parsing 300,000 rows makes no query at all. ``RowParser.parse`` returns the values and
the list of errors, each naming the row, the column and the reason in Chinese.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from ohsteward.hazards.models import HazardFactor
from ohsteward.intake import rules
from ohsteward.intake.formats import DECLARATION_KINDS, ORIGIN_BY_LABEL, ColumnSpec
from ohsteward.registry.models import Industry, Region
from ohsteward.registry.rules import clean_name, name_error, uscc_clean, uscc_error

STATUS_WORDS = {
    "active": ("在业", "存续", "开业", "在营", "正常", "营业", "在业(存续)", "存续(在营、开业、在册)"),
    "suspended": ("停产停业", "停业", "歇业", "停产", "停业(歇业)"),
    "cancelled": ("注销", "吊销", "已注销", "已吊销", "吊销,未注销", "吊销，未注销"),
}
STATUS_BY_WORD = {w: status for status, words in STATUS_WORDS.items() for w in words}


@dataclass
class Lookups:
    """Reference data by every spelling a source list may use."""

    districts: dict[str, str] = field(default_factory=dict)  # code / name / short name → code
    district_names: dict[str, str] = field(default_factory=dict)  # code → name
    towns: dict[tuple[str, str], str] = field(default_factory=dict)  # (district code, key) → town code
    towns_citywide: dict[str, str | None] = field(default_factory=dict)  # key → code, None when ambiguous
    town_names: dict[str, str] = field(default_factory=dict)  # code → name
    industries: dict[str, str] = field(default_factory=dict)  # digits → code
    industry_by_name: dict[str, str] = field(default_factory=dict)
    industry_class_codes: set[str] = field(default_factory=set)
    hazards: dict[str, int] = field(default_factory=dict)  # hazard_key → id
    hazard_base: dict[str, int | None] = field(default_factory=dict)  # base key → id, None when ambiguous
    hazard_names: list[str] = field(default_factory=list)
    hazard_name_by_id: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Lookups:
        result = cls()
        for code, name in Region.objects.filter(level="district").values_list("code", "name"):
            result.district_names[code] = name
            result.districts[code] = code
            for key in rules.region_keys(name):
                result.districts.setdefault(key, code)
        for code, name in Region.objects.filter(level="town").values_list("code", "name"):
            result.town_names[code] = name
            district = code[:6]  # 9-digit NBS town codes begin with their district's code
            for key in rules.town_keys(name):
                result.towns.setdefault((district, key), code)
                if key in result.towns_citywide and result.towns_citywide[key] != code:
                    result.towns_citywide[key] = None
                else:
                    result.towns_citywide[key] = code
        for code, name, level in Industry.objects.values_list("code", "name", "level"):
            result.industries[code] = code
            result.industry_by_name.setdefault(name, code)
            if level == "class":
                result.industry_class_codes.add(code)
        for pk, name, aliases in HazardFactor.objects.values_list("pk", "name", "aliases"):
            result.hazard_names.append(name)
            result.hazard_name_by_id[pk] = name
            for spelling in [name, *[a for a in (aliases or "").split("、") if a]]:
                result.hazards.setdefault(rules.hazard_key(spelling), pk)
                base = rules.hazard_base_key(spelling)
                if base in result.hazard_base and result.hazard_base[base] != pk:
                    result.hazard_base[base] = None
                else:
                    result.hazard_base[base] = pk
        return result

    def district(self, text: str) -> str | None:
        for key in [text.strip(), *rules.region_keys(text)]:
            if key in self.districts:
                return self.districts[key]
        return None

    def hazard(self, name: str) -> int | None:
        key = rules.hazard_key(name)
        if key in self.hazards:
            return self.hazards[key]
        return self.hazard_base.get(key) or self.hazard_base.get(rules.hazard_base_key(name))

    def suggest_hazards(self, name: str, limit: int = 3) -> list[str]:
        found = process.extract(name, self.hazard_names, scorer=fuzz.ratio, limit=limit, score_cutoff=40)
        return [match for match, _score, _index in found]


@dataclass
class ParsedRow:
    row_number: int
    raw: dict[str, str]
    values: dict[str, Any]
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# What a source row keeps of its file (issue 6 item 8; docs/configuration.md "Intake storage limits"):
# the columns the kind uses, each cell at most CELL_CHARS characters (a longer value is a row error
# for text columns and is cut in ``raw``), plus at most EXTRA_COLUMNS other columns of at most
# EXTRA_CHARS characters each. A file cannot grow the database by more than this per row.
CELL_CHARS = 2000
EXTRA_COLUMNS = 10
EXTRA_CHARS = 200
# Longest text per row field (the model's max_length, or CELL_CHARS for text fields).
TEXT_LIMITS = {
    "reference_no": 60,
    "category": 60,
    "institution": 200,
    "address": 200,
    "principal": 100,
    "hygiene_manager": 100,
    "remark": CELL_CHARS,
}


def bounded(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, the cut marked with …"""
    return text if len(text) <= limit else text[: limit - 1] + "…"


# "May the uploader write a row located here?" (district, town, zone) → bool: the access module's
# answer (accounts.access.can_write_enterprise), or None when the uploader may write anywhere.
MayWrite = Callable[[str | None, str | None, str | None], bool]


class RowParser:
    """Parse the rows of one file of one kind.

    ``home`` is where the uploader's rows belong when they do not say (a district officer's
    district; a town officer's town and its district; a zone officer's zone), ``may_write`` the
    uploader's jurisdiction (None = anywhere): a row located outside it is refused. A town
    officer's rows of its district are attributed to its town, a zone officer's to its zone.
    """

    def __init__(
        self,
        *,
        columns: dict[int, ColumnSpec],
        lookups: Lookups,
        today: dt.date,
        home: Any = None,
        may_write: MayWrite | None = None,
        extra_columns: dict[int, str] | None = None,
    ):
        self.columns = columns
        # Columns the kind does not use, kept on the row (bounded) for the record.
        self.extra = dict(sorted((extra_columns or {}).items())[:EXTRA_COLUMNS])
        self.lookups = lookups
        self.today = today
        self.home = home
        self.may_write = may_write
        self.default_district = home.district if home is not None else None
        self._plan_items = self._plan()
        self._declaration = any(spec.parser == "decl_kind" for spec in columns.values())
        self._cache: dict[tuple[str, str, str], tuple[bool, Any]] = {}

    # Parsers whose result depends only on the cell text: cached per distinct text (a list of
    # 100,000 rows holds a few hundred dates, districts and hazard lists).
    CACHED = frozenset({"district", "date", "hazards", "origin", "decl_kind", "industry", "status"})
    LATER = ("industry", "industry_name", "town")  # need the district / run after the others

    def _plan(self) -> list[tuple[int, ColumnSpec]]:
        items = sorted(self.columns.items())
        first = [(i, s) for i, s in items if s.field not in self.LATER]
        later = sorted(
            ((i, s) for i, s in items if s.field in self.LATER), key=lambda t: self.LATER.index(t[1].field)
        )
        return first + later

    def parse(self, row_number: int, cells: list[Any]) -> ParsedRow:
        raw: dict[str, str] = {}
        values: dict[str, Any] = {}
        row = ParsedRow(row_number, raw, values)
        n = len(cells)
        cache = self._cache
        for index, spec in self._plan_items:
            value = cells[index] if index < n else None
            text = rules.cell_text(value)
            raw[spec.header] = bounded(text, CELL_CHARS)
            if not text:
                if spec.required:
                    row.errors.append(rules.row_message(row_number, spec.header, "不能为空"))
                continue
            if len(text) > CELL_CHARS:
                row.errors.append(rules.row_message(row_number, spec.header, f"不能超过{CELL_CHARS}个字"))
                continue
            key = (
                (spec.parser, spec.field, text)
                if spec.parser in self.CACHED
                and (spec.parser != "town" and (spec.parser != "date" or isinstance(value, str)))
                else None
            )
            if key is not None and key in cache:
                ok, result = cache[key]
                if ok and spec.field == "industry_name":
                    values.setdefault("industry", result)
                elif ok:
                    values[spec.field] = [dict(h) for h in result] if spec.parser == "hazards" else result
                else:
                    row.errors.append(rules.row_message(row_number, spec.header, result))
                continue
            try:
                self._parse_cell(spec, value, values)
            except rules.CellError as exc:
                if key is not None:
                    cache[key] = (False, str(exc))
                row.errors.append(rules.row_message(row_number, spec.header, str(exc)))
                continue
            if key is not None:
                result = values.get("industry") if spec.field == "industry_name" else values.get(spec.field)
                cache[key] = (True, result)
            if spec.required and values.get(spec.field) in (None, "", []):
                row.errors.append(rules.row_message(row_number, spec.header, "不能为空"))
        for index, header in self.extra.items():
            text = rules.cell_text(cells[index]) if index < n else ""
            if text and header not in raw:
                raw[header] = bounded(text, EXTRA_CHARS)
        if self._declaration:
            values.setdefault("category", "initial")
        self._locate(row)
        if (
            values.get("points") is not None
            and values.get("over_limit_points") is not None
            and values["over_limit_points"] > values["points"]
        ):
            row.errors.append(rules.row_message(row_number, "超标点数", "不能大于检测点数"))
        if (
            values.get("employees") is not None
            and values.get("exposed_total") is not None
            and values["exposed_total"] > values["employees"]
        ):
            row.errors.append(rules.row_message(row_number, "接害总人数", "不能大于从业人员数"))
        if values.get("business_status") in {"suspended", "cancelled"} and not values.get("event_date"):
            row.errors.append(
                rules.row_message(row_number, "状态日期", "经营状态为停产停业或注销时须填写状态日期")
            )
        return row

    def _locate(self, row: ParsedRow) -> None:
        """Complete the row's location from the uploader's home and refuse it outside the
        uploader's jurisdiction (the access module decides; nothing about roles here)."""
        values, home = row.values, self.home
        if values.get("district") is None and self.default_district:
            values["district"] = self.default_district
        district, town = values.get("district"), values.get("town")
        if home is not None and home.town and town is None and district == home.district:
            values["town"] = town = home.town
        if home is not None and home.zone:
            values["zone"] = home.zone
        if town and district and not town.startswith(district):  # NBS town codes begin with the district's
            row.errors.append(rules.row_message(row.row_number, "所属乡镇街道", "不属于所填的区县"))
            return
        if self.may_write is None:
            return
        if home is None:
            row.errors.append(rules.row_message(row.row_number, "所属区县", "您的账号没有可上传数据的区县"))
        elif not self.may_write(district, town, values.get("zone")):
            place = self.lookups.district_names.get(district, district) if district else "未填写区县的单位"
            if town:
                place += self.lookups.town_names.get(town, "")
            row.errors.append(rules.row_message(row.row_number, "所属区县", f"“{place}”不在您的管辖范围内"))

    def _parse_cell(self, spec: ColumnSpec, value: Any, values: dict[str, Any]) -> None:
        parser = spec.parser
        text = rules.cell_text(value)
        if parser == "text":
            limit = TEXT_LIMITS.get(spec.field, CELL_CHARS)
            if len(text) > limit:
                raise rules.CellError(f"不能超过{limit}个字")
            values[spec.field] = text
        elif parser == "name":
            message = name_error(text)
            if message:
                raise rules.CellError(message)
            text = clean_name(text)
            if len(text) > 200:
                raise rules.CellError("不能超过200个字")
            values[spec.field] = text
        elif parser == "uscc":
            code = uscc_clean(text)[:30]
            values[spec.field] = code
            problem = uscc_error(code)
            if problem:
                # The code stays on the row (as given); the employer is matched by name and a new
                # one gets no code. The uploader is told (issue 8 item 2).
                values["uscc_warning"] = f"统一社会信用代码{problem}，已按名称匹配"
        elif parser == "names":
            values[spec.field] = [name for name, _count in rules.split_hazards(text)]
        elif parser == "district":
            if not text:
                values[spec.field] = None
                return
            code = self.lookups.district(text)
            if code is None:
                raise rules.CellError(f"未知的区县“{text}”（请填写区县名称或6位区划代码）")
            values[spec.field] = code
        elif parser == "town":
            if not text:
                return
            district = values.get("district") or self.default_district
            code = None
            for key in rules.town_keys(text):
                code = (
                    self.lookups.towns.get((district, key))
                    if district
                    else self.lookups.towns_citywide.get(key)
                )
                if code:
                    break
            if code is None:
                # Town names in department lists vary a lot; keep the text rather than refuse the row.
                values["town_text"] = text
            else:
                values["town"] = code
        elif parser == "industry":
            if not text:
                return
            if spec.field == "industry_name":
                code = self.lookups.industry_by_name.get(text)
                if code is None:
                    raise rules.CellError(f"未知的行业名称“{text}”（请使用GB/T 4754-2017名称或填写行业代码）")
                values.setdefault("industry", code)
                return
            digits = rules.industry_digits(text)
            if digits not in self.lookups.industries:
                raise rules.CellError(f"未知的行业代码“{text}”（GB/T 4754-2017，如 C3311）")
            values["industry"] = digits
        elif parser == "date":
            values[spec.field] = rules.parse_date(value, today=self.today)
        elif parser == "count":
            values[spec.field] = rules.parse_count(value)
        elif parser == "amount":
            values[spec.field] = rules.parse_amount(value)
        elif parser == "origin":
            if not text:
                values[spec.field] = ""
                return
            origin = ORIGIN_BY_LABEL.get(text) or (text if text in ORIGIN_BY_LABEL.values() else None)
            if origin is None:
                raise rules.CellError(f"未知的来源“{text}”（可选：{'、'.join(ORIGIN_BY_LABEL)}）")
            values[spec.field] = origin
        elif parser == "decl_kind":
            if not text:
                values[spec.field] = "initial"
                return
            kind = DECLARATION_KINDS.get(text) or (text if text in DECLARATION_KINDS.values() else None)
            if kind is None:
                raise rules.CellError(
                    f"未知的申报类型“{text}”（可选：初次申报、变更申报、年度更新、注销申报）"
                )
            values[spec.field] = kind
        elif parser == "status":
            if not text:
                return
            status = STATUS_BY_WORD.get(text.replace("（", "(").replace("）", ")"))
            if status is None:
                raise rules.CellError(f"未知的经营状态“{text}”（可选：在业、停产停业、注销）")
            values[spec.field] = status
        elif parser == "hazards":
            items = []
            unknown = []
            for name, count in rules.split_hazards(value):
                factor_id = self.lookups.hazard(name)
                if factor_id is None:
                    unknown.append(name)
                items.append({"name": name, "factor_id": factor_id, "count": count})
            if unknown:
                parts = []
                for name in unknown:
                    suggestions = self.lookups.suggest_hazards(name)
                    hint = f"，是否为：{'、'.join(suggestions)}" if suggestions else ""
                    parts.append(f"未知危害因素“{name}”{hint}")
                raise rules.CellError("；".join(parts))
            values[spec.field] = items
        else:  # pragma: no cover - a spec names a parser that does not exist
            raise ValueError(f"unknown parser {parser}")

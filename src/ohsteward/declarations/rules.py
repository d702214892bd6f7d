"""Pure rules of the declaration-expansion work (no Django imports).

Sources (see docs/domain/declarations.md and ../shared/domain/RULES.md §6, §8):
- 《职业病危害项目申报办法》(原国家安全监管总局令第48号) 第8条 (change deadlines), 第9条 (cancel).
- 重庆市职业病危害项目申报扩面行动(2024—2025年)实施方案 (渝卫办发 2024, 附件2): 任务4 (suspended
  < 6 months but not cancelled must be included), 任务8 (districts report within 1 month; the
  city list by end of January; districts confirm within 1 month), 任务13 (quarterly dispatch),
  任务14 (annual spot check; results feed the district assessment).
- Targets (扩面方案 一): end-2024 industrial 严重 industries 100 % declared; end-2025 严重
  industries with ≥ 10 workers 应报尽报.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (01-31 + 1 month = 02-28/29)."""
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last))


def one_month_after(day: dt.date) -> dt.date:
    """ "1个月内" of 扩面方案 任务8: the same day next month, clamped to month end."""
    return add_months(day, 1)


def is_overdue(due_on: dt.date | None, done_on: dt.date | None, today: dt.date) -> bool:
    """Overdue = still not done and the due day has passed (the due day itself is in time)."""
    return due_on is not None and done_on is None and today > due_on


def days_left(due_on: dt.date, today: dt.date) -> int:
    return (due_on - today).days


def quarter_range(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter (1–4)."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError("季度应为 1–4")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = add_months(start, 3) - dt.timedelta(days=1)
    return start, end


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter) of a day."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_closed(year: int, quarter: int, today: dt.date) -> bool:
    """A quarter is over (and may be published) once its last day has passed."""
    return quarter_range(year, quarter)[1] < today


def list_due_date(year: int) -> dt.date:
    """The city list is formed by the end of January of its year (扩面方案 任务2、8)."""
    return dt.date(year, 1, 31)


# --------------------------------------------------------------------------------------------
# Inclusion in the 职业病危害用人单位名单
# --------------------------------------------------------------------------------------------

SUSPENSION_MONTHS = 6


@dataclass(frozen=True)
class InclusionInput:
    reasons: frozenset[str]
    status: str  # "active" | "suspended" | "cancelled" (registry EnterpriseStatus)
    registration: str = "registered"  # "registered" | "candidate"
    suspended_on: dt.date | None = None


def inclusion(item: InclusionInput, as_of: dt.date) -> tuple[bool, str]:
    """Whether an employer goes on the year's list, and a note when there is something to say beyond
    the list reasons (Chinese; exclusions in the generation report, special inclusions on the entry).
    An ordinary inclusion has no note: its reasons say it all (issue 8 item 18: a stray "纳入").

    扩面方案 任务4: "日常工作中发现的未申报用人单位，停产停业6个月以内但未注销的必须纳入".
    - No hazard reason at all → not on the list (the list is of employers that *may* have hazards).
    - Cancelled (注销) → excluded.
    - Suspended for 6 months or more on ``as_of`` → excluded; under 6 months → included.
    - Unregistered candidates (found only in source lists) → included like registered ones.
    - A suspension without a date is treated as recent (kept on the list for the district to check).
    """
    if not item.reasons:
        return False, "无职业病危害线索"
    if item.status == "cancelled":
        return False, "已注销"
    if item.status == "suspended" and item.suspended_on is not None:
        if add_months(item.suspended_on, SUSPENSION_MONTHS) <= as_of:
            return False, "停产停业满6个月"
        return True, "停产停业不满6个月，必须纳入"
    if item.status == "suspended":
        return True, "停产停业日期不详，留待区县核实"
    if item.registration == "candidate":
        return True, "未登记单位（来源名单发现），必须纳入"
    return True, ""


def reasons_from_sources(
    *,
    industry_risk: str,
    source_kinds: Iterable[tuple[str, str]],
    declared_hazards: bool,
    district_found: bool = False,
) -> list[str]:
    """List-reason codes from the evidence about one employer, in a stable order.

    ``source_kinds`` are ``(batch kind, origin)`` pairs of the intake rows linked to the employer:
    exam → exam_record; detection → detection_record; inspection with origin 有奖举报 (``tipoff``) → tip_off,
    any other inspection origin (监督执法/协管巡查/乡镇街道/工业园区) → inspection.
    """
    found: set[str] = set()
    if industry_risk == "serious":
        found.add("industry_serious")
    elif industry_risk == "general":
        found.add("industry_general")
    for kind, origin in source_kinds:
        if kind == "exam":
            found.add("exam_record")
        elif kind == "detection":
            found.add("detection_record")
        elif kind == "inspection":
            found.add("tip_off" if (origin or "").strip() in TIP_OFF_ORIGINS else "inspection")
    if declared_hazards:
        found.add("declared_hazards")
    if district_found:
        found.add("district_found")
    return [code for code in REASON_ORDER if code in found]


TIP_OFF_ORIGINS = frozenset({"tipoff", "有奖举报"})  # intake Origin code and its label
REASON_ORDER = (
    "industry_serious",
    "industry_general",
    "exam_record",
    "detection_record",
    "inspection",
    "tip_off",
    "declared_hazards",
    "district_found",
)


# --------------------------------------------------------------------------------------------
# 变更申报 / 注销 deadlines (48号令 第8、9条)
# --------------------------------------------------------------------------------------------

CHANGE_DEADLINE_DAYS: Mapping[str, int] = {
    "construction_accepted": 30,  # 第8条(一) 自竣工验收之日起30日内
    "process_change": 15,  # 第8条(二) 自发生变化之日起15日内
    "workplace_change": 15,  # 第8条(三)
    "name_change": 15,
    "legal_rep_change": 15,
    "principal_change": 15,
    "detection_result": 15,  # 第8条(四) 自收到检测、评价结果之日起15日内
    "closure": 15,  # 第9条 自生产经营活动终止之日起15日内 办理注销
}

TRIGGER_WORDS: Mapping[str, str] = {
    "construction_accepted": "建设项目通过了竣工验收",
    "process_change": "技术、工艺、设备或材料发生了变化",
    "workplace_change": "工作场所发生了变化",
    "name_change": "变更了名称",
    "legal_rep_change": "变更了法定代表人",
    "principal_change": "变更了主要负责人",
    "detection_result": "收到了显示原申报内容变化的检测、评价结果",
    "closure": "终止了生产经营活动",
}


def declaration_due(trigger: str, occurred_on: dt.date) -> dt.date:
    """The last day to declare after ``trigger`` happened on ``occurred_on`` (calendar days)."""
    try:
        days = CHANGE_DEADLINE_DAYS[trigger]
    except KeyError as exc:
        raise ValueError(f"未知的变更事项: {trigger}") from exc
    return occurred_on + dt.timedelta(days=days)


def due_kind(trigger: str) -> str:
    """Which declaration a trigger calls for: 注销 after closing, otherwise 变更申报."""
    return "cancel" if trigger == "closure" else "change"


def due_message(trigger: str, occurred_on: dt.date, due_on: dt.date) -> str:
    """Plain words for the enterprise manager."""
    what = "注销申报" if trigger == "closure" else "变更申报"
    return f"您单位于{occurred_on:%Y-%m-%d}{TRIGGER_WORDS[trigger]}，请在{due_on:%Y-%m-%d}前完成{what}"


@dataclass(frozen=True)
class HeadcountTolerance:
    """How far a detection report's exposed headcount may differ from the declared one before the
    declaration counts as changed (48号令 第8条(四) "检测、评价发现原申报内容变化"; issue 11 item 6
    "exposed headcounts that differ beyond a set tolerance"). Neither 48号令 nor RULES.md gives a
    tolerance: the figures are our configuration, versioned, shown as 未核对."""

    version: str
    absolute: int  # persons
    relative: float  # share of the declared headcount
    verified: bool = False

    def allowed(self, declared: int) -> float:
        return max(self.absolute, self.relative * declared)

    def text(self) -> str:
        flag = "" if self.verified else "，未核对"
        return f"±{self.absolute}人或±{self.relative:.0%}取大者（{self.version}{flag}）"


HEADCOUNT_TOLERANCE_V1 = HeadcountTolerance(version="headcount-tolerance-v1", absolute=2, relative=0.2)


def headcount_differs(
    detected: int, declared: int, tolerance: HeadcountTolerance = HEADCOUNT_TOLERANCE_V1
) -> bool:
    """Whether ``detected`` (the report's exposed headcount for a factor) differs from ``declared``
    (the latest declaration's, same factor) by more than the tolerance: |d − n| > max(a, r·n)."""
    if detected < 0 or declared < 0:
        raise ValueError("接触人数不能为负数")
    return abs(detected - declared) > tolerance.allowed(declared) + 1e-9


def annual_update_due(year: int, month_day: tuple[int, int] | None) -> dt.date | None:
    """The annual update deadline of ``year`` under a local rule (RULES.md §8.1: [?], not in 48号令).

    ``month_day`` comes from configuration (``OHSTEWARD_DECLARATION_ANNUAL_UPDATE``, e.g. "06-30");
    ``None`` means the province has no annual update rule.
    """
    if month_day is None:
        return None
    month, day = month_day
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def parse_month_day(text: str | None) -> tuple[int, int] | None:
    """ "MM-DD" → (month, day); empty → None. Raises ValueError on nonsense."""
    text = (text or "").strip()
    if not text:
        return None
    month_s, day_s = text.split("-")
    month, day = int(month_s), int(day_s)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(f"年度更新日期格式应为 MM-DD: {text}")
    return month, day


DECLARATION_KIND_WORDS = (
    ("注销", "cancel"),
    ("变更", "change"),
    ("年度", "annual"),
    ("更新", "annual"),
    ("初次", "initial"),
    ("首次", "initial"),
    ("新申报", "initial"),
)


def declaration_kind(text: str | None) -> str | None:
    """The kind code of a declaration type as written in an export (初次申报, 变更申报, 年度更新, 注销 …)."""
    value = (text or "").strip()
    if value in ("initial", "change", "annual", "cancel"):
        return value
    for word, code in DECLARATION_KIND_WORDS:
        if word in value:
            return code
    return None


def headcount_error(
    employees: int | None, exposed_total: int | None, *, employees_required: bool
) -> str | None:
    """Check 接害总人数 against 从业人员数 (申报表 基本情况, 48号令 第5条(一)(二)): the workers exposed
    are among the employer's workers, so the total cannot exceed the workforce; an online
    declaration that states exposed workers must also state the workforce (it cannot be checked
    otherwise). Imports from the national system may lack the workforce (``employees_required=False``).
    """
    if exposed_total is None or exposed_total == 0:
        return None
    if employees is None:
        return "填写了接害总人数时，请同时填写从业人员数" if employees_required else None
    if exposed_total > employees:
        return "接害总人数不能超过从业人员数"
    return None


# --------------------------------------------------------------------------------------------
# Priorities of the 2024–2025 action
# --------------------------------------------------------------------------------------------

INDUSTRIAL_SECTIONS = frozenset({"B", "C", "D"})  # 工业 = 采矿业、制造业、电力热力燃气及水生产和供应业
SEVERE_MIN_EMPLOYEES = 10


def priority(*, industry_risk: str, section: str | None, employees: int | None) -> int:
    """Priority tier of an undeclared employer (1 = first), from the action's two targets.

    1 工业领域职业病危害严重行业 (2024 target: 100 % declared);
    2 其他严重行业 with ≥ 10 workers (2025 target: 应报尽报);
    3 其他严重行业; 4 一般行业; 5 not in the catalogue.
    """
    if industry_risk == "serious":
        if (section or "") in INDUSTRIAL_SECTIONS:
            return 1
        if (employees or 0) >= SEVERE_MIN_EMPLOYEES:
            return 2
        return 3
    if industry_risk == "general":
        return 4
    return 5


PRIORITY_LABELS: Mapping[int, str] = {
    1: "工业领域严重行业",
    2: "严重行业10人及以上",
    3: "严重行业（其他）",
    4: "一般行业",
    5: "目录未列入",
}


def priority_sort_key(*, industry_risk: str, section: str | None, employees: int | None) -> tuple[int, int]:
    """Tier first, then larger employers first."""
    return priority(industry_risk=industry_risk, section=section, employees=employees), -(employees or 0)


# --------------------------------------------------------------------------------------------
# Spot check sample and rates
# --------------------------------------------------------------------------------------------


def sample_size(population: int, *, fraction: float, minimum: int) -> int:
    """Per-district sample size: ``ceil(fraction × N)``, at least ``minimum``, at most ``N``."""
    if population <= 0:
        return 0
    if not 0 <= fraction <= 1:
        raise ValueError("抽样比例应在 0 到 1 之间")
    return min(population, max(minimum, math.ceil(fraction * population)))


def stratified_sample(
    population: Iterable[tuple[int, str]], *, fraction: float, minimum: int, seed: int | str
) -> dict[str, list[int]]:
    """A reproducible sample stratified by district: ``{district: sorted ids}``.

    Each stratum is sampled with its own generator seeded by ``f"{seed}:{district}"`` from the
    sorted ids, so the result depends only on (seed, the population, fraction, minimum) — not on
    the order rows came from the database nor on the other districts.
    """
    strata: dict[str, list[int]] = {}
    for pk, stratum in population:
        strata.setdefault(stratum, []).append(pk)
    result: dict[str, list[int]] = {}
    for stratum in sorted(strata):
        ids = sorted(strata[stratum])
        n = sample_size(len(ids), fraction=fraction, minimum=minimum)
        rng = random.Random(f"{seed}:{stratum}")
        result[stratum] = sorted(rng.sample(ids, n))
    return result


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent with one decimal; None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


def share_label(fraction) -> str:
    """A sampling fraction as people write it: 0.05 → "5%", 0.125 → "12.5%", 1 → "100%"."""
    percent = round(float(fraction) * 100, 2)
    return f"{percent:g}%"


ACCURACY_FIELDS = ("industry_ok", "size_ok", "hazards_ok", "headcount_ok")


def check_accuracy(items: Sequence[Mapping[str, bool | None]]) -> dict[str, float | None]:
    """Spot-check rates for one district (扩面方案 任务14).

    ``declared_rate``: declared among checked items. For each of industry, size, hazard factors and
    headcounts: accurate among declared items where the inspector recorded a judgement.
    ``accuracy_rate``: items whose every recorded judgement is accurate, among declared items with
    at least one judgement.
    """
    checked = [i for i in items if i.get("declared") is not None]
    declared = [i for i in checked if i.get("declared")]
    out: dict[str, float | None] = {"declared_rate": rate(len(declared), len(checked))}
    for name in ACCURACY_FIELDS:
        judged = [i for i in declared if i.get(name) is not None]
        out[f"{name}_rate"] = rate(sum(1 for i in judged if i.get(name)), len(judged))
    judged_any = [i for i in declared if any(i.get(n) is not None for n in ACCURACY_FIELDS)]
    accurate = [i for i in judged_any if all(i.get(n) is not False for n in ACCURACY_FIELDS)]
    out["accuracy_rate"] = rate(len(accurate), len(judged_any))
    return out


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------

NOTICE_DEADLINE_DAYS = 15


def notice_deadline(delivered_on: dt.date | None, days: int = NOTICE_DEADLINE_DAYS) -> dt.date | None:
    """The last day to declare after a 告知单: ``days`` calendar days counted from the day after
    delivery (期间开始之日不计算在期间内, 《民法典》第二百零一条); none before delivery — a notice the
    employer has not received sets no deadline."""
    if delivered_on is None:
        return None
    return delivered_on + dt.timedelta(days=days)


def receipt_number(district_code: str, year: int, serial: int) -> str:
    """申报回执编号: 渝职申-<district>-<year>-<serial, 6 digits>."""
    return f"渝职申-{district_code}-{year}-{serial:06d}"


def notice_number(district_code: str, year: int, serial: int) -> str:
    """告知单编号: 渝职申告-<district>-<year>-<serial, 4 digits>."""
    return f"渝职申告-{district_code}-{year}-{serial:04d}"


AUTONOMOUS_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县")


def district_short_name(name: str) -> str:
    """The district's short form used in 文号: 渝北区 → 渝北, 石柱土家族自治县 → 石柱, 梁平区 → 梁平."""
    for suffix in (*AUTONOMOUS_SUFFIXES, "新区", "区", "县"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def notice_doc_number(district_name: str, year: int, serial: int) -> str:
    """文号 of a 告知单 in the form of GB/T 9704 7.2.4 (机关代字〔年份〕序号号, 年份 in 六角括号, no
    leading zeros): 渝北卫健告〔2026〕12号."""
    return f"{district_short_name(district_name)}卫健告〔{year}〕{serial}号"

"""Pure rules of the institutions register, QC, proficiency tests and the red/yellow/green grade.

Sources are cited per function. "001 附件1" is the Chongqing 职业病防治机构提质合规行动 plan in
``shared/seeds/001_6c1b4254273b89f7.txt``; "003" the national plan (seed 003). Where a source gives
no number, the number is versioned data (``data/grading_rules_v1.json``) marked unverified.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOME_PROVINCE = "重庆市"
DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_GRADING_VERSION = "v2"

# --------------------------------------------------------------------------------------------
# The register
# --------------------------------------------------------------------------------------------


def qualification_period_error(issued_on: dt.date | None, valid_until: dt.date | None) -> str | None:
    """A qualification (资质证书/备案) or a staff certificate cannot end before it starts."""
    if issued_on and valid_until and valid_until < issued_on:
        return "有效期至不能早于发证（备案）日期"
    return None


def is_valid_on(valid_until: dt.date | None, on: dt.date) -> bool:
    """Whether a certificate with ``valid_until`` (None: no end, e.g. a filing) is valid on ``on``."""
    return valid_until is None or valid_until >= on


def is_out_of_province(province: str) -> bool:
    """An institution registered outside Chongqing (跨省来渝, 001 附件1 第12条)."""
    return (province or HOME_PROVINCE).strip() != HOME_PROVINCE


def qc_number_errors(*, province: str, qc_number: str, issued_on: dt.date | None) -> dict[str, str]:
    """001 附件1 第12条: institutions from other provinces working in Chongqing take a Chongqing
    质量控制号 (issued by the city CDC through the provincial platform). An in-province
    institution has none; a number comes with the date it was issued, and a date with a number."""
    errors: dict[str, str] = {}
    if qc_number and not is_out_of_province(province):
        errors["qc_number"] = "本市机构无需领取质量控制号，仅外省来渝机构填写"
    elif qc_number and issued_on is None:
        errors["qc_issued_on"] = "请填写质量控制号的发放日期"
    elif issued_on is not None and not qc_number:
        errors["qc_number"] = "填写了发放日期，请同时填写质量控制号"
    return errors


# --------------------------------------------------------------------------------------------
# QC sample (001 附件1 第10、12条; 质控覆盖率每年100%, 跨省机构抽取不少于50%)
# --------------------------------------------------------------------------------------------

OUT_OF_PROVINCE_STRATUM = "out_of_province"
OUT_OF_PROVINCE_MIN_FRACTION = 0.5  # 001 附件1 第12条 "抽取不少于50%的比例进行抽查"


def sample_size(population: int, *, fraction: float, minimum: int) -> int:
    """``ceil(fraction × N)``, at least ``minimum``, at most ``N``."""
    if population <= 0:
        return 0
    if not 0 <= fraction <= 1:
        raise ValueError("抽样比例应在 0 到 1 之间")
    return min(population, max(minimum, math.ceil(fraction * population)))


def qc_sample(
    population: Iterable[tuple[int, str]],
    *,
    fraction: float,
    minimum: int,
    seed: int | str,
    always: Iterable[int] = (),
) -> dict[str, list[int]]:
    """A reproducible QC sample stratified by ``stratum`` (an institution's main kind, or
    ``out_of_province``): ``{stratum: sorted ids}``.

    The same draw as the declarations spot check (one generator per stratum seeded with
    ``f"{seed}:{stratum}"`` over sorted ids), with two rules of 001 附件1: the out-of-province
    stratum is sampled at no less than 50 % (第12条), and ``always`` (last year's red and yellow
    institutions, 第10条 "加大…质量控制的频次与力度") are in the plan whatever the draw; they count
    towards their stratum's size.
    """
    forced = set(always)
    strata: dict[str, list[int]] = {}
    for pk, stratum in population:
        strata.setdefault(stratum, []).append(pk)
    result: dict[str, list[int]] = {}
    for stratum in sorted(strata):
        ids = sorted(strata[stratum])
        share = (
            max(fraction, OUT_OF_PROVINCE_MIN_FRACTION) if stratum == OUT_OF_PROVINCE_STRATUM else fraction
        )
        n = sample_size(len(ids), fraction=share, minimum=minimum)
        chosen = [i for i in ids if i in forced]
        rest = [i for i in ids if i not in forced]
        rng = random.Random(f"{seed}:{stratum}")
        extra = max(0, n - len(chosen))
        result[stratum] = sorted(chosen + rng.sample(rest, min(extra, len(rest))))
    return result


# How far ahead the home page warns of a qualification's end: a platform choice (time to renew a
# 资质证书/备案), not a figure from 001 or 003.
QUALIFICATION_WARNING_DAYS = 90


def expiry_window(today: dt.date, days: int = QUALIFICATION_WARNING_DAYS) -> tuple[dt.date, dt.date]:
    """The dates (inclusive) within which a validity end counts as "expiring soon"."""
    return today, today + dt.timedelta(days=days)


def rate(numerator: int, denominator: int) -> float | None:
    """A share in percent with one decimal; None when there is nothing to divide by."""
    if not denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


def rectification_deadline_error(issued_on: dt.date, deadline: dt.date) -> str | None:
    """A rectification demand (限期整改, 001 附件1 第9条) ends after it is issued."""
    if deadline < issued_on:
        return "整改期限不能早于下达日期"
    return None


def is_overdue(*, deadline: dt.date, closed_on: dt.date | None, today: dt.date) -> bool:
    """An open demand past its deadline is overdue; a closed one is overdue if closed late."""
    return (closed_on or today) > deadline


# --------------------------------------------------------------------------------------------
# Proficiency tests
# --------------------------------------------------------------------------------------------


def z_score_outcome(z: float) -> str:
    """The outcome of a z-score: |z| ≤ 2 满意, 2 < |z| < 3 可疑, |z| ≥ 3 不满意
    (GB/T 28043-2019 / ISO 13528 §9.4; CNAS-GL002 能力验证结果的统计处理和能力评价指南)."""
    a = abs(z)
    if a <= 2:
        return "satisfactory"
    if a < 3:
        return "questionable"
    return "unsatisfactory"


# --------------------------------------------------------------------------------------------
# Red / yellow / green (三色管理, 001 附件1 第10条) — weights and cut-offs are versioned data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactorRule:
    name: str
    label: str
    weight: float


@dataclass(frozen=True)
class CrosscheckRule:
    """How the cross-check findings about an institution (issue 9 items 5–6) become a 0–100 value:
    ``max(0, 100 − 100 × findings / zero_at)`` — no finding 100, ``zero_at`` or more findings 0.
    ``count_pending``: also count the findings still 待核实 (not only those confirmed 属实)."""

    zero_at: int
    count_pending: bool


@dataclass(frozen=True)
class GradingRules:
    version: str
    verified: bool
    source: str
    factors: tuple[FactorRule, ...]
    green: float
    yellow: float
    min_weight_with_data: float
    outcome_points: Mapping[str, float]
    unsatisfactory_caps_at: str
    failed_unrectified_is: str
    crosscheck: CrosscheckRule | None = None  # v1 has no cross-check factor


def load_grading_rules(version: str = CURRENT_GRADING_VERSION) -> GradingRules:
    """The grading rules of ``version`` from ``data/grading_rules_<version>.json``."""
    raw = json.loads((DATA_DIR / f"grading_rules_{version}.json").read_text(encoding="utf-8"))
    return GradingRules(
        version=raw["version"],
        verified=bool(raw["verified"]),
        source=raw["source"],
        factors=tuple(FactorRule(f["name"], f["label"], float(f["weight"])) for f in raw["factors"]),
        green=float(raw["cutoffs"]["green"]),
        yellow=float(raw["cutoffs"]["yellow"]),
        min_weight_with_data=float(raw["min_weight_with_data"]),
        outcome_points={k: float(v) for k, v in raw["outcome_points"].items()},
        unsatisfactory_caps_at=raw["unsatisfactory_caps_at"],
        failed_unrectified_is=raw["failed_unrectified_is"],
        crosscheck=(
            CrosscheckRule(int(raw["crosscheck"]["zero_at"]), bool(raw["crosscheck"]["count_pending"]))
            if "crosscheck" in raw
            else None
        ),
    )


@dataclass(frozen=True)
class FactorInput:
    """What the data say about one factor: a 0–100 ``value`` and how it was reached (``detail``),
    or ``value=None`` with the ``reason`` there is no data."""

    value: float | None
    detail: str = ""
    reason: str = ""


@dataclass(frozen=True)
class FactorResult:
    name: str
    label: str
    value: float | None
    weight: float
    points: float | None
    detail: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": self.value,
            "weight": self.weight,
            "points": self.points,
            "detail": self.detail,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class Grade:
    colour: str | None  # None: not enough data to grade
    score: float | None
    factors: list[FactorResult]
    notes: list[str] = field(default_factory=list)


ORDER = {"green": 0, "yellow": 1, "red": 2}
COLOUR_LABEL = {"green": "绿色", "yellow": "黄色", "red": "红色"}


def colour_for(score: float, rules: GradingRules) -> str:
    """Score → colour by the cut-offs: ≥ green → 绿, ≥ yellow → 黄, else 红."""
    if score >= rules.green:
        return "green"
    if score >= rules.yellow:
        return "yellow"
    return "red"


def grade(
    inputs: Mapping[str, FactorInput],
    rules: GradingRules,
    *,
    has_unsatisfactory: bool = False,
    failed_unrectified: bool = False,
) -> Grade:
    """The year's grade of one institution, factor by factor.

    Each factor with data contributes ``value × weight / (sum of the weights with data)`` points
    (so the points add up to the score); a factor without data shows "无数据" and its reason and
    contributes nothing — it is never given a made-up value. Below ``min_weight_with_data`` of the
    weight with data there is no grade. Then two rules: any 不满意 proficiency result caps the
    colour at ``unsatisfactory_caps_at``; a QC 不合格 whose rectification is still open makes it
    ``failed_unrectified_is`` (001 附件1 第9、10条; the strength of both is unverified data).
    """
    available = sum(
        r.weight for r in rules.factors if inputs.get(r.name, FactorInput(None)).value is not None
    )
    results: list[FactorResult] = []
    for r in rules.factors:
        given = inputs.get(r.name, FactorInput(None, reason="未计算"))
        points = None
        if given.value is not None and available > 0:
            points = round(given.value * r.weight / available, 2)
        results.append(
            FactorResult(r.name, r.label, given.value, r.weight, points, given.detail, given.reason)
        )
    if available < rules.min_weight_with_data:
        return Grade(
            None,
            None,
            results,
            [f"有数据的因素权重合计 {available:g}，低于 {rules.min_weight_with_data:g}，不评定颜色"],
        )
    score = round(sum(f.points or 0 for f in results), 1)
    colour = colour_for(score, rules)
    notes = [
        f"得分 {score:g}：≥{rules.green:g} 绿色，≥{rules.yellow:g} 黄色，其余红色 → {COLOUR_LABEL[colour]}"
    ]
    if has_unsatisfactory and ORDER[colour] < ORDER[rules.unsatisfactory_caps_at]:
        colour = rules.unsatisfactory_caps_at
        notes.append(f"能力验证有“不满意”结果：最高为{COLOUR_LABEL[colour]}")
    if failed_unrectified and ORDER[colour] < ORDER[rules.failed_unrectified_is]:
        colour = rules.failed_unrectified_is
        notes.append(f"质控不合格且整改未验收：{COLOUR_LABEL[colour]}")
    return Grade(colour, score, results, notes)


def proficiency_factor(outcomes: list[str], rules: GradingRules) -> FactorInput:
    """The mean of the points of the year's outcomes (满意/可疑/不满意 → outcome_points)."""
    if not outcomes:
        return FactorInput(None, reason="本年度未参加能力验证或结果未录入")
    points = [rules.outcome_points[o] for o in outcomes]
    counts = {o: outcomes.count(o) for o in ("satisfactory", "questionable", "unsatisfactory")}
    detail = (
        f"满意 {counts['satisfactory']}，可疑 {counts['questionable']}，不满意 {counts['unsatisfactory']}"
    )
    return FactorInput(round(sum(points) / len(points), 1), detail)


def qc_factor(scores: list[float]) -> FactorInput:
    """The mean score of the year's recorded QC inspections (百分制)."""
    if not scores:
        return FactorInput(None, reason="本年度未开展质控检查或结果未录入")
    return FactorInput(round(sum(scores) / len(scores), 1), f"{len(scores)} 次质控检查的平均分")


def rectification_factor(closed: int, total: int) -> FactorInput:
    """质控问题整改率 (001 目标(三): 100 %) as points: closed / demanded × 100."""
    if not total:
        return FactorInput(None, reason="本年度无整改要求")
    return FactorInput(round(100.0 * closed / total, 1), f"已验收 {closed} / 共 {total} 项")


def crosscheck_factor(confirmed: int | None, pending: int | None, rules: GradingRules) -> FactorInput:
    """交叉核查 (issue 9 item 5: the colour reads the cross-checks of item 6): the year's findings
    about the institution — those the QC team confirmed (属实), plus those still 待核实 when
    ``rules.crosscheck.count_pending`` — as ``max(0, 100 − 100 × n / zero_at)``. None (无数据) when
    no installed app provides the counts (supervision absent), the year's checks have not been
    run, or the rules have no such factor.
    The curve and both settings are versioned data marked unverified (no published source)."""
    rule = rules.crosscheck
    if rule is None or confirmed is None or (rule.count_pending and pending is None):
        return FactorInput(None, reason="未接入交叉核查数据或本年度尚未开展交叉核查")
    n = confirmed + ((pending or 0) if rule.count_pending else 0)
    value = max(0.0, round(100.0 - 100.0 * n / rule.zero_at, 1)) if rule.zero_at > 0 else 100.0
    detail = f"属实 {confirmed} 项"
    detail += f"，待核实 {pending} 项（计入）" if rule.count_pending else "（待核实的不计入）"
    detail += f"；每项扣 {100 / rule.zero_at:g} 分，{rule.zero_at} 项及以上为 0 分"
    return FactorInput(value, detail)


# --------------------------------------------------------------------------------------------
# Performance evaluation: the scored checklist (绩效评估质量指标, 001 附件1 第4、10条) — versioned data
# --------------------------------------------------------------------------------------------

CURRENT_CHECKLIST_VERSION = "v1"


@dataclass(frozen=True)
class ChecklistItem:
    code: str
    label: str
    max_points: float
    weight: float


@dataclass(frozen=True)
class Checklist:
    version: str
    verified: bool
    source: str
    items: tuple[ChecklistItem, ...]

    def item(self, code: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.code == code), None)


def load_checklist(version: str = CURRENT_CHECKLIST_VERSION) -> Checklist:
    """The scored checklist of ``version`` from ``data/performance_checklist_<version>.json``."""
    raw = json.loads((DATA_DIR / f"performance_checklist_{version}.json").read_text(encoding="utf-8"))
    return Checklist(
        version=raw["version"],
        verified=bool(raw["verified"]),
        source=raw["source"],
        items=tuple(
            ChecklistItem(i["code"], i["label"], float(i["max_points"]), float(i["weight"]))
            for i in raw["items"]
        ),
    )


def evaluation_errors(scores: Mapping[str, float | None], checklist: Checklist) -> dict[str, str]:
    """Per item code, what is wrong with its score: every item of the checklist is scored, from 0
    to its maximum; codes not on the checklist are refused."""
    errors: dict[str, str] = {}
    for item in checklist.items:
        value = scores.get(item.code)
        if value is None:
            errors[item.code] = "请填写该项得分"
        elif not 0 <= float(value) <= item.max_points:
            errors[item.code] = f"得分应在 0 到 {item.max_points:g} 之间"
    for code in scores:
        if checklist.item(code) is None:
            errors[code] = f"评分表 {checklist.version} 中没有条目 {code}"
    return errors


def evaluation_total(scores: Mapping[str, float], checklist: Checklist) -> float:
    """The evaluation's total in 百分制: Σ weight × (score / max) / Σ weight × 100, one decimal.
    With weights equal to the maxima (v1) this is the plain sum of the points out of 100."""
    total_weight = sum(i.weight for i in checklist.items)
    if not total_weight:
        return 0.0
    value = sum(i.weight * float(scores[i.code]) / i.max_points for i in checklist.items if i.max_points)
    return round(100.0 * value / total_weight, 1)


def performance_factor(total: float | None, version: str, verified: bool) -> FactorInput:
    """The grade's 绩效评估质量指标评分 factor: the year's evaluation total (百分制)."""
    if total is None:
        return FactorInput(None, reason="本年度未开展绩效评估或评分未录入")
    label = version if verified else f"{version}（未核对）"
    return FactorInput(round(float(total), 1), f"绩效评估总分 {float(total):g}（评分表 {label}）")


# --------------------------------------------------------------------------------------------
# QC ↔ enforcement ledger (001 附件1 第13条)
# --------------------------------------------------------------------------------------------

# Which statuses a referral may move to: 移交 → 已接收 or 退回; 已接收 → 查处中, 已办结 or 退回;
# 查处中 → 已办结 or 退回. 已办结 and 退回 are final (a returned finding is handed over anew).
REFERRAL_NEXT: dict[str, tuple[str, ...]] = {
    "handed_over": ("received", "returned"),
    "received": ("investigating", "closed", "returned"),
    "investigating": ("closed", "returned"),
    "closed": (),
    "returned": (),
}
REFERRAL_LABEL = {
    "handed_over": "移交",
    "received": "已接收",
    "investigating": "查处中",
    "closed": "已办结",
    "returned": "退回",
}


def referral_transition_error(current: str, target: str) -> str | None:
    """Why a referral in ``current`` may not move to ``target`` (None: it may)."""
    if target in REFERRAL_NEXT.get(current, ()):
        return None
    if not REFERRAL_NEXT.get(current):
        return f"该移交状态为“{REFERRAL_LABEL.get(current, current)}”，不能再变更状态"
    allowed = "、".join(REFERRAL_LABEL[s] for s in REFERRAL_NEXT[current])
    return f"状态“{REFERRAL_LABEL.get(current, current)}”只能变更为：{allowed}"


def referral_date_errors(
    *, handed_on: dt.date | None, received_on: dt.date | None, closed_on: dt.date | None
) -> dict[str, str]:
    """Dates of a referral follow each other: received and closed not before handed over, closed
    not before received."""
    errors: dict[str, str] = {}
    if handed_on and received_on and received_on < handed_on:
        errors["received_on"] = "接收日期不能早于移交日期"
    if handed_on and closed_on and closed_on < handed_on:
        errors["closed_on"] = "办结（退回）日期不能早于移交日期"
    elif received_on and closed_on and closed_on < received_on:
        errors["closed_on"] = "办结（退回）日期不能早于接收日期"
    return errors


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of a month."""
    first = dt.date(year, month, 1)
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


@dataclass(frozen=True)
class ReferralRow:
    direction: str
    status: str
    handed_on: dt.date
    closed_on: dt.date | None


@dataclass(frozen=True)
class MonthSummary:
    """The ledger as the monthly dispatch meeting hears it (001 附件1 第13条 "每月…通报")."""

    handed_over: int  # handed over during the month
    closed: int  # closed (已办结) during the month
    returned: int  # returned during the month
    open_at_end: int  # handed over by the month's end and neither closed nor returned by then
    open_over_30_days: int  # of those, handed over more than 30 days before the month's end


OPEN_LONG_DAYS = 30  # a platform choice for the dispatch list ("超过30天未办结"), not from 001


def month_summary(rows: Iterable[ReferralRow], year: int, month: int) -> MonthSummary:
    """Count a month of the ledger. A referral counts as open at the month's end when it was handed
    over by then and not closed or returned by then (its current status may be later)."""
    first, last = month_bounds(year, month)
    handed = closed = returned = open_end = open_long = 0
    for r in rows:
        if first <= r.handed_on <= last:
            handed += 1
        done = r.closed_on is not None and r.status in ("closed", "returned")
        if done and r.closed_on is not None and first <= r.closed_on <= last:
            if r.status == "closed":
                closed += 1
            else:
                returned += 1
        if r.handed_on <= last and not (done and r.closed_on is not None and r.closed_on <= last):
            open_end += 1
            if (last - r.handed_on).days > OPEN_LONG_DAYS:
                open_long += 1
    return MonthSummary(handed, closed, returned, open_end, open_long)


# --------------------------------------------------------------------------------------------
# Technical guidance (001 附件1 目标(四)) — the target is versioned data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GuidanceTarget:
    version: str
    verified: bool
    source: str
    years: tuple[int, ...]
    min_employers: int


def load_guidance_target(version: str = "v1") -> GuidanceTarget:
    raw = json.loads((DATA_DIR / f"guidance_target_{version}.json").read_text(encoding="utf-8"))
    return GuidanceTarget(
        version=raw["version"],
        verified=bool(raw["verified"]),
        source=raw["source"],
        years=tuple(int(y) for y in raw["years"]),
        min_employers=int(raw["min_employers"]),
    )


def guidance_status(employers: int, target: GuidanceTarget, year: int) -> str:
    """``met`` / ``short`` against the yearly target (distinct employers guided); ``no_target``
    before the plan's first year. 001 covers 2024–2025; later years keep the last target until a
    new plan gives one (as the SME assistance target does)."""
    if year < min(target.years):
        return "no_target"
    return "met" if employers >= target.min_employers else "short"


def parse_month(text: str) -> tuple[int, int] | None:
    """ "2026-03" → (2026, 3); None for anything else."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    year, month = int(parts[0]), int(parts[1])
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


# --------------------------------------------------------------------------------------------
# Report cards (技术服务信息报送卡 / 个案卡, issue 9 item 3) — deadlines are versioned data
# --------------------------------------------------------------------------------------------

CURRENT_CARD_VERSION = "v1"


@dataclass(frozen=True)
class CardDeadline:
    days: int
    counted_from: str
    target_rate: float


@dataclass(frozen=True)
class CardRules:
    version: str
    verified: bool
    source: str
    kinds: Mapping[str, CardDeadline]


def load_card_rules(version: str = CURRENT_CARD_VERSION) -> CardRules:
    """The deadline table per card kind (``data/report_card_deadlines_<version>.json``). 001 附件1
    and 003 附件3 set the reporting rates (100 %; case cards ≥ 95 %) but no time limit [?], so the
    days are unverified data shown with "未核对"."""
    raw = json.loads((DATA_DIR / f"report_card_deadlines_{version}.json").read_text(encoding="utf-8"))
    kinds = {
        k: CardDeadline(int(v["days"]), v["from"], float(v["target_rate"])) for k, v in raw["kinds"].items()
    }
    return CardRules(raw["version"], bool(raw["verified"]), raw["source"], kinds)


def card_due(kind: str, performed_on: dt.date, rules: CardRules) -> dt.date:
    """The date by which the card for an activity performed on ``performed_on`` must be filed."""
    return performed_on + dt.timedelta(days=rules.kinds[kind].days)


def card_status(due_on: dt.date, reported_on: dt.date | None) -> str:
    """on_time / late / missing (the values of ``CardStatus``): a card not filed is missing until it
    is filed, whether or not its deadline has passed (``card_overdue`` says which)."""
    if reported_on is None:
        return "missing"
    return "on_time" if reported_on <= due_on else "late"


def card_overdue(due_on: dt.date, reported_on: dt.date | None, today: dt.date) -> bool:
    return reported_on is None and due_on < today


def card_filing_errors(performed_on: dt.date, reported_on: dt.date | None, today: dt.date) -> dict[str, str]:
    if reported_on is None:
        return {"reported_on": "请填写报送日期"}
    if reported_on < performed_on:
        return {"reported_on": f"报送日期不能早于服务（检查、诊断）日期 {performed_on:%Y-%m-%d}"}
    if reported_on > today:
        return {"reported_on": "报送日期不能晚于今天"}
    return {}


@dataclass(frozen=True)
class CardCounts:
    """One institution's cards of a period: ``performed`` counts the activities whose card is due
    (filed, or unfiled with the deadline passed); an unfiled card not yet due is not counted."""

    performed: int = 0
    reported: int = 0
    on_time: int = 0


def reporting_factor(counts: CardCounts) -> FactorInput:
    """信息报告卡上报率 (001 附件1 目标(二): 100 %) as points: reported / performed × 100."""
    if not counts.performed:
        return FactorInput(None, reason="本年度无应报送的信息报告卡")
    return FactorInput(
        round(100.0 * counts.reported / counts.performed, 1),
        f"已报送 {counts.reported} / 应报送 {counts.performed} 张",
    )


def timeliness_factor(counts: CardCounts) -> FactorInput:
    """信息报告及时率 as points: filed on time / filed × 100."""
    if not counts.reported:
        return FactorInput(None, reason="本年度无已报送的信息报告卡")
    return FactorInput(
        round(100.0 * counts.on_time / counts.reported, 1),
        f"按时 {counts.on_time} / 已报送 {counts.reported} 张",
    )

"""Classified supervision (职业卫生分类监督执法, 国疾控综监督二函〔2022〕50号): pure rules, no Django.

- 附件1 hazard risk level Ⅰ/Ⅱ/Ⅲ from each factor's nature (严重/一般), exposure (符合/不符合) and
  exposed headcount band, through the matrix 附表1-1 (RULES.md §1.2 [S]);
- 附件2 management status A/B/C from the self-inspection score (A ≥ 90, B 70–89, C < 70; RULES.md
  §1.3 [S]) and veto items (a provincial practice, unverified);
- 附件3 comprehensive class 甲/乙/丙 (甲 = LOWEST risk in the 2022 scheme; the matrix 附表3-1 was not
  found, RULES.md §1.4 [M]: configuration flagged 未核对);
- the self-inspection checklist's score, and the yearly inspection plan's stratified draw.

Every number is versioned data (``data/risk_rules_2022-v1.json``, ``data/checklist_*.json``) with its
own ``verified`` flag; every result carries the scheme and version it was computed under, and is
explained factor by factor in Chinese sentences.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ohsteward.declarations.rules import stratified_sample

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_RISK_VERSION = "2022-v1"
LEVELS = ("I", "II", "III")
LEVEL_LABELS = {"I": "Ⅰ级", "II": "Ⅱ级", "III": "Ⅲ级"}
STATUSES = ("A", "B", "C")
CLASSES = ("甲", "乙", "丙")  # 2022 scheme: 甲 lowest risk, 丙 highest


class RuleError(ValueError):
    """Input the rules cannot judge; the message is Chinese and shown to users as is."""


# --------------------------------------------------------------------------------------------
# The versioned rule set
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskRules:
    """One version of the 2022 scheme's numbers (one JSON file in ``data/``)."""

    scheme: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    raw: Mapping[str, Any]

    @property
    def annex1(self) -> Mapping[str, Any]:
        return self.raw["annex1"]

    @property
    def serious(self) -> Mapping[str, Any]:
        return self.raw["serious_factors"]

    @property
    def annex2(self) -> Mapping[str, Any]:
        return self.raw["annex2"]

    @property
    def annex3(self) -> Mapping[str, Any]:
        return self.raw["annex3"]


def annex3_monotone_error(matrix: Mapping[str, Mapping[str, str]]) -> str | None:
    """The only check the sources allow on 附表3-1 (RULES.md addendum §1): the class never gets
    better as the level rises (Ⅰ→Ⅲ) or as management gets worse (A→C)."""
    rank = {c: i for i, c in enumerate(CLASSES)}
    for level in LEVELS:
        for status in STATUSES:
            if matrix.get(level, {}).get(status) not in rank:
                return f"综合风险矩阵缺少 {LEVEL_LABELS[level]}×{status} 或取值不是甲/乙/丙"
    for i, level in enumerate(LEVELS):
        for j, status in enumerate(STATUSES):
            here = rank[matrix[level][status]]
            if i and here < rank[matrix[LEVELS[i - 1]][status]]:
                return f"综合风险矩阵不单调：{LEVEL_LABELS[level]}×{status} 低于较低风险等级"
            if j and here < rank[matrix[level][STATUSES[j - 1]]]:
                return f"综合风险矩阵不单调：{LEVEL_LABELS[level]}×{status} 低于较好管理状况"
    return None


def parse_risk_rules(raw: Mapping[str, Any]) -> RiskRules:
    error = annex3_monotone_error(raw["annex3"]["matrix"])
    if error:
        raise RuleError(error)
    to = raw.get("effective_to")
    return RiskRules(
        scheme=raw["scheme"],
        version=raw["version"],
        effective_from=dt.date.fromisoformat(raw["effective_from"]),
        effective_to=dt.date.fromisoformat(to) if to else None,
        raw=raw,
    )


@cache
def load_risk_rules(version: str = CURRENT_RISK_VERSION) -> RiskRules:
    """The rule set ``version`` from ``data/risk_rules_<version>.json``."""
    path = DATA_DIR / f"risk_rules_{version}.json"
    return parse_risk_rules(json.loads(path.read_text(encoding="utf-8")))


RISK_VERSIONS = (CURRENT_RISK_VERSION,)


def rules_on(on: dt.date) -> RiskRules:
    """The rule set in force on ``on`` (the assessment date chooses it, RULES.md "How to read")."""
    for version in RISK_VERSIONS:
        r = load_risk_rules(version)
        if r.effective_from <= on and (r.effective_to is None or on < r.effective_to):
            return r
    raise RuleError(f"{on.isoformat()} 不在2022年分类监督执法方案的适用期内（自2022-11-01起）")


# --------------------------------------------------------------------------------------------
# 附件1: nature, exposure, headcount → Ⅰ/Ⅱ/Ⅲ
# --------------------------------------------------------------------------------------------


def serious_reasons(
    rules: RiskRules,
    *,
    code: str = "",
    category: str = "",
    g1: bool = False,
    free_silica_percent: float | None = None,
) -> list[str]:
    """Why a factor is 严重 under 附件1 (a) (empty: 一般). ``g1``: a GBZ 2.1 limit row of the
    factor is marked "G1"; ``category``: the catalogue category ("radiation" is ionising)."""
    s = rules.serious
    reasons = []
    if code in s["high_toxicity_codes"]:
        reasons.append("列入《高毒物品目录》")
    if code in s["asbestos_codes"]:
        reasons.append("石棉纤维粉尘")
    if code in s["silica_codes"]:
        reasons.append("矽尘（游离二氧化硅含量10%以上）")
    elif free_silica_percent is not None and free_silica_percent >= s["silica_threshold_percent"]:
        reasons.append(f"粉尘游离二氧化硅含量{free_silica_percent:g}%（≥{s['silica_threshold_percent']}%）")
    if g1:
        reasons.append("GBZ 2.1 标注G1（确认人类致癌物）")
    if category and category == s["radiation_category"]:
        reasons.append("电离辐射（豁免类别除外）")
    if code in s["designated_codes"]:
        reasons.append("卫生健康主管部门规定的严重危害因素")
    return reasons


def headcount_band(rules: RiskRules, exposed: int) -> int:
    """接触人数 band index (附件1 (c)): 0 for ≤ 9, 1 for 10–49, 2 for ≥ 50."""
    if exposed < 0:
        raise RuleError("接触人数不能为负数")
    first, second = rules.annex1["headcount_bands"]
    return 0 if exposed <= first else 1 if exposed <= second else 2


@dataclass(frozen=True)
class FactorInput:
    """One hazard factor of an employer as the rules need it. ``serious=None``: decide from
    ``reasons`` (the catalogue); ``compliant=None``: no detection result; ``records``: links
    (label, url) to the records behind the figures, shown with the explanation."""

    name: str
    exposed: int
    compliant: bool | None
    serious: bool | None = None
    reasons: tuple[str, ...] = ()
    records: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class FactorResult:
    name: str
    serious: bool
    serious_given: bool
    reasons: tuple[str, ...]
    compliant: bool | None
    compliant_used: bool
    exposed: int
    band: int
    level: str
    verified: bool
    sentence: str
    records: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "factor": self.name,
            "serious": self.serious,
            "serious_given": self.serious_given,
            "reasons": list(self.reasons),
            "compliant": self.compliant,
            "compliant_used": self.compliant_used,
            "exposed": self.exposed,
            "level": self.level,
            "verified": self.verified,
            "sentence": self.sentence,
            "records": [list(r) for r in self.records],
        }


def factor_level(rules: RiskRules, factor: FactorInput) -> FactorResult:
    """One factor's level through 附表1-1; a missing detection uses the configured default and
    makes the result unverified ("未检测")."""
    a1 = rules.annex1
    serious = bool(factor.reasons) if factor.serious is None else factor.serious
    if factor.compliant is None:
        used = a1["no_detection_as"] == "compliant"
        verified = False
    else:
        used, verified = factor.compliant, True
    band = headcount_band(rules, factor.exposed)
    key = f"{'serious' if serious else 'general'}|{'compliant' if used else 'noncompliant'}"
    level = a1["matrix"][key][band]
    nature = "严重" if serious else "一般"
    if factor.serious is None:
        why = f"（{'、'.join(factor.reasons)}）" if factor.reasons else "（未列入严重危害因素目录）"
    else:
        why = "（按填报）"
    if factor.compliant is None:
        exposure = f"无检测结果，按“{'符合' if used else '不符合'}”计（未检测，可配置，未核对）"
    else:
        exposure = "接触水平符合" if used else "接触水平不符合"
    sentence = (
        f"{factor.name}：{nature}职业病危害因素{why}，{exposure}，"
        f"接触{factor.exposed}人（{a1['headcount_band_labels'][band]}）→ {LEVEL_LABELS[level]}"
    )
    return FactorResult(
        name=factor.name,
        serious=serious,
        serious_given=factor.serious is not None,
        reasons=tuple(factor.reasons),
        compliant=factor.compliant,
        compliant_used=used,
        exposed=factor.exposed,
        band=band,
        level=level,
        verified=verified,
        sentence=sentence,
        records=factor.records,
    )


@dataclass(frozen=True)
class HazardResult:
    level: str
    verified: bool
    factors: tuple[FactorResult, ...]
    sentences: tuple[str, ...]


def hazard_level(rules: RiskRules, factors: Sequence[FactorInput]) -> HazardResult:
    """The employer's level: the maximum over its factors (the configured aggregation, RULES.md
    addendum §3 (i) [?]). With no factor at all the employer is Ⅰ级, flagged unverified."""
    a1 = rules.annex1
    if a1["aggregation"] != "max":
        raise RuleError(f"不支持的汇总方式：{a1['aggregation']}")
    results = tuple(factor_level(rules, f) for f in factors)
    if not results:
        return HazardResult("I", False, (), ("未登记职业病危害因素：按Ⅰ级计（无数据，未核对）",))
    level = max((r.level for r in results), key=LEVELS.index)
    verified = all(r.verified for r in results)
    if len(results) > 1:
        verified = verified and bool(a1["aggregation_verified"])
    if a1["headcount_basis"] != "per_factor":
        verified = False
    verified = (
        verified
        and bool(a1["verified"])
        and all(r.serious_given or rules.serious["verified"] for r in results)
    )
    summary = f"职业病危害风险等级取各因素最高者：{LEVEL_LABELS[level]}"
    if len(results) > 1 and not a1["aggregation_verified"]:
        summary += "（取最高等级为可配置默认，原文未写明）"
    return HazardResult(level, verified, results, (*(r.sentence for r in results), summary))


# --------------------------------------------------------------------------------------------
# 附件2: score → A/B/C
# --------------------------------------------------------------------------------------------


def score_error(score: float | None) -> str | None:
    if score is None:
        return None
    if not 0 <= score <= 100:
        return f"管理状况自查得分应在 0–100 分之间（{score:g}）"
    return None


def management_status(
    rules: RiskRules, score: float | None, *, veto_failed: Sequence[str] = ()
) -> tuple[str | None, bool, str]:
    """(status, verified, sentence). A ≥ 90, B 70–89, C < 70 (附件2 [S]); a failed veto item
    forces C (provincial practice, unverified). ``None`` score: no self-inspection, no status."""
    error = score_error(score)
    if error:
        raise RuleError(error)
    a2 = rules.annex2
    if score is None:
        return None, False, "无职业卫生管理自查结果：管理状况等级无数据"
    if veto_failed:
        status = a2["veto_forces"]
        return (
            status,
            bool(a2["verified"] and a2["veto_verified"]),
            f"否决项不符合（{'、'.join(veto_failed)}）：管理状况定为{status}级（自查得分{score:g}分；否决规则未核对）",
        )
    status = "A" if score >= a2["a_from"] else "B" if score >= a2["b_from"] else "C"
    bands = {"A": "90~100分", "B": "70~89分", "C": "70分以下"}
    return status, bool(a2["verified"]), f"职业卫生管理自查得分{score:g}分（{bands[status]}）→ {status}级"


# --------------------------------------------------------------------------------------------
# 附件3: level × status → 甲/乙/丙
# --------------------------------------------------------------------------------------------


def comprehensive_class(rules: RiskRules, level: str, status: str | None) -> tuple[str | None, bool, str]:
    """(class, verified, sentence) through 附表3-1 as configured (未核对, RULES.md §1.4)."""
    a3 = rules.annex3
    if status is None:
        return None, False, "缺少管理状况等级：综合风险类别无法评估"
    klass = a3["matrix"][level][status]
    flag = "" if a3["verified"] else "（矩阵未核对）"
    return (
        klass,
        bool(a3["verified"]),
        f"{LEVEL_LABELS[level]} × {status}级 → 综合风险{klass}类{flag}；2022年方案甲类风险最低、丙类最高",
    )


@dataclass(frozen=True)
class Assessment:
    """A full assessment as stored and answered: the scheme and version travel with it."""

    on: dt.date
    scheme: str
    version: str
    hazard: HazardResult
    management_score: float | None
    management_status: str | None
    comprehensive_class: str | None
    verified: dict[str, bool]
    explanation: tuple[str, ...]
    reassess_due: dt.date

    def factors_data(self) -> list[dict[str, Any]]:
        return [f.as_dict() for f in self.hazard.factors]


def assess(
    factors: Sequence[FactorInput],
    *,
    on: dt.date,
    management_score: float | None = None,
    veto_failed: Sequence[str] = (),
    rules: RiskRules | None = None,
) -> Assessment:
    """附件1 + 附件2 + 附件3 for one employer on ``on``."""
    rules = rules or rules_on(on)
    hazard = hazard_level(rules, factors)
    status, status_ok, status_sentence = management_status(rules, management_score, veto_failed=veto_failed)
    klass, class_ok, class_sentence = comprehensive_class(rules, hazard.level, status)
    years = int(rules.raw["reassess_years"])
    try:
        due = on.replace(year=on.year + years)
    except ValueError:  # 29 February
        due = on.replace(year=on.year + years, day=28)
    return Assessment(
        on=on,
        scheme=rules.scheme,
        version=rules.version,
        hazard=hazard,
        management_score=management_score,
        management_status=status,
        comprehensive_class=klass,
        verified={
            "hazard_level": hazard.verified,
            "management_status": status_ok,
            "comprehensive_class": class_ok and hazard.verified and status_ok,
        },
        explanation=(*hazard.sentences, status_sentence, class_sentence),
        reassess_due=due,
    )


# --------------------------------------------------------------------------------------------
# The self-inspection checklist (附件2 自查表: versioned data)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItemSpec:
    code: str
    section: str
    text: str
    points: float
    veto: bool = False
    evidence_hint: str = ""


def checklist_errors(items: Sequence[ChecklistItemSpec]) -> list[str]:
    """What is wrong with a checklist version: unique codes, positive points, total 100 (附件2
    "总分100分" [S])."""
    errors = []
    seen: set[str] = set()
    for i, item in enumerate(items, start=1):
        if not item.code:
            errors.append(f"第{i}项: 缺少编号")
        elif item.code in seen:
            errors.append(f"第{i}项 编号: {item.code} 重复")
        seen.add(item.code)
        if item.points < 0:
            errors.append(f"第{i}项 分值: 不能为负数")
        if not item.section or not item.text:
            errors.append(f"第{i}项: 缺少章节或内容")
    total = sum(item.points for item in items)
    if items and abs(total - 100) > 1e-6:
        errors.append(f"各项分值合计应为100分（现为{total:g}分）")
    if not items:
        errors.append("自查表没有任何条目")
    return errors


def award_error(item: ChecklistItemSpec, awarded: float | None) -> str | None:
    if awarded is None:
        return None
    if not 0 <= awarded <= item.points:
        return f"{item.code} {item.text[:20]}: 得分应在 0–{item.points:g} 分之间"
    return None


def checklist_score(
    items: Sequence[ChecklistItemSpec], awarded: Mapping[str, float | None]
) -> tuple[float, list[str], list[str]]:
    """(score, unanswered item codes, failed veto item codes). A veto item fails when it is
    awarded fewer than its full points."""
    score = 0.0
    missing, vetoes = [], []
    for item in items:
        points = awarded.get(item.code)
        if points is None:
            missing.append(item.code)
            continue
        error = award_error(item, points)
        if error:
            raise RuleError(error)
        score += points
        if item.veto and points < item.points:
            vetoes.append(item.code)
    return round(score, 1), missing, vetoes


@cache
def load_checklist(version: str) -> tuple[dict[str, Any], tuple[ChecklistItemSpec, ...]]:
    """A shipped checklist version (``data/checklist_<version>.json``): (header, items)."""
    raw = json.loads((DATA_DIR / f"checklist_{version}.json").read_text(encoding="utf-8"))
    items = tuple(
        ChecklistItemSpec(
            code=i["code"],
            section=s["name"],
            text=i["text"],
            points=float(i["points"]),
            veto=bool(i.get("veto", False)),
            evidence_hint=i.get("evidence", ""),
        )
        for s in raw["sections"]
        for i in s["items"]
    )
    header = {k: v for k, v in raw.items() if k != "sections"}
    return header, items


# --------------------------------------------------------------------------------------------
# Supervision by class: the yearly plan's draw, the 三步法, cases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRatio:
    klass: str
    ratio: float | None  # share of the class's employers drawn per year (0–1)
    minimum: int = 0
    verified: bool = False


def plan_draw(
    population: Iterable[tuple[int, str]], ratios: Sequence[ClassRatio], *, seed: int | str
) -> dict[str, list[int]]:
    """The "双随机" draw of a yearly plan, stratified by comprehensive class: each class is sampled
    at its own configured ratio, reproducibly from ``seed`` (declarations' spot-check draw,
    ``stratified_sample``, per class). Employers without a class form the stratum "未评估", drawn
    at the 丙 ratio (unassessed treated as highest risk, our choice, flagged in the plan)."""
    by_class = {r.klass: r for r in ratios}
    missing = [c for c in CLASSES if c not in by_class or by_class[c].ratio is None]
    if missing:
        raise RuleError(f"未配置本区县{'、'.join(missing)}类的年度抽查比例，无法生成计划")
    for r in ratios:
        if r.ratio is not None and not 0 <= r.ratio <= 1:
            raise RuleError(f"{r.klass}类抽查比例应在 0–100% 之间")
    strata: dict[str, list[tuple[int, str]]] = {}
    for pk, klass in population:
        strata.setdefault(klass if klass in CLASSES else "未评估", []).append((pk, klass or "未评估"))
    drawn: dict[str, list[int]] = {}
    for klass in sorted(strata):
        spec = by_class.get(klass, by_class["丙"])
        assert spec.ratio is not None
        part = stratified_sample(strata[klass], fraction=spec.ratio, minimum=spec.minimum, seed=seed)
        drawn[klass] = sorted(pk for ids in part.values() for pk in ids)
    return drawn


def inspection_date_error(on: dt.date, today: dt.date) -> str | None:
    if on > today:
        return f"检查日期不能晚于今天（{on.isoformat()}）"
    return None


def order_deadline_error(inspected_on: dt.date, deadline: dt.date | None) -> str | None:
    """限期改正 (三步法 second step): an order to correct needs a deadline after the inspection."""
    if deadline is None:
        return "责令限期改正须写明改正期限"
    if deadline <= inspected_on:
        return "改正期限应晚于检查日期"
    return None


def case_close_error(*, decision: str, decided_on: dt.date | None, closed_on: dt.date) -> str | None:
    """A case is closed only after its decision (处罚决定或不予处罚决定) is recorded."""
    if not decision.strip() or decided_on is None:
        return "结案前须先录入处理决定（处罚决定书或不予处罚决定）及决定日期"
    if closed_on < decided_on:
        return "结案日期不能早于决定日期"
    return None


@dataclass(frozen=True)
class StepState:
    """Where an inspection's finding stands in the 三步法 (教育引导 → 限期改正 → 逾期处罚)."""

    step: str
    label: str
    overdue: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def three_step_state(
    *,
    has_findings: bool,
    deadline: dt.date | None,
    reinspected_ok: bool | None,
    case_opened: bool,
    today: dt.date,
) -> StepState:
    if case_opened:
        return StepState("case", "已立案查处")
    if not has_findings:
        return StepState("ok", "未发现问题")
    if deadline is None:
        return StepState("guide", "教育引导")
    if reinspected_ok is True:
        return StepState("corrected", "复查合格，已改正")
    if reinspected_ok is False:
        return StepState("failed", "复查未改正，应立案", overdue=True)
    if today > deadline:
        return StepState("due", "逾期未复查", overdue=True)
    return StepState("order", f"限期改正（{deadline.isoformat()}前）")


# --------------------------------------------------------------------------------------------
# "三同时" construction projects (建设项目职业病防护设施"三同时", RULES.md §6)
# --------------------------------------------------------------------------------------------

#: The stages in their order. 防护设施设计 applies to projects of the 严重 class only
#: (《建设项目职业病防护设施"三同时"监督管理办法》, 原安监总局令第90号 [M]); the risk class comes
#: from the 2021 catalogue (国卫办职健发〔2021〕5号, RULES.md §6 [S]).
STAGES = (
    ("pre_assessment", "职业病危害预评价"),
    ("design", "职业病防护设施设计"),
    ("control_effect", "职业病危害控制效果评价"),
    ("acceptance", "职业病防护设施竣工验收"),
)
STAGE_LABELS = dict(STAGES)


def stages_for(serious: bool) -> tuple[str, ...]:
    return tuple(code for code, _l in STAGES if serious or code != "design")


def stage_error(
    stage: str, on: dt.date, done: Mapping[str, dt.date | None], *, serious: bool, today: dt.date
) -> str | None:
    """Why recording ``stage`` on ``on`` is refused: unknown or not applicable, in the future, an
    earlier stage not done yet or dated after it, or a later stage already dated before it."""
    order = stages_for(serious)
    if stage not in STAGE_LABELS:
        return f"未知的阶段：{stage}"
    if stage not in order:
        return f"{STAGE_LABELS[stage]}仅适用于职业病危害严重的建设项目"
    if on > today:
        return f"{STAGE_LABELS[stage]}日期不能晚于今天"
    i = order.index(stage)
    for earlier in order[:i]:
        when = done.get(earlier)
        if when is None:
            return f"须先完成{STAGE_LABELS[earlier]}，再登记{STAGE_LABELS[stage]}（阶段顺序）"
        if when > on:
            return f"{STAGE_LABELS[stage]}日期不能早于{STAGE_LABELS[earlier]}日期（{when.isoformat()}）"
    for later in order[i + 1 :]:
        when = done.get(later)
        if when is not None and when < on:
            return f"{STAGE_LABELS[stage]}日期不能晚于已登记的{STAGE_LABELS[later]}日期（{when.isoformat()}）"
    return None


def late_stages(
    done: Mapping[str, dt.date | None],
    *,
    serious: bool,
    started_on: dt.date | None,
    planned_completion: dt.date | None,
    today: dt.date,
) -> list[str]:
    """Stages that are late: 预评价 (and 设计 for serious projects) not done once construction has
    started — both belong to the 可行性论证/设计 phases before construction [M]; 控制效果评价 and
    竣工验收 not done once the planned completion date has passed."""
    late = []
    order = stages_for(serious)
    if started_on is not None and started_on <= today:
        late += [s for s in order if s in ("pre_assessment", "design") and done.get(s) is None]
    if planned_completion is not None and planned_completion < today:
        late += [s for s in order if s in ("control_effect", "acceptance") and done.get(s) is None]
    return late


# --------------------------------------------------------------------------------------------
# Early-warning thresholds (issue 13 item 7: noise without audiometry, suspected case not
# referred): versioned data in data/warning_rules_<version>.json, each value with its own
# ``verified`` flag and source; a value not read in a source shows "未核对".
# --------------------------------------------------------------------------------------------

WARNING_VERSIONS = ("v1",)


@dataclass(frozen=True)
class Threshold:
    value: int
    verified: bool
    source: str

    @property
    def flag(self) -> str:
        """Empty when read in a source, "（未核对）" otherwise (shown next to the value)."""
        return "" if self.verified else "（未核对）"


@dataclass(frozen=True)
class WarningRules:
    version: str
    effective_from: dt.date
    noise_factor_names: tuple[str, ...]
    noise_level_dba: Threshold
    audiometry_window_days: Threshold
    referral_days: Threshold


def parse_warning_rules(raw: dict[str, Any]) -> WarningRules:
    def t(key: str) -> Threshold:
        v = raw[key]
        return Threshold(int(v["value"]), bool(v["verified"]), str(v["source"]))

    return WarningRules(
        version=raw["version"],
        effective_from=dt.date.fromisoformat(raw["effective_from"]),
        noise_factor_names=tuple(raw["noise_factor_names"]),
        noise_level_dba=t("noise_level_dba"),
        audiometry_window_days=t("audiometry_window_days"),
        referral_days=t("referral_days"),
    )


@cache
def _warning_versions() -> tuple[WarningRules, ...]:
    return tuple(
        parse_warning_rules(json.loads((DATA_DIR / f"warning_rules_{v}.json").read_text(encoding="utf-8")))
        for v in WARNING_VERSIONS
    )


def warning_rules_for(on: dt.date) -> WarningRules:
    """The warning thresholds in force on ``on`` (before the first version: the first)."""
    current = _warning_versions()[0]
    for r in _warning_versions():
        if r.effective_from <= on:
            current = r
    return current


def noise_level(l_ex_8h: float | None, l_ex_w: float | None, value: float | None) -> float | None:
    """The level a noise measurement is judged by (GBZ 2.2-2007 §11.2: L_EX,8h; for a week not of
    5 days L_EX,W); the stored judgement value otherwise."""
    for level in (l_ex_8h, l_ex_w, value):
        if level is not None:
            return level
    return None


def noise_needs_audiometry(level: float | None, r: WarningRules) -> bool:
    """A post whose noise level is ≥ the threshold (85 dB(A)) needs audiometry every year."""
    return level is not None and level >= r.noise_level_dba.value


def referral_late(found_on: dt.date, referred_on: dt.date | None, on: dt.date, r: WarningRules) -> bool:
    """A suspected case not referred for diagnosis within ``referral_days`` of being found
    (calendar days counted from the day after; on the last day it is not yet late)."""
    return referred_on is None and on > found_on + dt.timedelta(days=r.referral_days.value)

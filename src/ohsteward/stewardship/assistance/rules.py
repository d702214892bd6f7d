"""Rules of SME assistance as pure functions (no Django), each citing its source.

Seed 001 附件3 is 《重庆市中小微企业职业健康帮扶行动(2024—2025年)实施方案》.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

# 001 附件3 二(二) items 3–8: the "六个一". Codes are the API values.
ITEMS: tuple[tuple[str, str], ...] = (
    ("identification", "开展一次职业病危害因素辨识"),  # item 3
    ("system", "建立一套实用的职业健康管理制度"),  # item 4
    ("notification", "开展一次现场职业病危害告知和防护用品配置指导"),  # item 5
    ("training", "举办一次职业健康培训"),  # item 6
    ("remediation", "开展一次超标岗位职业病危害治理"),  # item 7
    ("screening", "开展一次慢病筛查与随访服务"),  # item 8
)
ITEM_SHORT = {
    "identification": "辨识",
    "system": "一套制度",
    "notification": "告知与防护用品指导",
    "training": "培训",
    "remediation": "超标岗位治理",
    "screening": "慢病筛查与随访",
}

# The four 100 % rates of 001 附件3 一 (目标): "被帮扶企业职业病危害项目申报率、工作场所职业病危害因素
# 定期检测率、职业健康检查开展率、职业健康培训率均达到100%". Codes are the API keys.
RATES: tuple[tuple[str, str], ...] = (
    ("declared", "职业病危害项目申报率"),
    ("periodic_detection", "定期检测率"),
    ("exams", "职业健康检查开展率"),
    ("training", "职业健康培训率"),
)
RATE_TARGET = 100
# Where a rate's data would come from; no such app exists yet, so the rate is "无数据" (issue 10:
# never 0 or a made-up figure).
NO_DATA_REASONS = {
    "periodic_detection": "无数据：工作场所检测（监测）模块尚未接入",
    "exams": "无数据：职业健康检查（监护）模块尚未接入",
    "training": "无数据：培训模块尚未接入",
}


@dataclass(frozen=True)
class AssistanceRules:
    """One version of the plan settings.

    ``min_per_district``: 001 附件3 一 "每个区县每年帮扶中小微企业数量不少于20家" (2024, 2025).
    ``priority_divisions``: 001 附件3 二(一)1 names 矿山、建材、冶金、化工; the mapping of those words
    to GB/T 4754-2017 divisions is ours and not checked against any official list (未核对).
    """

    version: str
    years: tuple[int, ...]
    min_per_district: int
    source: str
    priority_sections: dict[str, str]
    priority_divisions: dict[str, str]
    priority_verified: bool


RULES_V1 = AssistanceRules(
    version="v1",
    years=(2024, 2025),
    min_per_district=20,
    source="001 附件3 一：每个区县每年帮扶中小微企业数量不少于20家",
    priority_sections={"B": "矿山"},
    priority_divisions={
        "30": "建材",  # 非金属矿物制品业
        "31": "冶金",  # 黑色金属冶炼和压延加工业
        "32": "冶金",  # 有色金属冶炼和压延加工业
        "25": "化工",  # 石油、煤炭及其他燃料加工业
        "26": "化工",  # 化学原料和化学制品制造业
    },
    priority_verified=False,
)
VERSIONS = {RULES_V1.version: RULES_V1}


def rules_for(year: int) -> AssistanceRules:
    """The settings for a plan year. Years after 2025 keep the last version until a new plan
    says otherwise (the page shows the version and its source)."""
    for version in VERSIONS.values():
        if year in version.years:
            return version
    return max(VERSIONS.values(), key=lambda v: max(v.years))


ASSISTED_SIZES = {"medium", "small", "micro"}
SIZE_LABELS = {"large": "大型", "medium": "中型", "small": "小型", "micro": "微型"}


def enrol_error(*, size_class: str, employer_district: str | None, plan_district: str) -> str | None:
    """Why an employer cannot be on a district's plan, or None.

    001 附件3 二(一)1: 中小微企业, by 《统计上大中小微型企业划分办法(2017)》 (the register's size
    class); 二(一)2: the district's own plan ("本辖区").
    """
    if employer_district != plan_district:
        return "该用人单位不在本区县，不能列入本区县帮扶计划"
    if size_class == "large":
        return "大型企业不属于中小微企业帮扶对象（001 附件3 二(一)1）"
    if size_class not in ASSISTED_SIZES:
        return "该用人单位尚无企业规模（从业人员、营业收入），请先在用人单位档案中补全"
    return None


def priority_reasons(
    *, industry_code: str | None, industry_risk: str, rules: AssistanceRules = RULES_V1
) -> list[str]:
    """Why an employer is a priority target (001 附件3 二(一)1): a priority industry (矿山、建材、
    冶金、化工; our mapping, 未核对) or severe hazards (the register's industry risk class 严重,
    2021 risk catalogue). Cases and special rectification need apps that do not exist yet."""
    reasons = []
    code = industry_code or ""
    # Industry class codes are the section letter's divisions (4 digits: "2614"); B = 06–12.
    division = code[:2]
    if division in rules.priority_divisions:
        reasons.append(f"重点行业：{rules.priority_divisions[division]}")
    elif division.isdigit() and 6 <= int(division) <= 12 and "B" in rules.priority_sections:
        reasons.append(f"重点行业：{rules.priority_sections['B']}")
    if industry_risk == "serious":
        reasons.append("职业病危害严重（行业风险分类）")
    return reasons


ITEM_STATES = {"open": "未完成", "done": "已完成", "na": "不适用"}


def item_error(*, state: str, done_on: dt.date | None, na_reason: str, today: dt.date) -> dict[str, str]:
    """Field → message for one of the six items: done needs a date (not in the future);
    不适用 needs a reason (e.g. 无超标岗位, 001 附件3 二(二)7 applies to enterprises with one)."""
    errors: dict[str, str] = {}
    if state not in ITEM_STATES:
        errors["state"] = "状态应为 未完成 / 已完成 / 不适用"
    elif state == "done":
        if done_on is None:
            errors["done_on"] = "已完成的帮扶事项须填写完成日期"
        elif done_on > today:
            errors["done_on"] = "完成日期不能晚于今天"
    elif state == "na" and not na_reason.strip():
        errors["na_reason"] = "不适用须说明理由（如：无超标岗位）"
    return errors


def closed(state: str) -> bool:
    """Done or not applicable: the item needs no more work."""
    return state in ("done", "na")


def progress_percent(done: int, target: int) -> int:
    """Progress towards a target, 0–100 (the bar's width)."""
    if target <= 0:
        return 100
    return min(100, round(100 * done / target))


@dataclass(frozen=True)
class Rate:
    """A rate over the assisted employers: ``value`` is None when there is no data (``reason``)."""

    code: str
    label: str
    value: float | None
    numerator: int | None
    denominator: int
    reason: str = ""

    @property
    def meets_target(self) -> bool | None:
        return None if self.value is None else self.value >= RATE_TARGET


def rates(*, enrolled: int, declared: int, done: Mapping[str, int | None] | None = None) -> list[Rate]:
    """The four rates of 001 附件3 一. ``declared`` comes from the register; ``done`` gives, per
    other rate code, how many of the enrolled employers meet it (None or absent: no installed app
    knows, so the rate is "无数据", never 0)."""
    counts: dict[str, int | None] = {"declared": declared, **(done or {})}
    out = []
    for code, label in RATES:
        numerator = counts.get(code)
        if numerator is None:
            out.append(Rate(code, label, None, None, enrolled, NO_DATA_REASONS[code]))
        else:
            value = round(100 * numerator / enrolled, 1) if enrolled else None
            reason = "" if enrolled else "无数据：计划中尚无帮扶企业"
            out.append(Rate(code, label, value, numerator, enrolled, reason))
    return out

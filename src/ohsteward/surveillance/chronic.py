"""Chronic disease screening and follow-up of workers (hypertension, type-2 diabetes).

Source: 国家基本公共卫生服务规范（第三版，2017）, 高血压患者健康管理 and 2型糖尿病患者健康管理
(RULES.md §12: mostly [M, high confidence], partly [S]). The SME assistance plan asks for "一次慢病
筛查与随访服务" (seed 001 附件3 二(二)8). Every threshold is a row of ``THRESHOLDS_V1`` with its
provenance; the ones not read in a source are ``verified=False`` and shown as "未核对".

Pure: no Django imports.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

NORMAL = "normal"
HIGH_RISK = "high_risk"
SUSPECTED = "suspected"
EMERGENCY = "emergency"
CLASS_LABELS = {NORMAL: "正常", HIGH_RISK: "高危人群", SUSPECTED: "疑似患者", EMERGENCY: "紧急转诊"}
_SEVERITY = {NORMAL: 0, HIGH_RISK: 1, SUSPECTED: 2, EMERGENCY: 3}

SATISFACTORY = "satisfactory"
UNSATISFACTORY = "unsatisfactory"
OUTCOME_LABELS = {SATISFACTORY: "控制满意", UNSATISFACTORY: "控制不满意", EMERGENCY: "紧急转诊"}


@dataclass(frozen=True)
class Threshold:
    value: Decimal
    verified: bool
    source: str


@dataclass(frozen=True)
class ChronicRules:
    version: str
    min_age: int
    sbp_suspected: Threshold  # ≥ → suspected (first finding, recheck on 3 days)
    dbp_suspected: Threshold
    sbp_high_risk: Threshold  # 血压高值 lower bound
    dbp_high_risk: Threshold
    sbp_emergency: Threshold
    dbp_emergency: Threshold
    glucose_emergency_high: Threshold  # mmol/L, ≥
    glucose_emergency_low: Threshold  # mmol/L, ≤
    glucose_suspected: Threshold  # 空腹血糖 ≥ (also the "not satisfactory" line in follow-up)
    glucose_high_risk: Threshold  # 空腹血糖受损 lower bound
    sbp_satisfied_65: Threshold  # 控制满意 for age ≥ 65: SBP <
    bp_recheck_days: int
    follow_ups_per_year: int
    satisfied_interval_months: int
    unsatisfied_interval_days: int


_S_BP = "国家基本公共卫生服务规范（第三版）高血压患者健康管理（RULES.md §12.1）"
_S_DM = "国家基本公共卫生服务规范（第三版）2型糖尿病患者健康管理（RULES.md §12.2）"


def _t(value: str, verified: bool, source: str) -> Threshold:
    return Threshold(Decimal(value), verified, source)


THRESHOLDS_V1 = ChronicRules(
    version="v1",
    min_age=35,
    sbp_suspected=_t("140", True, f"{_S_BP}：首次发现收缩压≥140mmHg和（或）舒张压≥90mmHg，非同日3次复查 [S]"),
    dbp_suspected=_t("90", True, f"{_S_BP} [S]"),
    sbp_high_risk=_t("130", True, f"{_S_BP}：血压高值 130–139/85–89mmHg 属高危人群 [S]"),
    dbp_high_risk=_t("85", True, f"{_S_BP} [S]"),
    sbp_emergency=_t(
        "180", False, f"{_S_BP}：收缩压≥180mmHg和（或）舒张压≥110mmHg 紧急转诊 [M，部分见于来源]"
    ),
    dbp_emergency=_t("110", False, f"{_S_BP} [M]"),
    glucose_emergency_high=_t("16.7", False, f"{_S_DM}：血糖≥16.7mmol/L 或 ≤3.9mmol/L 紧急转诊 [M]"),
    glucose_emergency_low=_t("3.9", False, f"{_S_DM} [M]"),
    glucose_suspected=_t("7.0", False, f"{_S_DM}：空腹血糖≥7.0mmol/L 为控制不满意；筛查中作疑似患者 [M]"),
    glucose_high_risk=_t(
        "6.1", False, "空腹血糖受损 6.1–6.9mmol/L 作高危人群：RULES.md 未载，本系统取值（未核对）"
    ),
    sbp_satisfied_65=_t("150", False, f"{_S_BP}：65岁及以上患者控制满意为收缩压<150mmHg [M]"),
    bp_recheck_days=3,
    follow_ups_per_year=4,
    satisfied_interval_months=3,
    unsatisfied_interval_days=14,
)
CURRENT = THRESHOLDS_V1


def eligible(age: int, rules: ChronicRules = CURRENT) -> bool:
    """Screening is for residents aged 35 and over (§12.1, §12.2 [S])."""
    return age >= rules.min_age


def _worst(*classes: str) -> str:
    return max(classes, key=_SEVERITY.__getitem__)


def classify_bp(sbp: int, dbp: int, rules: ChronicRules = CURRENT) -> str:
    """One screening reading: emergency (SBP ≥ 180 or DBP ≥ 110), suspected (≥ 140 or ≥ 90: to be
    rechecked on 3 different days), high-risk (血压高值 130–139 / 85–89) or normal."""
    if sbp <= 0 or dbp <= 0 or dbp >= sbp:
        raise ValueError("血压读数不合理：收缩压应大于舒张压且均为正数")
    if sbp >= rules.sbp_emergency.value or dbp >= rules.dbp_emergency.value:
        return EMERGENCY
    if sbp >= rules.sbp_suspected.value or dbp >= rules.dbp_suspected.value:
        return SUSPECTED
    if sbp >= rules.sbp_high_risk.value or dbp >= rules.dbp_high_risk.value:
        return HIGH_RISK
    return NORMAL


def classify_glucose(fasting: Decimal, rules: ChronicRules = CURRENT) -> str:
    """Fasting glucose (mmol/L): emergency (≥ 16.7 or ≤ 3.9), suspected (≥ 7.0), high-risk
    (6.1–6.9, 未核对) or normal."""
    if fasting <= 0:
        raise ValueError("空腹血糖应大于 0")
    if fasting >= rules.glucose_emergency_high.value or fasting <= rules.glucose_emergency_low.value:
        return EMERGENCY
    if fasting >= rules.glucose_suspected.value:
        return SUSPECTED
    if fasting >= rules.glucose_high_risk.value:
        return HIGH_RISK
    return NORMAL


def classify(
    *, sbp: int | None, dbp: int | None, fasting_glucose: Decimal | None, rules: ChronicRules = CURRENT
) -> str:
    """The screening class: the worst of blood pressure and glucose (either may be missing, not both)."""
    parts = []
    if sbp is not None and dbp is not None:
        parts.append(classify_bp(sbp, dbp, rules))
    elif (sbp is None) != (dbp is None):
        raise ValueError("收缩压与舒张压须同时填写")
    if fasting_glucose is not None:
        parts.append(classify_glucose(fasting_glucose, rules))
    if not parts:
        raise ValueError("请至少填写血压或空腹血糖")
    return _worst(*parts)


CONFIRM_PENDING = "pending"
CONFIRM_REFER = "refer"
CONFIRM_CLEARED = "cleared"
CONFIRM_LABELS = {CONFIRM_PENDING: "待非同日复查", CONFIRM_REFER: "转诊确诊", CONFIRM_CLEARED: "未确认升高"}


def bp_confirmation(readings: Sequence[tuple[dt.date, int, int]], rules: ChronicRules = CURRENT) -> str:
    """After a suspected reading, BP is rechecked on 3 different days (§12.1 [S]). With readings
    on fewer than 3 days: pending. On ≥ 3 days: refer when the latest reading of each of the first
    3 days is elevated (≥ 140/90), else cleared."""
    by_day: dict[dt.date, tuple[int, int]] = {}
    for day, sbp, dbp in sorted(readings):
        by_day[day] = (sbp, dbp)
    if len(by_day) < rules.bp_recheck_days:
        return CONFIRM_PENDING
    days = sorted(by_day)[: rules.bp_recheck_days]
    elevated = all(classify_bp(*by_day[d], rules) in (SUSPECTED, EMERGENCY) for d in days)
    return CONFIRM_REFER if elevated else CONFIRM_CLEARED


def follow_up_outcome(
    *,
    disease: str,
    age: int,
    sbp: int | None = None,
    dbp: int | None = None,
    fasting_glucose: Decimal | None = None,
    rules: ChronicRules = CURRENT,
) -> str:
    """A patient's follow-up visit: emergency referral, satisfactory or unsatisfactory.

    Hypertension (``disease="hypertension"``): satisfactory < 140/90 (age ≥ 65: SBP < 150, 未核对).
    Diabetes (``"diabetes"``): satisfactory fasting glucose < 7.0 mmol/L. The emergency thresholds
    of both apply to both (the diabetes list includes SBP ≥ 180 / DBP ≥ 110, §12.2)."""
    if sbp is not None and dbp is not None and classify_bp(sbp, dbp, rules) == EMERGENCY:
        return EMERGENCY
    if fasting_glucose is not None and classify_glucose(fasting_glucose, rules) == EMERGENCY:
        return EMERGENCY
    if disease == "hypertension":
        if sbp is None or dbp is None:
            raise ValueError("高血压随访须填写血压")
        sbp_line = rules.sbp_satisfied_65.value if age >= 65 else rules.sbp_suspected.value
        ok = sbp < sbp_line and dbp < rules.dbp_suspected.value
    elif disease == "diabetes":
        if fasting_glucose is None:
            raise ValueError("糖尿病随访须填写空腹血糖")
        ok = fasting_glucose < rules.glucose_suspected.value
    else:
        raise ValueError(f"unknown disease {disease!r}")
    return SATISFACTORY if ok else UNSATISFACTORY


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class NextStep:
    due: dt.date
    refer: bool
    reason: str


def next_follow_up(
    *, visited_on: dt.date, outcome: str, previous_outcome: str | None, rules: ChronicRules = CURRENT
) -> NextStep:
    """The next follow-up from the last result (§12.1, §12.2):

    * 控制满意 → the next quarterly visit (3 months; ≥ 4 a year);
    * first 控制不满意 → adjust treatment, revisit in 2 weeks;
    * 连续两次不满意 → refer, follow the referral up within 2 weeks;
    * emergency → refer at once, follow up within 2 weeks.
    """
    two_weeks = visited_on + dt.timedelta(days=rules.unsatisfied_interval_days)
    if outcome == EMERGENCY:
        return NextStep(two_weeks, True, "紧急转诊，2周内随访转诊情况")
    if outcome == UNSATISFACTORY:
        if previous_outcome == UNSATISFACTORY:
            return NextStep(two_weeks, True, "连续两次控制不满意，转诊，2周内随访")
        return NextStep(two_weeks, False, "第一次控制不满意，调整用药，2周内随访")
    if outcome == SATISFACTORY:
        return NextStep(
            add_months(visited_on, rules.satisfied_interval_months), False, "控制满意，预约下一季度随访"
        )
    raise ValueError(f"unknown outcome {outcome!r}")


def follow_up_shortfall(visits_in_year: int, rules: ChronicRules = CURRENT) -> int:
    """How many face-to-face follow-ups a patient still needs this year (≥ 4, §12 [S])."""
    return max(0, rules.follow_ups_per_year - visits_in_year)


def rescreen_due(*, screened_on: dt.date, screening_class: str) -> dt.date | None:
    """When a screened (non-patient) worker is measured again: high-risk BP every 6 months
    (§12.1 [S]), everyone else yearly (BP once a year for all ≥ 35, glucose ≥ 1 a year for the
    high-risk, §12). Suspected and emergency go to confirmation or referral instead (None)."""
    if screening_class == HIGH_RISK:
        return add_months(screened_on, 6)
    if screening_class == NORMAL:
        return add_months(screened_on, 12)
    return None

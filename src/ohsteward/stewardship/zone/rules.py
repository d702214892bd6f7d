"""Pure rules of the online service zone and of structured visit findings (no Django imports).

Sources: 000 = 渝卫发〔2023〕62号 (五(四): 线上选择服务团队、专家咨询、法规标准解读; 二(三):
原则上选择1个服务主体); 职业病防治法 (PPE, facilities, exams); GBZ 188-2014 (exams by factor);
GBZ 2.1-2019 / GBZ 2.2-2007 (limits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# --- structured findings (issue 10 item 4: the enterprise-portrait input) ---------------------

FINDING_CATEGORIES: list[tuple[str, str]] = [
    ("hazard_identification", "危害辨识"),
    ("protective_facilities", "防护设施"),
    ("ppe", "个体防护"),
    ("health_exam", "职业健康检查"),
    ("training", "培训"),
    ("management", "制度"),
    ("other", "其他"),
]
# The platform's own three-step scale (no source prescribes one): what the risk classification
# reads as "a problem", "a serious problem", "a problem that endangers workers now".
SEVERITIES: list[tuple[str, str]] = [("minor", "一般"), ("major", "较重"), ("serious", "严重")]
FINDING_TEXT_MAX = 500


def finding_error(category: str, severity: str, text: str) -> dict[str, str]:
    """Field → Chinese message for one finding row; empty when it is valid."""
    errors: dict[str, str] = {}
    if category not in dict(FINDING_CATEGORIES):
        errors["category"] = "请选择问题类别：" + "、".join(label for _c, label in FINDING_CATEGORIES)
    if severity not in dict(SEVERITIES):
        errors["severity"] = "请选择严重程度：" + "、".join(label for _c, label in SEVERITIES)
    text = (text or "").strip()
    if not text:
        errors["text"] = "请写明发现的问题"
    elif len(text) > FINDING_TEXT_MAX:
        errors["text"] = f"问题描述不能超过 {FINDING_TEXT_MAX} 字"
    return errors


# --- team requests ------------------------------------------------------------------------------

REQUEST_STATES: list[tuple[str, str]] = [
    ("pending", "待团队答复"),
    ("accepted", "已接受"),
    ("declined", "已婉拒"),
    ("withdrawn", "已撤回"),
]


def decision_error(state: str, decision: str, reason: str) -> str | None:
    """Whether a team may ``decision`` ("accept"/"decline") a request in ``state``; declining
    says why (the employer reads the reason and chooses another team)."""
    if state != "pending":
        return f"该申请{dict(REQUEST_STATES).get(state, state)}，不能再答复"
    if decision not in ("accept", "decline"):
        return "请选择接受或婉拒"
    if decision == "decline" and not (reason or "").strip():
        return "婉拒时请说明原因"
    return None


def draft_start(today: dt.date, current_end: dt.date | None) -> dt.date:
    """The start of the draft an accepted request opens: today, or the day after the employer's
    current agreement ends (000 二(三): 原则上选择1个服务主体 — the two never overlap)."""
    if current_end is not None and current_end >= today:
        return current_end + dt.timedelta(days=1)
    return today


# --- expert questions ---------------------------------------------------------------------------

QUESTION_TOPICS: list[tuple[str, str]] = [
    ("declaration", "危害项目申报"),
    ("detection", "检测与评价"),
    ("exam", "职业健康检查"),
    ("protection", "防护设施与防护用品"),
    ("training", "培训"),
    ("law", "法律法规与标准"),
    ("other", "其他"),
]


def add_working_days(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start`` (Monday–Friday). Public holidays and 调休 working
    weekends are not modelled [?]: the deadline can fall on a holiday."""
    if days < 0:
        raise ValueError("days must be ≥ 0")
    day = start
    left = days
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return day


def question_state(due_on: dt.date, answered: bool, today: dt.date) -> str:
    """answered / overdue (past its deadline and unanswered) / open."""
    if answered:
        return "answered"
    return "overdue" if today > due_on else "open"


QUESTION_STATE_LABELS = {"answered": "已答复", "overdue": "已超期", "open": "待答复"}


# --- plain words for non-experts (the directory) --------------------------------------------------

PLAIN_QUALIFICATIONS: dict[str, str] = {
    "occupational_physician": "能判断职业病、解读体检结果的医生",
    "general_practitioner": "看常见病、做健康管理的医生",
    "nutritionist": "指导职工饮食营养",
    "public_health_physician": "帮企业找出危害、制定防护措施",
    "mental_health_counsellor": "帮助职工缓解压力、心理疏导",
    "hygiene_technician": "到现场测粉尘、噪声、毒物浓度",
    "legal_professional": "解答用工和职业病相关的法律问题",
    "specialist": "专科疾病的诊治",
    "engineering": "通风、除尘、降噪等防护设施的设计和改造",
    "other": "其他专业人员",
}
PLAIN_CONTENTS: dict[str, str] = {
    "risk_assessment": "看清企业有哪些危害、风险有多高（000 三(一)）",
    "management": "帮企业建制度、建档案、做申报（000 三(二)）",
    "training": "给负责人、管理人员和职工上课（000 三(三)）",
    "detection": "定期测工作场所的危害浓度和强度（000 三(四)）",
    "surveillance": "组织上岗前、在岗和离岗体检（000 三(五)）",
    "environment": "健康企业建设、工间操等（000 三(六)）",
    "medical": "普通体检、看病就医（000 三(七)）",
    "other": "心理健康等其他服务（000 三(八)）",
}


def mean_rating(ratings: Iterable[int | None]) -> float | None:
    """The mean of the given 1–5 visit ratings (None ignored; None when there is none)."""
    given = [r for r in ratings if r is not None]
    return round(sum(given) / len(given), 1) if given else None


# --- advice by declared hazard category (PPE, facilities, exams) ---------------------------------


@dataclass(frozen=True)
class Advice:
    topic: str  # "ppe" / "facilities" / "exams"
    text: str
    source: str  # a citation the library resolves


ADVICE_TOPICS = {"ppe": "个体防护用品", "facilities": "防护设施", "exams": "职业健康检查"}
ADVICE_VERSION = "v1"
# per hazard category of the CDC catalogue (hazards.HazardCategory); written for this platform
# from the cited sources, to be reviewed by the CDC [M]
ADVICE: dict[str, list[Advice]] = {
    "dust": [
        Advice(
            "ppe",
            "接尘岗位配发符合标准的防颗粒物口罩（如 KN95），教会职工正确佩戴并按时更换。",
            "职业病防治法",
        ),
        Advice(
            "facilities",
            "产尘点优先湿式作业和密闭抽风除尘，除尘设施定期维护，并每年检测粉尘浓度。",
            "GBZ 2.1-2019",
        ),
        Advice(
            "exams", "接尘职工上岗前、在岗期间和离岗时都要做职业健康检查（含胸片和肺功能）。", "GBZ 188-2014"
        ),
    ],
    "chemical": [
        Advice(
            "ppe",
            "按毒物种类配发防毒面具（配对应滤毒盒）、防护手套和防护服，滤毒盒按时更换。",
            "职业病防治法",
        ),
        Advice(
            "facilities",
            "设置局部排风和通风设施；可能泄漏有毒气体的地方装报警器并设应急冲淋、洗眼设施。",
            "GB/T 50493-2019",
        ),
        Advice(
            "exams",
            "接触毒物的职工按毒物种类做对应项目的职业健康检查，并把结果书面告知本人。",
            "GBZ 188-2014",
        ),
    ],
    "physical": [
        Advice(
            "ppe", "噪声岗位配发耳塞或耳罩，高温岗位发放防暑降温用品，振动岗位配防振手套。", "职业病防治法"
        ),
        Advice(
            "facilities", "噪声源隔声、消声、减振；高温车间通风降温，并按标准检测噪声和高温。", "GBZ 2.2-2007"
        ),
        Advice("exams", "噪声岗位职工做纯音听阈测试等检查；高温岗位在每年入暑前做检查。", "GBZ 188-2014"),
    ],
    "biological": [
        Advice("ppe", "配发防护口罩、手套，按需接种疫苗。", "职业病防治法"),
        Advice("facilities", "设置清洗消毒设施，规范处理污染物。", "工作场所职业卫生管理规定"),
        Advice("exams", "接触布鲁氏菌、炭疽芽孢杆菌等的职工按规范做职业健康检查。", "GBZ 188-2014"),
    ],
    "radiation": [
        Advice("ppe", "放射工作人员佩戴个人剂量计，配发铅衣等防护用品。", "职业病防治法"),
        Advice("facilities", "射线装置和放射源场所设置屏蔽、警示标识和联锁装置。", "职业病防治法"),
        Advice(
            "exams", "放射工作人员上岗前、在岗期间和离岗时做职业健康检查，建立个人剂量档案。", "职业病防治法"
        ),
    ],
    "special": [
        Advice("ppe", "高处、电工等特殊作业配发安全带、绝缘用品等防护用品。", "职业病防治法"),
        Advice("facilities", "作业场所设置安全防护设施和警示标识。", "工作场所职业卫生管理规定"),
        Advice("exams", "特殊作业人员上岗前和在岗期间做对应的职业健康检查。", "GBZ 188-2014"),
    ],
    "other": [
        Advice("ppe", "按岗位危害配发合格的个体防护用品，教会职工使用。", "职业病防治法"),
        Advice(
            "facilities", "落实通风等防护设施，并在醒目位置设置警示标识和告知卡。", "工作场所职业卫生管理规定"
        ),
        Advice("exams", "组织接触危害的职工做职业健康检查。", "GBZ 188-2014"),
    ],
}
NO_FACTOR_ADVICE = [
    Advice(
        "facilities",
        "本单位尚未登记任何岗位危害因素。如果有岗位接触粉尘、化学毒物、噪声等，请先在“工作场所与岗位”中登记，并如实申报。",
        "职业病危害项目申报办法",
    )
]


def advice_for(categories: Iterable[str]) -> list[tuple[str, list[Advice]]]:
    """(category, its advice) for each hazard category the employer has declared, in the
    catalogue's order; the "no factor" advice when there is none."""
    order = list(ADVICE)
    present = sorted({c for c in categories if c in ADVICE}, key=order.index)
    if not present:
        return [("", NO_FACTOR_ADVICE)]
    return [(c, ADVICE[c]) for c in present]

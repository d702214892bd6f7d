"""Rules of occupational-health training as pure functions (no Django), each citing its source.

RULES.md §9: 国卫办职健函〔2022〕441号 (2022-12-29) keeps the hours of 安监总厅安健〔2015〕121号;
the exact numbers inside 441号 were not seen, so the version says so (``verified=False``) and every
page that shows a requirement shows "未核对".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

# Role categories (codes are API values).
ROLES: tuple[tuple[str, str], ...] = (
    ("principal", "主要负责人"),
    ("manager", "职业卫生管理人员"),
    ("exposed", "接害劳动者"),
    ("other", "其他人员"),
)
ROLE_LABELS = dict(ROLES)
MODES: tuple[tuple[str, str], ...] = (("onsite", "现场"), ("online", "线上"))


@dataclass(frozen=True)
class Requirement:
    """Hours one role needs: ``initial`` (初次/上岗前) within ``initial_window_days`` of the start
    date (0 = before it), then ``yearly`` (继续教育/在岗期间) in every later calendar year."""

    initial: Decimal
    yearly: Decimal
    initial_window_days: int
    source: str


@dataclass(frozen=True)
class TrainingRules:
    version: str
    valid_from: dt.date
    requirements: dict[str, Requirement]
    verified: bool
    note: str


_MANAGERS = Requirement(
    initial=Decimal(16),
    yearly=Decimal(8),
    # "初次培训" has no deadline in the sources we saw; one year after taking the post is ours
    initial_window_days=365,
    source="安监总厅安健〔2015〕121号：初次培训不少于16学时，继续教育每年不少于8学时；441号沿用（未核对）",
)
RULES_V1 = TrainingRules(
    version="v1",
    valid_from=dt.date(2015, 1, 1),
    requirements={
        "principal": _MANAGERS,
        "manager": _MANAGERS,
        "exposed": Requirement(
            initial=Decimal(8),
            yearly=Decimal(4),
            initial_window_days=0,  # 上岗前: before the start date
            source="上岗前培训不少于8学时，在岗期间每年不少于4学时（RULES.md §9 [S, weak]；441号未核对）",
        ),
    },
    verified=False,
    note="441号原文中的学时要求未核对（RULES.md §9），现按2015年通知执行",
)
VERSIONS = {RULES_V1.version: RULES_V1}


def rules_on(day: dt.date) -> TrainingRules:
    """The version in force on ``day`` (the latest that started on or before it)."""
    started = [v for v in VERSIONS.values() if v.valid_from <= day]
    return max(started or VERSIONS.values(), key=lambda v: v.valid_from)


def requirement(role: str, *, on: dt.date) -> Requirement | None:
    """Hours required of a role, or None (其他人员: no requirement of their own)."""
    return rules_on(on).requirements.get(role)


def _hours_text(value: Decimal) -> str:
    return f"{value.normalize():f}"


def hours_note(on: dt.date) -> str:
    """The hours the version in force on ``on`` asks, in one Chinese sentence for import
    templates and pages: its version, "未核对" while unverified, then per role with a requirement
    the initial and yearly hours (roles with the same hours are named together)."""
    version = rules_on(on)
    groups: dict[tuple[Decimal, Decimal, int], list[str]] = {}
    for role, label in ROLES:
        req = version.requirements.get(role)
        if req is not None:
            groups.setdefault((req.initial, req.yearly, req.initial_window_days), []).append(label)
    parts = []
    for (initial, yearly, window), labels in groups.items():
        first = "上岗前" if window == 0 else "初次"
        parts.append(
            f"{'、'.join(labels)}{first}不少于{_hours_text(initial)}学时、每年不少于{_hours_text(yearly)}学时"
        )
    flag = "，未核对" if not version.verified else ""
    return f"学时要求（{version.version}{flag}；{version.note}）：{'；'.join(parts)}。"


STATUSES = {"ok": "已达标", "due": "待培训", "overdue": "已逾期", "na": "无学时要求"}


@dataclass(frozen=True)
class Standing:
    """Where one person stands on ``today``: ``status`` (ok / due / overdue / na), the hours
    still missing for the step in question and a Chinese reason."""

    status: str
    missing: Decimal
    reason: str

    @property
    def label(self) -> str:
        return STATUSES[self.status]


def _sum(records: Iterable[tuple[dt.date, Decimal]], start: dt.date, end: dt.date) -> Decimal:
    return sum((h for d, h in records if start <= d <= end), Decimal(0))


def standing(
    *, role: str, started_on: dt.date, records: Sequence[tuple[dt.date, Decimal]], today: dt.date
) -> Standing:
    """Whether a person has the training the rules require (RULES.md §9, via ``requirement``).

    ``records``: (date, hours) of the person's training. Initial: the hours up to
    ``started_on + initial_window_days`` (an exposed worker's 上岗前 hours count up to the start
    date, and also late ones up to today while overdue). Then every calendar year after the start
    year needs the yearly hours: the last complete year short → overdue; the current year short →
    due until 31 December.
    """
    req = requirement(role, on=today)
    if req is None:
        return Standing("na", Decimal(0), "该类人员无单独学时要求")
    window_end = started_on + dt.timedelta(days=req.initial_window_days)
    initial = _sum(records, dt.date.min, max(window_end, started_on))
    if initial < req.initial:
        late = _sum(records, dt.date.min, today)
        if late < req.initial:
            missing = req.initial - late
            if today > window_end or (req.initial_window_days == 0 and today >= started_on):
                return Standing(
                    "overdue", missing, f"初次（上岗前）培训不足 {req.initial} 学时，尚差 {missing}"
                )
            return Standing("due", missing, f"须在 {window_end:%Y-%m-%d} 前完成初次培训 {req.initial} 学时")
    last = today.year - 1
    if last > started_on.year:
        done = _sum(records, dt.date(last, 1, 1), dt.date(last, 12, 31))
        if done < req.yearly:
            return Standing(
                "overdue", req.yearly - done, f"{last}年培训 {done} 学时，不足每年 {req.yearly} 学时"
            )
    if today.year > started_on.year:
        done = _sum(records, dt.date(today.year, 1, 1), today)
        if done < req.yearly:
            missing = req.yearly - done
            return Standing(
                "due", missing, f"{today.year}年尚需培训 {missing} 学时（每年 {req.yearly} 学时）"
            )
    return Standing("ok", Decimal(0), "已达到学时要求")


def rate(trained: int, required: int) -> float | None:
    """培训率 = people trained as required / people required (None when nobody is required)."""
    return round(100 * trained / required, 1) if required else None


def hours_error(hours: Decimal | None) -> str | None:
    if hours is None:
        return "请填写学时"
    if hours <= 0 or hours > 200:
        return "学时应大于 0 且不超过 200"
    return None


# ---------------------------------------------------------------------------------------------
# Quizzes and questionnaires: questions are data ([{"text", "options": [...], "answer": index}])
# ---------------------------------------------------------------------------------------------


def questions_error(questions: object) -> str | None:
    """Why a list of questions is malformed, or None."""
    if not isinstance(questions, list) or not questions:
        return "至少需要一道题"
    for n, q in enumerate(questions, start=1):
        if not isinstance(q, dict) or not str(q.get("text", "")).strip():
            return f"第{n}题：缺少题目"
        options = q.get("options")
        if not isinstance(options, list) or len(options) < 2:
            return f"第{n}题：至少需要两个选项"
        answer = q.get("answer")
        if not isinstance(answer, int) or not 0 <= answer < len(options):
            return f"第{n}题：正确答案应为选项之一"
    return None


def score(questions: Sequence[dict], answers: Sequence[int | None]) -> int:
    """Percentage of questions answered right (0–100), unanswered counted wrong."""
    if not questions:
        return 0
    right = sum(1 for q, a in zip(questions, answers, strict=False) if a is not None and a == q["answer"])
    return round(100 * right / len(questions))


def passed(score_value: int, threshold: int) -> bool:
    """知晓 / 合格: a score at or above the threshold (the threshold is data on the quiz)."""
    return score_value >= threshold


# A per-employer awareness link is valid this long; a new QR code is printed after that.
AWARENESS_LINK_DAYS = 366

# Lecture files: slides and documents follow the visits' evidence rules; videos are accepted too.
VIDEO_SUFFIXES = {".mp4": "video/mp4", ".webm": "video/webm"}
VIDEO_MAX_MB = 50

# A training need raised from a visit finding ("需培训", issue 10 item 3) is due this many days
# later: the platform's working choice (the same 30 days as a rectification task), not a rule of
# the seeds.
TRAINING_NEED_DAYS = 30

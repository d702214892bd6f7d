"""Rules of the steward service as pure functions (no Django), each citing where it comes from.

Seed 000 is 渝卫发〔2023〕62号《重庆市进一步完善企业职业健康管家服务工作的实施意见》.
Codes are the ``choices.py`` values; labels are repeated here so that messages need no Django.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

# 000 二(一): "管家服务团队至少配备1名职业病诊断医师、全科医师、营养师、公共卫生医师、心理健康指导师、
# 职业卫生检测技术人员、法律专业人员（即“五师两员”）". Codes fixed by issue 10 (API).
REQUIRED_QUALIFICATIONS: tuple[tuple[str, str], ...] = (
    ("occupational_physician", "职业病诊断医师"),
    ("general_practitioner", "全科医师"),
    ("nutritionist", "营养师"),
    ("public_health_physician", "公共卫生医师"),
    ("mental_health_counsellor", "心理健康指导师"),
    ("hygiene_technician", "职业卫生检测技术人员"),
    ("legal_professional", "法律专业人员"),
)
QUALIFICATION_LABELS = dict(REQUIRED_QUALIFICATIONS)

# How far ahead a certificate counts as "expiring soon" on the team page. Not a rule of 000: a
# working choice (a quarter, time enough to renew a practising certificate).
EXPIRY_WARNING_DAYS = 90


@dataclass(frozen=True)
class MemberFact:
    """What the completeness rule needs of a member: qualification and certificate validity."""

    name: str
    qualification: str
    valid_until: dt.date | None  # None: no expiry date recorded (counted, as the team declared it)


def certificate_valid(member: MemberFact, on: dt.date) -> bool:
    """A certificate counts on ``on`` if it has no recorded expiry or expires on/after ``on``."""
    return member.valid_until is None or member.valid_until >= on


def missing_qualifications(members: Iterable[MemberFact], on: dt.date) -> list[str]:
    """The "五师两员" codes (000 二(一)) no member with a valid certificate holds on ``on``, in the
    order of 000. An expired certificate does not count toward completeness (issue 10)."""
    held = {m.qualification for m in members if certificate_valid(m, on)}
    return [code for code, _label in REQUIRED_QUALIFICATIONS if code not in held]


def missing_text(missing: Sequence[str]) -> str:
    """ "缺：营养师、法律专业人员" or "" for a complete team."""
    if not missing:
        return ""
    return "缺：" + "、".join(QUALIFICATION_LABELS.get(c, c) for c in missing)


def expiring_soon(
    members: Iterable[MemberFact], on: dt.date, days: int = EXPIRY_WARNING_DAYS
) -> list[MemberFact]:
    """Members whose certificate is still valid on ``on`` but expires within ``days``, soonest first."""
    horizon = on + dt.timedelta(days=days)
    found = [m for m in members if m.valid_until is not None and on <= m.valid_until <= horizon]
    return sorted(found, key=lambda m: (m.valid_until, m.name))


# --------------------------------------------------------------------------------------------
# Agreements: term, overlap (000 二(三))
# --------------------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years (29 February → 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def default_end(start: dt.date, years: int = 1) -> dt.date:
    """000 二(三) "协议签订周期原则上为1年，经双方协商，也可采取一签多年的方式": the last day of a
    term of ``years`` years from ``start`` (2026-01-01 → 2026-12-31)."""
    return add_years(start, years) - dt.timedelta(days=1)


def term_error(start: dt.date | None, end: dt.date | None) -> str | None:
    """An agreement must have a start and must not end before it starts (000 二(三) 期限)."""
    if start is None:
        return "请填写协议开始日期"
    if end is not None and end < start:
        return f"协议结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）"
    return None


def periods_overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """Two closed periods (an open end runs forever) share at least one day."""
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def overlap_message(team: str, start: dt.date, end: dt.date | None) -> str:
    """000 二(三) "服务对象原则上选择1个服务主体提供管家服务": one agreement in force per employer."""
    until = f"{end:%Y-%m-%d}" if end else "长期"
    return (
        f"该用人单位已与“{team}”签订生效协议（{start:%Y-%m-%d} 至 {until}），与本协议期限重叠。"
        "一个用人单位同一时期只能有一份生效的管家服务协议，请先解除或待其到期后再签订。"
    )


# --------------------------------------------------------------------------------------------
# The service calendar
# --------------------------------------------------------------------------------------------

# What the quantity of a content counts (issue 10: "2 detections a year, exams for N workers,
# 2 training sessions"). For 人-counted contents the calendar plans one visit a year.
PERSON_COUNTED = {"surveillance", "medical"}


def quantity_unit(content: str) -> str:
    return "人" if content in PERSON_COUNTED else "次/年"


def visits_per_year(content: str, quantity: int) -> int:
    """Visits a year the calendar plans for a content: its quantity (次/年), or one for a
    person-counted content (exams for N workers are one visit), at least one."""
    if content in PERSON_COUNTED:
        return 1
    return max(1, int(quantity or 0))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def plan_visits(contents: Mapping[str, int], start: dt.date, end: dt.date) -> list[tuple[str, dt.date]]:
    """The service calendar of an agreement: ``(content, date)`` pairs across the term.

    Each year of the term (from ``start``; a last part-year included) gets ``visits_per_year``
    visits per content, evenly spaced: n visits a year fall at the middle of each 12/n-month
    slot (2 a year → months 3 and 9 of the agreement year). Dates after ``end`` are dropped.
    The schedule is the team's plan (000 三 "制定有针对性的培训计划"), which the team may move.
    """
    out: list[tuple[str, dt.date]] = []
    year = 0
    while add_months(start, 12 * year) <= end:
        year_start = add_months(start, 12 * year)
        for content, quantity in contents.items():
            n = visits_per_year(content, quantity)
            for i in range(n):
                # middle of slot i of n, in whole days (12/n months ≈ 365/n days)
                offset = round((i + 0.5) * 365 / n)
                day = year_start + dt.timedelta(days=offset)
                if day <= end:
                    out.append((content, day))
        year += 1
    return sorted(out, key=lambda pair: (pair[1], pair[0]))


# --------------------------------------------------------------------------------------------
# Visits
# --------------------------------------------------------------------------------------------


def visit_date_error(day: dt.date | None, start: dt.date, end: dt.date | None) -> str | None:
    """A visit is made under an agreement: its date lies inside the agreement's term (issue 10)."""
    if day is None:
        return "请填写服务日期"
    if day < start or (end is not None and day > end):
        until = f"{end:%Y-%m-%d}" if end else "长期"
        return f"服务日期 {day:%Y-%m-%d} 不在协议期限内（{start:%Y-%m-%d} 至 {until}）"
    return None


def visit_state(planned_on: dt.date, done: bool, today: dt.date) -> str:
    """``done``; ``overdue`` (planned before today, not done); ``this_month``; ``later``."""
    if done:
        return "done"
    if planned_on < today:
        return "overdue"
    if (planned_on.year, planned_on.month) == (today.year, today.month):
        return "this_month"
    return "later"


# Evidence: photos, PDFs and Office documents only (issue 10 "Bad input"); the limit is ours.
EVIDENCE_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic",
    ".pdf",
    ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
)  # fmt: skip
EVIDENCE_MAX_MB = 10


def evidence_error(filename: str, size: int, max_mb: int = EVIDENCE_MAX_MB) -> str | None:
    """Why an evidence file is refused (type, size — the limit is stated), or None."""
    suffix = PurePosixPath((filename or "").lower()).suffix
    if suffix not in EVIDENCE_SUFFIXES:
        return (
            f"文件“{filename}”类型不支持（{suffix or '无扩展名'}）：只能上传图片（jpg/png/gif/webp/heic）、"
            "PDF 或 Office 文档（doc/docx/xls/xlsx/ppt/pptx）"
        )
    if size > max_mb * 1024 * 1024:
        return f"文件“{filename}”太大（{size / 1048576:.1f} MB），每个文件不超过 {max_mb} MB"
    if size == 0:
        return f"文件“{filename}”是空的"
    return None


# The type an evidence file is served with follows its (checked) suffix, never the type the
# uploader's browser declared: a ".pdf" declared text/html would otherwise run as a page on our
# origin. Pictures and PDFs are shown in the browser; Office documents are downloaded.
EVIDENCE_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".heic": "image/heic",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}  # fmt: skip
EVIDENCE_SHOWN = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf"})


def evidence_media_type(filename: str) -> tuple[str, bool]:
    """The content type an evidence file is served with, and whether it is shown (inline) rather
    than downloaded (attachment); anything unexpected is an opaque download."""
    suffix = PurePosixPath((filename or "").lower()).suffix
    return EVIDENCE_TYPES.get(suffix, "application/octet-stream"), suffix in EVIDENCE_SHOWN


RATING_RANGE = range(1, 6)


def rating_error(rating: int | None) -> str | None:
    """Satisfaction is rated 1–5 (issue 10 item 3)."""
    if rating is None or rating not in RATING_RANGE:
        return "满意度评分应为 1–5 分"
    return None

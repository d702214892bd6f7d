"""Pure rules of health surveillance: the resident ID number (GB 11643-1999) and exposure years.

The exam schedule (GBZ 188) is in ``schedule.py``. No Django imports here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# GB 11643-1999 §8.2 (ISO 7064 MOD 11-2), RULES.md §11.2: weights of positions 1–17
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"  # S mod 11 → check character
# GB/T 2260 province-level codes (positions 1–2); the full county list changes every year and
# old numbers keep their old county, so only the province is checked.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)
# 劳动法 第15条 / 禁止使用童工规定: no one under 16 may be employed
MIN_WORKING_AGE = 16


@dataclass(frozen=True)
class IdNumber:
    """A valid ID number and what it says about its holder."""

    number: str
    birth_date: dt.date
    sex: str  # "male" / "female" (surveillance.choices.Sex)


def id_clean(value: str) -> str:
    """Upper-case, spaces and full-width characters removed (``ｘ`` → ``X``)."""
    out = []
    for ch in (value or "").strip():
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII
            ch = chr(code - 0xFEE0)
        if not ch.isspace():
            out.append(ch)
    return "".join(out).upper()


def id_check_char(first17: str) -> str:
    """The check character of the first 17 digits (GB 11643-1999 §8.2)."""
    s = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[s % 11]


def id_mask(number: str) -> str:
    """``500103********123X``: the first six and last four characters (the issue's format)."""
    number = id_clean(number)
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years of age on ``on``."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def id_parse(value: str, *, on: dt.date) -> tuple[IdNumber | None, str | None]:
    """Validate an 18-character resident ID number as of ``on``.

    Returns ``(IdNumber, None)`` or ``(None, message)``. The message is Chinese and never repeats
    the number (an ID number must not appear in an error message, issue 12 "Bad input").
    Checks: 17 digits + check character (GB 11643-1999, RULES.md §11.2), a province code
    (GB/T 2260), a real birth date not after ``on``, age ≥ 16 on ``on`` (劳动法 第15条).
    """
    number = id_clean(value)
    if not number:
        return None, "身份证号不能为空"
    if len(number) != 18:
        return None, f"身份证号应为18位，实为{len(number)}位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return None, "身份证号前17位应为数字，末位为数字或X"
    if number[:2] not in PROVINCE_CODES:
        return None, "身份证号前两位不是有效的省级行政区划代码"
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None, "身份证号中的出生日期不存在"
    if birth > on or birth.year < 1900:
        return None, "身份证号中的出生日期不合理"
    expected = id_check_char(number[:17])
    if number[17] != expected:
        # the expected character alone does not disclose the number
        return None, f"身份证号校验位错误，应为 {expected}"
    if age_on(birth, on) < MIN_WORKING_AGE:
        return None, f"未满{MIN_WORKING_AGE}周岁，不得招用（禁止使用童工）"
    sex = "male" if int(number[16]) % 2 == 1 else "female"
    return IdNumber(number=number, birth_date=birth, sex=sex), None


def exposure_years(periods: list[tuple[dt.date, dt.date | None]], *, on: dt.date) -> float:
    """接害工龄: years spent exposed, from ``(start, end)`` periods (end ``None`` = still exposed),
    counted up to ``on``; overlapping periods (two posts with the same factor) count once.
    Rounded to 0.1 year (days / 365.25)."""
    spans = sorted((s, min(e or on, on)) for s, e in periods if s <= on)
    days = 0
    current_start: dt.date | None = None
    current_end: dt.date | None = None
    for start, end in spans:
        if end < start:
            continue
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                days += (current_end - current_start).days + 1
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    if current_start is not None and current_end is not None:
        days += (current_end - current_start).days + 1
    return round(days / 365.25, 1)

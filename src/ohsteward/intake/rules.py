"""Pure rules for reading source lists (no Django imports).

The lists come from many departments and systems (申报扩面行动实施方案 任务1–6, RULES.md §8.2):
cells are typed by hand, so dates, counts, district names and hazard-factor lists arrive in
many spellings. Each function here turns one cell into a value or a Chinese reason why not.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.date(1899, 12, 30)
HAZARD_SEPARATORS = "、；;"
_OPEN, _CLOSE = "(（[【", ")）]】"
_COUNT = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<count>\d+)\s*人?\s*[)）]\s*$")
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?(?:[ T].*)?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)


class CellError(ValueError):
    """The reason (Chinese) why a cell cannot be used."""


def cell_text(value: Any) -> str:
    """A cell as stripped text; whole floats lose their ``.0`` (Excel stores codes as numbers)."""
    if type(value) is str:
        text = value.strip()
    elif value is None:
        return ""
    elif isinstance(value, float) and value.is_integer():
        return str(int(value))
    elif isinstance(value, dt.datetime):
        return value.date().isoformat()
    elif isinstance(value, dt.date):
        return value.isoformat()
    else:
        text = str(value).strip()
    # Our own exports neutralise formula-looking cells with a leading apostrophe (core.spreadsheets);
    # a rejected-rows file that comes back corrected must read as the user typed it.
    if text[:1] == "'" and text[1:2] in {"=", "+", "-", "@"}:
        text = text[1:]
    return text


def parse_date(value: Any, *, today: dt.date) -> dt.date | None:
    """A date from an Excel date, an Excel serial number or text such as 2024-03-05, 2024/3/5,
    2024.3.5, 20240305 or 2024年3月5日. Dates after ``today`` are refused: a source list
    reports what happened, never what will."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise CellError(f"无法识别的日期“{cell_text(value)}”")
        result = EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        if not text:
            return None
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                try:
                    result = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
                except ValueError:
                    raise CellError(f"日期不存在“{text}”") from None
                break
        else:
            raise CellError(f"无法识别的日期“{text}”，请写成 2024-03-05")
    if result > today:
        raise CellError("日期不能晚于今天")
    if result.year < 1949:
        raise CellError(f"日期过早“{result.isoformat()}”")
    return result


def parse_count(value: Any) -> int | None:
    """A non-negative whole number (人数、点数); "12人" and 12.0 are accepted."""
    text = cell_text(value)
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).replace(",", "").removesuffix("人").removesuffix("个").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为整数，实际为“{cell_text(value)}”") from None
    if number != number.to_integral_value():
        raise CellError(f"应为整数，实际为“{cell_text(value)}”")
    if number < 0:
        raise CellError("不能为负数")
    return int(number)


def parse_amount(value: Any) -> Decimal | None:
    """A non-negative amount in 万元, two decimals."""
    text = cell_text(value)
    if not text:
        return None
    text = unicodedata.normalize("NFKC", text).replace(",", "").removesuffix("万元").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为数字（万元），实际为“{cell_text(value)}”") from None
    if number < 0:
        raise CellError("不能为负数")
    return number.quantize(Decimal("0.01"))


def split_hazards(text: Any) -> list[tuple[str, int | None]]:
    """Hazard factors with optional headcounts: ``矽尘(12)、噪声(30)`` → [("矽尘", 12), ("噪声", 30)].

    Names are separated by 、 or ；/; outside brackets (catalogue names carry bracketed
    qualifiers such as 煤尘（游离SiO2含量＜10%）, which must stay whole). A trailing bracket
    holding only a number (optionally 人) is the headcount.
    """
    source = cell_text(text)
    if not source:
        return []
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in source:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in HAZARD_SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    result: list[tuple[str, int | None]] = []
    for part in parts:
        part = part.strip()
        if not part:
            continue
        m = _COUNT.match(part)
        if m and m["name"].strip():
            result.append((m["name"].strip(), int(m["count"])))
        else:
            result.append((part, None))
    return result


def hazard_key(name: str) -> str:
    """The form of a hazard-factor name used to look it up: NFKC, no spaces, ASCII brackets, lower case."""
    text = unicodedata.normalize("NFKC", name or "")
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", text).lower()


def hazard_base_key(name: str) -> str:
    """``hazard_key`` without a trailing bracketed qualifier: 煤尘(游离SiO2含量<10%) → 煤尘."""
    return re.sub(r"\([^()]*\)$", "", hazard_key(name))


_REGION_SUFFIX = re.compile(r"((土家族|苗族)+自治县|自治县|区|县)$")


def region_keys(name: str) -> list[str]:
    """Spellings by which people refer to a district: 渝北区 → [渝北区, 渝北];
    石柱土家族自治县 → [石柱土家族自治县, 石柱县, 石柱]."""
    full = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    full = re.sub(r"^重庆市?", "", full)
    if not full:
        return []
    keys = [full]
    short = _REGION_SUFFIX.sub("", full)
    if short and short != full:
        if full.endswith("自治县"):
            keys.append(short + "县")
        keys.append(short)
    return keys


def town_keys(name: str) -> list[str]:
    """Spellings of a town/street: 龙溪街道 → [龙溪街道, 龙溪]."""
    full = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))
    if not full:
        return []
    short = re.sub(r"(街道办事处|街道|镇|乡)$", "", full)
    return [full, short] if short and short != full else [full]


def industry_digits(text: Any) -> str:
    """The digits of a GB/T 4754 code as people write it: C3311, c 3311, 3311 → 3311."""
    value = re.sub(r"\s+", "", cell_text(text)).upper()
    return value[1:] if value[:1].isalpha() else value


def row_message(row_number: int, column: str, reason: str) -> str:
    """The one way an error about a cell is told: 第12行 体检日期: 日期不能晚于今天."""
    return f"第{row_number}行 {column}: {reason}"

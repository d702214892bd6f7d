"""Pure rules for reading source lists (no Django imports).

The lists come from many departments and systems (申报扩面行动实施方案 任务1–6, RULES.md §8.2):
cells are typed by hand, so dates, counts, district names and hazard-factor lists arrive in
many spellings. Each function here turns one cell into a value or a Chinese reason why not.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# The cell parsers are shared with every importer (core.cells); intake's parsing reads them here.
from ohsteward.core.cells import (  # noqa: F401
    EXCEL_EPOCH,
    CellError,
    cell_text,
    parse_amount,
    parse_count,
    parse_date,
)

HAZARD_SEPARATORS = "、；;"
_OPEN, _CLOSE = "(（[【", ")）]】"
_COUNT = re.compile(r"^(?P<name>.*?)\s*[(（]\s*(?P<count>\d+)\s*人?\s*[)）]\s*$")



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

"""Pure domain rules for the employer register (no Django imports).

- Unified social credit code check digit: GB 32100-2015 (RULES.md §11.1).
- Enterprise size class: 统计上大中小微型企业划分办法(2017), 国统字〔2017〕213号 (RULES.md §5).
- Industry risk class: 建设项目职业病危害风险分类管理目录(2021版), 国卫办职健发〔2021〕5号 (RULES.md §6).
- Name normalisation used by search and by source matching.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import mul

# --------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)
# --------------------------------------------------------------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUES = {c: i for i, c in enumerate(USCC_CHARSET)}
#: What people put between the characters of a code: white space (incl. the ideographic space),
#: hyphens and dashes, underscores, slashes, dots. None of them can be part of a code (the
#: character set has letters and digits only), so taking them out never changes which code is
#: meant: ``9135-0100-M000100Y43`` and ``91350100 M000100Y43`` are ``91350100M000100Y43``.
_CODE_SEPARATORS = re.compile(r"[\s\-_/.\u2010-\u2015\u2212\u30fc\uff0d]+")


def zone_town_error(
    zone_code: str | None, town_code: str | None, zone_towns: dict[str, frozenset[str]]
) -> str | None:
    """Why an employer located in ``town_code`` cannot belong to functional zone ``zone_code``.

    A functional zone (两江新区, 重庆高新区, 万盛经开区) administers given towns/streets of given
    districts (reference data ``registry.refdata.zone_towns``); an employer belongs to a zone only
    when its town is one of them. None when the pair is consistent or no zone is given.
    """
    if not zone_code:
        return None
    if not town_code:
        return "填写功能区时须同时填写乡镇街道（功能区按乡镇街道划定）"
    if town_code not in zone_towns.get(zone_code, frozenset()):
        return "所选乡镇街道不在该功能区范围内"
    return None


def uscc_clean(code: str | None) -> str:
    """The one input normalisation of a credit code, used by the register, importers, the API
    and the matcher alike: NFKC (full-width → half-width), upper case, separators removed.

    Separators are stripped everywhere (docs/domain/matching.md, "One credit-code check"): a
    code is 18 letters and digits, so a hyphen or space between them is layout, never content.
    The already-clean case (ASCII letters and digits, upper case) returns at once: it is the
    usual one, and the matcher cleans hundreds of thousands of codes.
    """
    if not code:
        return ""
    if type(code) is str and code.isascii() and code.isalnum() and (code.isupper() or code.isdigit()):
        return code
    return _CODE_SEPARATORS.sub("", unicodedata.normalize("NFKC", str(code))).upper()


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 (GB 32100-2015 §5: C18 = 31 − Σ(Ci·Wi) mod 31,
    where 31 maps to 0). Raises KeyError for a character outside the charset."""
    total = sum(_USCC_VALUES[c] * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def uscc_error(code: str | None) -> str | None:
    """A Chinese message saying what is wrong with ``code``, or None when it is valid.

    The message names the expected check digit when only the 18th character is wrong, so that a
    user can tell a typo in the last character from a wrong code.
    """
    code = uscc_clean(code)
    if not code:
        return "不能为空"
    if len(code) != 18:
        return f"应为18位，实际为{len(code)}位"
    bad = sorted({c for c in code if c not in _USCC_VALUES})
    if bad:
        return f"含有不允许的字符：{'、'.join(bad)}（不使用I、O、S、V、Z）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"校验位错误，应为 {expected}"
    return None


def uscc_is_valid(code: str | None) -> bool:
    """True when ``code``, cleaned by ``uscc_clean``, is a valid credit code (the same verdict as
    ``uscc_error(code) is None``, without building a message: the matcher calls it per row)."""
    code = uscc_clean(code)
    if len(code) != 18:
        return False
    values = _USCC_VALUES
    try:
        total = sum(map(mul, map(values.__getitem__, code[:17]), USCC_WEIGHTS))
        return values[code[17]] == (31 - total % 31) % 31
    except KeyError:  # a character outside the charset (I, O, S, V, Z, punctuation …)
        return False


def uscc_with_check(first17: str) -> str:
    """Complete a 17-character body with its check character (used by the data generators)."""
    return first17 + uscc_check_char(first17)


# 组织机构代码 (GB 11714-1997): the 9 characters at positions 9–17 of a credit code.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def org_code_check_char(body8: str) -> str:
    """The 9th character of an organisation code for its first 8 (GB 11714-1997, RULES.md §11.1):
    digits count 0–9 and letters A–Z 10–35, weights 3, 7, 9, 10, 5, 8, 4, 2; C9 = 11 − Σ mod 11,
    where 10 is written ``X`` and 11 ``0``. ``M000100Y`` → ``4``."""
    total = sum(
        (int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_WEIGHTS, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


# --------------------------------------------------------------------------------------------
# Name normalisation
# --------------------------------------------------------------------------------------------

_BRACKETS = str.maketrans(
    {"（": "(", "）": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"}
)
_LEGAL_FORM_VARIANTS = (("有限责任公司", "有限公司"), ("股份有限公司", "股份公司"))
_REGION_PREFIX = re.compile(r"^(重庆市|重庆)")


# Characters that print as nothing: Unicode format characters (Cf: zero-width space/joiners, BOM,
# word joiner, bidi marks …), controls (Cc), and the blank "letters" that are not white space.
_BLANK_LETTERS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u180e"}


def _invisible(ch: str) -> bool:
    return (
        unicodedata.category(ch) in {"Cf", "Cc", "Co", "Cs", "Cn"} and not ch.isspace()
    ) or ch in _BLANK_LETTERS


def clean_name(name: str | None) -> str:
    """A name as stored: invisible characters removed, white space runs collapsed and trimmed.

    The one rule for names typed into the form, sent to the API or read from a file (issue 6
    item 10): ``"\u200b\u200b"`` becomes ``""``, so "required" refuses it like an empty field.
    """
    if not name:
        return ""
    text = "".join(ch for ch in str(name) if not _invisible(ch))
    return re.sub(r"\s+", " ", text).strip()


def name_error(name: str | None) -> str | None:
    """Why a name cannot be used (Chinese), or None: empty once invisible characters are gone."""
    if not clean_name(name):
        if name and str(name).strip():
            return "不能只由空白或不可见字符组成"
        return "不能为空"
    return None


def normalize_name(name: str | None) -> str:
    """The form of an employer name used for search and exact matching.

    NFKC folds full-width letters, digits and brackets to half-width; every bracket kind becomes
    ``(``/``)``; white space is removed; 有限责任公司 and 有限公司 compare equal (they are the same
    legal form as people write it).
    """
    if not name:
        return ""
    # (str.split() and the regular expression \s agree on what white space is; split is faster)
    text = "".join(unicodedata.normalize("NFKC", clean_name(name)).translate(_BRACKETS).split())
    for long, short in _LEGAL_FORM_VARIANTS:
        text = text.replace(long, short)
    return text.lower()


def name_core(name: str | None) -> str:
    """``normalize_name`` without a leading 重庆/重庆市: lists often drop the city prefix."""
    return _REGION_PREFIX.sub("", normalize_name(name))


# --------------------------------------------------------------------------------------------
# Enterprise size class (国统字〔2017〕213号)
# --------------------------------------------------------------------------------------------

SIZE_CLASSES = ("large", "medium", "small", "micro")
X, Y, Z = "employees", "revenue", "total_assets"


@dataclass(frozen=True)
class SizeRule:
    group: str
    # indicator -> lower bounds (large, medium, small); below the small bound is micro
    bounds: Mapping[str, tuple[float, float, float]]


SIZE_RULES: dict[str, SizeRule] = {
    "agriculture": SizeRule("农、林、牧、渔业", {Y: (20000, 500, 50)}),
    "industry": SizeRule("工业", {X: (1000, 300, 20), Y: (40000, 2000, 300)}),
    "construction": SizeRule("建筑业", {Y: (80000, 6000, 300), Z: (80000, 5000, 300)}),
    "wholesale": SizeRule("批发业", {X: (200, 20, 5), Y: (40000, 5000, 1000)}),
    "retail": SizeRule("零售业", {X: (300, 50, 10), Y: (20000, 500, 100)}),
    "transport": SizeRule("交通运输业", {X: (1000, 300, 20), Y: (30000, 3000, 200)}),
    "warehousing": SizeRule("仓储业", {X: (200, 100, 20), Y: (30000, 1000, 100)}),
    "postal": SizeRule("邮政业", {X: (1000, 300, 20), Y: (30000, 2000, 100)}),
    "accommodation_catering": SizeRule("住宿业、餐饮业", {X: (300, 100, 10), Y: (10000, 2000, 100)}),
    "telecom": SizeRule("信息传输业", {X: (2000, 100, 10), Y: (100000, 1000, 100)}),
    "software": SizeRule("软件和信息技术服务业", {X: (300, 100, 10), Y: (10000, 1000, 50)}),
    "real_estate_development": SizeRule("房地产开发经营", {Y: (200000, 1000, 100), Z: (10000, 5000, 2000)}),
    "property_management": SizeRule("物业管理", {X: (1000, 300, 100), Y: (5000, 1000, 500)}),
    "leasing_business": SizeRule("租赁和商务服务业", {X: (300, 100, 10), Z: (120000, 8000, 100)}),
    "other": SizeRule("其他未列明行业", {X: (300, 100, 10)}),
}


def size_rule_group(section: str, industry_code: str) -> str:
    """Which row of the 2017 table applies to a GB/T 4754-2017 industry.

    ``section`` is the 门类 letter, ``industry_code`` the digits (2 to 4) of the 大类/中类/小类.
    """
    section = (section or "").upper()
    division = industry_code[:2] if industry_code else ""
    if section == "A":
        return "agriculture"
    if section in {"B", "C", "D"}:
        return "industry"
    if section == "E":
        return "construction"
    if division == "51":
        return "wholesale"
    if division == "52":
        return "retail"
    if division in {"54", "55", "56", "57", "58"}:
        return "transport"
    if division == "59":
        return "warehousing"
    if division == "60":
        return "postal"
    if division in {"61", "62"}:
        return "accommodation_catering"
    if division in {"63", "64"}:
        return "telecom"
    if division == "65":
        return "software"
    if industry_code.startswith("7010"):
        return "real_estate_development"
    if industry_code.startswith("702"):
        return "property_management"
    if section == "L":
        return "leasing_business"
    return "other"


def _rank(value: float, bounds: tuple[float, float, float]) -> int:
    large, medium, small = bounds
    if value >= large:
        return 0
    if value >= medium:
        return 1
    if value >= small:
        return 2
    return 3


def size_class(
    section: str,
    industry_code: str,
    *,
    employees: int | None,
    revenue: Decimal | float | None,
    total_assets: Decimal | float | None,
) -> str | None:
    """Size class (large/medium/small/micro) by the 2017 rules, or None when it cannot be told.

    "大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列指标中的一项即可":
    each listed indicator is ranked and the worst rank wins. When an indicator is missing the
    class is unknown, unless a known indicator is already micro (micro needs only one).
    """
    rule = SIZE_RULES[size_rule_group(section, industry_code)]
    values = {X: employees, Y: revenue, Z: total_assets}
    ranks = []
    missing = False
    for indicator, bounds in rule.bounds.items():
        value = values[indicator]
        if value is None:
            missing = True
            continue
        ranks.append(_rank(float(value), bounds))
    if ranks and max(ranks) == 3:
        return "micro"
    if missing or not ranks:
        return None
    return SIZE_CLASSES[max(ranks)]


# --------------------------------------------------------------------------------------------
# Industry risk class (2021 risk catalogue)
# --------------------------------------------------------------------------------------------

RISK_ORDER = {"serious": 2, "general": 1, "unlisted": 0}


@dataclass(frozen=True)
class RiskEntry:
    """One row of the catalogue: code digits as written (3 or 4 digits), class and condition."""

    code: str
    risk_class: str  # "serious" | "general"
    condition: str = ""
    footnote: bool = False


def industry_risk(
    industry_code: str, entries: Iterable[RiskEntry], class_names: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """Catalogue class of a 4-digit 小类 and a note, from the catalogue rows.

    A group row whose condition names one 小类 of that group (G541 城市公共交通运输 with the
    condition "城市轨道交通", which is 小类 5412) lists only that 小类: the other classes of the group
    (5411 公共电汽车客运) are not listed by it. ``class_names`` (code → name of the 4-digit classes)
    lets the rule see that; without it every condition is kept as a note.

    The most specific listed code wins (a 4-digit row such as F5265 over its 3-digit group).
    Where the catalogue splits an entry by condition (A031 牛、羊 严重 / 其他 一般), the higher class
    is returned with the conditions in the note: the list is a screening list, and the 2021
    notice says multi-industry or higher-risk cases take the higher class; districts confirm.
    Industries not in the catalogue are "unlisted" — not "general" (SOURCES.md caution).
    """
    rows: Sequence[RiskEntry] = ()
    by_code: dict[str, list[RiskEntry]] = {}
    for entry in entries:
        by_code.setdefault(entry.code, []).append(entry)
    for length in (4, 3):
        prefix = industry_code[:length]
        if len(prefix) == length and prefix in by_code:
            rows = by_code[prefix]
            if length == 3 and class_names:
                siblings = {name: code for code, name in class_names.items() if code[:3] == prefix}
                own = class_names.get(industry_code, "")
                # a condition that is the name of a 小类 selects that 小类
                if any(r.condition == own for r in rows):
                    return max(
                        (r for r in rows if r.condition == own), key=lambda r: RISK_ORDER[r.risk_class]
                    ).risk_class, ""
                rows = [r for r in rows if r.condition not in siblings]
            break
    if not rows:
        return "unlisted", ""
    best = max(rows, key=lambda r: RISK_ORDER[r.risk_class])
    notes = []
    if len(rows) > 1 or any(r.condition for r in rows):
        label = {"serious": "严重", "general": "一般"}
        notes.append("；".join(f"{r.condition or '其他'}：{label[r.risk_class]}" for r in rows))
    if any(r.footnote for r in rows):
        notes.append(
            "*不使用含苯、正己烷、1,2-二氯乙烷、三氯甲烷等物质的胶黏剂、清洗剂、油墨、油漆时，按一般管理"
        )
    return best.risk_class, "；".join(notes)

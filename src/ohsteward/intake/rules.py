"""Pure rules for reading source lists (no Django imports).

The lists come from many departments and systems (申报扩面行动实施方案 任务1–6, RULES.md §8.2):
cells are typed by hand, so dates, counts, district names and hazard-factor lists arrive in
many spellings. Each function here turns one cell into a value or a Chinese reason why not.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path
from typing import Any, NamedTuple

# The cell parsers are shared with every importer (core.cells); intake's parsing reads them here.
from ohsteward.core.cells import (  # noqa: F401
    EXCEL_EPOCH,
    CellError,
    cell_text,
    parse_amount,
    parse_count,
    parse_date,
)
from ohsteward.registry.rules import normalize_name

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


# --------------------------------------------------------------------------------------------
# Parts of an enterprise name (企业名称登记管理规定)
# --------------------------------------------------------------------------------------------

#: Organisational forms (组织形式) and words that end the name of a sole trader, a cooperative or
#: a unit, as they read after ``registry.rules.normalize_name`` (有限责任公司 → 有限公司, 股份有限公司
#: → 股份公司). Longest first where one ends another.
ORGANISATION_FORMS = (
    "农民专业合作社",
    "专业合作社",
    "股份合作公司",
    "集团公司",
    "股份公司",
    "有限公司",
    "合作社",
    "经营部",
    "门市部",
    "加工厂",
    "工作室",
    "公司",
    "商行",
    "厂",
    "店",
    "场",
    "社",
)
#: Branch markers (企业分支机构名称 = the parent's name + 分公司/分厂/分店 …). 经营部 and 门市部 are
#: left out: they usually end the name of a sole trader, not a branch.
BRANCH_MARKERS = (
    "分公司",
    "分厂",
    "分店",
    "营业部",
    "办事处",
    "分部",
    "分行",
    "支行",
    "分所",
    "分中心",
    "项目部",
    "分场",
)
#: Words of 行业或者经营特点 (the industry or business feature), from the GB/T 4754 industries
#: and how Chongqing employers name them. A name's industry part is one or more of these at the
#: end, before the organisational form (汽车 + 零部件, 环保 + 科技).
INDUSTRY_WORDS = tuple(
    sorted(
        set(
            "机械 制造 机械制造 汽车 配件 零部件 汽配 摩托车 摩配 建材 新型建材 化工 化学 纺织 印刷 印务 彩印 家具 矿业 煤业 "
            "建筑 工程 劳务 电子 科技 技术 信息 铸造 锻造 金属 制品 塑料 塑胶 五金 模具 涂料 油漆 陶瓷 水泥 玻璃 "
            "制药 药业 医药 生物 食品 包装 电气 电器 电力 能源 燃气 水务 新材料 材料 环保 石材 砂石 页岩砖 木业 "
            "服装 制衣 鞋业 物流 运输 仓储 混凝土 商品混凝土 钢结构 橡胶 电镀 铝业 冶金 钢铁 齿轮 阀门 装饰 市政 "
            "建设 实业 工贸 商贸 贸易 机电 耐火材料 粉末冶金 皮革 电池 纸制品 纸业 纸箱 精密 智能 装备 设备 "
            "仪器 仪表 线缆 电缆 维修 汽车维修 酒店 管理 餐饮 物业 软件 农业 开发 养殖 种植 饲料 粮油 酒业 "
            "茶业 加工 服务 咨询 发展 投资 产业 工业 开采 采石 矿产 爆破 安装 机床 轴承 标准件 紧固件".split()
        ),
        key=len,
        reverse=True,
    )
)
_CITY_PREFIXES = ("重庆市", "重庆")
_BRANCH_TAIL = re.compile("(?:" + "|".join(BRANCH_MARKERS) + r")(?:\([^()]*\))?$")
#: Where the parent's name ends inside a branch name.
_PARENT_END = re.compile(r".*(?:公司|厂|\))")
_BRACKETED_TAIL = re.compile(r"\(([^()]+)\)$")


class NameParts(NamedTuple):
    """An enterprise name cut into the parts of 企业名称登记管理规定 第六条, plus the branch.

    ``city`` (重庆市/重庆) and ``district`` (the 6-digit code of the 区/县 named, ``""`` when none)
    make the 行政区划; ``region`` is that part as written. ``zihao`` is the 字号 (trade name),
    ``industry`` the 行业或者经营特点 (empty when no known industry word ends the name: then the
    whole rest is taken as the 字号), ``form`` the 组织形式, ``branch`` what names a branch
    (``江北分公司``; empty for a legal person). All parts are in the form of
    ``registry.rules.normalize_name`` (NFKC, lower case, 有限责任公司 → 有限公司).
    """

    city: str
    district: str
    region: str
    zihao: str
    industry: str
    form: str
    branch: str

    @property
    def stem(self) -> str:
        """字号 and industry: the part that tells employers apart."""
        return self.zihao + self.industry


def _district_names() -> dict[str, str]:
    """Spellings of the 38 districts and counties (region_keys) → division code, from the region
    reference data shipped with the package (GB/T 2260, cq_admin_districts_gbt2260_nbs2023.csv)."""
    path = Path(__file__).resolve().parents[1] / "refdata" / "data" / "cq_admin_districts_gbt2260_nbs2023.csv"
    names: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            for key in region_keys(row["name"]):
                if len(key) >= 2:  # 忠县 → 忠 is no name to look for
                    names.setdefault(key, row["code"])
    return names


DISTRICT_NAMES: dict[str, str] = _district_names()
_DISTRICT_MAX = max(map(len, DISTRICT_NAMES))
_INDUSTRY_WORD_SET = frozenset(INDUSTRY_WORDS)
_INDUSTRY_LENGTHS = tuple(sorted({len(w) for w in INDUSTRY_WORDS}, reverse=True))


def name_parts(name: str | None, districts: dict[str, str] | None = None) -> NameParts:
    """Cut an enterprise name into 行政区划 + 字号 + 行业/经营特点 + 组织形式 (+ branch).

    企业名称登记管理规定 (国务院令第734号, 2020, in force 2021-03-01) 第六条: "企业名称由行政区划名称、
    字号、行业或者经营特点、组织形式组成"; a district (市辖区) is written after its city
    (重庆市沙坪坝区…); the 字号 has at least two characters and cannot be a 行政区划 name or an
    industry word (第八条); a branch name is the parent's name followed by 分公司/分厂/分店 …;
    the 行政区划 may stand in brackets after the 字号 (长江机械（重庆）有限公司, 企业名称登记管理实施办法).

    Worked example: ``重庆市沙坪坝区华鑫瑞纸制品厂`` → city 重庆市, district 500106 (沙坪坝区),
    字号 华鑫瑞, industry 纸制品, form 厂. The cut is a best effort: an industry word the list
    does not know stays in the 字号 (``长江机戒制造`` → 字号 长江机戒, industry 制造).
    """
    return parts_of_normalised_name(normalize_name(name), districts)


def parts_of_normalised_name(text: str, districts: dict[str, str] | None = None) -> NameParts:
    """``name_parts`` of a name already in the form of ``registry.rules.normalize_name`` (the
    matcher normalises once and parses the result)."""
    districts = DISTRICT_NAMES if districts is None else districts
    city = next((p for p in _CITY_PREFIXES if text.startswith(p)), "")
    rest = text[len(city) :]
    # branch: <parent name><place>分公司
    branch = ""
    if rest.endswith(BRANCH_MARKERS) or rest.endswith(")"):
        marker = _BRANCH_TAIL.search(rest)
        if marker and marker.start() > 0:
            parent = _PARENT_END.match(rest, 0, marker.start())
            cut = parent.end() if parent and parent.end() > 0 else marker.start()
            rest, branch = rest[:cut], rest[cut:]
    form = next((f for f in ORGANISATION_FORMS if rest.endswith(f) and len(rest) > len(f)), "")
    rest = rest[: len(rest) - len(form)]
    # 集团 belongs to the form of a group company: 长江机械（集团）有限公司
    for group in ("(集团)", "集团"):
        if form and rest.endswith(group) and len(rest) > len(group):
            rest, form = rest[: -len(group)], group + form
            break
    region = city
    district = ""
    # a bracketed 行政区划 before the form: 长江机械(重庆)有限公司, 长江机械(渝北)有限公司
    bracketed = _BRACKETED_TAIL.search(rest)
    if bracketed and (bracketed[1] in _CITY_PREFIXES or bracketed[1] in districts):
        district = districts.get(bracketed[1], "")
        region += bracketed[0]
        rest = rest[: bracketed.start()]
    # a district after the city: 重庆市沙坪坝区华鑫瑞…, or at the start when the city is left out
    if not district:
        # (longest spelling first: 石柱土家族自治县 before 石柱县 before 石柱)
        longest = _DISTRICT_MAX if districts is DISTRICT_NAMES else max(map(len, districts), default=0)
        for length in range(min(longest, len(rest) - 2), 1, -1):
            key = rest[:length]
            if key in districts:
                district, region, rest = districts[key], region + key, rest[length:]
                break
    # industry words from the end (longest first), keeping a 字号 of at least two characters
    industry = ""
    stripped = True
    while stripped:
        stripped = False
        for length in _INDUSTRY_LENGTHS:
            if len(rest) - length >= 2 and rest[-length:] in _INDUSTRY_WORD_SET:
                rest, industry = rest[:-length], rest[-length:] + industry
                stripped = True
                break
    return NameParts(city, district, region, rest, industry, form, branch)

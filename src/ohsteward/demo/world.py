"""A ground-truth world of Chongqing employers and noisy departmental lists (pure Python).

Measures the matcher (:mod:`ohsteward.intake.matching`): ``make_world`` builds a register
and source rows whose true employer is known, with the noise that real uploads carry:

* names: full/half-width brackets, 有限公司 ↔ 有限责任公司, a dropped or changed 重庆/重庆市
  prefix, one wrong character (a homophone from a small table, or any character), stray spaces,
  a former name instead of the current one;
* codes: missing (about half the rows), a wrong check character, two neighbours swapped, one
  wrong character, another employer's code pasted by mistake, lower case, full-width, spaces;
  some register entries lack a code or hold a mistyped one;
* districts: missing or wrong on some rows;
* the register itself: sibling companies (same 字号, other industry), look-alike 字号
  (鑫源/新源), branches (…有限公司渝北分公司) next to their parent, former names, and a few
  employers renamed since registration whose new name the register does not know yet;
* about 10 % of rows name employers that are not in the register, some of them look-alikes of
  register employers or unregistered branches of registered parents: they must create
  candidates, never link.

With ``messy=True`` (the default) the world also carries the noise found by trying the matcher
with real multi-source lists (issue 7 item 8):

* many distinct employers that share district, industry word and legal form and differ only in
  their 字号 (``重庆市沙坪坝区华鑫瑞纸制品厂`` next to ``重庆市沙坪坝区宏恒祥纸制品厂``), some with industry
  words the matcher's list does not know; rows about them often drop the 行政区划 or write the
  district short (沙坪坝 for 沙坪坝区);
* the same 字号, industry and form in different districts (``重庆市渝北区…`` and ``重庆市江北区…``),
  which are different employers;
* rows of the market-supervision register (``SourceRecord.authoritative``, about a fifth of the
  rows): the true valid code and the current name; among them rows about new employers whose
  valid code differs from that of a register employer with a similar name (a cluster neighbour,
  a look-alike 字号, the same 字号 in another district).

Codes are made with ``registry.rules`` (GB 32100-2015 and GB 11714-1997 check characters: the
one implementation, table-tested against the standards' worked examples). Everything is driven
by ``random.Random(seed)`` so a seed always gives the same world.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from ohsteward.intake.matching import (
    AUTO_METHODS,
    METHOD_NEW,
    METHOD_REVIEW,
    Matcher,
    MatchResult,
    RegisterEntry,
    SourceRecord,
)
from ohsteward.registry.rules import USCC_CHARSET, org_code_check_char, uscc_with_check

__all__ = ["DISTRICTS", "World", "evaluate", "ingest", "make_world"]

#: The 38 districts and counties of Chongqing (administrative division code, short name).
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("500101", "万州"), ("500102", "涪陵"), ("500103", "渝中"), ("500104", "大渡口"),
    ("500105", "江北"), ("500106", "沙坪坝"), ("500107", "九龙坡"), ("500108", "南岸"),
    ("500109", "北碚"), ("500110", "綦江"), ("500111", "大足"), ("500112", "渝北"),
    ("500113", "巴南"), ("500114", "黔江"), ("500115", "长寿"), ("500116", "江津"),
    ("500117", "合川"), ("500118", "永川"), ("500119", "南川"), ("500120", "璧山"),
    ("500151", "铜梁"), ("500152", "潼南"), ("500153", "荣昌"), ("500154", "开州"),
    ("500155", "梁平"), ("500156", "武隆"), ("500229", "城口"), ("500230", "丰都"),
    ("500231", "垫江"), ("500233", "忠县"), ("500235", "云阳"), ("500236", "奉节"),
    ("500237", "巫山"), ("500238", "巫溪"), ("500240", "石柱"), ("500241", "秀山"),
    ("500242", "酉阳"), ("500243", "彭水"),
)  # fmt: skip
_DISTRICT_SHORT_NAMES = tuple(name for _, name in DISTRICTS)
_DISTRICT_NAMES = dict(DISTRICTS)
_URBAN = {"500103", "500104", "500105", "500106", "500107", "500108", "500109", "500112", "500113"}
_DISTRICT_WEIGHTS = [3.0 if code in _URBAN else 1.0 for code, _ in DISTRICTS]

#: Characters seen in trade names (字号). 重, 分 and 厂 are left out: they would collide with
#: the city prefix, branch markers and legal forms that the matcher parses.
_ZIHAO_CHARS = "".join(
    dict.fromkeys(
        "安邦宝北博昌长辰成诚驰川创春达大德鼎东都恒宏鸿华汇辉惠佳嘉建江金锦晶京九聚凯康科坤蓝朗力立利联"
        "良林龙隆路美盟铭明南宁鹏平普齐启强青清荣瑞润森山盛胜升圣世顺泰天通同万旺威伟文鑫新信星兴旭雅扬"
        "阳耀亿益银永优宇玉元源远跃云泽兆正志中众洲卓祥翔渝巴蜀峡川黔涪合璧綦铜潼万豪浩昊航杭海洋波涛"
        "飞腾展拓进发富福禄寿喜乐和睦平安吉祥如意春夏秋冬梅兰竹菊松柏桂桐杉枫柳杨荷莲芳华英杰俊豪雄"
        "骏驰腾飞翼鹰凤凰麒麟虎豹狮象鹿鹤燕雁鸣声音韵律诗书画琴棋剑光明亮晖煌灿烁炎焱磊鑫淼森垚犇"
        "宏图伟业兴旺发达富强昌盛繁荣和谐友善仁义礼智信忠孝勤俭朴实真诚厚德载物自强不息开拓创新求实"
        "精工匠艺品质卓越领先一流首选至尊豪华典范标杆先锋前沿未来远景蓝天碧海青山绿水红日白云紫金黄"
    )
)
_ZIHAO_CHARS = "".join(c for c in _ZIHAO_CHARS if c not in "重分厂司公限有责任")

#: Homophone groups (同音字): a wrong character in a list is most often one of these.
_HOMOPHONE_GROUPS = (
    "华化花", "鑫新心欣馨", "源元园远圆", "达大", "荣容融蓉", "盛胜圣晟", "峰丰锋风枫", "宏鸿红洪弘",
    "祥翔香湘", "利力立丽励", "兴星", "佳嘉家加", "恒衡", "瑞锐", "龙隆", "成诚城承程", "金今津锦晋",
    "德得", "永勇涌", "泰太", "明鸣铭名", "晨辰臣", "江疆", "安岸", "博波柏", "汇辉惠慧会", "美梅",
    "腾藤", "宇雨语玉裕", "渝鱼余于", "鹏朋蓬", "凯楷", "鼎顶", "顺舜", "通同桐", "天田甜", "航杭",
    "坤昆", "伟维威卫", "亿益艺义毅", "豪浩昊", "川传", "宁凝", "平萍", "林霖琳", "路禄鹿", "晶京精经",
    "富福复", "聚巨", "科可", "洲州舟周", "捷杰洁", "智志致至", "光广", "长常昌畅", "振正政", "机基",
    "械谢", "材才财", "工公", "制治质", "造早", "电店", "子紫", "技记", "建健见", "筑助",
)  # fmt: skip
_HOMOPHONES: dict[str, str] = {}
for _group in _HOMOPHONE_GROUPS:
    for _char in _group:
        _HOMOPHONES.setdefault(_char, _group)

_INDUSTRIES = (
    "机械制造", "建材", "化工", "纺织", "汽车配件", "印刷", "家具", "矿业", "建筑工程", "电子科技",
    "摩托车配件", "铸造", "金属制品", "塑料制品", "五金", "模具", "涂料", "陶瓷", "水泥", "玻璃",
    "制药", "食品", "包装", "电气", "新材料", "环保科技", "石材", "木业", "服装", "物流", "混凝土",
    "钢结构", "橡胶制品", "电镀", "铝业", "冶金", "汽车零部件", "齿轮", "阀门", "建筑劳务",
    "装饰工程", "实业", "科技", "工贸", "机电", "耐火材料", "砂石", "粉末冶金", "皮革", "电池",
)  # fmt: skip
#: Industry words of the clusters of district-named employers; 砖瓦 and 铝型材 are words the
#: matcher's industry list does not know (a real list always has some).
_CLUSTER_INDUSTRIES = (
    "纸制品", "机械", "建材", "五金", "塑料制品", "家具", "汽车配件", "砖瓦", "铝型材", "食品", "印刷", "模具",
)  # fmt: skip
_CLUSTER_FORMS = ("厂", "有限公司", "有限责任公司")
_LEGAL_FORMS = ("有限公司", "有限责任公司", "股份有限公司", "厂")
_LEGAL_FORM_WEIGHTS = (0.62, 0.20, 0.08, 0.10)

_FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def _org_code(r: random.Random) -> str:
    """A 9-character organisation code (GB 11714, with its own mod-11 check character)."""
    if r.random() < 0.6:  # codes issued since 2015 start with MA
        body = "MA" + "".join(r.choice(USCC_CHARSET) for _ in range(6))
    else:
        body = "".join(r.choice("0123456789") for _ in range(8))
    return body + org_code_check_char(body)


@dataclass
class _Employer:
    key: int  # register id, or a negative number for an employer missing from the register
    name: str
    code: str  # the employer's true, valid code
    district: str
    zihao: str
    industry: str
    form: str
    prefix: str
    former_names: tuple[str, ...] = ()
    register_code: str | None = None  # what the register holds (may be missing or mistyped)
    register_name: str | None = None  # an out-of-date name the register still holds
    branch_of: int | None = None
    branch_districts: set[str] = field(default_factory=set)
    district_named: bool = False  # the name carries the district: 重庆市沙坪坝区华鑫瑞纸制品厂


@dataclass
class World:
    """Register, rows and the truth. ``truth[i]`` is the register id row ``i`` is about, or None
    when it is about an employer missing from the register; ``keys[i]`` identifies the true
    employer of every row (register id, or a negative number) to judge within-batch dedupe."""

    register: list[RegisterEntry]
    rows: list[SourceRecord]
    truth: list[int | None]
    keys: list[int]
    seed: int = 0


class _Names:
    """Makes names that are unique after the matcher's normalisation, with deliberate
    look-alikes on request."""

    def __init__(self, r: random.Random, messy: bool = False) -> None:
        self.r = r
        self.messy = messy
        self.used: set[str] = set()  # cores: name without prefix, 有限责任公司 → 有限公司
        # cores of district-named employers, per district, and the bare cores among them (a
        # city-level employer must not take one: rows that drop the district would be ambiguous)
        self.used_in_district: set[tuple[str, str]] = set()
        self.bare_in_districts: set[str] = set()

    @staticmethod
    def core(zihao: str, industry: str, form: str) -> str:
        return zihao + industry + form.replace("有限责任公司", "有限公司")

    def zihao(self) -> str:
        while True:
            length = self.r.choices((2, 3, 4), (0.6, 0.28, 0.12))[0]
            zihao = "".join(self.r.choice(_ZIHAO_CHARS) for _ in range(length))
            # a 行政区划 name cannot be a 字号 (企业名称登记管理规定 第八条)
            if not self.messy or not zihao.startswith(_DISTRICT_SHORT_NAMES):
                return zihao

    def claim(self, zihao: str, industry: str, form: str) -> bool:
        core = self.core(zihao, industry, form)
        if core in self.used or core in self.bare_in_districts:
            return False
        self.used.add(core)
        return True

    def claim_in_district(self, district: str, zihao: str, industry: str, form: str) -> bool:
        core = self.core(zihao, industry, form)
        if core in self.used or (district, core) in self.used_in_district:
            return False
        self.used_in_district.add((district, core))
        self.bare_in_districts.add(core)
        return True

    def fresh(self) -> tuple[str, str, str]:
        while True:
            zihao, industry = self.zihao(), self.r.choice(_INDUSTRIES)
            form = self.r.choices(_LEGAL_FORMS, _LEGAL_FORM_WEIGHTS)[0]
            if self.claim(zihao, industry, form):
                return zihao, industry, form

    def sibling(self, of: _Employer) -> tuple[str, str, str] | None:
        """Same 字号, another industry: 重庆长江机械有限公司 next to 重庆长江建材有限公司."""
        for _ in range(10):
            industry = self.r.choice(_INDUSTRIES)
            form = self.r.choices(_LEGAL_FORMS, _LEGAL_FORM_WEIGHTS)[0]
            if industry != of.industry and self.claim(of.zihao, industry, form):
                return of.zihao, industry, form
        return None

    def lookalike(self, of: _Employer) -> tuple[str, str, str] | None:
        """One character of the 字号 differs, often by sound: 鑫源机械 next to 新源机械."""
        for _ in range(10):
            i = self.r.randrange(len(of.zihao))
            group = _HOMOPHONES.get(of.zihao[i])
            pool = group if group and len(group) > 1 and self.r.random() < 0.6 else _ZIHAO_CHARS
            char = self.r.choice(pool)
            zihao = of.zihao[:i] + char + of.zihao[i + 1 :]
            if char != of.zihao[i] and self.claim(zihao, of.industry, of.form):
                return zihao, of.industry, of.form
        return None


def _prefix(r: random.Random) -> str:
    return r.choices(("重庆", "重庆市", "(重庆)", ""), (0.5, 0.42, 0.05, 0.03))[0]


def _district_full_name(code: str) -> str:
    """沙坪坝 → 沙坪坝区 (500101–500156 are 区), 石柱 → 石柱县 (the 5002xx counties)."""
    short = _DISTRICT_NAMES[code]
    return short if short.endswith("县") else short + ("区" if code.startswith("5001") else "县")


def _full_name(prefix: str, zihao: str, industry: str, form: str, group: bool = False) -> str:
    tail = "（集团）" if group and form != "厂" else ""
    if prefix == "(重庆)":  # 长江机械（重庆）有限公司
        return zihao + industry + "（重庆）" + tail + form
    return prefix + zihao + industry + tail + form


class _Factory:
    def __init__(self, r: random.Random, messy: bool = False) -> None:
        self.r = r
        self.names = _Names(r, messy)
        self.codes: set[str] = set()

    def district(self) -> str:
        return self.r.choices(DISTRICTS, _DISTRICT_WEIGHTS)[0][0]

    def code(self, district: str) -> str:
        while True:
            code = uscc_with_check("91" + district + _org_code(self.r))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def employer(self, key: int, parts: tuple[str, str, str], district: str | None = None) -> _Employer:
        zihao, industry, form = parts
        district = district or self.district()
        prefix = _prefix(self.r)
        group = self.r.random() < 0.03
        return _Employer(
            key=key,
            name=_full_name(prefix, zihao, industry, form, group),
            code=self.code(district),
            district=district,
            zihao=zihao,
            industry=industry,
            form=form,
            prefix=prefix,
        )

    def district_named(
        self, key: int, clusters: list[tuple[str, str, str]], named: list[_Employer]
    ) -> _Employer | None:
        """An employer whose name carries its district, in a cluster of employers sharing
        district, industry word and form (``重庆市沙坪坝区华鑫瑞纸制品厂``); a quarter of them take the
        字号, industry and form of such an employer in another district."""
        r = self.r
        district, parts = None, None
        if named and r.random() < 0.25:
            other = r.choice(named)
            district = self.district()
            if district != other.district and self.names.claim_in_district(
                district, other.zihao, other.industry, other.form
            ):
                parts = (other.zihao, other.industry, other.form)
        if parts is None:
            if not clusters or r.random() < 0.08:
                clusters.append((self.district(), r.choice(_CLUSTER_INDUSTRIES), r.choice(_CLUSTER_FORMS)))
            district, industry, form = r.choice(clusters)
            for _ in range(10):
                zihao = self.names.zihao()
                if self.names.claim_in_district(district, zihao, industry, form):
                    parts = (zihao, industry, form)
                    break
        if parts is None or district is None:
            return None
        zihao, industry, form = parts
        prefix = r.choices(("重庆市", "重庆"), (0.8, 0.2))[0]
        name = prefix + _district_full_name(district) + zihao + industry + form
        return _Employer(
            key=key,
            name=name,
            code=self.code(district),
            district=district,
            zihao=zihao,
            industry=industry,
            form=form,
            prefix=prefix,
            district_named=True,
        )

    def branch(self, key: int, parent: _Employer) -> _Employer | None:
        """A branch of ``parent`` in another district: <parent name><district>分公司."""
        if parent.branch_of is not None:
            return None
        choices = [d for d in DISTRICTS if d[0] != parent.district and d[0] not in parent.branch_districts]
        if not choices:
            return None
        code, place = self.r.choice(choices)
        parent.branch_districts.add(code)
        marker = (
            "分厂"
            if parent.form == "厂"
            else self.r.choices(("分公司", "营业部", "办事处"), (0.9, 0.05, 0.05))[0]
        )
        return _Employer(
            key=key,
            name=parent.name + place + marker,
            code=self.code(code),
            district=code,
            zihao=parent.zihao,
            industry=parent.industry,
            form=parent.form,
            prefix=parent.prefix,
            branch_of=parent.key,
        )

    def former_name(self, e: _Employer) -> str | None:
        """What the employer was called before: a 厂 that became a company, another 字号, or
        another industry word."""
        r = self.r
        kind = r.random()
        for _ in range(10):
            if kind < 0.4 and e.form != "厂":
                parts = (e.zihao, e.industry, "厂")
            elif kind < 0.75:
                parts = (self.names.zihao(), e.industry, e.form)
            else:
                parts = (e.zihao, r.choice(_INDUSTRIES), e.form)
            if self.names.claim(*parts):
                return _full_name(_prefix(r), *parts)
        return None


# --------------------------------------------------------------------------------------------
# Noise
# --------------------------------------------------------------------------------------------

_PROTECTED = set("重庆市有限责任公司股份集团分厂()（）营业部办事处")


def _typo(name: str, r: random.Random) -> str:
    """Replace one character of the 字号/industry/branch part, by a homophone if there is one."""
    positions = [i for i, c in enumerate(name) if c not in _PROTECTED]
    if not positions:
        return name
    i = r.choice(positions)
    group = _HOMOPHONES.get(name[i])
    pool = group if group and r.random() < 0.7 else _ZIHAO_CHARS
    for _ in range(5):
        char = r.choice(pool)
        if char != name[i]:
            return name[:i] + char + name[i + 1 :]
    return name


def _noisy_name(e: _Employer, r: random.Random) -> str:
    name = e.name
    if e.former_names and r.random() < 0.4:
        name = r.choice(e.former_names)
    elif e.register_name and r.random() < 0.3:
        name = e.register_name
    full = _district_full_name(e.district)
    if e.district_named and full in name:
        # lists drop the 行政区划 (华鑫瑞纸制品厂) or write the district short (重庆市沙坪坝华鑫瑞…)
        y = r.random()
        if y < 0.25:
            name = name[name.index(full) + len(full) :]
        elif y < 0.35 and len(full) > 2:  # 沙坪坝区 → 沙坪坝 (忠县 stays 忠县)
            name = name.replace(full, full[:-1], 1)
    x = r.random()
    if name.startswith("重庆市"):
        name = name[3:] if x < 0.3 else "重庆" + name[3:] if x < 0.4 else name
    elif name.startswith("重庆"):
        name = name[2:] if x < 0.3 else "重庆市" + name[2:] if x < 0.4 else name
    if "有限责任公司" in name:
        if r.random() < 0.5:
            name = name.replace("有限责任公司", "有限公司")
    elif "有限公司" in name and "股份有限公司" not in name and r.random() < 0.2:
        name = name.replace("有限公司", "有限责任公司")
    if "（" in name and r.random() < 0.5:
        name = name.replace("（", "(").replace("）", ")")
    if r.random() < 0.06:
        name = _typo(name, r)
    if r.random() < 0.04:
        i = r.randrange(len(name) + 1)
        name = name[:i] + r.choice((" ", "\u3000", "  ")) + name[i:]
    return name


def _noisy_code(e: _Employer, r: random.Random, others: list[_Employer]) -> str | None:
    x = r.random()
    if x < 0.5:
        return None
    code = e.code
    if e.register_code and e.register_code != e.code and r.random() < 0.3:
        code = e.register_code  # copied from the same mistyped source the register came from
    if x > 0.955:
        y = r.random()
        if y < 0.45:  # wrong check character
            code = code[:17] + _wrong_check(code, r)
        elif y < 0.85:  # two neighbours swapped
            for _ in range(10):
                i = r.randrange(2, 17)
                if code[i] != code[i + 1]:
                    code = code[:i] + code[i + 1] + code[i] + code[i + 2 :]
                    break
        elif y < 0.95:  # one wrong character
            i = r.randrange(2, 17)
            code = code[:i] + r.choice([c for c in USCC_CHARSET if c != code[i]]) + code[i + 1 :]
        else:  # pasted from another row
            code = r.choice(others).code
    z = r.random()
    if z < 0.03:
        code = code.lower()
    elif z < 0.05:
        code = "".join(_FULL_WIDTH.get(c, c) for c in code)
    elif z < 0.07:
        code = code[:6] + " " + code[6:]
    return code


def _noisy_district(e: _Employer, r: random.Random) -> str | None:
    x = r.random()
    if x < 0.12:
        return None
    if x < 0.14:
        return r.choice(DISTRICTS)[0]
    return e.district


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


def make_world(n_employers: int, n_rows: int, seed: int, *, messy: bool = True) -> World:
    """A register of ``n_employers`` entries and ``n_rows`` noisy rows about them (about 10 %
    about employers missing from the register). ``messy=False`` gives the world of the first
    measurements (docs/performance.md), seed for seed; ``messy=True`` adds the noise of the
    module docstring."""
    r = random.Random(seed)
    f = _Factory(r, messy)
    registered: list[_Employer] = []
    clusters: list[tuple[str, str, str]] = []
    named: list[_Employer] = []  # district-named employers

    def next_key() -> int:
        return len(registered) + 1

    while len(registered) < n_employers:
        x = r.random()
        parts = None
        if registered and x < 0.05:
            branch = f.branch(next_key(), r.choice(registered))
            if branch:
                registered.append(branch)
                continue
        elif registered and x < 0.13:
            parts = f.names.sibling(r.choice(registered))
        elif registered and x < 0.145:
            parts = f.names.lookalike(r.choice(registered))
        elif messy and x < 0.295:
            e = f.district_named(next_key(), clusters, named)
            if e:
                registered.append(e)
                named.append(e)
                continue
        registered.append(f.employer(next_key(), parts or f.names.fresh()))

    for e in registered:
        if e.branch_of is None and r.random() < 0.05:
            former = f.former_name(e)
            if former:
                e.former_names = (former,)
        elif e.branch_of is None and r.random() < 0.01:
            # Renamed after registration, and the register has not caught up: rows carrying
            # the code link by it, rows without one look like a new employer.
            renamed = f.names.claim(zihao := f.names.zihao(), e.industry, e.form)
            if renamed:
                e.register_name, e.name = e.name, _full_name(e.prefix, zihao, e.industry, e.form)
        y = r.random()
        e.register_code = None if y < 0.02 else e.code[:17] + _wrong_check(e.code, r) if y < 0.025 else e.code

    # Employers missing from the register: mostly new, some look-alikes of register employers,
    # some unregistered branches of registered parents.
    n_unregistered_rows = round(n_rows * 0.1)
    unregistered: list[_Employer] = []
    parents = [e for e in registered if e.branch_of is None]
    for k in range(max(1, n_unregistered_rows // 3)):
        key = -(k + 1)
        x = r.random()
        e = None
        if x < 0.12:
            parts = f.names.sibling(r.choice(parents))
            e = f.employer(key, parts) if parts else None
        elif x < 0.22:
            parts = f.names.lookalike(r.choice(parents))
            e = f.employer(key, parts) if parts else None
        elif x < 0.30:
            e = f.branch(key, r.choice(parents))
        elif messy and x < 0.50:
            # a cluster neighbour, or the same 字号 in another district, of register employers
            e = f.district_named(key, clusters, named)
        unregistered.append(e or f.employer(key, f.names.fresh()))

    register = [
        RegisterEntry(
            id=e.key,
            uscc=e.register_code,
            name=e.register_name or e.name,
            former_names=e.former_names,
            district=e.district,
        )
        for e in registered
    ]

    # Rows: a few employers appear in many lists, most in a few (Pareto weights).
    def cum_weights(n: int) -> list[float]:
        return list(accumulate(r.paretovariate(1.5) for _ in range(n)))

    reg_cw, unreg_cw = cum_weights(len(registered)), cum_weights(len(unregistered))
    n_unreg = sum(1 for _ in range(n_rows) if r.random() < 0.1)
    picks = r.choices(registered, cum_weights=reg_cw, k=n_rows - n_unreg)
    picks += r.choices(unregistered, cum_weights=unreg_cw, k=n_unreg)
    r.shuffle(picks)

    rows, truth, keys = [], [], []
    for e in picks:
        if messy and r.random() < 0.2:
            # a row of the market-supervision register: the true code, the current name
            rows.append(SourceRecord(uscc=e.code, name=e.name, district=e.district, authoritative=True))
        else:
            rows.append(
                SourceRecord(
                    uscc=_noisy_code(e, r, registered), name=_noisy_name(e, r), district=_noisy_district(e, r)
                )
            )
        truth.append(e.key if e.key > 0 else None)
        keys.append(e.key)
    return World(register=register, rows=rows, truth=truth, keys=keys, seed=seed)


def _wrong_check(code: str, r: random.Random) -> str:
    return r.choice([c for c in USCC_CHARSET if c != code[17]])


# --------------------------------------------------------------------------------------------
# Running and scoring
# --------------------------------------------------------------------------------------------


def ingest(matcher: Matcher, rows: list[SourceRecord], first_new_id: int) -> list[MatchResult]:
    """Match rows in order the way the ingest does: a ``new`` row creates a candidate employer
    (id from ``first_new_id`` up), is given that id, and is added to the matcher so later rows of
    the same batch link to it."""
    results = []
    next_id = first_new_id
    for row in rows:
        result = matcher.match(row)
        if result.method == METHOD_NEW:
            matcher.add(RegisterEntry(id=next_id, uscc=row.uscc, name=row.name, district=row.district))
            result = MatchResult(next_id, METHOD_NEW, result.score, result.candidates, result.reason)
            next_id += 1
        results.append(result)
    return results


def evaluate(world: World, results: list[MatchResult]) -> dict[str, float | int | dict[str, int]]:
    """Precision and recall of automatic links, review share, and the ways rows went wrong.

    * ``precision``: correct automatic links / automatic links. A link to a register employer
      is correct when it is the row's true employer; a link to a candidate created earlier in the
      batch (see :func:`ingest`) is correct when that candidate was created by a row about the
      same unregistered employer.
    * ``recall``: rows about register employers linked automatically to the right one / rows
      about register employers.
    * ``review_share``: rows sent to review / all rows.
    * ``wrong_links``: automatic links that are not correct, of which
      ``false_links_unregistered`` link a row about an unregistered employer to a register
      employer (the worst error: a stranger's findings land on a known employer) and
      ``links_to_duplicates`` link a row about a register employer to a candidate created earlier
      in the batch for that same employer (the candidate was already a duplicate);
    * ``duplicates``: candidates created for employers that are in the register.
    * ``split_unregistered``: extra candidates for unregistered employers that already had one.
    """
    register_ids = {e.id for e in world.register}
    created_for: dict[int, int] = {}
    auto = correct = recall_hits = reviews = false_unreg = to_duplicates = duplicates = split = 0
    registered_rows = sum(1 for t in world.truth if t is not None)
    seen_new_keys: set[int] = set()
    methods: Counter[str] = Counter()
    for result, true_id, key in zip(results, world.truth, world.keys, strict=True):
        methods[result.method] += 1
        if result.method == METHOD_REVIEW:
            reviews += 1
        elif result.method == METHOD_NEW:
            if result.entry_id is not None:
                created_for[result.entry_id] = key
            if true_id is not None:
                duplicates += 1
            elif key in seen_new_keys:
                split += 1
            seen_new_keys.add(key)
        elif result.method in AUTO_METHODS and result.entry_id is not None:
            auto += 1
            if result.entry_id in register_ids:
                ok = result.entry_id == true_id
                if true_id is None:
                    false_unreg += 1
            else:
                ok = true_id is None and created_for.get(result.entry_id) == key
                to_duplicates += true_id is not None and created_for.get(result.entry_id) == key
            correct += ok
            recall_hits += ok and true_id is not None
    n = len(results)
    return {
        "rows": n,
        "precision": correct / auto if auto else 1.0,
        "recall": recall_hits / registered_rows if registered_rows else 1.0,
        "review_share": reviews / n if n else 0.0,
        "auto_links": auto,
        "wrong_links": auto - correct,
        "false_links_unregistered": false_unreg,
        "links_to_duplicates": to_duplicates,
        "duplicates": duplicates,
        "split_unregistered": split,
        "methods": dict(methods),
    }

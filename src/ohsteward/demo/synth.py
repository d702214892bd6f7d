"""Deterministic generator of realistic Chongqing employers (``ohsteward synth``, demo, benchmarks).

The same ``seed`` gives the same employers. Districts are weighted roughly by their economic
weight, industries towards those with occupational hazards (manufacturing, mining, construction),
sizes follow a long-tailed distribution, and a few employers are suspended or cancelled.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ohsteward.registry import rules
from ohsteward.registry.refdata import zone_of_town

# Heavier weights for the main urban and industrial districts.
DISTRICT_WEIGHTS = {
    "500112": 9,
    "500105": 6,
    "500106": 7,
    "500107": 7,
    "500108": 5,
    "500113": 6,
    "500103": 4,
    "500104": 4,
    "500101": 6,
    "500102": 5,
    "500110": 4,
    "500115": 4,
    "500116": 4,
    "500117": 4,
    "500118": 5,
    "500120": 4,
    "500151": 4,
    "500152": 3,
    "500153": 3,
    "500111": 4,
    "500114": 2,
    "500119": 3,
    "500154": 3,
    "500155": 2,
    "500156": 2,
    "500109": 3,
}
FIRM_CHARS = (
    "华 鑫 瑞 宏 盛 泰 丰 隆 兴 达 恒 源 通 祥 凯 博 汇 嘉 诚 信 德 佳 捷 力 升 远 宇 安 顺 和 益 众 新 锦 正 "
    "创 晨 骏 豪 旭 峰 川 渝 巴 江 山 海 科 腾 飞 邦 鼎 昌 永 利 福 荣 富 光 明 金 银 铭 铁 钢 石 林 森 云 天 "
    "龙 虎 凤 长 城 东 西 南 北 中 方 圆 美 立 成 辉 耀 启 航 志 远 星 辰 图 睿 智 精 工 艺 能 环 康 健 伟 大 "
    "万 千 百 久 合 联 友 邦 奥 宝 磊 晶 彩 虹 蓝 青 绿 红 紫 金 玉 沙 坪 碚 涪 陵 綦 璧 铜 潼 荣 梁 垫 忠 奉"
).split()
INDUSTRY_WORDS = {
    "C": [
        "机械制造",
        "汽车配件",
        "摩托车配件",
        "模具",
        "铸造",
        "五金制品",
        "建材",
        "化工",
        "塑料制品",
        "家具",
        "印刷",
        "电子科技",
        "纺织",
        "服装",
        "食品",
        "制药",
        "金属制品",
        "玻璃制品",
        "陶瓷",
        "涂料",
        "橡胶制品",
        "包装",
    ],
    "B": ["矿业", "石材", "砂石", "煤业", "页岩砖"],
    "E": ["建筑工程", "建设工程", "装饰工程", "市政工程", "钢结构工程"],
    "D": ["能源", "电力", "燃气", "水务"],
    "other": [
        "物流",
        "商贸",
        "汽车维修",
        "环保科技",
        "医院",
        "酒店管理",
        "餐饮管理",
        "物业管理",
        "软件",
        "农业开发",
    ],
}
LEGAL_FORMS = [("有限公司", 60), ("有限责任公司", 25), ("股份有限公司", 5), ("厂", 6), ("经营部", 4)]
# Industries an inland city does not have (sea fishing, coastal shipping, offshore oil).
NOT_IN_CHONGQING = ("海", "远洋", "沿海")
# Words that end an industry name but do not belong in a company's name.
_TRADE_SUFFIXES = ("制造", "加工", "生产", "服务", "活动", "开采", "采选", "经营")
ROADS = (
    "工业园路",
    "创业大道",
    "兴业路",
    "科技大道",
    "发展大道",
    "新华路",
    "人民路",
    "长江路",
    "建设路",
    "和平路",
)
# (section, industry code prefix pool) with weights: hazard-heavy sections dominate the register
SECTION_WEIGHTS = [
    ("C", 55),
    ("E", 12),
    ("B", 4),
    ("D", 2),
    ("F", 8),
    ("G", 6),
    ("O", 4),
    ("Q", 2),
    ("M", 3),
    ("N", 1),
    ("A", 2),
    ("H", 1),
]
SURNAMES = "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 罗 高 林 谭 唐 冉 向 邓 蒲 谢 曾 彭 廖".split()
GIVEN = "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀 霞 平 刚 桂 华 建 国 红 兵 春 燕 鑫".split()


def make_uscc(rng: random.Random, region_code: str) -> str:
    body = "".join(rng.choice(rules.USCC_CHARSET) for _ in range(8))
    return rules.uscc_with_check(f"91{region_code}{body}{rules.org_code_check_char(body)}")


def trade_word(industry_name: str) -> str:
    """The 行业/经营特点 part of a company name for an industry (企业名称登记管理规定 第六条):
    "客运索道制造" → "客运索道", "汽车零部件及配件制造" → "汽车零部件", "其他建筑安装" → "建筑安装"."""
    word = industry_name.split("及")[0].split("、")[0].split("（")[0]
    word = word.removeprefix("其他")
    for suffix in _TRADE_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            word = word[: -len(suffix)]
            break
    word = word.removesuffix("业") if len(word) > 3 else word
    return word[:8] or "实业"


@dataclass
class World:
    districts: list[str]
    district_weights: list[int]
    towns: dict[str, list[str]]
    industries: dict[str, list[str]]  # section -> 4-digit codes
    industry_meta: dict[str, tuple[str, str]]  # code -> (section, risk)
    zones: dict[str, str]
    industry_names: dict[str, str] | None = None  # code -> name
    region_names: dict[str, str] | None = None  # district/town code -> name


def load_world() -> World:
    # local: benchmarks import this module's pure generators (enterprise_rows, make_uscc) before Django is set up
    from ohsteward.registry.models import Industry, Region

    districts = list(Region.objects.filter(level="district").order_by("code").values_list("code", flat=True))
    region_names = dict(Region.objects.filter(level__in=["district", "town"]).values_list("code", "name"))
    towns: dict[str, list[str]] = {}
    for code, parent in Region.objects.filter(level="town").order_by("code").values_list("code", "parent_id"):
        towns.setdefault(parent, []).append(code)
    industries: dict[str, list[str]] = {}
    meta: dict[str, tuple[str, str]] = {}
    names: dict[str, str] = {}
    for code, section, risk, name in (
        Industry.objects.filter(level="class")
        .order_by("code")
        .values_list("code", "section", "risk_class", "name")
    ):
        if any(word in name for word in NOT_IN_CHONGQING):
            continue
        industries.setdefault(section, []).append(code)
        meta[code] = (section, risk)
        names[code] = name
    zones = dict(Region.objects.filter(level="zone").values_list("name", "code"))
    return World(
        districts,
        [DISTRICT_WEIGHTS.get(d, 1) for d in districts],
        towns,
        industries,
        meta,
        zones,
        names,
        region_names,
    )


def _name(rng: random.Random, section: str, used: set[str], industry_name: str | None = None) -> str:
    words = (
        [trade_word(industry_name)] if industry_name else INDUSTRY_WORDS.get(section, INDUSTRY_WORDS["other"])
    )
    forms, weights = zip(*LEGAL_FORMS, strict=True)
    for _ in range(50):
        firm = "".join(rng.choice(FIRM_CHARS) for _ in range(rng.choice((2, 2, 2, 3, 4))))
        prefix = rng.choices(["重庆", "重庆市", ""], [70, 15, 15])[0]
        name = f"{prefix}{firm}{rng.choice(words)}{rng.choices(forms, weights)[0]}"
        if name not in used:
            used.add(name)
            return name
    name = f"重庆{len(used)}号{rng.choice(words)}有限公司"
    used.add(name)
    return name


def enterprise_rows(
    n: int, seed: int = 1, *, world: World | None = None, today: dt.date | None = None
) -> Iterator[dict[str, Any]]:
    """``n`` employers as dicts of model attnames (region_id, industry_id …), derived fields included."""
    world = world or load_world()
    today = today or dt.date(2026, 11, 1)
    rng = random.Random(seed)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    sections, section_weights = zip(
        *[(s, w) for s, w in SECTION_WEIGHTS if s in world.industries], strict=True
    )
    for _ in range(n):
        district = rng.choices(world.districts, world.district_weights)[0]
        section = rng.choices(sections, section_weights)[0]
        industry = rng.choice(world.industries[section])
        code = make_uscc(rng, district)
        while code in used_codes:
            code = make_uscc(rng, district)
        used_codes.add(code)
        employees = max(1, int(rng.lognormvariate(3.0, 1.2)))
        if rng.random() < 0.01:
            employees *= 20
        exposed = (
            int(employees * rng.uniform(0.1, 0.7))
            if section in {"B", "C", "D", "E"}
            else int(employees * rng.uniform(0, 0.2))
        )
        revenue = Decimal(round(employees * rng.uniform(15, 80), 2)).quantize(Decimal("0.01"))
        assets = Decimal(round(float(revenue) * rng.uniform(0.5, 1.6), 2)).quantize(Decimal("0.01"))
        status = rng.choices(["active", "suspended", "cancelled"], [92, 5, 3])[0]
        suspended_on = today - dt.timedelta(days=rng.randint(10, 700)) if status == "suspended" else None
        cancelled_on = today - dt.timedelta(days=rng.randint(10, 900)) if status == "cancelled" else None
        zone = None
        if district in {"500112", "500105"} and rng.random() < 0.35:
            zone = world.zones.get("两江新区")
        elif district in {"500107", "500106", "500117", "500151"} and rng.random() < 0.2:
            zone = world.zones.get("西部科学城重庆高新区")
        elif district == "500110" and rng.random() < 0.3:
            zone = world.zones.get("万盛经开区")
        town = rng.choice(world.towns[district]) if world.towns.get(district) else None
        # a zone is where its towns are (issue 6 item 4): the draws above keep the random stream
        zone = zone_of_town(town)
        industry_name = (world.industry_names or {}).get(industry)
        name = _name(rng, section, used_names, industry_name)
        names = world.region_names or {}
        address = (
            f"重庆市{names.get(district, '')}{names.get(town, '') if town else ''}"
            f"{rng.choice(ROADS)}{rng.randint(1, 399)}号"
        )
        size = (
            rules.size_class(section, industry, employees=employees, revenue=revenue, total_assets=assets)
            or ""
        )
        yield {
            "uscc": code,
            "name": name,
            "name_normalized": rules.normalize_name(name),
            "former_names": [],
            "region_id": district,
            "town_id": town,
            "zone_id": zone,
            "address": address,
            "industry_id": industry,
            "industry_risk": world.industry_meta[industry][1],
            "economic_type": rng.choices(
                ["private", "limited_liability", "joint_stock", "state_owned", "individual"],
                [45, 35, 8, 4, 8],
            )[0],
            "employees": employees,
            "exposed_workers": exposed,
            "revenue": revenue,
            "total_assets": assets,
            "size_class": size,
            "status": status,
            "suspended_on": suspended_on,
            "cancelled_on": cancelled_on,
            "legal_representative": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", *GIVEN]),
            "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN),
            "contact_phone": f"1{rng.choice('35789')}{rng.randint(0, 999999999):09d}",
            "registration": "registered",
        }


def synth_enterprises(
    n: int, seed: int = 1, *, progress: Callable[[int], None] | None = None, chunk: int = 5000
) -> int:
    """Insert ``n`` generated employers (fast path: COPY on PostgreSQL). Returns the number inserted.

    Codes that already exist are skipped, so running twice with the same seed adds nothing.
    """
    # local: benchmarks import this module's pure generators (enterprise_rows, make_uscc) before Django is set up
    from django.db import transaction
    from django.utils import timezone

    from ohsteward.core import bulk
    from ohsteward.registry.models import Enterprise

    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    fields = None
    inserted = 0
    batch: list[list[Any]] = []
    now = timezone.now()

    def flush() -> None:
        nonlocal inserted
        with transaction.atomic():
            bulk.insert_rows(Enterprise, fields, batch)
        inserted += len(batch)
        if progress:
            progress(len(batch))
        batch.clear()

    for row in enterprise_rows(n, seed):
        if row["uscc"] in existing:
            if progress:
                progress(1)
            continue
        row["created_at"] = row["updated_at"] = now
        if fields is None:
            fields = list(row)
        batch.append([row[f] for f in fields])
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return inserted


def synth_workplaces(seed: int = 1, limit: int | None = None) -> int:
    """Give employers with exposed workers a few workshops, posts and hazard factors."""
    # local: benchmarks import this module's pure generators (enterprise_rows, make_uscc) before Django is set up
    from ohsteward.hazards.models import HazardFactor
    from ohsteward.registry.models import Enterprise, Post, PostExposure, Workplace

    rng = random.Random(seed)
    factors = {
        f.name: f
        for f in HazardFactor.objects.filter(
            name__in=[
                "矽尘",
                "煤尘",
                "电焊烟尘",
                "水泥粉尘",
                "木粉尘",
                "噪声",
                "苯",
                "甲苯",
                "二甲苯",
                "高温",
                "手传振动",
                "其他粉尘",
                "锰及其无机化合物",
                "铅及其化合物（不包括四乙基铅）",
                "一氧化碳",
                "氨",
            ]
        )
    }
    pool = list(factors.values()) or list(HazardFactor.objects.all()[:20])
    qs = Enterprise.objects.filter(exposed_workers__gt=0, workplaces__isnull=True).order_by("pk")
    if limit:
        qs = qs[:limit]
    created = 0
    shops = ["生产车间", "机加工车间", "焊接车间", "喷涂车间", "仓库", "破碎车间", "装配车间", "锻造车间"]
    posts = ["操作工", "焊工", "打磨工", "喷漆工", "装卸工", "电工", "质检员", "叉车司机"]
    for e in qs.iterator():
        for shop in rng.sample(shops, rng.randint(1, 3)):
            wp = Workplace.objects.create(enterprise=e, name=shop)
            for post_name in rng.sample(posts, rng.randint(1, 2)):
                post = Post.objects.create(workplace=wp, name=post_name)
                for factor in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                    PostExposure.objects.create(
                        post=post,
                        hazard_factor=factor,
                        exposed_count=max(1, (e.exposed_workers or 1) // rng.randint(2, 6)),
                    )
                    created += 1
    return created

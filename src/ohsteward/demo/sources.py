"""Demo state for ``ohsteward demo``: source lists from other departments, already ingested.

Writes three lists the way departments send them (exam records from examination institutions,
detection reports, inspection findings and tip-offs), with the noise real lists have: names with
the 重庆 prefix dropped, 有限责任公司 for 有限公司, full-width brackets, one-character typos, missing
credit codes, and employers that are not in the register at all. Ingesting them with the real
intake pipeline links most rows, creates candidate employers for the unknown ones and leaves the
doubtful ones in the review queue. Deterministic for a given ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random

from ohsteward.core.spreadsheets import write_xlsx
from ohsteward.intake.ingest import batch_ingest
from ohsteward.registry.models import Enterprise, Region

FACTORS = [
    "噪声",
    "矽尘",
    "电焊烟尘",
    "其他粉尘",
    "苯",
    "甲苯",
    "二甲苯",
    "高温",
    "锰及其无机化合物",
    "一氧化碳",
]
EXAM_INSTITUTIONS = ["重庆市职业病防治院", "渝北区人民医院", "万州区疾病预防控制中心", "重庆市第六人民医院"]
DETECTION_INSTITUTIONS = [
    "重庆某职业卫生技术服务有限公司",
    "重庆环安检测技术有限公司",
    "重庆华测职业卫生检测有限公司",
]
ORIGINS = ["监督执法", "协管巡查", "有奖举报", "乡镇街道", "工业园区"]
TYPO_CHARS = "华鑫瑞宏盛泰丰隆兴达恒源通祥凯博汇嘉诚信"
UNKNOWN_FIRMS = [
    "渝兴石材加工厂",
    "巴南区某汽修店",
    "众力五金加工部",
    "新华印务有限公司",
    "顺达家具厂",
    "金龙砂石场",
    "永安喷涂加工厂",
    "宏远铸造厂",
    "蓝天模具加工部",
    "鑫源废旧物资回收站",
]


def _noisy_name(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.25:
        name = name.removeprefix("重庆市").removeprefix("重庆")
    elif roll < 0.40:
        name = (
            name.replace("有限公司", "有限责任公司")
            if "有限责任公司" not in name
            else name.replace("有限责任公司", "有限公司")
        )
    elif roll < 0.48 and len(name) > 6:
        i = rng.randrange(2, len(name) - 4)
        name = name[:i] + rng.choice(TYPO_CHARS) + name[i + 1 :]
    elif roll < 0.55:
        name = name.replace("(", "（").replace(")", "）") + " "
    return name


def _rows(rng: random.Random, enterprises, unknown_share: float, n: int, district_names: dict[str, str]):
    for _ in range(n):
        if rng.random() < unknown_share:
            code = rng.choice(list(district_names))
            yield None, rng.choice(UNKNOWN_FIRMS), district_names[code]
            continue
        e = rng.choice(enterprises)
        uscc = e["uscc"] if rng.random() < 0.5 else ""
        yield uscc, _noisy_name(rng, e["name"]), district_names[e["region_id"]]


def populate(*, year: int, today: dt.date, seed: int) -> dict[str, int]:
    """Ingest generated exam, detection and inspection lists; returns rows per status."""
    rng = random.Random(seed)
    district_names = dict(Region.objects.filter(level="district").values_list("code", "name"))
    enterprises = list(
        Enterprise.objects.filter(status="active", industry_risk__in=["serious", "general"])
        .order_by("pk")
        .values("uscc", "name", "region_id")
    )
    if not enterprises:
        return {}
    n = max(30, len(enterprises) // 4)
    start = dt.date(year - 1, 1, 1)
    span = max(1, (today - start).days)

    def day() -> dt.date:
        return start + dt.timedelta(days=rng.randrange(span))

    def factors() -> str:
        return "、".join(f"{f}({rng.randint(2, 40)})" for f in rng.sample(FACTORS, rng.randint(1, 3)))

    exam = [
        [
            name,
            uscc or "",
            district,
            day(),
            rng.choice(["上岗前", "在岗期间", "离岗时"]),
            factors(),
            rng.choice(EXAM_INSTITUTIONS),
            rng.randint(3, 120),
        ]
        for uscc, name, district in _rows(rng, enterprises, 0.04, n, district_names)
    ]
    detection = []
    for i, (uscc, name, district) in enumerate(_rows(rng, enterprises, 0.03, n // 2, district_names)):
        points = rng.randint(4, 40)
        detection.append(
            [
                f"JC{year}-{i + 1:05d}",
                name,
                uscc or "",
                district,
                rng.choice(DETECTION_INSTITUTIONS),
                day(),
                rng.choice(["定期检测", "现状评价", "监督检测"]),
                factors(),
                points,
                rng.choice([0, 0, 0, 1, 2]) if points > 5 else 0,
            ]
        )
    inspection = [
        [name, uscc or "", district, rng.choice(ORIGINS), day(), factors(), "现场发现存在粉尘、噪声作业"]
        for uscc, name, district in _rows(rng, enterprises, 0.15, max(20, n // 6), district_names)
    ]
    files = [
        (
            "exam",
            "市职防院体检记录.xlsx",
            "职业健康检查机构",
            [
                "用人单位名称",
                "统一社会信用代码",
                "所属区县",
                "体检日期",
                "检查类别",
                "危害因素",
                "体检机构",
                "人数",
            ],
            exam,
        ),
        (
            "detection",
            "检测报告汇总.xlsx",
            "职业卫生技术服务机构",
            [
                "报告编号",
                "用人单位名称",
                "统一社会信用代码",
                "所属区县",
                "检测机构",
                "检测日期",
                "检测类型",
                "危害因素",
                "检测点数",
                "超标点数",
            ],
            detection,
        ),
        (
            "inspection",
            "监督检查与举报线索.xlsx",
            "卫生监督所",
            ["用人单位名称", "统一社会信用代码", "所属区县", "来源", "发现日期", "危害因素", "备注"],
            inspection,
        ),
    ]
    counts: dict[str, int] = {}
    for kind, filename, department, headers, rows in files:
        content = write_xlsx([(h, h) for h in headers], rows)
        result = batch_ingest(
            user=None,
            kind=kind,
            filename=filename,
            content=content,
            department=department,
            received_on=today - dt.timedelta(days=rng.randint(5, 40)),
            valid_rows_only=True,
        )
        for status, number in result.counts.items():
            if isinstance(number, int):
                counts[status] = counts.get(status, 0) + number
    return counts

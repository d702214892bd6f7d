"""Pneumoconiosis patients: yearly follow-up and where rehabilitation stations are needed.

Sources (RULES.md §13, last row): the national pilot 国卫办职健函〔2020〕558号; the Liaoning
implementation puts a 康复站 in each 乡镇/街道 with ≥ 100 resident pneumoconiosis patients and a
康复点 in each village with ≥ 10 [S]; the issue (seed 001 附件1 目标(一)) asks for towns with ≥ 100
resident patients. The national threshold itself was not seen, so the numbers are versioned data
marked unverified (未核对). Yearly follow-up visits: issue 12 item 6 ("yearly follow-up visits");
the interval is ours from that wording (未核对 against a national rule).

Pure: no Django imports.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RehabRules:
    version: str
    station_min_patients: int  # 乡镇/街道 康复站
    point_min_patients: int  # 村 康复点
    follow_up_months: int
    verified: bool
    source: str


RULES_V1 = RehabRules(
    version="v1",
    station_min_patients=100,
    point_min_patients=10,
    follow_up_months=12,
    verified=False,
    source="国卫办职健函〔2020〕558号（试点）；辽宁实施方案：常住尘肺病患者≥100人的乡镇（街道）设康复站、≥10人的村设康复点 [S]；全国阈值未见原文（未核对）",
)


@dataclass(frozen=True)
class TownNeed:
    town: str
    patients: int
    stations: int

    @property
    def lacks_station(self) -> bool:
        return self.stations == 0


def towns_needing_station(
    patients_by_town: Mapping[str, int], stations_by_town: Mapping[str, int], rules: RehabRules = RULES_V1
) -> list[TownNeed]:
    """Towns with at least ``station_min_patients`` resident patients and no 康复站, most patients
    first (the list the issue asks for)."""
    out = [
        TownNeed(town, n, stations_by_town.get(town, 0))
        for town, n in patients_by_town.items()
        if n >= rules.station_min_patients and stations_by_town.get(town, 0) == 0
    ]
    return sorted(out, key=lambda t: (-t.patients, t.town))


def next_follow_up(visited_on: dt.date, rules: RehabRules = RULES_V1) -> dt.date:
    """The next yearly visit (same day next year; 29 Feb → 28 Feb)."""
    year = visited_on.year + rules.follow_up_months // 12
    try:
        return visited_on.replace(year=year)
    except ValueError:
        return visited_on.replace(year=year, day=28)


def is_pneumoconiosis(disease_name: str, class_name: str = "") -> bool:
    """职业性尘肺病 (2013/2024 catalogues: class 职业性尘肺病及其他呼吸系统疾病, names ending 尘肺/矽肺)."""
    name = disease_name or ""
    return name.endswith("尘肺") or name.endswith("矽肺") or "尘肺" in name or "石棉肺" in name


def count_by(values: Iterable[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out

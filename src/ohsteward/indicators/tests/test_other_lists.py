"""The indicators fed by the other departments' lists (interdept): 工伤保险参保率, 工伤保险参保人数
and 健康企业数, on the world of ``conftest`` (渝北 has lists; 万州 none)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ohsteward.indicators import actions, figures
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import Area
from ohsteward.indicators.records import part_records
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tests.conftest import WANZHOU, YUBEI
from ohsteward.interdept.models import HealthyEnterprise, InsuranceRecord

pytestmark = pytest.mark.django_db
RATE, WORKERS, HEALTHY = "work-injury-insurance-rate", "work-injury-insured-workers", "healthy-enterprises"


def _figure(code, user, area, period):
    return figures.compute(Indicator.objects.get(code=code), user, area, parse_period(period))


def test_the_insurance_rate_counts_employers_with_hazards_whose_latest_record_insures_someone(
    world, enterprises
):
    f = _figure(RATE, world["city"], Area("district", YUBEI), "2025")
    assert (f.numerator, f.denominator, f.value, f.met) == (1, 2, Decimal("50.0"), False)
    missing = part_records(Indicator.objects.get(code=RATE), "missing", world["city"], Area("district", YUBEI),
                           parse_period("2025"))  # fmt: skip
    assert [e.pk for e in missing] == [enterprises["yubei2"].pk]
    # the 2024 list: only yubei was listed then, insured
    f2024 = _figure(RATE, world["city"], Area("district", YUBEI), "2024")
    assert (f2024.numerator, f2024.denominator) == (1, 2)


def test_a_record_older_than_the_window_or_after_the_period_does_not_count(world):
    # 2025Q1 ends 2025-03-31: the mid-2025 records are after it; yubei's mid-2024 one is inside 365 days
    q1 = _figure(RATE, world["city"], Area("district", YUBEI), "2025Q1")
    assert (q1.numerator, q1.denominator) == (1, 2)
    # 2026: the newest records are older than a year before 2026-12-31: no list for the period
    assert _figure(RATE, world["city"], Area("district", YUBEI), "2026").no_data


def test_the_insured_option_requires_the_exposed_workers_to_be_insured(world, enterprises):
    indicator = Indicator.objects.get(code=RATE)
    InsuranceRecord.objects.filter(enterprise=enterprises["yubei2"]).update(insured=3)  # 5 exposed
    default = figures.compute(indicator, world["city"], Area("district", YUBEI), parse_period("2025"))
    indicator.options = {**indicator.options, "insured": "exposed"}
    strict = figures.compute(indicator, world["city"], Area("district", YUBEI), parse_period("2025"))
    assert (default.numerator, strict.numerator) == (2, 1)


def test_without_a_list_the_rate_is_no_data_with_the_reason_never_zero(world):
    f = _figure(RATE, world["city"], Area("district", WANZHOU), "2025")
    assert f.display == "无数据" and "未导入人力社保部门参保名单" in f.no_data
    assert _figure(WORKERS, world["city"], Area("district", WANZHOU), "2025").display == "无数据"
    assert _figure(HEALTHY, world["city"], Area("district", WANZHOU), "2025").display == "无数据"


def test_a_district_without_a_list_shows_its_dispatch_entry_and_the_city_counts_listed_districts(world):
    actions.dispatch_save(
        user=world["wanzhou"], district=WANZHOU, month="2025-03",
        inputs={RATE: {"numerator": 50, "denominator": 50, "source": "万州区人力社保局",
                       "source_date": dt.date(2025, 3, 25)}},
    )  # fmt: skip
    wanzhou = _figure(RATE, world["city"], Area("district", WANZHOU), "2025")
    assert (wanzhou.numerator, wanzhou.denominator) == (50, 50) and "万州区人力社保局" in wanzhou.entered_note
    city = _figure(RATE, world["city"], Area("city"), "2025")
    assert (city.numerator, city.denominator, city.entered_note) == (1, 2, "")


def test_the_insured_headcount_is_the_sum_over_the_latest_records_listed_in_the_drilldown(world):
    f = _figure(WORKERS, world["city"], Area("district", YUBEI), "2025")
    records = list(part_records(Indicator.objects.get(code=WORKERS), "numerator", world["city"],
                                Area("district", YUBEI), parse_period("2025")))  # fmt: skip
    assert (f.numerator, f.value) == (2, 40) == (len(records), sum(r.insured for r in records))
    assert _figure(WORKERS, world["city"], Area("district", YUBEI), "2024").value == 30


def test_healthy_enterprises_count_the_namings_of_the_year_against_yubeis_target_of_one(world, enterprises):
    f = _figure(HEALTHY, world["city"], Area("district", YUBEI), "2025")
    assert (f.value, f.target, f.met) == (1, Decimal("1.0"), True)
    HealthyEnterprise.objects.create(enterprise=enterprises["yubei"], level="city", year=2025)
    assert _figure(HEALTHY, world["city"], Area("district", YUBEI), "2025").value == 1  # one employer
    HealthyEnterprise.objects.create(enterprise=enterprises["yubei2"], level="district", year=2024)
    f2024 = _figure(HEALTHY, world["city"], Area("district", YUBEI), "2024")
    assert (f2024.value, f2024.met) == (1, True)
    indicator = Indicator.objects.get(code=HEALTHY)
    indicator.options = {**indicator.options, "cumulative": True}
    cumulative = figures.compute(indicator, world["city"], Area("district", YUBEI), parse_period("2025"))
    assert cumulative.value == 2


def test_a_district_officer_counts_only_its_own_lists(world):
    assert _figure(RATE, world["wanzhou"], Area("city"), "2025").no_data
    assert _figure(RATE, world["yubei"], Area("city"), "2025").value == Decimal("50.0")

"""Every indicator's definition on hand-built data, and the figure agreeing with its records."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ohsteward.indicators import figures
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import QUERIES, Area
from ohsteward.indicators.records import part_count, part_records
from ohsteward.indicators.refdata import load_library
from ohsteward.indicators.rules import parse_period
from ohsteward.indicators.tests.conftest import EXPECTED_YUBEI, WANZHOU, YUBEI

pytestmark = pytest.mark.django_db
Y2025 = parse_period("2025")


def test_the_library_is_loaded_with_every_indicator_computable_or_explained():
    library = list(Indicator.objects.all())
    assert {i.code for i in library} >= set(EXPECTED_YUBEI)
    for indicator in library:
        indicator.full_clean()  # the query names exist; no numerator → a reason is given
        assert indicator.numerator in QUERIES or indicator.no_data_reason


@pytest.mark.parametrize("code", sorted(EXPECTED_YUBEI))
def test_each_indicator_counts_the_hand_built_records_of_yubei(world, code):
    f = figures.compute(Indicator.objects.get(code=code), world["city"], Area("district", YUBEI), Y2025)
    assert (f.numerator, f.denominator) == EXPECTED_YUBEI[code]
    assert f.no_data == ""
    if f.denominator:
        assert f.value == (Decimal(100) * f.numerator / f.denominator).quantize(Decimal("0.1"))


@pytest.mark.parametrize("user", ["city", "yubei", "wanzhou"])
@pytest.mark.parametrize("period", ["2025", "2025Q2", "2025-03", "2024"])
def test_every_figure_equals_the_length_of_its_records(world, user, period):
    """The drill-down and the figure come from the same queryset, for every indicator."""
    user = world[user]
    p = parse_period(period)
    areas = [Area("city"), Area("district", YUBEI), Area("district", WANZHOU)]
    checked = 0
    for indicator in Indicator.objects.exclude(numerator=""):
        for area in areas:
            f = figures.compute(indicator, user, area, p)
            if f.no_data or f.entered_note:
                continue  # 无数据 or entered in the monthly dispatch: no records behind the figure
            assert f.numerator == len(list(part_records(indicator, "numerator", user, area, p))), (
                indicator.code
            )
            if indicator.denominator:
                assert f.denominator == len(list(part_records(indicator, "denominator", user, area, p)))
                missing = len(list(part_records(indicator, "missing", user, area, p)))
                assert missing == f.denominator - f.numerator, indicator.code
            checked += 1
    assert checked >= 30


def test_the_declaration_rate_denominator_can_be_the_confirmed_employers_only(world):
    indicator = Indicator.objects.get(code="declaration-rate")
    default = figures.compute(indicator, world["city"], Area("district", YUBEI), Y2025)
    indicator.options = {"denominator": "confirmed"}
    confirmed = figures.compute(indicator, world["city"], Area("district", YUBEI), Y2025)
    assert (default.numerator, default.denominator) == (1, 2)
    assert (confirmed.numerator, confirmed.denominator, confirmed.value) == (1, 1, Decimal("100.0"))


def test_a_declaration_after_the_period_does_not_count_in_it(world):
    indicator = Indicator.objects.get(code="declaration-rate")
    f = figures.compute(indicator, world["city"], Area("district", YUBEI), parse_period("2025Q1"))
    # yubei2 declared in January 2026; yubei on 1 March 2025 (inside Q1)
    assert (f.numerator, f.denominator) == (1, 2)


def test_a_district_officer_sees_only_the_records_of_the_district(world):
    indicator = Indicator.objects.get(code="declaration-rate")
    own = figures.compute(indicator, world["yubei"], Area("city"), Y2025)
    other = figures.compute(indicator, world["wanzhou"], Area("city"), Y2025)
    assert (own.numerator, own.denominator) == (1, 2)
    assert (other.numerator, other.denominator, other.value) == (0, 0, None)


def test_a_town_counts_only_its_employers(world, enterprises):
    indicator = Indicator.objects.get(code="declaration-rate")
    town = enterprises["yubei"].town_id
    f = figures.compute(indicator, world["city"], Area("town", town), Y2025)
    assert (f.numerator, f.denominator) == (1, 1)


def test_an_indicator_without_data_says_why_and_is_never_zero(world):
    f = figures.compute(
        Indicator.objects.get(code="work-injury-insurance-rate"),
        world["city"],
        Area("district", WANZHOU),
        Y2025,
    )  # 万州 has imported no 工伤保险参保名单 and entered nothing
    assert f.value is None and f.numerator is None and f.met is None
    assert f.display == "无数据" and "人力社保" in f.no_data


def test_yubei_has_its_own_target_for_the_workplace_compliance_rate(world):
    indicator = Indicator.objects.get(code="workplace-compliance-rate")
    yubei = figures.compute(indicator, world["city"], Area("district", YUBEI), Y2025)
    wanzhou = figures.compute(indicator, world["city"], Area("district", WANZHOU), Y2025)
    assert (yubei.target, wanzhou.target) == (Decimal("80.0"), Decimal("85.0"))
    assert yubei.met is False  # 50 % < 80 %


def test_count_indicators_are_met_against_their_thresholds(world):
    teams = Indicator.objects.get(code="steward-teams")
    f = figures.compute(teams, world["city"], Area("district", YUBEI), Y2025)
    assert (f.value, f.target, f.met) == (1, Decimal("2.0"), False)
    city = figures.compute(teams, world["city"], Area("city"), Y2025)
    assert (city.target, city.met) == (Decimal("200.0"), False)


def test_the_ranking_puts_the_best_first_and_no_value_last(world):
    indicator = Indicator.objects.get(code="declaration-rate")
    ranked = figures.ranking(
        indicator, world["city"], [Area("district", WANZHOU), Area("district", YUBEI)], Y2025
    )
    assert [f.area.code for f in ranked] == [YUBEI, WANZHOU]


def test_loading_wires_an_indicator_that_had_no_data_source_and_keeps_the_citys_edits(world):
    dose = Indicator.objects.get(code="radiation-dose-monitoring-rate")
    Indicator.objects.filter(pk=dose.pk).update(numerator="", denominator="", no_data_reason="旧原因")
    Indicator.objects.filter(code="declaration-rate").update(name="申报率（市里改过）")
    load_library()
    dose.refresh_from_db()
    assert (dose.numerator, dose.denominator, dose.no_data_reason) == (
        "radiation_workers_monitored",
        "radiation_workers",
        "",
    )
    assert Indicator.objects.get(code="declaration-rate").name == "申报率（市里改过）"


@pytest.mark.parametrize("period", ["2025", "2024"])
def test_the_drill_down_page_count_taken_from_the_figure_is_the_number_of_its_records(world, period):
    """The drill-down pages with the figure's counts (no second count): each is its list's length."""
    user, p = world["city"], parse_period(period)
    checked = 0
    for indicator in Indicator.objects.exclude(numerator=""):
        for area in [Area("city"), Area("district", YUBEI), Area("district", WANZHOU)]:
            f = figures.compute(indicator, user, area, p)
            for part in ("numerator", "denominator", "missing"):
                known = part_count(f, part)
                if known is None:
                    continue
                assert known == len(list(part_records(indicator, part, user, area, p))), (
                    indicator.code,
                    part,
                )
                checked += 1
    assert checked >= 60

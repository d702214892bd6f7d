"""The grouped path (every district counted in one GROUP BY query) against the per-district path
(one query set per district, the one the drill-down lists): the same figures, on small data."""

from __future__ import annotations

import pytest

from ohsteward.indicators import figures
from ohsteward.indicators.models import Indicator
from ohsteward.indicators.queries import QUERIES, Area, district_counts, records
from ohsteward.indicators.rules import parse_period
from ohsteward.institutions.models import Institution
from ohsteward.registry.choices import RegionLevel
from ohsteward.registry.models import Enterprise, Region

pytestmark = pytest.mark.django_db

PERIODS = ["2025", "2025Q2", "2025-03", "2024"]


def _districts() -> list[str]:
    """The districts holding the world's employers and institutions, and two without any (a
    district without records is absent from the grouped counts: 0)."""
    held = set(Enterprise.objects.values_list("region_id", flat=True))
    held |= set(Institution.objects.values_list("region_id", flat=True))
    all_codes = list(
        Region.objects.filter(level=RegionLevel.DISTRICT).order_by("code").values_list("code", flat=True)
    )
    return [c for c in all_codes if c in held] + [c for c in all_codes if c not in held][:2]


def _uses() -> list[tuple[str, dict]]:
    """Every query an indicator counts, with that indicator's options."""
    out = []
    for indicator in Indicator.objects.exclude(numerator=""):
        options = indicator.options or {}
        for key in (indicator.numerator, indicator.denominator, options.get("requires")):
            if key and key in QUERIES:
                out.append((key, options))
    return out


@pytest.mark.parametrize("user", ["city", "yubei"])
@pytest.mark.parametrize("period", PERIODS)
def test_every_query_counted_by_district_at_once_gives_each_districts_count(world, user, period):
    user, p = world[user], parse_period(period)
    codes = _districts()
    uses = _uses()
    assert len({key for key, _ in uses}) >= 40
    nonzero = 0
    for key, options in uses:
        grouped = district_counts(key, user, p, options)
        for code in codes:
            one = records(key, user, Area("district", code), p, options).count()
            assert grouped.get(code, (0, 0))[0] == one, (key, code)
            nonzero += one > 0
    assert nonzero >= 10  # the world has records in the districts: the comparison is not of zeros


@pytest.mark.parametrize("user", ["city", "yubei"])
@pytest.mark.parametrize("period", PERIODS)
def test_the_grouped_ranking_gives_the_figures_of_the_per_district_path(world, user, period):
    user, p = world[user], parse_period(period)
    areas = [Area("district", c) for c in _districts()]
    for indicator in figures.library():
        grouped = figures.compute_many(indicator, user, areas, p)
        for area, f in zip(areas, grouped, strict=True):
            one = figures.compute(indicator, user, area, p)
            got = (
                f.numerator,
                f.denominator,
                f.value,
                f.target,
                f.met,
                f.no_data,
                f.entered_note,
                f.baseline,
            )
            want = (
                one.numerator,
                one.denominator,
                one.value,
                one.target,
                one.met,
                one.no_data,
                one.entered_note,
                one.baseline,
            )
            assert got == want, (indicator.code, area.code)


def test_the_headcount_sum_is_grouped_too(world):
    indicator = Indicator.objects.get(code="work-injury-insured-workers")
    p = parse_period("2025")
    totals = district_counts(indicator.numerator, world["city"], p, indicator.options, total="insured")
    assert any(total > 0 for _n, total in totals.values())
    for code, (_n, total) in totals.items():
        f = figures.compute(indicator, world["city"], Area("district", code), p)
        assert f.value == total


def _narrowing_uses() -> list[tuple[Indicator, dict]]:
    from ohsteward.indicators.queries import narrowing

    out = [
        (i, i.options or {})
        for i in Indicator.objects.exclude(numerator="")
        if narrowing(i.numerator, i.denominator) and not (i.options or {}).get("sum")
    ]
    assert {i.numerator for i, _ in out} >= {
        "declaration_done",
        "detection_done",
        "exam_done",
        "insurance_insured",
    }
    return out


@pytest.mark.parametrize("user", ["city", "yubei"])
@pytest.mark.parametrize("period", PERIODS)
def test_a_narrowing_numerator_counted_with_its_denominator_gives_both_counts(world, user, period):
    """One pass (``counts_of``, ``district_counts_of``) against counting each part's records."""
    from ohsteward.indicators.queries import counts_of, district_counts_of

    user, p = world[user], parse_period(period)
    codes = _districts()
    nonzero = 0
    for indicator, options in _narrowing_uses():
        num, den = indicator.numerator, indicator.denominator
        for area in [Area("city")] + [Area("district", c) for c in codes]:
            want = (
                records(num, user, area, p, options).count(),
                records(den, user, area, p, options).count(),
            )
            assert counts_of(num, den, user, area, p, options) == want, (indicator.code, area)
            nonzero += want[0] > 0
        grouped = district_counts_of(num, den, user, p, options)
        for code in codes:
            area = Area("district", code)
            want = (
                records(num, user, area, p, options).count(),
                records(den, user, area, p, options).count(),
            )
            assert grouped.get(code, (0, 0)) == want, (indicator.code, code)
    assert nonzero >= 4


@pytest.mark.parametrize("period", PERIODS)
def test_the_shortfall_of_a_narrowing_numerator_is_the_denominator_without_the_numerator(world, period):
    """The 未达 drill-down (denominator excluding the condition) lists exactly the denominator's
    records that are not the numerator's."""
    from ohsteward.indicators.records import part_records

    user, p = world["city"], parse_period(period)
    checked = 0
    for indicator, options in _narrowing_uses():
        for area in [Area("city")] + [Area("district", c) for c in _districts()]:
            if figures.source_missing(indicator, user, area, p):
                continue
            den = set(records(indicator.denominator, user, area, p, options).values_list("pk", flat=True))
            num = set(records(indicator.numerator, user, area, p, options).values_list("pk", flat=True))
            missing = set(part_records(indicator, "missing", user, area, p).values_list("pk", flat=True))
            assert missing == den - num, (indicator.code, area)
            checked += bool(missing)
    assert checked >= 3

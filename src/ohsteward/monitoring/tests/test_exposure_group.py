"""Exposure statistics over stored measurements (issue 11 item 3): the similar exposure group is the
employer's post name × factor, its stored samples go to ``stats.group_statistics`` with ``<LOD`` as
censored (never LOD/2), and ``stats.yearly_trend`` gives the post across years."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from ohsteward.monitoring import assess, queries, stats
from ohsteward.monitoring.tests.factories import make_report, record

pytestmark = pytest.mark.django_db

YEARS = {
    2024: [{"value": 0.8, "minutes": 240}, {"value": "<0.5", "minutes": 240}],
    2025: [{"value": 2.0, "minutes": 240}, {"value": 3.5, "minutes": 240}],
    2026: [{"value": 1.2, "minutes": 240}, {"value": "<0.5", "minutes": 240}],
}


@pytest.fixture
def group(lab):
    user, institution, employer = lab
    out = []
    for year, samples in YEARS.items():
        report = make_report(user, employer, institution, number=f"G-{year}", on=dt.date(year, 3, 10))
        # the same post name in different workplaces belongs to the group
        out.append(record(user, report, "苯", {"samples": samples}, post="喷漆工", workplace=f"车间{year}"))
        record(user, report, "苯", {"c_twa": 9.0}, post="调漆工")  # another post: not in the group
        record(user, report, "甲苯", {"c_twa": 9.0}, post="喷漆工")  # another factor: not in the group
    return user, out


def test_stored_samples_keep_below_lod_as_censored():
    values = assess.statistics_values({"samples": [{"value": "<LOD", "lod": 0.5, "minutes": 240}]})
    assert values == ["<0.5"]
    assert stats.parse_results(values) == [stats.Observation(0.5, censored=True)]
    assert assess.statistics_values({"c_twa": 1.5}) == [1.5]  # a given C_TWA is one result


def test_the_group_is_the_post_name_and_factor_of_the_employer_with_censored_statistics(group):
    user, members = group
    g = queries.exposure_group(user, members[-1])
    assert [m.pk for m in g.measurements] == [m.pk for m in members]
    assert g.limit == pytest.approx(3.0)  # benzene PC-TWA
    expected = stats.group_statistics([0.8, "<0.5", 2.0, 3.5, 1.2, "<0.5"], limit=3.0)
    assert g.statistics.n == 6 and g.statistics.n_censored == 2
    assert g.statistics.method == "censored_mle"
    assert g.statistics.gm == pytest.approx(expected.gm) and g.statistics.p95 == pytest.approx(expected.p95)
    substituted = stats.group_statistics([0.8, 0.25, 2.0, 3.5, 1.2, 0.25], limit=3.0)  # LOD/2: not used
    assert g.statistics.gm != pytest.approx(substituted.gm)
    assert [y.year for y in g.trend] == [2024, 2025, 2026]
    assert [(y.n, y.n_censored, y.over_limit) for y in g.trend] == [(2, 1, 0), (2, 0, 1), (2, 1, 0)]


def test_noise_has_no_concentration_statistics(lab):
    user, institution, employer = lab
    m = record(user, make_report(user, employer, institution), "噪声", {"l_ex_8h": 88})
    assert queries.exposure_group(user, m) is None


def test_the_measurement_page_shows_the_group_the_chart_and_the_trend(client, group):
    user, members = group
    client.force_login(user)
    text = client.get(reverse("monitoring:measurement_detail", args=[members[-1].pk])).content.decode()
    assert 'id="exposure-group"' in text and "3 次检测，6 个结果" in text
    assert 'id="stats-chart-data"' in text and 'id="group-trend"' in text
    assert "不用检出限/2替代" in text


def test_a_single_result_says_why_there_are_no_statistics(lab, client):
    user, institution, employer = lab
    m = record(user, make_report(user, employer, institution), "苯", {"c_twa": 1.0}, post="独岗")
    g = queries.exposure_group(user, m)
    assert g.statistics is None and "至少需要2个" in g.problem
    client.force_login(user)
    text = client.get(reverse("monitoring:measurement_detail", args=[m.pk])).content.decode()
    assert 'id="group-problem"' in text

"""Exposure statistics (monitoring.stats): worked examples checked independently of the module.

- Closed form: (1, 10, 100) has ln values 0, ln 10, 2 ln 10 — mean ln 10, s = ln 10 (n − 1), so
  GM = 10, GSD = 10, X95 = 10^(1 + 1.6449) = 441.6, exceedance of 100 = 1 − Φ(1) = 0.1587.
- Tolerance factors: one-sided normal tolerance factors for p = 0.95, γ = 0.95 from the published
  tables (Natrella, *Experimental Statistics*, NBS Handbook 91, 1963, Table A-7; the same values in
  the NIST/SEMATECH e-Handbook §7.2.6.3): n = 6 → 3.707, n = 10 → 2.911, n = 20 → 2.396.
- Censored MLE: at the estimate the score equations of the left-censored normal likelihood are zero
  (computed here with math.erf, not with the module's code), and scipy.stats' own generic fit of
  ``CensoredData`` agrees; without censoring the MLE is the closed form (σ on n).
"""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps

from ohsteward.monitoring import stats as st

CENSORED = [0.12, "<0.05", 0.31, 0.08, "<0.05", 0.22, 0.5, 0.15, "<0.05", 0.09, 0.4, 0.06]


def test_closed_form_worked_example():
    g = st.group_statistics([1, 10, 100], limit=100)
    assert g.method == "closed_form" and g.n_censored == 0
    assert g.gm == pytest.approx(10) and g.gsd == pytest.approx(10)
    assert g.p95 == pytest.approx(10 ** (1 + 1.6448536), rel=1e-6)
    assert g.exceedance == pytest.approx(1 - 0.8413447, abs=1e-6)
    assert g.exceedance_low < g.exceedance < g.exceedance_high
    assert g.p95_ucl70 > g.p95
    assert g.category == 4 and g.category_ucl == 4  # X95 441.6 > 100


@pytest.mark.parametrize(("n", "k"), [(6, 3.707), (10, 2.911), (20, 2.396)])
def test_tolerance_factor_matches_published_tables(n, k):
    assert st.tolerance_factor(n, proportion=0.95, confidence=0.95) == pytest.approx(k, abs=1e-3)


def test_ucl70_uses_the_tolerance_factor():
    values = [0.12, 0.35, 0.08, 0.5, 0.21, 0.15, 0.3, 0.09, 0.6, 0.25]
    g = st.group_statistics(values)
    y = [math.log(v) for v in values]
    mean = sum(y) / len(y)
    s = math.sqrt(sum((v - mean) ** 2 for v in y) / (len(y) - 1))
    assert g.p95_ucl70 == pytest.approx(math.exp(mean + st.tolerance_factor(10) * s))
    assert 1.645 < st.tolerance_factor(10) < 2.911  # between the point estimate and the 95 % factor


def test_mle_without_censoring_is_the_closed_form():
    values = [0.12, 0.35, 0.08, 0.5, 0.21]
    fit = st.fit_censored_mle([st.Observation(v) for v in values])
    y = [math.log(v) for v in values]
    mean = sum(y) / len(y)
    assert fit.mu == pytest.approx(mean, abs=1e-7)
    assert fit.sigma == pytest.approx(math.sqrt(sum((v - mean) ** 2 for v in y) / len(y)), abs=1e-7)


def _phi(z):
    return math.exp(-z * z / 2) / math.sqrt(2 * math.pi)


def _cdf(z):
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def test_censored_mle_solves_the_score_equations():
    obs = st.parse_results(CENSORED)
    fit = st.fit_censored_mle(obs)
    mu, sigma = fit.mu, fit.sigma
    d_mu = d_sigma = 0.0
    for o in obs:
        z = (math.log(o.value) - mu) / sigma
        if o.censored:  # ∂/∂θ log Φ(z)
            m = _phi(z) / _cdf(z)
            d_mu += -m / sigma
            d_sigma += -m * z / sigma
        else:  # ∂/∂θ [log φ(z) − log σ]
            d_mu += z / sigma
            d_sigma += (z * z - 1) / sigma
    assert abs(d_mu) < 1e-5 and abs(d_sigma) < 1e-5


def test_censored_mle_agrees_with_scipy_generic_fit():
    obs = st.parse_results(CENSORED)
    data = sps.CensoredData(
        uncensored=[math.log(o.value) for o in obs if not o.censored],
        left=[math.log(o.value) for o in obs if o.censored],
    )
    loc, scale = sps.norm.fit(data)
    fit = st.fit_censored_mle(obs)
    assert fit.mu == pytest.approx(loc, abs=1e-4) and fit.sigma == pytest.approx(scale, abs=1e-4)


def test_censored_values_are_not_substituted():
    g = st.group_statistics(CENSORED, limit=0.5)
    substituted = st.group_statistics([0.025 if v == "<0.05" else v for v in CENSORED], limit=0.5)
    assert g.method == "censored_mle" and g.n_censored == 3
    assert g.gm != pytest.approx(substituted.gm, rel=1e-3)
    assert any("未用检出限/2替代" in n for n in g.notes)
    assert g.exceedance_low <= g.exceedance <= g.exceedance_high


def test_lod_given_separately():
    a = st.group_statistics([0.12, "<LOD", 0.31, 0.08], lod=0.05)
    b = st.group_statistics([0.12, "<0.05", 0.31, 0.08])
    assert a.gm == pytest.approx(b.gm)
    assert any("少于6个" in n for n in a.notes)


@pytest.mark.parametrize(
    ("ratio", "category"),
    [(0.01, 0), (0.0101, 1), (0.10, 1), (0.11, 2), (0.50, 2), (0.51, 3), (1.0, 3), (1.01, 4)],
)
def test_aiha_category_boundaries(ratio, category):
    assert st.aiha_category(ratio)[0] == category


@pytest.mark.parametrize(
    ("values", "kwargs", "text"),
    [
        ([0.1, "<LOD"], {}, "未给出检出限"),
        ([0.1, 0], {}, "须大于0"),
        ([0.1, -2], {}, "须大于0"),
        ([0.1, "abc"], {}, "不是数值"),
        ([0.1], {}, "至少需要2个"),
        ([0.1, 0.1, "<0.05"], {}, "2个不同的数值"),
        ([0.1, 0.2], {"limit": "x"}, "接触限值"),
    ],
)
def test_bad_input(values, kwargs, text):
    with pytest.raises(st.StatsInputError, match=text):
        st.group_statistics(values, **kwargs)


def test_no_limit_gives_no_category():
    g = st.group_statistics([0.1, 0.2, 0.3])
    assert g.exceedance is None and g.category is None and "未给出接触限值" in g.category_label


def test_yearly_trend_counts_and_fits_per_year():
    results = [
        (2024, 0.2),
        (2024, 0.6),
        (2024, "<0.05"),
        (2025, 0.3),
        (2023, "<0.05"),
        (2025, 0.1),
        (2025, 0.9),
    ]
    trend = st.yearly_trend(results, limit=0.5)
    assert [t.year for t in trend] == [2023, 2024, 2025]
    y2023, y2024, y2025 = trend
    assert (y2023.n, y2023.n_censored, y2023.highest, y2023.statistics) == (1, 1, 0.05, None)
    assert (y2024.n, y2024.n_censored, y2024.highest, y2024.over_limit) == (3, 1, 0.6, 1)
    assert y2024.statistics is not None and y2024.statistics.method == "censored_mle"
    # 2025: (0.3, 0.1, 0.9) uncensored → GM = (0.3·0.1·0.9)^(1/3) = 0.027^(1/3) = 0.3
    assert y2025.statistics.gm == pytest.approx(0.3) and y2025.over_limit == 1

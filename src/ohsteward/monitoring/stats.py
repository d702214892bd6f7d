"""Exposure statistics of a similar exposure group (no Django imports; issue 11 item 3).

For the results of one group (same post × factor, or chosen across employers), assuming a
lognormal distribution as industrial hygiene does (AIHA, *A Strategy for Assessing and Managing
Occupational Exposures*, 4th ed., 2015; EN 689:2018 Annex F): the geometric mean (GM), geometric
standard deviation (GSD), the 95th percentile X95 with its 70 % upper confidence limit, the
exceedance fraction (share of exposures above the limit) with a confidence interval, and the AIHA
exposure category.

Results below the detection limit ("<0.05") are **left-censored data**: the fit is by maximum
likelihood with each censored value contributing P(X < LOD) (the lognormal CDF), never a
substitution such as LOD/2 (Helsel, *Statistics for Censored Environmental Data*, 2nd ed., 2012,
ch. 6; Hewett & Ganser, Ann. Occup. Hyg. 51 (2007) 611–632). See ADR 0008 for why scipy.

Methods, per case:
- no censored value: the closed form on y = ln x — GM = exp(ȳ), GSD = exp(s) with s on n − 1;
  UCL₇₀(X95) = exp(ȳ + K·s) with the exact one-sided tolerance factor
  K = t′₀.₇₀(n − 1, z₀.₉₅·√n)/√n (non-central t); the exceedance-fraction bounds invert the
  non-central t as well (Lyles & Kupper 1996; AIHA IHSTAT);
- censored values: the maximum-likelihood (μ, σ) of the censored normal on ln x; UCL₇₀ and the
  exceedance bounds by the delta method on the observed information (an approximation: said in
  ``notes``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.stats import nct, norm

Number = float | int | str

Z95 = float(norm.ppf(0.95))  # the 95th percentile of the standard normal, 1.6449
UCL_CONFIDENCE = 0.70  # AIHA: the 70 % UCL of X95 decides the category conservatively
EXCEEDANCE_BOUND = 0.95  # one-sided 95 % lower and upper bounds (a 90 % two-sided interval), as IHSTAT
MIN_RECOMMENDED = 6  # AIHA: at least 6 samples for a baseline assessment
MAX_SAMPLES = 10_000


class StatsInputError(ValueError):
    """Results the statistics cannot use; the message is Chinese and names the field."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name


@dataclass(frozen=True)
class Observation:
    """One result; ``censored`` means "below ``value``" (``value`` is then the detection limit)."""

    value: float
    censored: bool = False


_LOD = re.compile(r"^\s*(?:<|＜|小于|低于)\s*(?:LOD|检出限)?\s*[:：]?\s*([0-9.eE+-]*)\s*$", re.IGNORECASE)


def parse_results(values: Sequence[Number], *, lod: Number | None = None) -> list[Observation]:
    """Observations from what users enter: ``0.3``, ``"<0.05"`` (censored at 0.05), ``"<LOD"``
    (censored at ``lod``). Zero, negative, non-numeric values and ``<LOD`` without an LOD are errors."""
    if len(values) > MAX_SAMPLES:
        raise StatsInputError("values", f"检测结果最多{MAX_SAMPLES}个")
    default_lod = None if lod in (None, "") else _positive(lod, "lod", "检出限")
    out = []
    for i, raw in enumerate(values, 1):
        if isinstance(raw, str):
            m = _LOD.match(raw)
            if m:
                if m.group(1):
                    out.append(Observation(_positive(m.group(1), "values", f"第{i}个结果 检出限"), True))
                elif default_lod is not None:
                    out.append(Observation(default_lod, True))
                else:
                    raise StatsInputError(
                        "values", f"第{i}个结果: 低于检出限但未给出检出限数值（写作“<0.05”或填写 lod）"
                    )
                continue
        out.append(Observation(_positive(raw, "values", f"第{i}个结果"), False))
    return out


def _positive(value: object, field_name: str, what: str) -> float:
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise StatsInputError(field_name, f"{what}: 不是数值（{value!r}）") from None
    if not math.isfinite(x):
        raise StatsInputError(field_name, f"{what}: 不是有效数值（{value!r}）")
    if x <= 0:
        raise StatsInputError(field_name, f"{what}: 须大于0（对数正态分布；未检出请写作“<检出限”）")
    return x


# --------------------------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """(μ, σ) of ln x and their covariance (None for the closed form, which needs none)."""

    mu: float
    sigma: float
    method: str  # "closed_form" / "censored_mle"
    cov: tuple[tuple[float, float], tuple[float, float]] | None = None


def _negloglik_and_grad(theta: np.ndarray, y: np.ndarray, c: np.ndarray) -> tuple[float, np.ndarray]:
    """−log L of the left-censored normal on ln x and its gradient, parameters (μ, log σ)."""
    mu, log_sigma = float(theta[0]), float(theta[1])
    sigma = math.exp(log_sigma)
    zy = (y - mu) / sigma
    zc = (c - mu) / sigma
    log_cdf = norm.logcdf(zc)
    ll = float(np.sum(-0.5 * zy**2 - log_sigma - 0.5 * math.log(2 * math.pi)) + np.sum(log_cdf))
    # d/dμ and d/dlogσ; the inverse Mills ratio φ(z)/Φ(z) computed on the log scale for stability
    mills = np.exp(norm.logpdf(zc) - log_cdf)
    d_mu = float(np.sum(zy) / sigma - np.sum(mills) / sigma)
    d_log_sigma = float(np.sum(zy**2 - 1) - np.sum(mills * zc))
    return -ll, -np.array([d_mu, d_log_sigma])


def fit_censored_mle(observations: Sequence[Observation]) -> Fit:
    """Maximum-likelihood (μ, σ) of ln x with left-censored values (Helsel 2012 ch. 6): detected
    values contribute the normal density of ln x, censored ones Φ((ln LOD − μ)/σ). The covariance is
    the inverse observed information (numerical Hessian of the analytic gradient) on (μ, σ)."""
    y = np.log([o.value for o in observations if not o.censored])
    c = np.log([o.value for o in observations if o.censored])
    if len(y) < 2 or float(np.ptp(y)) == 0.0:
        raise StatsInputError("values", "检出结果至少需要2个不同的数值，才能估计分布")
    start_mu = float(np.mean(np.concatenate([y, c])))
    start_sigma = max(float(np.std(np.concatenate([y, c]))), 0.1)
    result = optimize.minimize(
        _negloglik_and_grad,
        np.array([start_mu, math.log(start_sigma)]),
        args=(y, c),
        jac=True,
        method="BFGS",
        options={"gtol": 1e-9},
    )
    mu, log_sigma = float(result.x[0]), float(result.x[1])
    sigma = math.exp(log_sigma)
    # observed information on (μ, log σ) by central differences of the analytic gradient
    h = 1e-5
    hess = np.zeros((2, 2))
    for j in range(2):
        step = np.zeros(2)
        step[j] = h
        g_plus = _negloglik_and_grad(result.x + step, y, c)[1]
        g_minus = _negloglik_and_grad(result.x - step, y, c)[1]
        hess[:, j] = (g_plus - g_minus) / (2 * h)
    hess = (hess + hess.T) / 2
    cov_log = np.linalg.inv(hess)
    jac = np.diag([1.0, sigma])  # (μ, log σ) → (μ, σ)
    cov = jac @ cov_log @ jac.T
    return Fit(mu, sigma, "censored_mle", ((cov[0, 0], cov[0, 1]), (cov[1, 0], cov[1, 1])))


def fit_closed_form(observations: Sequence[Observation]) -> Fit:
    """ȳ and s (divisor n − 1) of ln x: the usual GM and GSD when nothing is censored."""
    y = np.log([o.value for o in observations])
    if len(y) < 2 or float(np.ptp(y)) == 0.0:
        raise StatsInputError("values", "至少需要2个不同的检测结果")
    return Fit(float(np.mean(y)), float(np.std(y, ddof=1)), "closed_form")


def tolerance_factor(n: int, *, proportion: float = 0.95, confidence: float = UCL_CONFIDENCE) -> float:
    """One-sided normal tolerance factor K: ȳ + K·s bounds the ``proportion`` quantile with the given
    ``confidence`` — K = t′_γ(n − 1, z_p·√n)/√n (non-central t; e.g. n = 10, p = γ = 0.95 → 2.911)."""
    if n < 2:
        raise StatsInputError("values", "至少需要2个检测结果")
    zp = float(norm.ppf(proportion))
    return float(nct.ppf(confidence, n - 1, zp * math.sqrt(n)) / math.sqrt(n))


def _exceedance_bounds_exact(n: int, mu: float, s: float, log_limit: float) -> tuple[float, float]:
    """Exceedance-fraction bounds by inverting the non-central t (Lyles & Kupper 1996):
    t = √n (ln L − ȳ)/s ~ t′(n − 1, √n·z_p) with z_p = (ln L − μ)/σ."""
    t_obs = math.sqrt(n) * (log_limit - mu) / s
    df = n - 1

    def solve(p: float) -> float:
        f = lambda nc: float(nct.cdf(t_obs, df, nc)) - p  # noqa: E731 - the root's function
        lo, hi = t_obs - 10, t_obs + 10
        while f(lo) < 0:
            lo -= 10
        while f(hi) > 0:
            hi += 10
        return float(optimize.brentq(f, lo, hi, xtol=1e-10))

    nc_high = solve(1 - EXCEEDANCE_BOUND)  # the largest z_p compatible → the lowest fraction
    nc_low = solve(EXCEEDANCE_BOUND)
    return 1 - float(norm.cdf(nc_high / math.sqrt(n))), 1 - float(norm.cdf(nc_low / math.sqrt(n)))


# --------------------------------------------------------------------------------------------
# The group statistics
# --------------------------------------------------------------------------------------------

#: AIHA exposure control categories by X95 / OEL (AIHA 2015, table 7.1): 0 ≤ 1 %, 1 ≤ 10 %,
#: 2 ≤ 50 %, 3 ≤ 100 %, 4 > 100 %.
AIHA_CATEGORIES: tuple[tuple[float, int, str], ...] = (
    (0.01, 0, "可忽略（≤1% 限值）"),
    (0.10, 1, "高度受控（≤10% 限值）"),
    (0.50, 2, "良好受控（10%–50% 限值）"),
    (1.00, 3, "受控（50%–100% 限值）"),
    (math.inf, 4, "控制不良（>限值）"),
)


def aiha_category(x95_over_limit: float) -> tuple[int, str]:
    """The AIHA exposure category of a 95th percentile relative to the limit."""
    for upper, category, label in AIHA_CATEGORIES:
        if x95_over_limit <= upper + 1e-12:
            return category, label
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class GroupStatistics:
    """What the calculator and the API show for one group."""

    n: int
    n_censored: int
    method: str
    gm: float
    gsd: float
    p95: float
    p95_ucl70: float
    limit: float | None
    exceedance: float | None  # fraction 0–1 above the limit
    exceedance_low: float | None
    exceedance_high: float | None
    category: int | None
    category_label: str
    category_ucl: int | None  # the category of the 70 % UCL (the conservative reading)
    notes: tuple[str, ...]
    observations: tuple[Observation, ...]


def group_statistics(
    values: Sequence[Number], *, limit: Number | None = None, lod: Number | None = None
) -> GroupStatistics:
    """GM, GSD, X95 with its 70 % UCL, exceedance fraction with 95 % one-sided bounds and the AIHA
    category for one similar exposure group; ``<LOD`` results are censored (never LOD/2)."""
    observations = parse_results(values, lod=lod)
    if len(observations) < 2:
        raise StatsInputError("values", "至少需要2个检测结果")
    oel = None if limit in (None, "") else _positive(limit, "limit", "接触限值")
    n = len(observations)
    n_cens = sum(1 for o in observations if o.censored)
    notes = []
    if n < MIN_RECOMMENDED:
        notes.append(f"样本数 {n} 少于6个（AIHA 建议至少6个），估计不确定性大")
    if n_cens:
        fit = fit_censored_mle(observations)
        notes.append(f"{n_cens} 个低于检出限的结果按删失数据以最大似然法估计（未用检出限/2替代）")
        notes.append("70%置信上限和超限比例区间按 delta 法近似")
        (v_mu, c_ms), (_, v_s) = fit.cov or ((0.0, 0.0), (0.0, 0.0))
        se95 = math.sqrt(max(v_mu + 2 * Z95 * c_ms + Z95**2 * v_s, 0.0))
        ucl = math.exp(fit.mu + Z95 * fit.sigma + float(norm.ppf(UCL_CONFIDENCE)) * se95)
    else:
        fit = fit_closed_form(observations)
        ucl = math.exp(fit.mu + tolerance_factor(n) * fit.sigma)
    if n_cens / n > 0.5:
        notes.append(f"低于检出限的比例为 {n_cens / n:.0%}，超过一半，估计的可靠性低")
    p95 = math.exp(fit.mu + Z95 * fit.sigma)
    exceedance = low = high = None
    category = category_ucl = None
    label = "未给出接触限值，未分类"
    if oel is not None:
        g = (math.log(oel) - fit.mu) / fit.sigma
        exceedance = 1 - float(norm.cdf(g))
        if fit.method == "closed_form":
            low, high = _exceedance_bounds_exact(n, fit.mu, fit.sigma, math.log(oel))
        else:
            (v_mu, c_ms), (_, v_s) = fit.cov or ((0.0, 0.0), (0.0, 0.0))
            # g = (ln L − μ)/σ: ∂g/∂μ = −1/σ, ∂g/∂σ = −g/σ
            var_g = (v_mu + 2 * g * c_ms + g**2 * v_s) / fit.sigma**2
            half = float(norm.ppf(EXCEEDANCE_BOUND)) * math.sqrt(max(var_g, 0.0))
            low, high = 1 - float(norm.cdf(g + half)), 1 - float(norm.cdf(g - half))
        category, label = aiha_category(p95 / oel)
        category_ucl = aiha_category(ucl / oel)[0]
    return GroupStatistics(
        n=n,
        n_censored=n_cens,
        method=fit.method,
        gm=math.exp(fit.mu),
        gsd=math.exp(fit.sigma),
        p95=p95,
        p95_ucl70=ucl,
        limit=oel,
        exceedance=exceedance,
        exceedance_low=low,
        exceedance_high=high,
        category=category,
        category_label=label,
        category_ucl=category_ucl,
        notes=tuple(notes),
        observations=tuple(observations),
    )


# --------------------------------------------------------------------------------------------
# The trend of a post across years (issue 11 item 3: "the trend of a post across years")
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearSummary:
    """One year of a post × factor: counts, the highest result and, from 2 results on, the fit."""

    year: int
    n: int
    n_censored: int
    highest: float  # the highest detected value, or the highest LOD when all are censored
    over_limit: int  # detected results above the limit
    statistics: GroupStatistics | None  # None when the year's results cannot be fitted


def yearly_trend(
    results: Sequence[tuple[int, Number]], *, limit: Number | None = None, lod: Number | None = None
) -> list[YearSummary]:
    """Per year (oldest first) the results of one post × factor; ``results`` are (year, value)
    with values as ``parse_results`` reads them. A year whose results cannot be fitted (one result,
    all censored, all equal) keeps its counts and ``statistics=None``."""
    oel = None if limit in (None, "") else _positive(limit, "limit", "接触限值")
    by_year: dict[int, list[Number]] = {}
    for year, value in results:
        by_year.setdefault(int(year), []).append(value)
    out = []
    for year in sorted(by_year):
        observations = parse_results(by_year[year], lod=lod)
        detected = [o.value for o in observations if not o.censored]
        try:
            fitted: GroupStatistics | None = group_statistics(by_year[year], limit=limit, lod=lod)
        except StatsInputError:
            fitted = None
        out.append(
            YearSummary(
                year=year,
                n=len(observations),
                n_censored=len(observations) - len(detected),
                highest=max(detected) if detected else max(o.value for o in observations),
                over_limit=sum(1 for v in detected if oel is not None and v > oel),
                statistics=fitted,
            )
        )
    return out

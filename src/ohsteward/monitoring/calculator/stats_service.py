"""The stateless group statistics: from the API's (or the page's) fields to ``stats.GroupStatistics``
and its JSON form, with the chart data (samples against the limit)."""

from __future__ import annotations

from typing import Any

from ohsteward.monitoring.assess import round_concentration
from ohsteward.monitoring.stats import GroupStatistics, group_statistics


def run_statistics(data: dict[str, Any]) -> GroupStatistics:
    """``values`` (numbers, "<0.05", "<LOD" with ``lod``) and an optional ``limit``; raises
    ``stats.StatsInputError`` (field, Chinese message)."""
    return group_statistics(list(data.get("values") or []), limit=data.get("limit"), lod=data.get("lod"))


def _r(x: float | None) -> float | None:
    return round_concentration(x, 3)  # statistics: 3 significant digits (not a compliance figure)


def statistics_json(s: GroupStatistics) -> dict[str, Any]:
    return {
        "n": s.n,
        "n_censored": s.n_censored,
        "method": s.method,
        "gm": _r(s.gm),
        "gsd": round(s.gsd, 2),
        "p95": _r(s.p95),
        "p95_ucl70": _r(s.p95_ucl70),
        "limit": s.limit,
        "exceedance": None if s.exceedance is None else round(s.exceedance, 4),
        "exceedance_low": None if s.exceedance_low is None else round(s.exceedance_low, 4),
        "exceedance_high": None if s.exceedance_high is None else round(s.exceedance_high, 4),
        "category": s.category,
        "category_label": s.category_label,
        "category_ucl": s.category_ucl,
        "notes": list(s.notes),
    }


def chart_option(s: GroupStatistics) -> dict[str, Any]:
    """An ECharts option: the results in order (detected as dots, <LOD as hollow marks at the LOD),
    the limit, the GM and the X95 as lines."""
    detected = [[i, o.value] for i, o in enumerate(s.observations, 1) if not o.censored]
    censored = [[i, o.value] for i, o in enumerate(s.observations, 1) if o.censored]
    lines = [{"name": "GM", "yAxis": _r(s.gm)}, {"name": "X95", "yAxis": _r(s.p95)}]
    if s.limit is not None:
        lines.append({"name": "接触限值", "yAxis": s.limit, "lineStyle": {"color": "#c0392b", "width": 2}})
    return {
        "tooltip": {"trigger": "item"},
        "legend": {"data": ["检出", "低于检出限（按检出限标出）"]},
        "grid": {"left": 48, "right": 16, "top": 48, "bottom": 32},
        "xAxis": {
            "type": "value",
            "name": "序号",
            "minInterval": 1,
            "min": 0,
            "max": len(s.observations) + 1,
        },
        "yAxis": {"type": "log", "name": "浓度"},
        "series": [
            {
                "name": "检出",
                "type": "scatter",
                "data": detected,
                "markLine": {
                    "symbol": "none",
                    # labels inside the plot, above the line's end: nothing is cut off on a phone
                    "label": {"position": "insideEndTop", "formatter": "{b} {c}"},
                    "data": lines,
                },
            },
            {
                "name": "低于检出限（按检出限标出）",
                "type": "scatter",
                "symbol": "emptyCircle",
                "data": censored,
            },
        ],
    }

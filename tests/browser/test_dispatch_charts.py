"""Browser test: the quarterly dispatch charts at 1280 and 375 px — legend, axes, colour bar and map
do not overlap (bounding boxes of the rendered ECharts components), the map names districts.

Screenshots go to ``$OHSTEWARD_SCREENSHOTS`` when set (for looking at, not compared).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Rectangles of the rendered components, in chart pixels, from each component view's group and the
# map's geo view rect (ECharts API: getInstanceByDom, getModel, coordinateSystem.getViewRect).
MEASURE = """(id) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const rect = (group) => {
    group.updateTransform();
    const r = group.getBoundingRect().clone();
    const m = group.getComputedTransform ? group.getComputedTransform() : group.transform;
    if (m) { r.applyTransform(m); }
    return {x: r.x, y: r.y, w: r.width, h: r.height};
  };
  const out = {width: chart.getWidth(), height: chart.getHeight()};
  for (const view of chart._componentsViews) {
    const type = view.__model && view.__model.mainType;
    if (!type || !view.group || view.group.children().length === 0) { continue; }
    (out[type] = out[type] || []).push(rect(view.group));
  }
  // the map's drawn area: the view rect of the series' geo coordinate system (pixels)
  out.series = chart.getModel().getSeries().filter((s) => s.coordinateSystem && s.coordinateSystem.getViewRect)
    .map((s) => { const r = s.coordinateSystem.getViewRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; });
  return out;
}"""


def _overlap(a, b, tolerance=1.0):
    return (
        a["x"] + tolerance < b["x"] + b["w"]
        and b["x"] + tolerance < a["x"] + a["w"]
        and a["y"] + tolerance < b["y"] + b["h"]
        and b["y"] + tolerance < a["y"] + a["h"]
    )


def _inside(r, layout, tolerance=2.0):
    return (
        r["x"] >= -tolerance
        and r["y"] >= -tolerance
        and r["x"] + r["w"] <= layout["width"] + tolerance
        and r["y"] + r["h"] <= layout["height"] + tolerance
    )


@pytest.fixture
def listed(transactional_db, cast, enterprises):
    from django.utils import timezone

    from ohsteward.declarations import actions

    today = timezone.localdate()
    hazard_list = actions.hazard_list_generate(user=None, year=today.year, as_of=today)
    actions.hazard_list_push(user=None, hazard_list=hazard_list, today=today - dt.timedelta(days=40))
    return hazard_list


@pytest.mark.parametrize("width", [1280, 375])
def test_dispatch_charts_do_not_overlap(browser, live_server, listed, login, width):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    base = live_server.url
    login(page, base, "city")
    page.goto(f"{base}/declarations/dispatch/")
    page.wait_for_selector("#chart-map[data-ready='1']")
    page.wait_for_timeout(300)  # let the first frame render (layout is what is measured, not timing)
    bar = page.evaluate(MEASURE, "chart-bar")
    legend = bar["legend"][0]
    for axis in bar["xAxis"] + bar["yAxis"]:
        assert not _overlap(legend, axis), (width, legend, axis)
        assert _inside(axis, bar), (width, axis)  # rotated district names are not cut
    assert not _overlap(legend, bar["title"][0])
    geo = page.evaluate(MEASURE, "chart-map")
    colour_bar, area = geo["visualMap"][0], geo["series"][0]
    assert not _overlap(colour_bar, area), (width, colour_bar, area)
    assert not _overlap(geo["title"][0], area)
    option = page.evaluate("echarts.getInstanceByDom(document.getElementById('chart-map')).getOption()")
    visual = option["visualMap"][0]
    assert (
        not visual.get("text") and visual["formatter"] == "{value}%"
    )  # "0%"…"100%" once, not "100%" and "100"
    assert option["tooltip"][0]["trigger"] == "item"
    assert option["series"][0]["label"]["show"] is (
        width >= 600
    )  # district names on the map (tap on a phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    target = os.environ.get("OHSTEWARD_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"dispatch-{width}.png"), full_page=True)
    context.close()

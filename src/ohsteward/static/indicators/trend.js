// Trends by quarter (ECharts, vendored): the chosen indicator over eight quarters for the area and
// one area inside it; the options follow the container's width so they stay legible at 375 px.
(function () {
  "use strict";
  var NARROW = 600;
  var el = document.getElementById("chart-trend");
  var select = document.getElementById("trend-child");
  var xlsx = document.getElementById("trend-xlsx");
  if (!window.echarts || !el) { return; }
  var chart = echarts.init(el);
  var COLOURS = ["#2b6cb0", "#dd6b20"];

  function option(data) {
    var narrow = el.clientWidth < NARROW;
    var series = [];
    data.series.forEach(function (s, i) {
      series.push({
        name: s.name, type: "line", connectNulls: false, color: COLOURS[i % COLOURS.length],
        // a published quarter shows its published figure: drawn as a hollow point
        data: s.values.map(function (v, q) {
          return {value: v, symbol: s.published[q] ? "emptyCircle" : "circle", symbolSize: 8};
        })
      });
      if (s.targets.some(function (t) { return t !== null; })) {
        series.push({name: s.name + " 目标", type: "line", step: "middle", symbol: "none",
                     lineStyle: {type: "dashed", width: 1}, color: COLOURS[i % COLOURS.length], data: s.targets});
      }
    });
    return {
      tooltip: {trigger: "axis", confine: true},
      legend: {top: 0, type: "scroll", textStyle: {fontSize: narrow ? 10 : 12}},
      grid: {left: 8, right: 16, top: narrow ? 48 : 36, bottom: 8, containLabel: true},
      xAxis: {type: "category", data: data.quarters, axisLabel: {fontSize: narrow ? 10 : 12, rotate: narrow ? 45 : 0}},
      yAxis: {type: "value", name: data.unit, max: data.unit === "%" ? 100 : null, min: 0},
      series: series
    };
  }

  function load() {
    var url = el.getAttribute("data-url") + (select && select.value ? "&child=" + encodeURIComponent(select.value) : "");
    if (xlsx) { xlsx.href = url + "&format=xlsx"; }
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) { chart.setOption(option(data), true); el.setAttribute("data-ready", "1"); })
      .catch(function () { el.textContent = "趋势数据加载失败"; });
  }
  if (select) { select.addEventListener("change", load); }
  window.addEventListener("resize", function () { chart.resize(); });
  load();
})();

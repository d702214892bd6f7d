// Indicator ranking chart and district map (ECharts, vendored); options follow the container's
// width so they stay legible at 375 px.
(function () {
  "use strict";
  var NARROW = 600;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var barEl = document.getElementById("chart-bar");
  var mapEl = document.getElementById("chart-map");
  if (!window.echarts || !barEl) { return; }
  var colours = data.met.map(function (m) { return m === true ? "#1a9850" : m === false ? "#d73027" : "#bbb"; });

  function barOption(width) {
    var narrow = width < NARROW;
    return {
      title: {text: data.indicator, left: "center", top: 0, textStyle: {fontSize: 14}},
      tooltip: {trigger: "axis", confine: true},
      grid: {left: 8, right: 16, top: 32, bottom: 8, containLabel: true},
      // horizontal bars: names stay readable on a phone
      yAxis: {type: "category", data: data.names.slice().reverse(), axisLabel: {fontSize: narrow ? 10 : 12}},
      xAxis: {type: "value", name: data.unit, max: data.unit === "%" ? 100 : null},
      series: [
        {name: data.indicator, type: "bar", data: data.values.map(function (v, i) {
          return {value: v, itemStyle: {color: colours[i]}}; }).reverse()},
        {name: "目标", type: "scatter", symbol: "diamond", data: data.targets.slice().reverse(), itemStyle: {color: "#333"}}
      ]
    };
  }
  barEl.style.height = Math.max(300, 22 * data.names.length + 60) + "px";
  var bar = echarts.init(barEl);
  bar.setOption(barOption(barEl.clientWidth));

  var map = null;
  if (mapEl) {
    fetch(mapEl.getAttribute("data-geojson")).then(function (r) { return r.json(); }).then(function (geo) {
      echarts.registerMap("chongqing", geo);
      map = echarts.init(mapEl);
      var narrow = mapEl.clientWidth < NARROW;
      map.setOption({
        tooltip: {trigger: "item", confine: true},
        visualMap: {min: 0, max: data.unit === "%" ? 100 : Math.max.apply(null, data.values.concat([1])),
                    calculable: true, orient: narrow ? "horizontal" : "vertical", left: narrow ? "center" : 8, bottom: 0},
        series: [{type: "map", map: "chongqing", data: data.map, name: data.indicator,
                  top: 8, bottom: narrow ? 56 : 16, label: {show: false}}]
      });
      mapEl.setAttribute("data-ready", "1");
    }).catch(function () { mapEl.style.display = "none"; });
  }
  window.addEventListener("resize", function () { bar.resize(); if (map) { map.resize(); } });
})();

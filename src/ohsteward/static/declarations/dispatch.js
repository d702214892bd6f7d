// Quarterly dispatch charts (ECharts, vendored). Options depend on the container's width so that on a
// phone the legend, the axis names, the colour bar and the map do not cover each other.
(function () {
  "use strict";
  var NARROW = 600;
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var barEl = document.getElementById("chart-bar");
  var mapEl = document.getElementById("chart-map");
  if (!window.echarts || !barEl) { return; }

  function short(name) { return data.short_names[name] || name; }
  function pct(v) { return v == null || isNaN(v) ? "—" : v + "%"; }

  function barOption(width) {
    var narrow = width < NARROW;
    return {
      title: {text: "各区县名单与申报", left: "center", top: 0, textStyle: {fontSize: 14}},
      tooltip: {trigger: "axis", confine: true},
      // the legend sits under the title; the grid starts below the legend and the axis names
      legend: narrow ? {type: "scroll", bottom: 0, left: "center", itemWidth: 14, textStyle: {fontSize: 11}}
                     : {top: 24, left: "center"},
      grid: {left: 8, right: 8, top: narrow ? 56 : 84, bottom: narrow ? 36 : 12, containLabel: true},
      xAxis: {type: "category", data: data.names,
              axisLabel: {rotate: narrow ? 90 : 45, interval: 0, fontSize: narrow ? 10 : 12, formatter: short}},
      yAxis: [{type: "value", name: "家", nameGap: 10, minInterval: 1},
              {type: "value", name: "申报率%", max: 100, nameGap: 10, splitLine: {show: false}}],
      series: [{name: "名单单位", type: "bar", data: data.list_size}, {name: "已核实", type: "bar", data: data.confirmed},
               {name: "已申报", type: "bar", data: data.declared},
               {name: "申报率%", type: "line", yAxisIndex: 1, data: data.rate}]
    };
  }

  function mapOption(width) {
    var narrow = width < NARROW;
    return {
      title: {text: "各区县申报率", left: "center", top: 0, textStyle: {fontSize: 14}},
      tooltip: {trigger: "item", confine: true,
                formatter: function (p) { return p.name + "<br>申报率：" + pct(p.value); }},
      // one label per end of the bar ("0%" … "100%"), no duplicate text
      visualMap: {min: 0, max: 100, calculable: true, precision: 0, formatter: "{value}%",
                  orient: narrow ? "horizontal" : "vertical",
                  left: narrow ? "center" : 8, bottom: narrow ? 0 : 16, itemWidth: 12,
                  itemHeight: narrow ? Math.min(160, width - 140) : 120},
      series: [{type: "map", map: "chongqing", roam: false, data: data.map, name: "申报率",
                // the map keeps clear of the title and of the colour bar
                top: 32, bottom: narrow ? 56 : 16, left: narrow ? 4 : 110, right: narrow ? 4 : 16,
                label: {show: !narrow, fontSize: 9, color: "#333", formatter: function (p) { return short(p.name); }},
                labelLayout: {hideOverlap: true},  // the small central districts: show what fits, the rest on hover
                emphasis: {label: {show: true, fontSize: 11, formatter: function (p) { return short(p.name); }}},
                itemStyle: {borderColor: "#fff", borderWidth: 0.8}}]
    };
  }

  var bar = echarts.init(barEl);
  bar.setOption(barOption(barEl.clientWidth));
  var map = null;
  fetch(mapEl.getAttribute("data-geojson")).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("chongqing", geo);
    map = echarts.init(mapEl);
    map.setOption(mapOption(mapEl.clientWidth));
    mapEl.setAttribute("data-ready", "1");
  }).catch(function () { mapEl.style.display = "none"; });

  var timer = null;
  window.addEventListener("resize", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      bar.setOption(barOption(barEl.clientWidth), {notMerge: true});
      bar.resize();
      if (map) { map.setOption(mapOption(mapEl.clientWidth), {notMerge: true}); map.resize(); }
    }, 150);
  });
})();

// Living pneumoconiosis patients per district of residence on the Chongqing district map (ECharts,
// vendored, like the indicator ranking map); the tooltip adds the 康复站 there. Legible at 375 px.
(function () {
  "use strict";
  var NARROW = 600;
  var el = document.getElementById("chart-map");
  var source = document.getElementById("map-data");
  if (!window.echarts || !el || !source) { return; }
  var data = JSON.parse(source.textContent);
  var max = Math.max.apply(null, data.map(function (d) { return d.value; }).concat([1]));
  var map = null;
  fetch(el.getAttribute("data-geojson")).then(function (r) { return r.json(); }).then(function (geo) {
    echarts.registerMap("chongqing", geo);
    map = echarts.init(el);
    var narrow = el.clientWidth < NARROW;
    map.setOption({
      tooltip: {trigger: "item", confine: true, formatter: function (p) {
        var d = p.data;
        return d ? p.name + "：常住患者 " + d.value + " 人，康复站 " + d.stations + " 个" : p.name + "：无登记患者";
      }},
      visualMap: {min: 0, max: max, calculable: true, text: ["患者多", "少"],
                  orient: narrow ? "horizontal" : "vertical", left: narrow ? "center" : 8, bottom: 0},
      series: [{type: "map", map: "chongqing", data: data, name: "常住尘肺病患者",
                top: 8, bottom: narrow ? 56 : 16, label: {show: false}}]
    });
    el.setAttribute("data-ready", "1");
  }).catch(function () { el.style.display = "none"; });
  window.addEventListener("resize", function () { if (map) { map.resize(); } });
})();

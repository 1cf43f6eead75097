// Scorecard charts: each drawn from the JSON next to it; the table below carries the same figures.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  var palette = ["#005ea2", "#e66f0e", "#00a91c", "#d54309"];
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var series = data.series || [{ name: "", values: data.values }];
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      color: palette,
      animation: false,
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, show: series.length > 1 },
      // Rich-text tooltips are drawn on the canvas: the CSP forbids the inline styles of HTML ones.
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, width: 120, overflow: "truncate" } },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (serie) {
        return { type: "bar", name: serie.name, data: serie.values, barMaxWidth: 28 };
      })
    });
    element.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();

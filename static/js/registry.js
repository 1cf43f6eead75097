// Area statistics: draw each chart from the JSON next to it. The tables below the charts
// carry the same figures, so the page says everything without this file.
(function () {
  "use strict";
  if (!window.echarts) {
    return;
  }
  var palette = ["#005ea2", "#e66f0e", "#00a91c", "#d54309", "#8168b3", "#1a4480", "#b50909"];

  function barOption(data) {
    // Largest first, from the top: a category axis draws its first label at the bottom.
    var labels = data.labels.slice().reverse();
    var values = data.values.slice().reverse();
    return {
      color: palette,
      animation: false,
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      // Rich-text tooltips are drawn on the canvas: no HTML with inline styles (the CSP forbids them).
      tooltip: { trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: labels, axisLabel: { width: 180, overflow: "truncate", interval: 0 } },
      series: [{ type: "bar", name: data.unit, data: values, barMaxWidth: 28 }]
    };
  }

  function monthsOption(data) {
    return {
      color: palette,
      animation: false,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.labels },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (serie) {
        // A suppressed count (null) is left out, not drawn as a zero.
        return { type: "bar", name: serie.name, data: serie.values, barMaxWidth: 18 };
      })
    };
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(data.kind === "months" ? monthsOption(data) : barOption(data));
    element.setAttribute("data-chart-ready", "true");
    charts.push(chart);
  });
  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();

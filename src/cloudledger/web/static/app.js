// Draws every chart of a page: an element with data-chart="ID" is drawn from the JSON in <script id="ID">.
// The data is computed on the server; this file only hands it to the vendored ECharts.
"use strict";

(function () {
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  const UNALLOCATED_COLOUR = "#999999";

  function money(currency) {
    const format = new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return function (value) {
      return value === null || value === undefined ? "—" : format.format(value) + " " + currency;
    };
  }

  function colourOf(series, index) {
    return series.department === "Unallocated" ? UNALLOCATED_COLOUR : PALETTE[index % PALETTE.length];
  }

  function departmentSeries(data) {
    const bars = data.series.map(function (s, i) {
      return {
        name: s.department, type: "bar", stack: "actual", data: s.actual,
        itemStyle: { color: colourOf(s, i) }, emphasis: { focus: "series" },
      };
    });
    const budgets = data.series
      .map(function (s, i) { return [s, i]; })
      .filter(function (pair) { return pair[0].budget.some(function (b) { return b !== null; }); })
      .map(function (pair) {
        const s = pair[0];
        return {
          name: s.department + " budget", type: "line", data: s.budget, connectNulls: false, symbol: "none",
          lineStyle: { type: "dashed", width: 2, color: colourOf(s, pair[1]) }, itemStyle: { color: colourOf(s, pair[1]) },
        };
      });
    return bars.concat(budgets);
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") return;
    const data = JSON.parse(source.textContent);
    const format = money(data.currency);
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true },
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: format },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 16, right: 16, top: 24, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return format(v).replace(/\.00 /, " "); } } },
      series: departmentSeries(data),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll() {
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

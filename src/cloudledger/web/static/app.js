// Draws every chart of a page: an element with data-chart="ID" is drawn from the JSON in <script id="ID">,
// by the drawer registered for that JSON's "kind" (default "departments"). Page scripts register their own
// drawers with cloudledger.register(kind, function (data, tools) { return echartsOption; }).
// The numbers are computed on the server; this file only hands them to the vendored ECharts.
"use strict";

window.cloudledger = (function () {
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
  const UNALLOCATED_COLOUR = "#999999";
  const drawers = {};

  function money(currency) {
    const format = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    return function (value) {
      return value === null || value === undefined ? "—" : format.format(value) + " " + currency;
    };
  }

  function axisMoney(currency) {
    const format = money(currency);
    return function (v) { return format(v).replace(/\.00 /, " "); };
  }

  function colour(index) {
    return PALETTE[index % PALETTE.length];
  }

  function register(kind, drawer) {
    drawers[kind] = drawer;
  }

  function base(data) {
    const format = money(data.currency || "");
    return {
      aria: { enabled: true },
      animation: false,
      color: PALETTE,
      tooltip: { trigger: "axis", valueFormatter: format },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 16, right: 16, top: 24, bottom: 48, containLabel: true },
    };
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") return null;
    const data = JSON.parse(source.textContent);
    const drawer = drawers[data.kind || "departments"];
    if (!drawer) return null;
    const existing = echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign(base(data), drawer(data, tools, chart, element)));
    return chart;
  }

  function drawAll(root) {
    (root || document).querySelectorAll("[data-chart]").forEach(draw);
  }

  const tools = { PALETTE: PALETTE, UNALLOCATED_COLOUR: UNALLOCATED_COLOUR, money: money, axisMoney: axisMoney, colour: colour };

  function departmentColour(series, index) {
    return series.department === "Unallocated" ? UNALLOCATED_COLOUR : colour(index);
  }

  register("departments", function (data) {
    const bars = data.series.map(function (s, i) {
      return {
        name: s.department, type: "bar", stack: "actual", data: s.actual,
        itemStyle: { color: departmentColour(s, i) }, emphasis: { focus: "series" },
      };
    });
    const budgets = data.series
      .map(function (s, i) { return [s, i]; })
      .filter(function (pair) { return pair[0].budget.some(function (b) { return b !== null; }); })
      .map(function (pair) {
        const s = pair[0];
        return {
          name: s.department + " budget", type: "line", data: s.budget, connectNulls: false, symbol: "none",
          lineStyle: { type: "dashed", width: 2, color: departmentColour(s, pair[1]) },
          itemStyle: { color: departmentColour(s, pair[1]) },
        };
      });
    return {
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", axisLabel: { formatter: axisMoney(data.currency) } },
      series: bars.concat(budgets),
    };
  });

  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      const chart = typeof echarts === "undefined" ? null : echarts.getInstanceByDom(element);
      if (chart) chart.resize();
    });
  });
  // Filter forms marked data-autosubmit apply as soon as a control changes (the Apply button stays for
  // keyboards and for browsers without scripts).
  document.addEventListener("change", function (event) {
    const form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (form) form.requestSubmit();
  });
  // Content swapped in by htmx (the executive filters) brings its own charts; the control that had the focus
  // keeps it, so a keyboard user can go on choosing.
  let focused = null;
  document.addEventListener("htmx:beforeRequest", function () {
    const active = document.activeElement;
    focused = active && active.name ? active.name : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    drawAll();
    if (focused) {
      const again = document.querySelector('#main [name="' + focused + '"]');
      if (again) again.focus();
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    setTimeout(drawAll, 0);
  }

  return Object.assign({ register: register, draw: draw, drawAll: drawAll }, tools);
})();

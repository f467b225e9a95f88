// The cost explorer's chart: stacked bars per period, one series per group (the rest summed as Other).
// Clicking a group's bar goes one level down, to the same URL as the group's link in the table.
"use strict";

(function () {
  const tools = window.cloudledger;

  tools.register("explorer", function (data, t, chart) {
    const series = data.series.map(function (s, i) {
      return {
        name: s.name, type: "bar", stack: "total", data: s.values,
        itemStyle: { color: s.other ? t.UNALLOCATED_COLOUR : t.colour(i) },
        emphasis: { focus: "series" },
        cursor: s.drill ? "pointer" : "default",
      };
    });
    chart.on("click", function (event) {
      const target = data.series[event.seriesIndex];
      if (event.componentType === "series" && target && target.drill) window.location.assign(target.drill);
    });
    return {
      xAxis: { type: "category", data: data.periods },
      yAxis: { type: "value", axisLabel: { formatter: t.axisMoney(data.currency) } },
      series: series,
    };
  });

  // Blank "add a filter" fields stay out of the URL, so that it remains a valid API query string.
  document.querySelectorAll("form.explorer-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[data-optional]").forEach(function (input) {
        if (!input.value.trim()) input.disabled = true;
      });
    });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.explorer-form input[data-optional]").forEach(function (input) {
      input.disabled = false;
    });
  });
})();

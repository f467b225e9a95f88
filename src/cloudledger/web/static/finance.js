// Chart kinds of the chargeback, budgets and unit costs pages. The numbers come from the server in the
// page's chart JSON; this file only says how ECharts draws them.
"use strict";

(function (cloudledger) {
  if (!cloudledger) return;

  // Chargeback: the total of each owner as a horizontal bar, largest on top; unallocated cost in grey.
  cloudledger.register("chargeback-owners", function (data, tools) {
    const bars = data.totals.map(function (value, i) {
      const grey = data.owners[i] === data.unallocated;
      return { value: value, itemStyle: { color: grey ? tools.UNALLOCATED_COLOUR : tools.colour(0) } };
    });
    return {
      legend: { show: false },
      grid: { left: 16, right: 32, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: tools.money(data.currency) },
      xAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      yAxis: { type: "category", inverse: true, data: data.owners, axisLabel: { width: 220, overflow: "truncate" } },
      series: [{ name: "Total", type: "bar", data: bars, barMaxWidth: 20 }],
    };
  });

  // Budgets: the actual cost of each budget beside its budget, one chart per currency.
  cloudledger.register("budgets", function (data, tools) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: tools.money(data.currency) },
      xAxis: { type: "category", data: data.names, axisLabel: { interval: 0, rotate: data.names.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      series: [
        { name: "Actual", type: "bar", data: data.actual, itemStyle: { color: tools.colour(0) }, barMaxWidth: 32 },
        { name: "Budget", type: "bar", data: data.budget, itemStyle: { color: tools.colour(1) }, barMaxWidth: 32 },
      ],
    };
  });

  // Unit costs: the cost per unit over time; gaps where the metric has no value.
  cloudledger.register("unit-cost", function (data, tools) {
    const unit = " " + data.currency + " / " + data.unit;
    function shown(value) {
      return value === null || value === undefined ? "—" : Number(value.toPrecision(6)) + unit;
    }
    return {
      legend: { show: false },
      tooltip: { trigger: "axis", valueFormatter: shown },
      xAxis: { type: "category", data: data.periods, boundaryGap: false },
      yAxis: {
        type: "value", scale: true,
        axisLabel: { formatter: function (v) { return String(Number(v.toPrecision(4))); } },
        name: data.currency + " / " + data.unit, nameTextStyle: { align: "left" },
      },
      series: [{
        name: data.name, type: "line", data: data.values, connectNulls: false, showSymbol: true,
        lineStyle: { width: 2, color: tools.colour(0) }, itemStyle: { color: tools.colour(0) },
      }],
    };
  });

  // Draw this page's charts now that their kinds are known (app.js may have run before this file).
  if (typeof echarts !== "undefined") {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (!echarts.getInstanceByDom(element)) cloudledger.draw(element);
    });
  }
})(window.cloudledger);

// The Cloud & AI/ML page's charts: provider × service stacked bars (a bar opens the explorer for that
// provider), a department × provider heat map, and AI/ML workloads stacked by capacity. The numbers come from
// the server; this file only hands them to the vendored ECharts.
"use strict";

(function (cloudledger) {
  const OTHER_COLOUR = "#999999";
  const CAPACITY_COLOURS = { "Spot": "#E69F00", "Committed": "#009E73", "On demand": "#0072B2" };

  cloudledger.register("cloud-services", function (data, tools, chart) {
    const series = data.series.map(function (s, i) {
      return {
        name: s.name, type: "bar", stack: "services", data: s.data, emphasis: { focus: "series" },
        itemStyle: { color: s.name === "Other" ? OTHER_COLOUR : tools.colour(i) },
      };
    });
    chart.on("click", function (params) {
      const link = data.links && data.links[params.dataIndex];
      if (link) window.location.assign(link);
    });
    return {
      tooltip: { trigger: "item", valueFormatter: tools.money(data.currency) },
      xAxis: { type: "category", data: data.providers },
      yAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      series: series,
    };
  });

  cloudledger.register("cloud-departments", function (data, tools) {
    const format = tools.money(data.currency);
    const values = data.cells.map(function (cell) { return cell[2]; });
    const top = Math.max.apply(null, values.concat([0]));
    return {
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          return data.departments[params.value[1]] + " · " + data.providers[params.value[0]] + ": " + format(params.value[2]);
        },
      },
      grid: { left: 16, right: 16, top: 24, bottom: 64, containLabel: true },
      xAxis: { type: "category", data: data.providers, splitArea: { show: true } },
      yAxis: { type: "category", data: data.departments, inverse: true, splitArea: { show: true } },
      visualMap: {
        min: 0, max: top || 1, calculable: false, orient: "horizontal", left: "center", bottom: 0,
        text: [tools.axisMoney(data.currency)(top), tools.axisMoney(data.currency)(0)],
        inRange: { color: ["#f2f7fb", "#56B4E9", "#0072B2"] },
      },
      legend: { show: false },
      series: [{
        name: data.metric, type: "heatmap", data: data.cells,
        label: {
          show: true,
          formatter: function (params) { return tools.axisMoney("")(params.value[2]).trim(); },
        },
        emphasis: { itemStyle: { borderColor: "#000", borderWidth: 1 } },
      }],
    };
  });

  cloudledger.register("cloud-workloads", function (data, tools) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: tools.money(data.currency) },
      grid: { left: 16, right: 56, top: 24, bottom: 48, containLabel: true },
      xAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      yAxis: { type: "category", data: data.workloads, inverse: true },
      series: data.series.map(function (s) {
        return {
          name: s.name, type: "bar", stack: "capacity", data: s.data, emphasis: { focus: "series" },
          itemStyle: { color: CAPACITY_COLOURS[s.name] },
        };
      }),
    };
  });

  // app.js draws once the document is parsed; draw any chart of this page it reached before these kinds existed.
  function drawMissing() {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (!echarts.getInstanceByDom(element)) cloudledger.draw(element);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawMissing);
  } else {
    setTimeout(drawMissing, 0);
  }
})(window.cloudledger);

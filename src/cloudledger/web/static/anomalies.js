// The anomaly page's charts: the series' daily cost against its expected cost and flag line (the anomaly's
// days highlighted), and the root causes' shares of their dimension's deviation. The numbers come from the
// server; this file only hands them to the vendored ECharts.
"use strict";

(function (cloudledger) {
  const ACTUAL = "#0072B2";
  const ANOMALY = "#D55E00";
  const EXPECTED = "#000000";
  const BAND = "#E69F00";

  cloudledger.register("anomaly-series", function (data, tools) {
    const format = tools.money(data.currency);
    const width = data.flag.map(function (flag, i) {
      const expected = data.expected[i];
      return flag === null || expected === null ? null : Math.round((flag - expected) * 100) / 100;
    });
    const bars = data.actual.map(function (value, i) {
      return { value: value, itemStyle: { color: data.anomalous[i] ? ANOMALY : ACTUAL } };
    });
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          const i = items[0].dataIndex;
          return [
            data.days[i] + (data.anomalous[i] ? " (anomaly)" : ""),
            "Actual: " + format(data.actual[i]),
            "Expected: " + format(data.expected[i]),
            "Flag line: " + format(data.flag[i]),
          ].join("<br>");
        },
      },
      xAxis: { type: "category", data: data.days },
      yAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      series: [
        { name: "Actual", type: "bar", data: bars, itemStyle: { color: ACTUAL }, barMaxWidth: 16, z: 3 },
        {
          name: "Expected", type: "line", data: data.expected, stack: "band", symbol: "none",
          lineStyle: { color: EXPECTED, width: 2 }, itemStyle: { color: EXPECTED }, connectNulls: false,
        },
        {
          name: "Flag line", type: "line", data: width, stack: "band", symbol: "none", connectNulls: false,
          lineStyle: { color: BAND, type: "dashed", width: 2 }, itemStyle: { color: BAND },
          areaStyle: { color: BAND, opacity: 0.18 },
        },
      ],
    };
  });

  cloudledger.register("anomaly-causes", function (data, tools) {
    const dimensions = data.dimensions.filter(function (d, i, all) { return all.indexOf(d) === i; });
    const format = tools.money(data.currency);
    const bars = data.shares.map(function (share, i) {
      return { value: share, itemStyle: { color: tools.colour(dimensions.indexOf(data.dimensions[i])) } };
    });
    return {
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          const i = params.dataIndex;
          return data.labels[i] + "<br>" + data.shares[i].toFixed(1) + " % of the deviation, " + format(data.deviations[i]);
        },
      },
      legend: { show: false },
      grid: { left: 16, right: 48, top: 16, bottom: 24, containLabel: true },
      xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value} %" } },
      yAxis: {
        type: "category", data: data.labels, inverse: true,
        axisLabel: { width: 320, overflow: "truncate" },
      },
      series: [{ name: "Share of the deviation", type: "bar", data: bars, barMaxWidth: 18 }],
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

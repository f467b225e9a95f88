// Chart kinds of the forecast page (and the cone the budgets page shares): the numbers come from the server in
// the page's chart JSON; this file only says how ECharts draws them.
"use strict";

(function (cloudledger) {
  if (!cloudledger) return;

  // A cumulative month: the actual running total, the forecast running total and its 80 % interval as a band
  // (drawn as the low line plus the stacked gap to the high line). `extra` adds horizontal lines.
  function cone(data, tools, extra) {
    const format = tools.money(data.currency);
    const days = data.days.map(function (d) { return d.slice(8); });
    const gap = data.high.map(function (h, i) { return h === null || data.low[i] === null ? null : h - data.low[i]; });
    const series = [
      {
        name: "Actual", type: "line", data: data.actual, showSymbol: false, connectNulls: false,
        lineStyle: { width: 3, color: tools.colour(0) }, itemStyle: { color: tools.colour(0) },
        areaStyle: { color: tools.colour(0), opacity: 0.08 },
      },
    ];
    if (data.forecast.length) {
      series.push(
        { name: "Low (80 %)", type: "line", data: data.low, stack: "cone", showSymbol: false,
          lineStyle: { opacity: 0 }, itemStyle: { color: tools.colour(4) } },
        { name: "80 % interval", type: "line", data: gap, stack: "cone", showSymbol: false,
          lineStyle: { opacity: 0 }, areaStyle: { color: tools.colour(4), opacity: 0.35 }, itemStyle: { color: tools.colour(4) } },
        { name: "Forecast", type: "line", data: data.forecast, showSymbol: false, connectNulls: false,
          lineStyle: { width: 2, type: "dashed", color: tools.colour(1) }, itemStyle: { color: tools.colour(1) },
          markPoint: data.total === null || data.total === undefined ? undefined : {
            symbol: "pin", symbolSize: 44, itemStyle: { color: tools.colour(1) },
            label: { show: false },
            data: [{ name: "Month end", coord: [days.length - 1, data.forecast[data.forecast.length - 1]] }],
          } }
      );
    }
    (extra || []).forEach(function (line, i) {
      series.push({
        name: line.name, type: "line", showSymbol: false, data: days.map(function () { return line.value; }),
        lineStyle: { width: line.width || 1.5, type: line.dash || "dotted", color: line.colour || tools.colour(5 + i) },
        itemStyle: { color: line.colour || tools.colour(5 + i) },
      });
    });
    const plain = new Set(["Low (80 %)", "80 % interval"]);
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          const i = items.length ? items[0].dataIndex : 0;
          const rows = [data.days[i]];
          if (data.actual[i] !== null) rows.push("Actual to date: " + format(data.actual[i]));
          if (data.forecast.length && data.forecast[i] !== null && data.actual[i] === null) {
            rows.push("Forecast: " + format(data.forecast[i]));
            rows.push("80 % interval: " + format(data.low[i]) + " to " + format(data.high[i]));
          }
          items.forEach(function (item) {
            if (!plain.has(item.seriesName) && item.seriesName !== "Actual" && item.seriesName !== "Forecast") {
              rows.push(item.seriesName + ": " + format(item.value));
            }
          });
          return rows.join("<br>");
        },
      },
      legend: { type: "scroll", bottom: 0, data: series.map(function (s) { return s.name; }).filter(function (n) { return n !== "Low (80 %)"; }) },
      xAxis: { type: "category", data: days, boundaryGap: false, name: "Day", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      series: series,
    };
  }

  cloudledger.cone = cone;

  cloudledger.register("forecast-month", function (data, tools) {
    return cone(data, tools, []);
  });

  // The next 12 months: the forecast of each month as bars, its 80 % interval as a band around them.
  cloudledger.register("forecast-year", function (data, tools) {
    const format = tools.money(data.currency);
    const gap = data.high.map(function (h, i) { return h - data.low[i]; });
    return {
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          const i = items.length ? items[0].dataIndex : 0;
          return [data.months[i], "Forecast: " + format(data.forecast[i]),
            "80 % interval: " + format(data.low[i]) + " to " + format(data.high[i])].join("<br>");
        },
      },
      legend: { bottom: 0, data: ["Forecast", "80 % interval"] },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", axisLabel: { formatter: tools.axisMoney(data.currency) } },
      series: [
        { name: "Forecast", type: "bar", data: data.forecast, itemStyle: { color: tools.colour(1) }, barMaxWidth: 36 },
        { name: "Low (80 %)", type: "line", data: data.low, stack: "year", showSymbol: false, lineStyle: { opacity: 0 } },
        { name: "80 % interval", type: "line", data: gap, stack: "year", showSymbol: false, lineStyle: { opacity: 0 },
          areaStyle: { color: tools.colour(4), opacity: 0.3 }, itemStyle: { color: tools.colour(4) } },
      ],
    };
  });

  // The error of each model by days ahead (lower is better); the chosen model drawn thicker.
  cloudledger.register("forecast-accuracy", function (data, tools) {
    function percent(v) { return v === null || v === undefined ? "—" : v.toFixed(2) + " %"; }
    return {
      tooltip: { trigger: "axis", valueFormatter: percent },
      xAxis: { type: "category", data: data.horizons, name: "Days ahead", nameLocation: "middle", nameGap: 28 },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return v + " %"; } } },
      series: data.models.map(function (m, i) {
        const chosen = m.name === data.chosen;
        return {
          name: m.name + (chosen ? " (chosen)" : ""), type: "line", data: m.values, connectNulls: false,
          lineStyle: { width: chosen ? 3 : 1.5, color: tools.colour(i) }, itemStyle: { color: tools.colour(i) },
        };
      }),
    };
  });

  // Draw this page's charts now that their kinds are known (app.js may have run before this file).
  if (typeof echarts !== "undefined") {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (!echarts.getInstanceByDom(element)) cloudledger.draw(element);
    });
  }
})(window.cloudledger);

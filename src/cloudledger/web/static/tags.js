// Tags & allocation page: the compliance chart (share of taggable spend with valid required tags, per group).
"use strict";

(function () {
  const percent = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function asPercent(value) {
    return value === null || value === undefined ? "—" : percent.format(value) + " %";
  }

  window.cloudledger.register("tag-compliance", function (data, tools) {
    const series = data.series.map(function (s, i) {
      return {
        name: s.name, type: "bar", data: s.values, barMaxWidth: 22,
        itemStyle: { color: tools.colour(i) }, emphasis: { focus: "series" },
      };
    });
    // The "every required tag" series is shown; each tag's own series is one legend click away.
    const selected = {};
    data.series.forEach(function (s, i) { selected[s.name] = i === 0; });
    return {
      legend: { type: "scroll", bottom: 0, selected: selected },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: asPercent },
      grid: { left: 16, right: 24, top: 16, bottom: 48, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: function (v) { return v + " %"; } } },
      yAxis: { type: "category", data: data.groups, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
      series: series,
    };
  });
})();

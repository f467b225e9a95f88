// The budgets page's month-end cone: a budget's running total with the forecast cone (drawn by forecast.js'
// cone) and horizontal lines for the budget and its alert thresholds.
"use strict";

(function (cloudledger) {
  if (!cloudledger || !cloudledger.cone) return;
  const STYLE = {
    budget: { colour: "#000000", dash: "solid", width: 2 },
    actual: { colour: "#D55E00", dash: "dotted", width: 1.5 },
    forecast: { colour: "#CC79A7", dash: "dashed", width: 1.5 },
  };

  cloudledger.register("budget-cone", function (data, tools) {
    const lines = data.lines.map(function (line) {
      const style = STYLE[line.kind] || STYLE.actual;
      return { name: line.name, value: line.value, colour: style.colour, dash: style.dash, width: style.width };
    });
    return cloudledger.cone(data, tools, lines);
  });

  if (typeof echarts !== "undefined") {
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      if (!echarts.getInstanceByDom(element)) cloudledger.draw(element);
    });
  }
})(window.cloudledger);

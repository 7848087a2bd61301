/* Draws the dashboards' charts with ECharts (static/vendor/echarts/, from npm) from
 * the figures each chart's page holds in a json_script block: no inline script, the
 * Content-Security-Policy allows none. Clicking a bar opens the records behind it; the
 * same numbers are in the table beside each chart (shown by its button, always read
 * by screen readers). */
(function () {
  "use strict";

  var PALETTE = ["#2f6fb0", "#e0a030", "#4a9a5b", "#9b59b6", "#c0504d", "#7f8c8d"];

  function option(data) {
    var series = data.series.map(function (s, index) {
      return {
        name: s.name,
        type: data.type === "line" ? "line" : "bar",
        connectNulls: false,
        stack: data.stacked ? "total" : undefined,
        data: s.values.map(function (value, i) {
          var point = { value: value === null ? "-" : value };
          if (s.marked && s.marked[i]) {
            point.itemStyle = { color: "#c77c00" };
          }
          return point;
        }),
        itemStyle: { color: PALETTE[index % PALETTE.length] },
        cursor: "pointer",
        label: data.unit ? { show: true, position: "top", formatter: "{c}" } : undefined,
      };
    });
    return {
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { show: data.series.length > 1, top: 0 },
      grid: { left: 48, right: 16, top: data.series.length > 1 ? 32 : 16, bottom: 72 },
      xAxis: {
        type: "category",
        data: data.categories,
        axisLabel: { interval: 0, rotate: data.categories.length > 6 ? 40 : 0 },
      },
      yAxis: { type: "value", max: data.max || null, name: data.unit || "" },
      series: series,
    };
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.chart);
    if (!source || typeof echarts === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    chart.on("click", function (params) {
      var s = data.series[params.seriesIndex];
      var url = s && s.urls ? s.urls[params.dataIndex] : "";
      if (url) {
        window.location.assign(url);
      }
    });
    window.addEventListener("resize", function () {
      chart.resize();
    });
    element.dataset.ready = "1";
  }

  function toggles() {
    document.querySelectorAll("[data-table-toggle]").forEach(function (button) {
      var table = document.getElementById(button.dataset.tableToggle);
      button.addEventListener("click", function () {
        var hidden = table.classList.toggle("visually-hidden");
        button.setAttribute("aria-expanded", hidden ? "false" : "true");
      });
    });
  }

  function start() {
    document.querySelectorAll(".dashboard-chart[data-chart]").forEach(draw);
    toggles();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

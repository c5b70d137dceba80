// Report charts: the page holds one json_script "report-charts" mapping a chart id to
// {"option": ECharts option, "links": [[url per data point] per series]}; each
// <div data-chart="ID"> draws its option, and clicking a bar or point opens the
// teachers or entries behind it.
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || !window.echarts) { return; }
  var specs = JSON.parse(source.textContent);
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var spec = specs[el.dataset.chart];
    if (!spec) { return; }
    var chart = window.echarts.init(el, null, { locale: "ZH", renderer: "svg" });
    chart.setOption(spec.option);
    chart.on("click", function (params) {
      var url = ((spec.links || [])[params.seriesIndex] || [])[params.dataIndex];
      if (url) { window.location.href = url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();

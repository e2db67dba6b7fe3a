/* Dashboard charts. Data comes from <script type="application/json"> blocks (Django's
   json_script), never from inline code, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (e) { return null; }
  }

  function dailyChart() {
    var canvas = document.getElementById("daily-chart");
    var data = readJson("daily-chart-data");
    if (!canvas || !data || typeof window.Chart === "undefined") { return; }
    var style = getComputedStyle(document.documentElement);
    var primary = style.getPropertyValue("--bs-primary").trim() || "#0d6efd";
    var accent = style.getPropertyValue("--bs-danger").trim() || "#dc3545";
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.countLabel, data: data.counts, borderColor: primary, backgroundColor: primary,
            pointRadius: 0, borderWidth: 1.5, tension: 0 },
          { label: data.trendLabel, data: data.trend, borderColor: accent, backgroundColor: accent,
            pointRadius: 0, borderWidth: 2.5, tension: 0.3 }
        ]
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { ticks: { maxTicksLimit: 12 } } }
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", dailyChart);
  } else {
    dailyChart();
  }
})();

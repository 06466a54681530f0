// The workspace's charts: every <canvas data-chart='{"type", "labels", "datasets"}'> a page
// brings is drawn with the vendored Chart.js once it settles. The server renders the
// figures; this file only draws them (no data of its own, no eval, no inline script).

const PALETTE = ["#4fa3ff", "#3ecf8e", "#ffb547", "#ff5d5d", "#b88cff", "#5fd4e0", "#e08fd0", "#c0c46a"];
const drawn = new WeakMap();

function draw(canvas) {
  if (!window.Chart || drawn.has(canvas)) return;
  let spec;
  try {
    spec = JSON.parse(canvas.dataset.chart);
  } catch {
    return; // a broken figure must not break the page
  }
  const datasets = spec.datasets.map((d, i) => {
    const color = PALETTE[i % PALETTE.length];
    return { ...d, backgroundColor: color, borderColor: color, spanGaps: false };
  });
  const stacked = Boolean(spec.stacked);
  window.Chart.defaults.color = "#c9d4e0";
  window.Chart.defaults.borderColor = "rgba(255, 255, 255, 0.08)";
  const chart = new window.Chart(canvas, {
    type: spec.type || "bar",
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  drawn.set(canvas, chart);
  canvas.dataset.drawn = "true";
}

function drawAll(root) {
  for (const canvas of root.querySelectorAll("canvas[data-chart]")) draw(canvas);
}

document.addEventListener("htmx:afterSettle", (e) => drawAll(e.target));
document.addEventListener("DOMContentLoaded", () => drawAll(document));

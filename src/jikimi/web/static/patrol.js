// The patrol planner's map: each unit's route as a polyline from its start point through
// its numbered stops and back, over the offline base map. The plan comes with the page
// (data-plan, rendered by the server); this file adds no data of its own. The print
// button prints the units' sheets (patrol.css hides everything else on paper).

import { addBasemap } from "./basemap.js";
import { el, kstShort } from "./dom.js";

const L = window.L;
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"];

function stopIcon(number, colour, missed) {
  const badge = el("div", { class: `patrol-stop-number${missed ? " missed" : ""}` }, String(number));
  badge.style.background = colour;
  return L.divIcon({ html: badge, className: "", iconSize: [22, 22], iconAnchor: [11, 11] });
}

function drawPlan(container) {
  if (container.dataset.drawn) return;
  container.dataset.drawn = "1";
  const plan = JSON.parse(container.dataset.plan);
  const map = L.map(container, {
    attributionControl: false,
    zoomAnimation: false,
    fadeAnimation: false,
    markerZoomAnimation: false,
  });
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  const bounds = [];
  plan.routes.forEach((route, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const line = route.geojson.geometry.coordinates.map(([lon, lat]) => [lat, lon]);
    bounds.push(...line);
    L.polyline(line, { color: colour, weight: 4, opacity: 0.85, className: "patrol-route" })
      .bindTooltip(route.unit)
      .addTo(map);
    L.circleMarker([route.start.lat, route.start.lon], { radius: 7, color: colour, fillOpacity: 1 })
      .bindTooltip(route.unit)
      .addTo(map);
    route.stops.forEach((stop, n) => {
      const when = `${route.unit} #${n + 1} · ${kstShort(stop.arrive_at)}–${kstShort(stop.depart_at)} KST`;
      L.marker([stop.lat, stop.lon], { icon: stopIcon(n + 1, colour, stop.missed_before) })
        .bindTooltip(when)
        .addTo(map);
    });
  });
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24] });
  else map.setView([37.5519, 126.9543], 13);
  addBasemap(map, container).catch(() => {}); // the routes stand without it
}

function drawAll() {
  if (!L) return;
  for (const c of document.querySelectorAll("[data-patrol-map]")) drawPlan(c);
}

document.addEventListener("htmx:afterSettle", drawAll);
document.addEventListener("click", (e) => {
  if (e.target.closest("[data-patrol-print]")) window.print();
});

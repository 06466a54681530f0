// The base map: Korea's 시도 and 시군구 boundaries shipped with the package (offline, the
// default) and, when JIKIMI_MAP_TILE_URL is set, the agency's own tiles beneath them.
// Files are fetched once per page; nothing here ever leaves the server it came from
// unless an administrator configured a tile server.

import { el } from "./dom.js";
import { t } from "./i18n.js";

const L = window.L;
const BASEMAP = "/static/basemap";
const SIGUNGU_FROM_ZOOM = 8; // below this the 시군구 web is a grey smear
const LABELS_FROM_ZOOM = 11;

let configPromise = null;
const layerPromises = new Map();

/** The console's public map settings: {tile_url, tile_attribution}; offline on any failure. */
export function mapConfig() {
  configPromise ??= fetch("/console/config.json", { cache: "no-store" })
    .then((r) => (r.ok ? r.json() : {}))
    .then((c) => c?.map ?? {})
    .catch(() => ({}));
  return configPromise;
}

function geojson(name) {
  if (!layerPromises.has(name)) {
    const p = fetch(`${BASEMAP}/${name}.geojson`).then((r) => {
      if (!r.ok) throw new Error(`${name}.geojson: HTTP ${r.status}`);
      return r.json();
    });
    p.catch(() => layerPromises.delete(name)); // try again on the next map
    layerPromises.set(name, p);
  }
  return layerPromises.get(name);
}

/** A name on the map, as a DOM element (Leaflet gets an element, never an HTML string). */
function nameMarker(feature) {
  const [lon, lat] = feature.properties.label;
  const html = el("span", { text: feature.properties.name });
  return L.marker([lat, lon], {
    icon: L.divIcon({ className: "map-name", html, iconSize: null }),
    interactive: false,
    keyboard: false,
    pane: "basemapLabels",
  });
}

/** Attribution as text: Leaflet's own control would insert the strings as HTML. */
const Credit = L.Control.extend({
  options: { position: "bottomright" },
  onAdd() {
    this._div = el("div", { class: "map-credit", testid: "map-credit" });
    this._div.addEventListener("click", (e) => e.stopPropagation());
    return this._div;
  },
  setLines(lines) {
    this._div.replaceChildren(...lines.map((line) => el("span", { text: line })));
  },
});

/** Lay the base map under `map`: tiles (if configured), boundaries, names, the credit. */
export async function addBasemap(map, container) {
  const config = await mapConfig();
  if (!container.isConnected) return; // the detail was rebuilt meanwhile (another alert)
  const credit = new Credit().addTo(map);
  const credits = [];
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { maxZoom: 19, attribution: "" }).addTo(map);
    if (config.tile_attribution) credits.push(config.tile_attribution);
  }
  credits.push(t("map.credit_boundaries"), "Leaflet");
  credit.setLines(credits);

  map.createPane("basemapLabels").classList.add("basemap-labels");
  const canvas = L.canvas({ padding: 0.3 }); // thousands of rings draw faster on one canvas
  const [sido, sigungu] = await Promise.all([geojson("sido"), geojson("sigungu")]).catch((err) => {
    container.dataset.basemap = "failed";
    throw err;
  });
  if (!container.isConnected) return;
  const lines = (color, weight) => ({
    renderer: canvas, // geometryToLayer hands the layer's options to every polygon it makes
    interactive: false,
    style: () => ({ fill: false, color, weight }),
  });
  const sigunguLayer = L.geoJSON(sigungu, lines("#33465a", 0.8));
  const sidoLayer = L.geoJSON(sido, lines("#5b7189", 1.4));
  const names = L.layerGroup(sigungu.features.filter((f) => f.properties.label).map(nameMarker));
  sidoLayer.addTo(map);
  const byZoom = () => {
    const z = map.getZoom();
    if (z >= SIGUNGU_FROM_ZOOM) sigunguLayer.addTo(map);
    else sigunguLayer.remove();
    if (z >= LABELS_FROM_ZOOM) names.addTo(map);
    else names.remove();
    sidoLayer.bringToFront();
  };
  map.on("zoomend", byZoom);
  byZoom();
  container.dataset.basemap = config.tile_url ? "tiles+boundaries" : "boundaries";
}

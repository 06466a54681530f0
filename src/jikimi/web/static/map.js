// One alert's situation on a Leaflet map: the protected zones as true-metre circles, the
// perpetrator's recent track, the victim's latest position, and the alert's own evidence
// with its distance.
// Every label is a DOM element built by el(): Leaflet never receives an HTML string.

import { addBasemap } from "./basemap.js";
import { el, kstShort } from "./dom.js";
import {
  evidenceSummary,
  formatAccuracy,
  formatDistance,
  hasPoint,
  placedEvidence,
  zoneFor,
  zoneName,
} from "./geo.js";
import { t } from "./i18n.js";

const L = window.L;
const KOREA = L.latLngBounds([33.0, 124.6], [38.65, 131.0]);
const COLOR = {
  ban: "#ff4d4f",
  warn: "#f5b942",
  perpetrator: "#ff7b7d",
  victim: "#4fa3ff",
  evidence: "#ffd640",
};

const ll = (p) => [p.lat, p.lon];

/** A text label pinned to a point (class decides its look). */
function labelAt(point, cls, text, testid) {
  const html = el("span", { testid, text });
  return L.marker(ll(point), {
    icon: L.divIcon({ className: `map-label ${cls}`, html, iconSize: null }),
    interactive: false,
    keyboard: false,
  });
}

/** A hover tooltip as an element: "가해자 · 11-22 21:04:05 · ±15m". */
function fixTip(who, fix) {
  const bits = [t(`map.${who}`), kstShort(fix.recorded_at ?? fix.occurred_at)];
  const acc = formatAccuracy(fix.accuracy_m);
  if (acc) bits.push(acc);
  return el("span", { text: bits.join(" · ") });
}

function accuracyCircle(fix, color, cls) {
  if (!Number.isFinite(fix.accuracy_m) || fix.accuracy_m <= 0) return null;
  return L.circle(ll(fix), {
    radius: fix.accuracy_m,
    color,
    weight: 1,
    opacity: 0.7,
    fillOpacity: 0.12,
    interactive: false,
    className: `accuracy accuracy-${cls}`,
  });
}

export class SituationMap {
  /** A map in `container` (attached and sized), Korea in view until there is something to show. */
  constructor(container) {
    this.map = L.map(container, {
      attributionControl: false, // ours writes text, not HTML (basemap.js)
      minZoom: 6,
      maxZoom: 19,
      maxBounds: KOREA.pad(0.4),
      zoomSnap: 0.5,
      // No animations: the map is rebuilt whenever another alert is opened, and Leaflet
      // throws when it is removed mid-animation. A dispatcher needs no transitions.
      zoomAnimation: false,
      fadeAnimation: false,
      markerZoomAnimation: false,
      inertia: false,
    });
    this.map.fitBounds(KOREA);
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(this.map);
    this.overlay = L.layerGroup().addTo(this.map);
    this.highlight = L.layerGroup().addTo(this.map);
    this.fitted = false;
    // Zoomed out, the 100 m world collapses to a point: keep only the distance label.
    const far = () => container.classList.toggle("map-far", this.map.getZoom() < 13);
    this.map.on("zoomend", far);
    far();
    this.ready = addBasemap(this.map, container).catch(() => {}); // overlays work without it
  }

  /** Redraw the overlays for `alert` and the case's `positions` (either may be null). */
  draw(alert, positions) {
    this.overlay.clearLayers();
    const add = (layer) => layer && this.overlay.addLayer(layer);
    const bounds = [];
    const zones = (positions?.zones || []).filter(hasPoint);
    for (const z of zones) this.zone(z, add, bounds);
    this.track("victim", positions?.victim?.track, add, bounds);
    this.track("perpetrator", positions?.perpetrator?.track, add, bounds);
    this.evidence(alert, zones, add, bounds);
    // Frame the scene once the positions are in; after that the dispatcher's pan and zoom
    // are left alone by live updates.
    if (!this.fitted && bounds.length) {
      this.map.fitBounds(L.latLngBounds(bounds), { padding: [44, 44], maxZoom: 16, animate: false });
      this.fitted = positions !== null;
    }
  }

  zone(z, add, bounds) {
    const name = zoneName(z);
    if (Number.isFinite(z.warn_m) && z.warn_m > 0) {
      add(
        L.circle(ll(z), {
          radius: z.warn_m,
          color: COLOR.warn,
          weight: 1.2,
          dashArray: "6 6",
          fillOpacity: 0.03,
          interactive: false,
          className: `zone zone-warn zone-${z.label}`,
        }),
      );
    }
    if (Number.isFinite(z.radius_m) && z.radius_m > 0) {
      const ban = L.circle(ll(z), {
        radius: z.radius_m,
        color: COLOR.ban,
        weight: 2,
        fillOpacity: 0.16,
        interactive: false,
        className: `zone zone-ban zone-${z.label}`,
      });
      add(ban);
      const b = ban.getBounds(); // on the map already: a circle needs one to measure itself
      bounds.push(b.getSouthWest(), b.getNorthEast());
    } else bounds.push(ll(z));
    // Short on the map (the legend and the case panel say which circle is which).
    add(labelAt(z, "zone-label", `${name} · ${formatDistance(z.radius_m)}`, "map-zone-label"));
  }

  track(who, fixes, add, bounds) {
    const points = (fixes || []).filter(hasPoint);
    if (!points.length) return;
    const color = COLOR[who];
    if (points.length > 1) {
      add(
        L.polyline(points.map(ll), {
          color,
          weight: who === "perpetrator" ? 2.5 : 1.8,
          opacity: 0.85,
          interactive: false,
          className: `track track-${who}`,
        }),
      );
    }
    for (const p of points.slice(0, -1)) {
      add(
        L.circleMarker(ll(p), {
          radius: 2.5,
          color,
          weight: 1,
          fillOpacity: 0.8,
          className: `track-dot track-dot-${who}`,
        }).bindTooltip(fixTip(who, p)),
      );
    }
    const last = points[points.length - 1];
    add(accuracyCircle(last, color, who));
    add(
      L.circleMarker(ll(last), {
        radius: 6.5,
        color: "#ffffff",
        weight: 2,
        fillColor: color,
        fillOpacity: 1,
        className: `latest latest-${who}`,
      }).bindTooltip(fixTip(who, last)),
    );
    add(labelAt(last, `who-label who-${who}`, t(`map.${who}`), `map-${who}-label`));
    bounds.push(...points.slice(-10).map(ll));
  }

  evidence(alert, zones, add, bounds) {
    const placed = placedEvidence(alert);
    if (!placed.length) return;
    for (const ev of placed.slice(0, -1)) {
      add(
        L.circleMarker(ll(ev), {
          radius: 3.5,
          color: COLOR.evidence,
          weight: 1.5,
          fillOpacity: 0.3,
          className: "evidence-dot",
        }).bindTooltip(el("span", { text: `${kstShort(ev.occurred_at)} · ${evidenceSummary(ev)}` })),
      );
    }
    const ev = placed[placed.length - 1];
    add(accuracyCircle(ev, COLOR.evidence, "evidence"));
    const zone = zoneFor(ev, zones);
    if (zone) {
      add(
        L.polyline([ll(ev), ll(zone)], {
          color: COLOR.evidence,
          weight: 2,
          dashArray: "4 5",
          interactive: false,
          className: "distance-line",
        }),
      );
    }
    add(
      L.circleMarker(ll(ev), {
        radius: 8,
        color: COLOR.evidence,
        weight: 3,
        fillOpacity: 0,
        className: "evidence-point",
      }).bindTooltip(fixTip("evidence", ev)),
    );
    const summary = evidenceSummary(ev) || t("map.evidence");
    const cls = ev.possibly_inside ? "distance-label is-inside" : "distance-label";
    add(labelAt(ev, cls, summary, "map-distance")); // above the point; the line shows to where
    bounds.push(ll(ev));
  }

  /** Centre on one fix (a row of the positions list) and ring it for a moment. */
  focus(p) {
    if (!hasPoint(p)) return;
    this.map.setView(ll(p), Math.max(this.map.getZoom(), 16), { animate: false });
    this.highlight.clearLayers();
    L.circleMarker(ll(p), { radius: 14, color: "#ffffff", weight: 2, fill: false })
      .addTo(this.highlight);
    clearTimeout(this.highlightTimer);
    this.highlightTimer = setTimeout(() => this.highlight.clearLayers(), 2500);
  }

  remove() {
    clearTimeout(this.highlightTimer);
    this.map.remove();
  }
}

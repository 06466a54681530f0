// Distances on the Earth and how the console writes them. Pure functions: no DOM, no map.

import { currentLang, label, t } from "./i18n.js";

const EARTH_M = 6371008.8; // mean radius (IUGG), metres

/** A usable WGS84 point: finite lat/lon in range. */
export function hasPoint(p) {
  return (
    p != null &&
    Number.isFinite(p.lat) &&
    Number.isFinite(p.lon) &&
    Math.abs(p.lat) <= 90 &&
    Math.abs(p.lon) <= 180
  );
}

/** Great-circle distance in metres (haversine; within a few metres at city scale). */
export function distanceM(a, b) {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The zone whose centre is nearest to `p`, with its distance: {zone, m} or null. */
export function nearestZone(p, zones) {
  let best = null;
  for (const z of zones || []) {
    if (!hasPoint(z) || !hasPoint(p)) continue;
    const m = distanceM(p, z);
    if (!best || m < best.m) best = { zone: z, m };
  }
  return best;
}

/** The zone an evidence item names ("home" …), the nearest of that label if several. */
export function zoneFor(ev, zones) {
  if (!ev || !ev.zone) return null;
  const named = (zones || []).filter((z) => z.label === ev.zone || z.key === ev.zone);
  return nearestZone(ev, named)?.zone ?? null;
}

/** "820 m" / "1.2 km" (Korean: "820m", "1.2km"). */
export function formatDistance(m) {
  if (!Number.isFinite(m)) return "—";
  const sep = currentLang() === "ko" ? "" : " ";
  if (m < 1000) return `${Math.round(m).toLocaleString()}${sep}m`;
  const km = (m / 1000).toFixed(m < 10000 ? 1 : 0).replace(/\.0$/, "");
  return `${km}${sep}km`;
}

/** "±15 m" for a fix's accuracy, "" when unknown. */
export function formatAccuracy(m) {
  return Number.isFinite(m) ? t("map.accuracy", { d: formatDistance(m) }) : "";
}

/** "약 3분" / "~3 min" for an ETA in seconds. */
export function formatEta(s) {
  if (!Number.isFinite(s) || s < 0) return "—";
  if (s < 60) return t("map.eta_s", { n: Math.round(s) });
  return t("map.eta_m", { n: Math.round(s / 60) });
}

/** The zone's name on the map: 자택 / home …, or its key when the label is unknown. */
export const zoneName = (z) => label("zone", z.label ?? z.key);

/** What the alert's evidence says about distance, as one line:
 * "자택까지 82m · 구역 안일 수 있음 · 도달 예상 약 3분". */
export function evidenceSummary(ev) {
  const bits = [];
  if (Number.isFinite(ev.distance_m)) {
    bits.push(
      ev.zone
        ? t("map.distance_to", { d: formatDistance(ev.distance_m), zone: label("zone", ev.zone) })
        : formatDistance(ev.distance_m),
    );
  }
  if (ev.possibly_inside) bits.push(t("map.possibly_inside"));
  if (Number.isFinite(ev.eta_s)) bits.push(t("map.eta", { t: formatEta(ev.eta_s) }));
  return bits.join(" · ");
}

/** The evidence items that carry a position, oldest first as the alert holds them. */
export const placedEvidence = (alert) => (alert?.evidence || []).filter(hasPoint);

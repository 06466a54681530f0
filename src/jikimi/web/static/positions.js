// Where people are: the case's recent positions (GET /api/v1/cases/{id}/positions), the
// map in the alert detail, the list of positions under it, and the zones in the case panel.

import { api } from "./api.js";
import { el, fill, kstShort } from "./dom.js";
import { distanceM, formatAccuracy, formatDistance, hasPoint, nearestZone, zoneName } from "./geo.js";
import { t } from "./i18n.js";
import { SituationMap } from "./map.js";

const MINUTES = 60;
const MAX_ROWS = 120;
/** Alert kinds about places (and devices whose evidence may carry one). */
const MAP_KINDS = new Set([
  "proximity_warning",
  "proximity_violation",
  "encounter",
  "sos",
  "device_tamper",
  "device_offline",
]);

const cache = new Map(); // case id -> {data, error, loading}
let view = null; // {alert, map, list}
let hooks = { failed: (err, show) => show(String(err)), changed: () => {} };

/** `failed(err, show)` handles errors like the rest of the console; `changed()` re-renders. */
export function configurePositions(next) {
  hooks = { ...hooks, ...next };
}

export const isMapKind = (alert) => Boolean(alert && MAP_KINDS.has(alert.kind));

/** Load (or reload) a case's positions; the map and the case panel redraw when they come. */
export async function loadPositions(caseId) {
  const old = cache.get(caseId);
  cache.set(caseId, { data: old?.data ?? null, error: null, loading: true });
  let next;
  try {
    const data = await api(
      `/api/v1/cases/${encodeURIComponent(caseId)}/positions?minutes=${MINUTES}`,
    );
    next = { data, error: null, loading: false };
  } catch (err) {
    hooks.failed(err, (msg) => {
      next = { data: old?.data ?? null, error: msg, loading: false };
    });
  }
  if (!next) return; // signed out meanwhile
  cache.set(caseId, next);
  if (view && view.alert.case_id === caseId) redraw();
  hooks.changed();
}

/** The map section of the detail for `alert`, built once per selected alert. */
export function situationSection(alert) {
  return el(
    "section",
    { class: "situation", testid: "situation" },
    el("h3", {}, t("map.heading"), " ", el("span", { class: "dim", text: t("map.window", { n: MINUTES }) })),
    el("div", { class: "map", id: "situation-map", testid: "map", "data-alert-id": alert.id }),
    el("div", { class: "map-legend" }, legend()),
    el("div", { id: "situation-list" }),
  );
}

function legend() {
  return ["ban", "warn", "perpetrator", "victim", "evidence"].map((k) =>
    el("span", { class: `lg lg-${k}`, text: t(`map.legend.${k}`) }),
  );
}

/** Start the map in the (attached) section built by situationSection(). */
export function mountSituation(alert) {
  unmountSituation();
  const node = document.getElementById("situation-map");
  if (!node) return;
  view = { alert, map: new SituationMap(node), list: document.getElementById("situation-list") };
  redraw();
  loadPositions(alert.case_id);
}

export function unmountSituation() {
  view?.map.remove();
  view = null;
}

/** The selected alert changed (grew, was acknowledged …): redraw, and reload if it grew. */
export function updateSituation(alert) {
  if (!view || view.alert.id !== alert.id || view.alert === alert) return;
  const grew = alert.count !== view.alert.count || alert.last_at !== view.alert.last_at;
  view.alert = alert;
  redraw();
  if (grew) loadPositions(alert.case_id);
}

/** Periodic refresh of the shown case (positions move even when no alert grows). */
export function refreshSituation() {
  if (view) loadPositions(view.alert.case_id);
}

export function forgetPositions() {
  unmountSituation();
  cache.clear();
}

function redraw() {
  const entry = cache.get(view.alert.case_id);
  view.map.draw(view.alert, entry?.data ?? null);
  fill(view.list, positionsList(entry));
}

/** Every fix of both people, newest first, with the distance to the nearest zone. */
function positionsList(entry) {
  if (!entry || (!entry.data && entry.loading)) {
    return el("p", { class: "empty", text: t("map.loading") });
  }
  const err = entry.error ? el("p", { class: "error", testid: "positions-error", text: entry.error }) : null;
  const d = entry.data;
  if (!d) return err;
  const fixes = ["perpetrator", "victim"]
    .flatMap((who) => (d[who]?.track || []).filter(hasPoint).map((f) => ({ ...f, who })))
    .sort((a, b) => String(b.recorded_at).localeCompare(String(a.recorded_at)))
    .slice(0, MAX_ROWS);
  if (!fixes.length) return [err, el("p", { class: "empty", text: t("map.no_positions", { n: MINUTES }) })];
  const head = ["map.col.time", "map.col.who", "map.col.accuracy", "map.col.nearest"];
  return [
    err,
    el(
      "table",
      { class: "grid grid-compact positions", testid: "positions" },
      el("thead", {}, el("tr", {}, head.map((k) => el("th", { text: t(k) })))),
      el("tbody", {}, fixes.map((f) => positionRow(f, d.zones))),
    ),
  ];
}

function positionRow(f, zones) {
  const near = f.who === "perpetrator" ? nearestZone(f, zones) : null;
  let cls = "dim";
  if (near && near.m <= near.zone.radius_m) cls = "hit-ban";
  else if (near && near.m <= near.zone.warn_m) cls = "hit-warn";
  return el(
    "tr",
    {
      class: `pos pos-${f.who}`,
      testid: "position-row",
      "data-who": f.who,
      tabindex: 0,
      title: t("map.focus"),
      onclick: () => view?.map.focus(f),
      onkeydown: (e) => e.key === "Enter" && view?.map.focus(f),
    },
    el("td", { class: "time", text: kstShort(f.recorded_at) }),
    el("td", {}, el("span", { class: `who who-${f.who}`, text: t(`map.${f.who}`) })),
    el("td", { class: "dim", text: formatAccuracy(f.accuracy_m) || "—" }),
    el("td", { class: cls, text: near ? `${zoneName(near.zone)} ${formatDistance(near.m)}` : "—" }),
  );
}

/** The case panel's block: the zones, and the perpetrator's distance from each at the last fix. */
export function zonesSection(caseId) {
  const d = cache.get(caseId)?.data;
  if (!d) return null;
  const zones = (d.zones || []).filter(hasPoint);
  const track = (d.perpetrator?.track || []).filter(hasPoint);
  const last = track[track.length - 1];
  const victimTrack = (d.victim?.track || []).filter(hasPoint);
  const victimLast = victimTrack[victimTrack.length - 1];
  return [
    el("h3", { text: t("map.zones") }),
    zones.length
      ? el(
          "ul",
          { class: "zones", testid: "case-zones" },
          zones.map((z) =>
            el(
              "li",
              { class: "zone-row", "data-zone": z.label },
              el("span", { class: "tag", text: zoneName(z) }),
              el("span", { text: t("map.ban", { d: formatDistance(z.radius_m) }) }),
              z.warn_m ? el("span", { class: "dim", text: t("map.warn", { d: formatDistance(z.warn_m) }) }) : null,
              last
                ? el("span", {
                    class: distanceM(last, z) <= z.radius_m ? "hit-ban" : "dim",
                    text: t("map.perpetrator_was", { d: formatDistance(distanceM(last, z)) }),
                  })
                : null,
            ),
          ),
        )
      : el("p", { class: "empty", text: t("map.no_zones") }),
    el(
      "p",
      { class: "last-fixes" },
      lastFix("perpetrator", last),
      lastFix("victim", victimLast),
    ),
  ];
}

function lastFix(who, fix) {
  return el(
    "span",
    { class: `who who-${who}` },
    `${t(`map.${who}`)} ${fix ? kstShort(fix.recorded_at) : t("map.no_fix")}`,
  );
}

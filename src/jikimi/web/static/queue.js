// The live queue: unresolved alerts most urgent first, resolved ones in a folded list.

import { $, ago, el, kstCompact, kstLong, kstShort, short } from "./dom.js";
import { currentLang, label } from "./i18n.js";

export const FLASH_MS = 2400; // three pulses of the row's flash animation
const SEVERITY_RANK = { critical: 3, high: 2, medium: 1, low: 0 };
const STATUS_RANK = { open: 0, acknowledged: 1, resolved: 2 };

/** [status, count, escalation]: each only grows over an alert's life. */
export const progress = (a) => [STATUS_RANK[a.status] ?? 0, a.count ?? 0, a.escalation_level ?? 0];

/** Unresolved first, then most severe, highest escalation, latest event. */
export function compareQueue(a, b) {
  return (
    (a.status === "resolved") - (b.status === "resolved") ||
    (SEVERITY_RANK[b.severity] ?? -1) - (SEVERITY_RANK[a.severity] ?? -1) ||
    (b.escalation_level ?? 0) - (a.escalation_level ?? 0) ||
    Date.parse(b.last_at) - Date.parse(a.last_at) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

export function severityBadge(sev) {
  return el("span", { class: `sev sev-${sev}`, text: label("severity", sev) });
}

/** The status with its colour dot; `compact` for the queue's narrow column. */
export function statusTag(status, compact = false) {
  return el("span", {
    class: `st st-${status}`,
    testid: "alert-status",
    title: label("status", status),
    text: label(compact ? "status_short" : "status", status),
  });
}

export function levelTag(level) {
  const n = Number(level) || 0;
  return el("span", { class: n > 0 ? "lvl lvl-up" : "lvl", text: n > 0 ? `▲${n}` : "0" });
}

function rowKey(e, id, onSelect) {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    onSelect(id);
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const rows = [...document.querySelectorAll("#queue-body tr, #resolved-body tr")];
    const i = rows.indexOf(e.currentTarget);
    const next = rows[e.key === "ArrowDown" ? i + 1 : i - 1];
    if (next) {
      next.focus();
      onSelect(next.dataset.alertId);
    }
  }
}

function rowProps(alert, view, testid) {
  const selected = alert.id === view.selected;
  return {
    class: `row row-${alert.status} row-${alert.severity}${selected ? " selected" : ""}`,
    tabindex: 0,
    testid,
    "data-alert-id": alert.id,
    "data-status": alert.status,
    "data-kind": alert.kind,
    "data-severity": alert.severity,
    "aria-selected": selected ? "true" : "false",
    onclick: () => view.onSelect(alert.id),
    onkeydown: (e) => rowKey(e, alert.id, view.onSelect),
  };
}

function queueRow(alert, view) {
  const tr = el(
    "tr",
    rowProps(alert, view, "alert-row"),
    el("td", {}, severityBadge(alert.severity)),
    el("td", { class: "kind", text: label("kind", alert.kind) }),
    el("td", {}, statusTag(alert.status, true)),
    el("td", { class: "num" }, levelTag(alert.escalation_level)),
    el("td", { class: "num count", text: `×${alert.count}` }),
    el("td", { class: "time", title: kstLong(alert.first_at), text: kstCompact(alert.first_at) }),
    el(
      "td",
      { class: "time", title: kstLong(alert.last_at) },
      el("span", { text: kstCompact(alert.last_at) }),
      el("span", { class: "ago", text: ago(alert.last_at) }),
    ),
    el("td", { class: "mono dim", title: alert.case_id, text: short(alert.case_id) }),
  );
  const started = view.flashes.get(alert.id);
  if (started !== undefined) {
    // A row rebuilt mid-flash (the alert changed again) resumes it with a negative delay.
    tr.classList.add("flash");
    tr.style.setProperty("--flash-delay", `${-Math.round(view.now - started)}ms`);
  }
  return tr;
}

function resolvedRow(alert, view) {
  return el(
    "tr",
    rowProps(alert, view, "resolved-row"),
    el("td", {}, severityBadge(alert.severity)),
    el("td", { class: "kind", text: label("kind", alert.kind) }),
    el("td", { text: alert.outcome ? label("outcome", alert.outcome) : label("status", alert.status) }),
    el("td", { class: "num count", text: `×${alert.count}` }),
    el("td", { class: "time", title: kstLong(alert.last_at), text: kstShort(alert.last_at) }),
    el("td", { class: "mono dim", title: alert.case_id, text: short(alert.case_id) }),
  );
}

const queueRows = new Map(); // id -> {tr, alert, key, flash}
const resolvedRows = new Map();

/**
 * The row for an alert, rebuilt only when something it shows changed: a click on a row
 * must not be lost because another alert arrived between mouse down and up.
 */
function cachedRow(cache, alert, build, view) {
  const key = [
    currentLang(),
    alert.id === view.selected,
    kstCompact(alert.first_at),
    kstCompact(alert.last_at),
    ago(alert.last_at),
  ].join("|");
  const flash = view.flashes.get(alert.id);
  const hit = cache.get(alert.id);
  if (hit && hit.alert === alert && hit.key === key && hit.flash === flash) return hit.tr;
  const tr = build(alert, view);
  cache.set(alert.id, { tr, alert, key, flash });
  return tr;
}

/** Put `rows` into `tbody` in order, moving only what is out of place. */
function reconcile(tbody, cache, rows) {
  let cursor = tbody.firstChild;
  for (const tr of rows) {
    if (tr === cursor) cursor = cursor.nextSibling;
    else tbody.insertBefore(tr, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  const keep = new Set(rows);
  for (const [id, hit] of cache) if (!keep.has(hit.tr)) cache.delete(id);
}

/**
 * Show `alerts` in the queue and the resolved list.
 * view: {selected, flashes (id -> start, finished ones already dropped), now, onSelect}.
 */
export function renderQueue(alerts, view) {
  const focused = document.activeElement?.closest?.("tr[data-alert-id]")?.dataset.alertId;
  const all = [...alerts].sort(compareQueue);
  const live = all.filter((a) => a.status !== "resolved");
  const done = all
    .filter((a) => a.status === "resolved")
    .sort((a, b) => Date.parse(b.resolved_at || b.last_at) - Date.parse(a.resolved_at || a.last_at));
  reconcile($("queue-body"), queueRows, live.map((a) => cachedRow(queueRows, a, queueRow, view)));
  reconcile($("resolved-body"), resolvedRows, done.map((a) => cachedRow(resolvedRows, a, resolvedRow, view)));
  $("queue-empty").hidden = live.length > 0;
  $("queue-count").textContent = String(live.length);
  $("resolved-count").textContent = String(done.length);
  if (focused && !document.activeElement?.closest?.("tr[data-alert-id]")) {
    document.querySelector(`tr[data-alert-id="${CSS.escape(focused)}"]`)?.focus();
  }
}

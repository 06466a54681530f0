// The selected alert: what happened, the evidence, the actions and the history.

import { ago, el, kstLong, kstShort, short } from "./dom.js";
import { evidenceSummary, formatAccuracy, hasPoint } from "./geo.js";
import { label, t } from "./i18n.js";
import { levelTag, severityBadge, statusTag } from "./queue.js";

const OUTCOMES = ["dispatched", "false_alarm", "arrested", "other"];
const KNOWN_EVIDENCE_KEYS = new Set(["event_id", "kind", "number", "number_display", "occurred_at", "sources"]);

/** Kind, severity, status and the alert's facts. */
export function detailInfo(a) {
  const meta = [
    ["detail.alert_id", el("span", { class: "mono", text: a.id })],
    ["detail.case_id", el("span", { class: "mono", text: a.case_id })],
    ["detail.first_at", kstLong(a.first_at)],
    ["detail.last_at", `${kstLong(a.last_at)} · ${ago(a.last_at)}`],
    ["detail.count", `×${a.count}`],
    ["detail.level", levelTag(a.escalation_level)],
  ];
  if (a.opened_at) meta.push(["detail.opened_at", kstLong(a.opened_at)]);
  if (a.acknowledged_by) {
    meta.push(["detail.acknowledged_by", `${a.acknowledged_by} · ${kstLong(a.acknowledged_at)}`]);
  }
  if (a.resolved_by) meta.push(["detail.resolved_by", `${a.resolved_by} · ${kstLong(a.resolved_at)}`]);
  if (a.outcome) meta.push(["detail.outcome", label("outcome", a.outcome)]);
  if (a.note) meta.push(["detail.note", a.note]);
  return [
    el(
      "div",
      {
        class: `detail-head sevline-${a.severity}`,
        testid: "detail-head",
        "data-alert-id": a.id,
        "data-status": a.status,
      },
      el("div", { class: "detail-title", testid: "detail-kind", text: label("kind", a.kind) }),
      el("div", { class: "detail-tags" }, severityBadge(a.severity), statusTag(a.status)),
    ),
    el("dl", { class: "meta" }, meta.map(([k, v]) => [el("dt", { text: t(k) }), el("dd", {}, v)])),
  ];
}

/** A position as evidence: how far from which zone, and how sure. */
function placeRow(ev) {
  const text = [evidenceSummary(ev), formatAccuracy(ev.accuracy_m)].filter(Boolean).join(" · ");
  return el(
    "tr",
    { testid: "evidence-row", "data-event-id": ev.event_id },
    el("td", { class: "time", title: kstLong(ev.occurred_at), text: kstShort(ev.occurred_at) }),
    el("td", { text: label("event", ev.kind) }),
    el("td", { class: ev.possibly_inside ? "strong" : "", testid: "evidence-place", text: text || "—" }),
    el("td", { class: "dim mono", text: `${ev.lat.toFixed(5)}, ${ev.lon.toFixed(5)}` }),
  );
}

function evidenceRow(ev) {
  if (hasPoint(ev)) return placeRow(ev);
  // Location or device evidence carries other fields than a number: show them as they come.
  const extra = Object.entries(ev)
    .filter(([k, v]) => !KNOWN_EVIDENCE_KEYS.has(k) && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");
  const hidden = Object.hasOwn(ev, "number") && !ev.number;
  return el(
    "tr",
    { testid: "evidence-row", "data-event-id": ev.event_id },
    el("td", { class: "time", title: kstLong(ev.occurred_at), text: kstShort(ev.occurred_at) }),
    el("td", { text: label("event", ev.kind) }),
    el(
      "td",
      { class: ev.number ? "mono strong" : "hidden-no", testid: "evidence-number" },
      ev.number_display || ev.number || (hidden ? t("evidence.hidden") : extra || "—"),
    ),
    el("td", { class: "dim", text: (ev.sources || []).map((s) => label("source", s)).join(" + ") || "—" }),
  );
}

/**
 * The events the alert holds, newest first: the latest ones the stream carries, merged
 * with `whole` (every piece, fetched when the alert holds more than the stream sends).
 */
export function evidenceSection(a, whole = null) {
  const byEvent = new Map((whole || []).map((ev) => [ev.event_id, ev]));
  for (const ev of a.evidence || []) byEvent.set(ev.event_id, ev);
  const evidence = [...byEvent.values()].sort((x, y) =>
    x.occurred_at < y.occurred_at ? 1 : x.occurred_at > y.occurred_at ? -1 : 0,
  );
  const total = Math.max(a.evidence_total || 0, evidence.length);
  const heading = el(
    "h3",
    {},
    t("evidence.heading"),
    " ",
    el("span", { class: "pill pill-dim", testid: "evidence-total", text: String(total) }),
    evidence.length < total
      ? el("span", {
          class: "muted",
          testid: "evidence-partial",
          text: " " + t("evidence.latest", { n: evidence.length }),
        })
      : null,
  );
  if (!evidence.length) return [heading, el("p", { class: "empty", text: t("evidence.none") })];
  const placed = evidence.some(hasPoint);
  const head = ["evidence.time", "evidence.kind", placed ? "evidence.place" : "evidence.number"];
  head.push(placed ? "" : "evidence.sources");
  return [
    heading,
    el(
      "table",
      { class: "grid grid-compact", testid: "evidence" },
      el("thead", {}, el("tr", {}, head.map((k) => el("th", { text: k ? t(k) : "" })))),
      el("tbody", {}, evidence.map(evidenceRow)),
    ),
  ];
}

/**
 * Acknowledge, and resolve with an outcome and a note. Built once per selected alert
 * (and per language switch, keeping what was typed) so live updates never wipe the form.
 */
export function actionsForm({ keep = {}, onAcknowledge, onResolve }) {
  const outcome = el(
    "select",
    { id: "resolve-outcome", testid: "resolve-outcome", "aria-label": t("action.outcome") },
    el("option", { value: "", text: t("action.outcome_choose") }),
    OUTCOMES.map((o) => el("option", { value: o, text: label("outcome", o) })),
  );
  outcome.value = keep.outcome ?? "";
  const note = el("input", {
    id: "resolve-note",
    testid: "resolve-note",
    type: "text",
    maxlength: 2000,
    placeholder: t("action.note"),
    "aria-label": t("action.note"),
  });
  note.value = keep.note ?? "";
  return el(
    "form",
    { class: "actions", id: "actions", onsubmit: onResolve },
    el("button", {
      type: "button",
      class: "btn btn-ack",
      id: "ack-button",
      testid: "ack-button",
      text: t("action.ack"),
      onclick: onAcknowledge,
    }),
    el(
      "div",
      { class: "resolve" },
      outcome,
      note,
      el("button", {
        type: "submit",
        class: "btn btn-resolve",
        id: "resolve-button",
        testid: "resolve-button",
        text: t("action.resolve"),
      }),
    ),
    el("p", { class: "error", id: "action-error", testid: "action-error", role: "alert", hidden: true }),
  );
}

function timelineDetail(entry) {
  const d = entry.detail || {};
  const bits = [];
  if (d.level !== undefined) bits.push(`▲${d.level}`);
  if (d.outcome) bits.push(label("outcome", d.outcome));
  if (d.note) bits.push(String(d.note));
  if (d.event_id) bits.push(`#${short(d.event_id)}`);
  return bits.join(" · ");
}

/** The alert's history, newest first. tl: {entries: [...] | null while loading, error}. */
export function timelineSection(tl) {
  let content;
  if (tl.error) content = el("p", { class: "error", text: tl.error });
  else if (!tl.entries) content = el("p", { class: "empty", text: t("timeline.loading") });
  else if (!tl.entries.length) content = el("p", { class: "empty", text: t("timeline.empty") });
  else {
    content = el(
      "ol",
      { class: "timeline", testid: "timeline" },
      [...tl.entries].reverse().map((e) =>
        el(
          "li",
          { class: `tl tl-${e.action}`, testid: "timeline-entry", "data-action": e.action },
          el("span", { class: "time", text: kstLong(e.at) }),
          el("span", { class: "tl-action", text: label("action_log", e.action) }),
          el("span", { class: "tl-actor", text: e.actor || t("timeline.system") }),
          el("span", { class: "dim", text: timelineDetail(e) }),
        ),
      ),
    );
  }
  return [el("h3", { text: t("timeline.heading") }), content];
}

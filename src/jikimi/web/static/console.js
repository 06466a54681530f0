// The 112 dispatch console: live alert queue, evidence, timeline, case, acknowledge/resolve.
// Every piece of data is inserted with textContent or as an attribute value, never as
// HTML: names, numbers and notes here are victims' personal data and attacker-typed text.

import { applyStatic, currentLang, label, setLang, t } from "./i18n.js";
import { openStream } from "./sse.js";

const TOKEN_KEY = "jikimi.token"; // sessionStorage: gone when the tab closes
const SEVERITY_RANK = { critical: 3, high: 2, medium: 1, low: 0 };
const STATUS_RANK = { open: 0, acknowledged: 1, resolved: 2 };
const OUTCOMES = ["dispatched", "false_alarm", "arrested", "other"];
const FLASH_MS = 2400;
const KNOWN_EVIDENCE_KEYS = new Set(["event_id", "kind", "number", "occurred_at", "sources"]);

const state = {
  token: null,
  alerts: new Map(), // id -> alert as the API returns it
  flashes: new Map(), // id -> performance.now() when its flash began
  selected: null,
  cases: new Map(), // case id -> {data, error, loading}
  timeline: { alertId: null, entries: null, error: null },
  timelineTimer: null,
  conn: "offline",
  stream: null,
  audio: null,
  lastBeep: 0,
  busy: false,
  actionError: null,
  renderQueued: false,
  flashTimer: null,
};

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------- DOM helpers

/** Build an element; strings become text nodes, so nothing is ever parsed as HTML. */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "testid") node.setAttribute("data-testid", value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  return append(node, children);
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replace a node's children; nested arrays are flattened, null and false skipped. */
function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

const short = (id) => (id ? String(id).slice(0, 8) : "—");

const KST = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Asia/Seoul",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function kstParts(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(KST.formatToParts(d).map((p) => [p.type, p.value]));
}

/** "11-22 21:04:05" in Korea's time, whatever the workstation's zone. */
function kstShort(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : String(iso);
}

/** "21:04:05" for today in Korea, "11-21 21:04" for an earlier day: dense, never ambiguous. */
function kstCompact(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  const today = kstParts(new Date());
  if (!p || !today) return String(iso);
  const sameDay = p.year === today.year && p.month === today.month && p.day === today.day;
  return sameDay ? `${p.hour}:${p.minute}:${p.second}` : `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-11-22 21:04:05" in Korea's time. */
function kstLong(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : String(iso);
}

function kstDate(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : String(iso);
}

function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return "";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t("time.ago.s", { n: s });
  if (s < 3600) return t("time.ago.m", { n: Math.floor(s / 60) });
  if (s < 86400) return t("time.ago.h", { n: Math.floor(s / 3600) });
  return t("time.ago.d", { n: Math.floor(s / 86400) });
}

// ---------------------------------------------------------------- HTTP

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Turn an application/problem+json body into one line a dispatcher can read. */
async function problemText(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    return `${t("error.generic")} (HTTP ${res.status})`;
  }
  const parts = [];
  if (body && typeof body.detail === "string" && body.detail) parts.push(body.detail);
  else if (body && typeof body.title === "string") parts.push(body.title);
  if (body && Array.isArray(body.errors)) {
    for (const e of body.errors.slice(0, 5)) {
      if (e && typeof e.msg === "string") parts.push(e.msg);
      else if (typeof e === "string") parts.push(e);
    }
  }
  return parts.length ? parts.join(" — ") : `${t("error.generic")} (HTTP ${res.status})`;
}

async function api(path, { method = "GET", body, token = state.token } = {}) {
  const headers = { Authorization: `Bearer ${token}`, Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, t("error.network"));
  }
  if (!res.ok) throw new ApiError(res.status, await problemText(res));
  return res.json();
}

/** A 401 anywhere means the token is gone: back to the login form, saying why. */
function failed(err, show) {
  if (err instanceof ApiError && err.status === 401) {
    logout({ key: "login.expired" });
    return;
  }
  show(err instanceof Error ? err.message : String(err));
}

// ---------------------------------------------------------------- sound and flash

/** Create or resume the AudioContext; only works inside a user gesture. */
function ensureAudio() {
  try {
    if (!state.audio) {
      state.audio = new AudioContext();
      state.audio.addEventListener("statechange", renderSound);
    }
    if (state.audio.state === "suspended") state.audio.resume().catch(() => {});
  } catch {
    // no audio device or policy: the visual flash still works
  }
  renderSound();
}

function beep(severity) {
  const ctx = state.audio;
  if (!ctx || ctx.state !== "running") return;
  const now = performance.now();
  if (now - state.lastBeep < 600) return; // a burst of changes is one alarm, not a din
  state.lastBeep = now;
  const tones =
    severity === "critical"
      ? [988, 740, 988, 740]
      : severity === "high"
        ? [880, 660, 880]
        : [740, 587];
  let at = ctx.currentTime + 0.02;
  for (const freq of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "triangle";
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.3, at + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.17);
    at += 0.19;
  }
}

/** Something needs the dispatcher's eyes: flash the row and sound the alarm. */
function signal(alert) {
  state.flashes.set(alert.id, performance.now());
  document.body.dataset.signals = String(Number(document.body.dataset.signals || 0) + 1);
  beep(alert.severity);
}

// ---------------------------------------------------------------- alert state

const progress = (a) => [STATUS_RANK[a.status] ?? 0, a.count ?? 0, a.escalation_level ?? 0];

/** Store an alert version; ignore one older than what we hold (list and stream may cross). */
function upsert(alert, live) {
  if (!alert || typeof alert.id !== "string") return;
  const old = state.alerts.get(alert.id);
  if (old) {
    const [po, pn] = [progress(old), progress(alert)];
    const older = pn.every((v, i) => v <= po[i]) && pn.some((v, i) => v < po[i]);
    if (older) return;
  }
  state.alerts.set(alert.id, alert);
  if (live && alert.status !== "resolved") {
    const isNew = !old;
    const rose = old && alert.escalation_level > old.escalation_level;
    const grew = old && alert.count > old.count;
    if (isNew || rose || grew) signal(alert);
  }
  if (alert.id === state.selected && old) refreshTimelineSoon(alert.id);
}

function compareQueue(a, b) {
  return (
    (STATUS_RANK[a.status] === 2) - (STATUS_RANK[b.status] === 2) ||
    (SEVERITY_RANK[b.severity] ?? -1) - (SEVERITY_RANK[a.severity] ?? -1) ||
    (b.escalation_level ?? 0) - (a.escalation_level ?? 0) ||
    Date.parse(b.last_at) - Date.parse(a.last_at) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

async function loadAlerts(live) {
  const page = await api("/api/v1/alerts?limit=200");
  const items = [...page.items];
  if (page.next) {
    // More history than one page: make sure no unresolved alert is left out.
    for (const status of ["open", "acknowledged"]) {
      let cursor = null;
      for (let i = 0; i < 20; i += 1) {
        const q = `/api/v1/alerts?status=${status}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
        const more = await api(q);
        items.push(...more.items);
        cursor = more.next;
        if (!cursor) break;
      }
    }
  }
  for (const a of items) upsert(a, live);
  scheduleRender();
}

// ---------------------------------------------------------------- rendering

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  // A microtask, not requestAnimationFrame: rAF stops in a background tab.
  queueMicrotask(() => {
    state.renderQueued = false;
    renderQueue();
    renderStats();
    renderDetailInfo();
    renderActions();
  });
}

function severityBadge(sev) {
  return el("span", { class: `sev sev-${sev}`, text: label("severity", sev) });
}

function statusTag(status) {
  return el("span", { class: `st st-${status}`, testid: "alert-status", text: label("status", status) });
}

function levelTag(level) {
  const n = Number(level) || 0;
  return el("span", { class: n > 0 ? "lvl lvl-up" : "lvl", text: n > 0 ? `▲${n}` : "0" });
}

function queueRow(alert, now) {
  const selected = alert.id === state.selected;
  const tr = el(
    "tr",
    {
      class: `row row-${alert.status} row-${alert.severity}${selected ? " selected" : ""}`,
      tabindex: 0,
      testid: "alert-row",
      "data-alert-id": alert.id,
      "data-status": alert.status,
      "data-kind": alert.kind,
      "data-severity": alert.severity,
      "aria-selected": selected ? "true" : "false",
      onclick: () => select(alert.id),
      onkeydown: (e) => rowKey(e, alert.id),
    },
    el("td", {}, severityBadge(alert.severity)),
    el("td", { class: "kind", text: label("kind", alert.kind) }),
    el("td", {}, statusTag(alert.status)),
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
  const started = state.flashes.get(alert.id);
  if (started !== undefined) {
    const elapsed = now - started;
    if (elapsed < FLASH_MS) {
      // Rows are rebuilt on every change; a negative delay resumes the flash mid-way.
      tr.classList.add("flash");
      tr.style.setProperty("--flash-delay", `${-Math.round(elapsed)}ms`);
    } else state.flashes.delete(alert.id);
  }
  return tr;
}

function resolvedRow(alert) {
  return el(
    "tr",
    {
      class: `row row-resolved${alert.id === state.selected ? " selected" : ""}`,
      tabindex: 0,
      testid: "resolved-row",
      "data-alert-id": alert.id,
      "data-status": alert.status,
      "data-kind": alert.kind,
      onclick: () => select(alert.id),
      onkeydown: (e) => rowKey(e, alert.id),
    },
    el("td", {}, severityBadge(alert.severity)),
    el("td", { class: "kind", text: label("kind", alert.kind) }),
    el("td", { text: alert.outcome ? label("outcome", alert.outcome) : label("status", alert.status) }),
    el("td", { class: "num count", text: `×${alert.count}` }),
    el("td", { class: "time", title: kstLong(alert.last_at), text: kstShort(alert.last_at) }),
    el("td", { class: "mono dim", title: alert.case_id, text: short(alert.case_id) }),
  );
}

function rowKey(e, id) {
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    select(id);
  } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    const rows = [...document.querySelectorAll("#queue-body tr, #resolved-body tr")];
    const i = rows.indexOf(e.currentTarget);
    const next = rows[e.key === "ArrowDown" ? i + 1 : i - 1];
    if (next) {
      next.focus();
      select(next.dataset.alertId);
    }
  }
}

function renderQueue() {
  const focused = document.activeElement?.closest?.("tr[data-alert-id]")?.dataset.alertId;
  const all = [...state.alerts.values()].sort(compareQueue);
  const live = all.filter((a) => a.status !== "resolved");
  const done = all
    .filter((a) => a.status === "resolved")
    .sort((a, b) => Date.parse(b.resolved_at || b.last_at) - Date.parse(a.resolved_at || a.last_at));
  const now = performance.now();
  fill($("queue-body"), ...live.map((a) => queueRow(a, now)));
  fill($("resolved-body"), ...done.map(resolvedRow));
  $("queue-empty").hidden = live.length > 0;
  $("queue-count").textContent = String(live.length);
  $("resolved-count").textContent = String(done.length);
  if (focused) document.querySelector(`tr[data-alert-id="${CSS.escape(focused)}"]`)?.focus();
  if (state.flashes.size && !state.flashTimer) {
    state.flashTimer = setTimeout(() => {
      state.flashTimer = null;
      scheduleRender(); // drop finished flashes
    }, FLASH_MS + 50);
  }
}

function renderStats() {
  const live = [...state.alerts.values()].filter((a) => a.status !== "resolved");
  const open = live.filter((a) => a.status === "open").length;
  const hot = live.filter((a) => a.severity === "critical" || a.severity === "high").length;
  $("stat-unresolved").textContent = String(live.length);
  $("stat-open").textContent = String(open);
  $("stat-critical").textContent = String(hot);
  $("stats").classList.toggle("alarm", open > 0);
  document.title = `${open ? `(${open}) ` : ""}${t("app.title")} · Jikimi`;
}

function renderConn() {
  const node = $("conn");
  node.dataset.state = state.conn;
  $("conn-text").textContent = t(`conn.${state.conn}`);
}

function renderSound() {
  const btn = $("sound-toggle");
  const on = state.audio?.state === "running";
  btn.textContent = on ? t("sound.on") : t("sound.off");
  btn.classList.toggle("warn", !on);
  btn.dataset.state = on ? "on" : "off";
}

// ---------------------------------------------------------------- detail panel

function select(id) {
  if (!state.alerts.has(id)) return;
  const changed = state.selected !== id;
  state.selected = id;
  if (changed) {
    state.actionError = null;
    state.timeline = { alertId: id, entries: null, error: null };
    buildDetail();
    loadTimeline(id);
    loadCase(state.alerts.get(id).case_id);
  }
  scheduleRender();
}

/** The three parts of the detail; the form is built once so typing survives live updates. */
function buildDetail(keep = {}) {
  const body = $("detail-body");
  if (!state.selected) {
    fill(body, el("p", { class: "empty", text: t("detail.none") }));
    return;
  }
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
  const form = el(
    "form",
    { class: "actions", id: "actions", onsubmit: onResolve },
    el("button", { type: "button", class: "btn btn-ack", id: "ack-button", testid: "ack-button", text: t("action.ack"), onclick: onAcknowledge }),
    el("div", { class: "resolve" },
      outcome,
      note,
      el("button", { type: "submit", class: "btn btn-resolve", id: "resolve-button", testid: "resolve-button", text: t("action.resolve") }),
    ),
    el("p", { class: "error", id: "action-error", testid: "action-error", role: "alert", hidden: true }),
  );
  fill(body,
    el("div", { id: "detail-info" }),
    form,
    el("div", { id: "detail-evidence" }),
    el("div", { id: "detail-timeline" }),
  );
  renderDetailInfo();
  renderActions();
  renderTimeline();
}

function renderDetailInfo() {
  const info = $("detail-info");
  const a = state.alerts.get(state.selected);
  if (!info || !a) return;
  const meta = [
    ["detail.alert_id", el("span", { class: "mono", text: a.id })],
    ["detail.case_id", el("span", { class: "mono", text: a.case_id })],
    ["detail.first_at", kstLong(a.first_at)],
    ["detail.last_at", `${kstLong(a.last_at)} · ${ago(a.last_at)}`],
    ["detail.count", `×${a.count}`],
    ["detail.level", levelTag(a.escalation_level)],
  ];
  if (a.opened_at) meta.push(["detail.opened_at", kstLong(a.opened_at)]);
  if (a.acknowledged_by) meta.push(["detail.acknowledged_by", `${a.acknowledged_by} · ${kstLong(a.acknowledged_at)}`]);
  if (a.resolved_by) meta.push(["detail.resolved_by", `${a.resolved_by} · ${kstLong(a.resolved_at)}`]);
  if (a.outcome) meta.push(["detail.outcome", label("outcome", a.outcome)]);
  if (a.note) meta.push(["detail.note", a.note]);
  fill(info,
    el(
      "div",
      { class: `detail-head sevline-${a.severity}`, testid: "detail-head", "data-alert-id": a.id, "data-status": a.status },
      el("div", { class: "detail-title", testid: "detail-kind", text: label("kind", a.kind) }),
      el("div", { class: "detail-tags" }, severityBadge(a.severity), statusTag(a.status)),
    ),
    el("dl", { class: "meta" }, meta.map(([k, v]) => [el("dt", { text: t(k) }), el("dd", {}, v)])),
  );
  renderEvidence(a);
}

function renderEvidence(a) {
  const box = $("detail-evidence");
  if (!box) return;
  const evidence = [...(a.evidence || [])].reverse(); // newest first
  const rows = evidence.map((ev) => {
    const extra = Object.entries(ev)
      .filter(([k, v]) => !KNOWN_EVIDENCE_KEYS.has(k) && v !== null && typeof v !== "object")
      .map(([k, v]) => `${k}: ${v}`)
      .join(", ");
    const hasNumber = Object.hasOwn(ev, "number");
    return el(
      "tr",
      { testid: "evidence-row", "data-event-id": ev.event_id },
      el("td", { class: "time", title: kstLong(ev.occurred_at), text: kstShort(ev.occurred_at) }),
      el("td", { text: label("event", ev.kind) }),
      el(
        "td",
        { class: ev.number ? "mono strong" : "hidden-no", testid: "evidence-number" },
        ev.number ? ev.number : hasNumber ? t("evidence.hidden") : extra || "—",
      ),
      el("td", { class: "dim", text: (ev.sources || []).map((s) => label("source", s)).join(" + ") || "—" }),
    );
  });
  fill(box,
    el("h3", {}, t("evidence.heading"), " ", el("span", { class: "pill pill-dim", text: String(evidence.length) })),
    evidence.length
      ? el(
          "table",
          { class: "grid grid-compact", testid: "evidence" },
          el("thead", {}, el("tr", {},
            el("th", { text: t("evidence.time") }),
            el("th", { text: t("evidence.kind") }),
            el("th", { text: t("evidence.number") }),
            el("th", { text: t("evidence.sources") }),
          )),
          el("tbody", {}, rows),
        )
      : el("p", { class: "empty", text: t("evidence.none") }),
  );
}

function renderActions() {
  const a = state.alerts.get(state.selected);
  const ack = $("ack-button");
  if (!a || !ack) return;
  ack.disabled = state.busy || a.status !== "open";
  const resolved = a.status === "resolved";
  for (const id of ["resolve-outcome", "resolve-note", "resolve-button"]) $(id).disabled = state.busy || resolved;
  $("actions").classList.toggle("is-resolved", resolved);
  const err = $("action-error");
  err.hidden = !state.actionError;
  err.textContent = state.actionError || "";
}

async function onAcknowledge() {
  const id = state.selected;
  if (!id) return;
  ensureAudio();
  state.busy = true;
  state.actionError = null;
  renderActions();
  try {
    upsert(await api(`/api/v1/alerts/${encodeURIComponent(id)}/acknowledge`, { method: "POST" }), false);
    loadTimeline(id);
  } catch (err) {
    failed(err, (msg) => (state.actionError = msg));
  } finally {
    state.busy = false;
    scheduleRender();
  }
}

async function onResolve(e) {
  e.preventDefault();
  const id = state.selected;
  if (!id) return;
  const outcome = $("resolve-outcome").value;
  const note = $("resolve-note").value.trim();
  if (!outcome) {
    state.actionError = t("action.need_outcome");
    renderActions();
    $("resolve-outcome").focus();
    return;
  }
  state.busy = true;
  state.actionError = null;
  renderActions();
  try {
    const body = { outcome, note: note || null };
    upsert(await api(`/api/v1/alerts/${encodeURIComponent(id)}/resolve`, { method: "POST", body }), false);
    $("resolve-outcome").value = "";
    $("resolve-note").value = "";
    loadTimeline(id);
  } catch (err) {
    failed(err, (msg) => (state.actionError = msg));
  } finally {
    state.busy = false;
    scheduleRender();
  }
}

// ---------------------------------------------------------------- timeline

function refreshTimelineSoon(id) {
  clearTimeout(state.timelineTimer);
  state.timelineTimer = setTimeout(() => loadTimeline(id), 250);
}

async function loadTimeline(id) {
  try {
    const entries = await api(`/api/v1/alerts/${encodeURIComponent(id)}/timeline`);
    if (state.selected !== id) return;
    state.timeline = { alertId: id, entries, error: null };
  } catch (err) {
    if (state.selected !== id) return;
    failed(err, (msg) => (state.timeline = { alertId: id, entries: null, error: msg }));
  }
  renderTimeline();
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

function renderTimeline() {
  const box = $("detail-timeline");
  if (!box) return;
  const tl = state.timeline;
  let content;
  if (tl.error) content = el("p", { class: "error", text: tl.error });
  else if (!tl.entries) content = el("p", { class: "empty", text: t("timeline.loading") });
  else if (!tl.entries.length) content = el("p", { class: "empty", text: t("timeline.empty") });
  else
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
  fill(box, el("h3", { text: t("timeline.heading") }), content);
}

// ---------------------------------------------------------------- case panel

async function loadCase(caseId) {
  const cached = state.cases.get(caseId);
  state.cases.set(caseId, { data: cached?.data ?? null, error: null, loading: true });
  renderCase();
  try {
    const data = await api(`/api/v1/cases/${encodeURIComponent(caseId)}`);
    state.cases.set(caseId, { data, error: null, loading: false });
  } catch (err) {
    failed(err, (msg) => state.cases.set(caseId, { data: null, error: msg, loading: false }));
  }
  renderCase();
}

function phoneList(phones, hits, testid) {
  if (!phones || !phones.length) return el("div", { class: "dim", text: "—" });
  return el(
    "ul",
    { class: "phones", testid },
    phones.map((p) => el("li", { class: hits.has(p) ? "mono hit" : "mono", text: p })),
  );
}

function personBlock(role, person, hits) {
  if (!person) return null;
  return el(
    "div",
    { class: `person person-${role}` },
    el("div", { class: "person-role", text: t(`case.${role}`) }),
    el("div", { class: "person-name", testid: `${role}-name`, text: person.name }),
    phoneList(person.phones, hits, `${role}-phones`),
    person.addresses && person.addresses.length
      ? el(
          "ul",
          { class: "addresses" },
          person.addresses.map((ad) =>
            el("li", {}, el("span", { class: "tag", text: label("address", ad.label) }), " ", ad.text),
          ),
        )
      : null,
  );
}

function daysLeft(iso) {
  const ms = new Date(iso).getTime() - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.ceil(ms / 86400000) : null;
}

function orderRow(o) {
  const cond = [];
  if (o.no_contact) cond.push(t("case.no_contact"));
  if (o.distance_m) cond.push(t("case.distance", { m: o.distance_m }));
  const left = o.status === "active" ? daysLeft(o.ends_at) : null;
  return el(
    "li",
    { class: `order order-${o.status}`, testid: "order-row", "data-order-kind": o.kind, "data-order-status": o.status },
    el(
      "div",
      { class: "order-top" },
      el("span", { class: "order-title", text: o.title || o.kind }),
      el("span", { class: `ost ost-${o.status}`, text: label("order_status", o.status) }),
    ),
    el(
      "div",
      { class: "order-sub" },
      el("span", { class: "mono", text: o.kind }),
      cond.length ? el("span", { text: cond.join(" · ") }) : null,
    ),
    el(
      "div",
      { class: "order-sub" },
      el("span", { text: `${kstDate(o.starts_at)} → ${kstDate(o.ends_at)}` }),
      left !== null ? el("span", { class: left <= 7 ? "warn-text" : "dim", text: t("case.days_left", { n: left }) }) : null,
      o.court_ref ? el("span", { class: "dim", text: o.court_ref }) : null,
    ),
  );
}

function deviceRow(d) {
  return el(
    "li",
    { class: "device", testid: "device-row", "data-device-kind": d.kind },
    el("span", { text: label("device", d.kind) }),
    d.serial ? el("span", { class: "mono", text: d.serial }) : null,
    el("span", { class: "dim", text: d.last_seen_at ? `${t("case.last_seen")} ${kstShort(d.last_seen_at)} (${ago(d.last_seen_at)})` : t("case.never") }),
  );
}

function renderCase() {
  const body = $("case-body");
  const a = state.alerts.get(state.selected);
  if (!a) {
    fill(body, el("p", { class: "empty", text: t("case.none") }));
    return;
  }
  const entry = state.cases.get(a.case_id);
  if (!entry || (!entry.data && entry.loading)) {
    fill(body, el("p", { class: "empty", text: t("case.loading") }));
    return;
  }
  if (entry.error) {
    fill(body, el("p", { class: "error", testid: "case-error", text: entry.error }));
    return;
  }
  const c = entry.data;
  const hits = new Set((a.evidence || []).map((ev) => ev.number).filter(Boolean));
  const risk = c.risk && typeof c.risk === "object" ? c.risk : null;
  fill(body,
    el(
      "div",
      { class: "case-head", "data-case-id": c.id },
      el("span", { class: "mono", title: c.id, text: short(c.id) }),
      el("span", { class: "tag", text: label("offense", c.offense) }),
      el("span", { class: "tag", text: label("relationship", c.relationship) }),
      el("span", { class: "dim", text: `${t("case.agency")} ${c.agency}` }),
    ),
    risk
      ? el(
          "div",
          { class: `risk risk-${risk.tier}` },
          el("span", { text: t("case.risk") }),
          el("strong", { text: label("tier", risk.override?.tier ?? risk.tier) }),
          typeof risk.probability === "number" ? el("span", { class: "dim", text: `${Math.round(risk.probability * 100)}%` }) : null,
        )
      : null,
    el(
      "div",
      { class: "people" },
      personBlock("victim", c.victim, new Set()),
      personBlock("perpetrator", c.perpetrator, hits),
    ),
    el("h3", { text: t("case.orders") }),
    c.orders && c.orders.length
      ? el("ul", { class: "orders" }, c.orders.map(orderRow))
      : el("p", { class: "empty", text: t("case.no_orders") }),
    el("h3", { text: t("case.devices") }),
    c.devices && c.devices.length
      ? el("ul", { class: "devices" }, c.devices.map(deviceRow))
      : el("p", { class: "empty", text: t("case.no_devices") }),
  );
}

// ---------------------------------------------------------------- session

/** Show a login error: {key} is re-translated when the language changes, {text} is not. */
function loginError(msg) {
  const err = $("login-error");
  err.hidden = !msg;
  err.dataset.key = msg?.key ?? "";
  err.textContent = msg ? (msg.key ? t(msg.key) : msg.text) : "";
}

/** Error from entering with a token, as a loginError message. */
function enterError(error) {
  if (error instanceof ApiError && error.status === 401) return { key: "login.expired" };
  if (error instanceof ApiError && error.status === 0) return { key: "login.network" };
  return { text: error instanceof Error ? error.message : String(error) };
}

function showLogin(msg) {
  $("console-view").hidden = true;
  $("login-view").hidden = false;
  for (const id of ["conn", "logout", "sound-toggle", "stats"]) $(id).hidden = true;
  loginError(msg);
  $("login-token").focus();
}

function logout(msg) {
  state.stream?.stop();
  state.stream = null;
  state.token = null;
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
  state.alerts.clear();
  state.flashes.clear();
  state.cases.clear();
  state.selected = null;
  state.conn = "offline";
  renderConn();
  buildDetail();
  renderCase();
  scheduleRender();
  showLogin(msg);
}

async function enter(token) {
  state.token = token;
  await loadAlerts(false); // throws on a bad token, before anything is shown
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // kept in memory only
  }
  $("login-view").hidden = true;
  $("console-view").hidden = false;
  for (const id of ["conn", "logout", "sound-toggle", "stats"]) $(id).hidden = false;
  renderSound();
  startStream();
}

function startStream() {
  state.stream?.stop();
  state.stream = openStream("/api/v1/alerts/stream", state.token, {
    onEvent: (type, data) => {
      if (type !== "alert") return;
      let alert;
      try {
        alert = JSON.parse(data);
      } catch {
        return; // a broken event must not stop the queue
      }
      upsert(alert, true);
      scheduleRender();
    },
    onState: (s) => {
      state.conn = s;
      renderConn();
    },
    onUnauthorized: () => logout({ key: "login.expired" }),
    // Without a Last-Event-ID the server starts from "now": reload the list once it has,
    // so a change between our first load and this connection is not lost.
    onOpen: async (resumed) => {
      if (resumed) return;
      try {
        await loadAlerts(true);
      } catch (err) {
        failed(err, () => {});
      }
    },
  });
}

async function onLogin(e) {
  e.preventDefault();
  ensureAudio(); // this click is the user gesture browsers require before sound
  const input = $("login-token");
  const token = input.value.trim();
  if (!token) {
    loginError({ key: "login.empty" });
    return;
  }
  const btn = $("login-submit");
  btn.disabled = true;
  btn.textContent = t("login.checking");
  try {
    await enter(token);
    input.value = "";
    loginError(null);
  } catch (error) {
    state.token = null;
    state.alerts.clear();
    loginError(enterError(error));
  } finally {
    btn.disabled = false;
    btn.textContent = t("login.submit");
  }
}

// ---------------------------------------------------------------- language, clock, start

function keepForm() {
  const outcome = $("resolve-outcome");
  const note = $("resolve-note");
  return outcome ? { outcome: outcome.value, note: note.value } : {};
}

function renderLanguage() {
  applyStatic();
  renderConn();
  renderSound();
  buildDetail(keepForm());
  renderCase();
  scheduleRender();
  const err = $("login-error");
  if (!err.hidden && err.dataset.key) err.textContent = t(err.dataset.key);
  if (!$("login-submit").disabled) $("login-submit").textContent = t("login.submit");
}

function tick() {
  const p = kstParts(new Date());
  if (p) $("clock").textContent = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

function start() {
  setLang(currentLang());
  applyStatic();
  renderConn();
  tick();
  setInterval(tick, 1000);
  setInterval(() => {
    if (state.token) {
      scheduleRender(); // "3 min ago" must not go stale
      renderCase();
    }
  }, 30000);
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", () => logout(null));
  $("sound-toggle").addEventListener("click", () => {
    ensureAudio();
    state.lastBeep = 0;
    setTimeout(() => beep("medium"), 50);
  });
  $("lang-toggle").addEventListener("click", () => {
    setLang(currentLang() === "ko" ? "en" : "ko");
    renderLanguage();
  });
  // Any click or key after a page reload may unlock the alarm sound again.
  document.addEventListener("pointerdown", () => state.token && ensureAudio(), { capture: true });
  document.addEventListener("keydown", () => state.token && ensureAudio(), { capture: true });

  let saved = null;
  try {
    saved = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    saved = null;
  }
  if (saved) {
    enter(saved).catch((err) => {
      state.token = null;
      state.alerts.clear();
      showLogin(enterError(err));
    });
  } else showLogin(null);
}

start();

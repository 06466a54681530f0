// The 112 dispatch console: state, the live stream, the session, and the wiring between
// the queue, the detail and the case panel. Data reaches the page only through dom.js's
// el()/fill(), which never parse HTML.

import { beep, onSoundChange, soundOn, unlockSound } from "./alarm.js";
import { ApiError, alertPath, api, setToken } from "./api.js";
import { caseSection } from "./casepanel.js";
import { actionsForm, detailInfo, evidenceSection, timelineSection } from "./detail.js";
import { $, el, fill, kstParts } from "./dom.js";
import { applyStatic, currentLang, loadWords, setLang, t } from "./i18n.js";
import { closeModelPage, renderModelPage, toggleModelPage } from "./modelpage.js";
import {
  configurePositions,
  forgetPositions,
  isMapKind,
  mountSituation,
  refreshSituation,
  situationSection,
  unmountSituation,
  updateSituation,
  zonesSection,
} from "./positions.js";
import { FLASH_MS, progress, renderQueue } from "./queue.js";
import { configureRisk, forgetRisk, loadRiskHistory } from "./riskpanel.js";
import { openStream } from "./sse.js";

const TOKEN_KEY = "jikimi.token"; // sessionStorage: gone when the tab closes, never in a URL
const HEADER_CONTROLS = ["conn", "logout", "sound-toggle", "stats", "model-toggle"];

const state = {
  alerts: new Map(), // id -> the alert as the API last gave it
  flashes: new Map(), // id -> performance.now() when its flash began
  selected: null,
  cases: new Map(), // case id -> {data, error, loading}
  timeline: { alertId: null, entries: null, error: null },
  timelineTimer: null,
  // The selected alert's whole evidence (the queue and the stream carry the latest only).
  evidence: { alertId: null, items: null },
  conn: "offline",
  stream: null,
  busy: false,
  actionError: null,
  renderQueued: false,
  flashTimer: null,
};

// ---------------------------------------------------------------- alerts

/** Something needs the dispatcher's eyes: flash the row and sound the alarm. */
function signal(alert) {
  state.flashes.set(alert.id, performance.now());
  document.body.dataset.signals = String(Number(document.body.dataset.signals || 0) + 1);
  beep(alert.severity);
}

/** Keep the newest version of an alert; the list and the stream may deliver out of order. */
function upsert(alert, live) {
  if (!alert || typeof alert.id !== "string") return;
  const old = state.alerts.get(alert.id);
  if (old) {
    const [before, now] = [progress(old), progress(alert)];
    if (now.every((v, i) => v <= before[i]) && now.some((v, i) => v < before[i])) return;
  }
  state.alerts.set(alert.id, alert);
  if (live && alert.status !== "resolved") {
    const rose = old && alert.escalation_level > old.escalation_level;
    const grew = old && alert.count > old.count;
    if (!old || rose || grew) signal(alert);
  }
  if (alert.id === state.selected && old) refreshTimelineSoon(alert.id);
}

/** The newest 200 alerts, and every unresolved one even when there are more. */
async function loadAlerts(live) {
  const page = await api("/api/v1/alerts?limit=200");
  const items = [...page.items];
  if (page.next) {
    for (const status of ["open", "acknowledged"]) {
      let cursor = null;
      for (let i = 0; i < 20; i += 1) {
        const more = await api(
          `/api/v1/alerts?status=${status}&limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        items.push(...more.items);
        cursor = more.next;
        if (!cursor) break;
      }
    }
  }
  for (const a of items) upsert(a, live);
  scheduleRender();
}

/** A 401 anywhere means the token is gone: back to the login form, saying why. */
function failed(err, show) {
  if (err instanceof ApiError && err.status === 401) logout({ key: "login.expired" });
  else show(err instanceof Error ? err.message : String(err));
}

// ---------------------------------------------------------------- rendering

function scheduleRender() {
  if (state.renderQueued) return;
  state.renderQueued = true;
  // A microtask, not requestAnimationFrame: rAF stops in a background tab.
  queueMicrotask(() => {
    state.renderQueued = false;
    const now = performance.now();
    for (const [id, start] of state.flashes) if (now - start >= FLASH_MS) state.flashes.delete(id);
    renderQueue(state.alerts.values(), {
      selected: state.selected,
      flashes: state.flashes,
      now,
      onSelect: select,
    });
    if (state.flashes.size && !state.flashTimer) {
      state.flashTimer = setTimeout(() => {
        state.flashTimer = null;
        scheduleRender(); // take the finished flashes off
      }, FLASH_MS + 50);
    }
    renderStats();
    renderDetail();
    renderActions();
  });
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
  $("conn").dataset.state = state.conn;
  $("conn-text").textContent = t(`conn.${state.conn}`);
}

function renderSound() {
  const btn = $("sound-toggle");
  const on = soundOn();
  btn.textContent = t(on ? "sound.on" : "sound.off");
  btn.classList.toggle("warn", !on);
  btn.dataset.state = on ? "on" : "off";
}

// ---------------------------------------------------------------- detail and case

function select(id) {
  if (!state.alerts.has(id)) return;
  if (state.selected !== id) {
    state.selected = id;
    state.actionError = null;
    state.timeline = { alertId: id, entries: null, error: null };
    state.evidence = { alertId: id, items: null };
    buildDetail();
    loadTimeline(id);
    loadEvidence(id);
    loadCase(state.alerts.get(id).case_id);
  }
  scheduleRender();
}

/** Lay out the detail; the form is built here only, so typing survives live updates. */
function buildDetail(keep = {}) {
  const body = $("detail-body");
  unmountSituation();
  if (!state.selected) {
    fill(body, el("p", { class: "empty", text: t("detail.none") }));
    return;
  }
  const a = state.alerts.get(state.selected);
  fill(
    body,
    el("div", { id: "detail-info" }),
    actionsForm({ keep, onAcknowledge, onResolve }),
    isMapKind(a) ? situationSection(a) : null, // the map, once per alert: live updates redraw it
    el("div", { id: "detail-evidence" }),
    el("div", { id: "detail-timeline" }),
  );
  if (isMapKind(a)) mountSituation(a);
  renderDetail();
  renderActions();
  renderTimeline();
}

function renderDetail() {
  const a = state.alerts.get(state.selected);
  if (!a || !$("detail-info")) return;
  fill($("detail-info"), detailInfo(a));
  const whole = state.evidence.alertId === a.id ? state.evidence.items : null;
  fill($("detail-evidence"), evidenceSection(a, whole));
  updateSituation(a);
}

function renderActions() {
  const a = state.alerts.get(state.selected);
  if (!a || !$("ack-button")) return;
  const resolved = a.status === "resolved";
  $("ack-button").disabled = state.busy || a.status !== "open";
  for (const id of ["resolve-outcome", "resolve-note", "resolve-button"]) {
    $(id).disabled = state.busy || resolved;
  }
  $("actions").classList.toggle("is-resolved", resolved);
  const err = $("action-error");
  err.hidden = !state.actionError;
  err.textContent = state.actionError || "";
}

function renderTimeline() {
  if ($("detail-timeline")) fill($("detail-timeline"), timelineSection(state.timeline));
}

/** POST an action on the selected alert and take the alert it returns. */
async function act(action, body) {
  const id = state.selected;
  state.busy = true;
  state.actionError = null;
  renderActions();
  try {
    upsert(await api(alertPath(id, action), { method: "POST", body }), false);
    loadTimeline(id);
    return true;
  } catch (err) {
    failed(err, (msg) => {
      state.actionError = msg;
    });
    return false;
  } finally {
    state.busy = false;
    scheduleRender();
  }
}

function onAcknowledge() {
  if (state.selected) act("acknowledge");
}

async function onResolve(e) {
  e.preventDefault();
  if (!state.selected) return;
  const outcome = $("resolve-outcome").value;
  const note = $("resolve-note").value.trim();
  if (!outcome) {
    state.actionError = t("action.need_outcome");
    renderActions();
    $("resolve-outcome").focus();
    return;
  }
  if (await act("resolve", { outcome, note: note || null })) {
    $("resolve-outcome").value = "";
    $("resolve-note").value = "";
  }
}

function refreshTimelineSoon(id) {
  clearTimeout(state.timelineTimer);
  state.timelineTimer = setTimeout(() => loadTimeline(id), 250);
}

async function loadTimeline(id) {
  let next;
  try {
    next = { alertId: id, entries: await api(alertPath(id, "timeline")), error: null };
  } catch (err) {
    failed(err, (msg) => {
      next = { alertId: id, entries: null, error: msg };
    });
  }
  if (!next || state.selected !== id) return;
  state.timeline = next;
  renderTimeline();
}

/** The whole evidence of an alert that holds more than the stream carries. */
async function loadEvidence(id) {
  const a = state.alerts.get(id);
  if (!a || !(a.evidence_total > (a.evidence || []).length)) return;
  try {
    const full = await api(`/api/v1/alerts/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    state.evidence = { alertId: id, items: full.evidence };
    renderDetail();
  } catch (err) {
    failed(err, () => {}); // the latest pieces stay on screen
  }
}

async function loadCase(caseId) {
  const cached = state.cases.get(caseId);
  state.cases.set(caseId, { data: cached?.data ?? null, error: null, loading: true });
  renderCase();
  try {
    const data = await api(`/api/v1/cases/${encodeURIComponent(caseId)}`);
    state.cases.set(caseId, { data, error: null, loading: false });
    if (data.risk) loadRiskHistory(caseId);
  } catch (err) {
    failed(err, (msg) => state.cases.set(caseId, { data: null, error: msg, loading: false }));
  }
  renderCase();
}

function renderCase() {
  const body = $("case-body");
  const a = state.alerts.get(state.selected);
  const entry = a && state.cases.get(a.case_id);
  if (!a) fill(body, el("p", { class: "empty", text: t("case.none") }));
  else if (!entry || (!entry.data && entry.loading)) {
    fill(body, el("p", { class: "empty", text: t("case.loading") }));
  } else if (entry.error) {
    fill(body, el("p", { class: "error", testid: "case-error", text: entry.error }));
  } else fill(body, caseSection(entry.data, a, isMapKind(a) ? zonesSection(a.case_id) : null));
}

// ---------------------------------------------------------------- session

/** Show a login error: {key} is re-translated when the language changes, {text} is not. */
function loginError(msg) {
  const err = $("login-error");
  err.hidden = !msg;
  err.dataset.key = msg?.key ?? "";
  err.textContent = msg ? (msg.key ? t(msg.key) : msg.text) : "";
}

function enterError(error) {
  if (error instanceof ApiError && error.status === 401) return { key: "login.expired" };
  if (error instanceof ApiError && error.status === 0) return { key: "login.network" };
  return { text: error instanceof Error ? error.message : String(error) };
}

function showLogin(msg) {
  closeModelPage();
  $("work-link").hidden = true;
  $("console-view").hidden = true;
  $("login-view").hidden = false;
  for (const id of HEADER_CONTROLS) $(id).hidden = true;
  loginError(msg);
  $("login-name").focus();
}

function forget() {
  state.stream?.stop();
  state.stream = null;
  setToken(null);
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing was stored
  }
  state.alerts.clear();
  state.flashes.clear();
  state.cases.clear();
  forgetPositions();
  forgetRisk();
  state.selected = null;
}

function logout(msg) {
  forget();
  state.conn = "offline";
  renderConn();
  buildDetail();
  renderCase();
  scheduleRender();
  showLogin(msg);
}

/** Officers and supervisors work in /console/work, analysts and admins read statistics
 * there; a supervisor may come back here through its link (/console#112), and the 112
 * console then links back to it. */
const WORKSPACE_ROLES = new Set(["officer", "supervisor", "analyst", "admin"]);

/** Load the queue with `token` (throws on a bad one), then go live. */
async function enter(token) {
  setToken(token);
  const { me } = await api("/api/v1/auth/session");
  try {
    sessionStorage.setItem(TOKEN_KEY, token);
  } catch {
    // kept in memory only
  }
  if (me?.role === "counsellor") {
    window.location.assign("/console/centre"); // a centre's staff see only its referrals
    return;
  }
  if (me && WORKSPACE_ROLES.has(me.role)) {
    if (me.role !== "supervisor" || window.location.hash !== "#112") {
      window.location.assign("/console/work");
      return;
    }
    $("work-link").hidden = false;
  }
  await Promise.all([loadAlerts(false), loadWords()]);
  $("login-view").hidden = true;
  $("console-view").hidden = false;
  for (const id of HEADER_CONTROLS) $(id).hidden = false;
  renderSound();
  startStream(token);
}

function startStream(token) {
  state.stream?.stop();
  state.stream = openStream("/api/v1/alerts/stream", token, {
    onEvent: (type, data) => {
      if (type !== "alert") return;
      let alert;
      try {
        alert = JSON.parse(data);
      } catch {
        return; // one broken event must not stop the queue
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
    // so a change between the first load and this connection is not lost.
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

/** Password + authenticator code → a console session token; or a pasted machine token. */
async function credentials() {
  const pasted = $("login-token").value.trim();
  if (pasted) return pasted;
  const login = $("login-name").value.trim();
  const password = $("login-password").value;
  const code = $("login-code").value.trim();
  if (!login || !password || !/^[0-9]{6}$/.test(code)) throw new LoginProblem("login.missing");
  try {
    const out = await api("/api/v1/auth/login", {
      method: "POST",
      body: { login, password, code },
      anonymous: true,
    });
    return out.token;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw new LoginProblem("login.failed");
    throw error;
  }
}

class LoginProblem extends Error {
  constructor(key) {
    super(key);
    this.key = key;
  }
}

async function onLogin(e) {
  e.preventDefault();
  unlockSound(); // this click is the user gesture browsers require before sound
  const btn = $("login-submit");
  btn.disabled = true;
  btn.textContent = t("login.checking");
  try {
    await enter(await credentials());
    for (const id of ["login-token", "login-password", "login-code"]) $(id).value = "";
    loginError(null);
  } catch (error) {
    forget();
    loginError(error instanceof LoginProblem ? { key: error.key } : enterError(error));
  } finally {
    btn.disabled = false;
    btn.textContent = t("login.submit");
  }
}

/** Moving or typing is a user action: tell the server (at most once a minute) so the
 * session does not end as idle while someone is at the console. Watching alone is not. */
let lastActivity = 0;
function activity() {
  if (!state.stream || Date.now() - lastActivity < 60000) return;
  lastActivity = Date.now();
  api("/api/v1/auth/session").catch((err) => failed(err, () => {}));
}

/** Sign out: end the session on the server too (a machine token just stays as it was). */
async function signOut() {
  try {
    await api("/api/v1/auth/logout", { method: "POST" });
  } catch {
    // a machine token (409) or an already-ended session: nothing more to end
  }
  logout(null);
}

// ---------------------------------------------------------------- language, clock, start

function switchLanguage() {
  setLang(currentLang() === "ko" ? "en" : "ko");
  applyStatic();
  renderConn();
  renderSound();
  const outcome = $("resolve-outcome");
  buildDetail(outcome ? { outcome: outcome.value, note: $("resolve-note").value } : {});
  renderCase();
  renderModelPage();
  scheduleRender();
  const err = $("login-error");
  if (!err.hidden && err.dataset.key) err.textContent = t(err.dataset.key);
}

function tick() {
  const p = kstParts(new Date());
  if (p) $("clock").textContent = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

function start() {
  setLang(currentLang());
  applyStatic();
  configurePositions({ failed, changed: renderCase });
  configureRisk({ failed, changed: renderCase, openModel: () => toggleModelPage(failed) });
  renderConn();
  onSoundChange(renderSound);
  tick();
  setInterval(tick, 1000);
  setInterval(() => {
    if (state.stream) {
      scheduleRender(); // "3분 전" must not go stale
      renderCase();
      refreshSituation(); // positions move even when no alert grows
    }
  }, 30000);
  $("login-form").addEventListener("submit", onLogin);
  $("logout").addEventListener("click", signOut);
  $("lang-toggle").addEventListener("click", switchLanguage);
  $("model-toggle").addEventListener("click", () => toggleModelPage(failed));
  $("sound-toggle").addEventListener("click", () => {
    unlockSound();
    setTimeout(() => beep("medium", { force: true }), 50); // let the dispatcher hear it
  });
  // After a reload there was no login click: any click or key may unlock the sound again.
  const unlock = () => state.stream && !soundOn() && unlockSound();
  document.addEventListener("pointerdown", unlock, { capture: true });
  document.addEventListener("keydown", unlock, { capture: true });
  for (const ev of ["pointerdown", "keydown", "wheel"]) {
    document.addEventListener(ev, activity, { capture: true, passive: true });
  }

  let saved = null;
  try {
    saved = sessionStorage.getItem(TOKEN_KEY);
  } catch {
    saved = null;
  }
  if (!saved) {
    showLogin(null);
    return;
  }
  enter(saved).catch((err) => {
    forget();
    showLogin(enterError(err));
  });
}

start();

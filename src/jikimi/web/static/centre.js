// The counselling centre's shell: the console's token and language on every htmx request,
// sign-in on /console when there is none (or it has ended), problems shown in the notice
// area. A counsellor works only here; anyone else is sent to their own pages. Pages are
// server-rendered fragments (X-Jikimi-Lang); this file renders no data.

import { applyStatic, currentLang, setLang, t } from "./i18n.js";

const TOKEN_KEY = "jikimi.token"; // the console's: sessionStorage, never in a URL
const HOME = "/console/centre/referrals";

function savedToken() {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function toSignIn() {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing was stored
  }
  window.location.replace("/console");
}

const token = savedToken();
const $ = (id) => document.getElementById(id);

/** One line in the notice area: the problem's detail (never the data that was sent). */
function notice(text, kind) {
  const box = $("notice");
  box.textContent = text;
  box.dataset.kind = kind;
}

function problemText(xhr) {
  try {
    const body = JSON.parse(xhr.responseText);
    if (typeof body.detail === "string" && body.detail) return body.detail;
  } catch {
    // not problem+json
  }
  return t("work.failed", { status: xhr.status });
}

document.addEventListener("htmx:configRequest", (e) => {
  e.detail.headers.Authorization = `Bearer ${token}`;
  e.detail.headers["X-Jikimi-Lang"] = currentLang();
});

document.addEventListener("htmx:beforeRequest", (e) => {
  if (e.detail.requestConfig?.verb !== "get") notice("", "");
});

document.addEventListener("htmx:responseError", (e) => {
  const xhr = e.detail.xhr;
  if (xhr.status === 401) toSignIn();
  else notice(problemText(xhr), "error");
});

document.addEventListener("htmx:sendError", () => notice(t("work.network"), "error"));

let current = HOME;
let me = null;

function show(path) {
  current = path;
  window.htmx.ajax("GET", path, { target: "#work-main", swap: "innerHTML" });
}

function showWho() {
  if (me) $("who").textContent = `${me.name || ""} · ${me.agency || ""} · ${t("work.role.counsellor")}`;
}

function translateShell() {
  applyStatic();
  document.title = `${t("centre.title")} · Jikimi`;
  showWho();
}

async function start() {
  if (!token) {
    toSignIn();
    return;
  }
  try {
    const res = await fetch("/api/v1/auth/session", {
      headers: { Authorization: `Bearer ${token}`, Accept: "application/json" },
      cache: "no-store",
    });
    if (res.status === 401) {
      toSignIn();
      return;
    }
    me = (await res.json()).me;
  } catch {
    notice(t("work.network"), "error");
    return;
  }
  if (!me || me.role !== "counsellor") {
    window.location.replace("/console"); // the police's pages are elsewhere
    return;
  }
  showWho();
  for (const b of document.querySelectorAll("[data-nav]")) {
    b.addEventListener("click", () => show(b.dataset.nav));
  }
  document.addEventListener("click", (e) => {
    const link = e.target.closest("[data-open]");
    if (link) show(link.dataset.open);
  });
  $("lang-toggle").addEventListener("click", () => {
    setLang(currentLang() === "ko" ? "en" : "ko");
    translateShell();
    notice("", "");
    show(current);
  });
  $("logout").addEventListener("click", async () => {
    try {
      await fetch("/api/v1/auth/logout", { method: "POST", headers: { Authorization: `Bearer ${token}` } });
    } catch {
      // signing out here is enough
    }
    toSignIn();
  });
  show(HOME);
}

function tick() {
  $("clock").textContent = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Seoul",
    dateStyle: "short",
    timeStyle: "medium",
  }).format(new Date());
}

setLang(currentLang());
translateShell();
tick();
setInterval(tick, 1000);
if (window.htmx) start();
else document.addEventListener("DOMContentLoaded", start);

// The officers' workspace shell: the console's token and language on every htmx request,
// sign-in on /console when there is none (or it has ended), problems shown in the notice
// area. Pages are server-rendered fragments in the language asked for (X-Jikimi-Lang, the
// 112 console's choice in localStorage); this file renders no data.

import { applyStatic, currentLang, setLang, t } from "./i18n.js";

const TOKEN_KEY = "jikimi.token"; // the 112 console's: sessionStorage, never in a URL
const STAFF = new Set(["officer", "supervisor", "analyst", "admin"]);
// Analysts and admins see statistics only: they start there.
const FIRST_PAGE = { analyst: "/console/work/stats/summary", admin: "/console/work/stats/summary" };

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
    const parts = [];
    if (typeof body.detail === "string" && body.detail) parts.push(body.detail);
    if (Array.isArray(body.errors)) {
      for (const e of body.errors.slice(0, 5)) {
        if (e && typeof e.msg === "string") parts.push(`${(e.loc || []).slice(1).join(".")}: ${e.msg}`);
      }
    }
    if (parts.length) return parts.join(" — ");
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
  // A poll must not wipe the answer to what the officer just did.
  if (e.detail.requestConfig?.verb !== "get") notice("", "");
});

document.addEventListener("htmx:responseError", (e) => {
  const xhr = e.detail.xhr;
  if (xhr.status === 401) toSignIn();
  else notice(problemText(xhr), "error");
});

document.addEventListener("htmx:sendError", () => {
  notice(t("work.network"), "error");
});

let current = "/console/work/cases"; // the page on screen, asked for again in a new language
let me = null;

function show(path) {
  current = path;
  for (const b of document.querySelectorAll("[data-nav]")) {
    if (b.dataset.nav === path) b.setAttribute("aria-current", "page");
    else b.removeAttribute("aria-current");
  }
  window.htmx.ajax("GET", path, { target: "#work-main", swap: "innerHTML" });
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
  if (!me || !STAFF.has(me.role)) {
    // a dispatcher's place is the 112 console, a counsellor's the centre's pages
    window.location.replace(me?.role === "counsellor" ? "/console/centre" : "/console");
    return;
  }
  document.body.dataset.role = me.role;
  showWho();
  $("to-112").hidden = me.role !== "supervisor";
  for (const b of document.querySelectorAll("[data-nav]")) {
    b.hidden = !(b.dataset.roles || "").split(" ").includes(me.role);
    b.addEventListener("click", () => show(b.dataset.nav));
  }
  // Links inside the pages (a case's row) name the page they open; a download (the
  // prosecutor's bundle) names the API route it comes from.
  document.addEventListener("click", (e) => {
    const link = e.target.closest("[data-open]");
    if (link) show(link.dataset.open);
    const file = e.target.closest("[data-download]");
    if (file) download(file.dataset.download);
  });
  $("lang-toggle").addEventListener("click", switchLanguage);
  $("logout").addEventListener("click", async () => {
    try {
      await fetch("/api/v1/auth/logout", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
      });
    } catch {
      // signing out here is enough
    }
    toSignIn();
  });
  show(FIRST_PAGE[me.role] || "/console/work/cases");
}

/** Fetch a file with the token (a plain link could not carry it) and save it under the
 * name the server gives. */
async function download(url) {
  notice("", "");
  let res;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, cache: "no-store" });
  } catch {
    notice(t("work.network"), "error");
    return;
  }
  if (res.status === 401) {
    toSignIn();
    return;
  }
  if (!res.ok) {
    let detail = "";
    try {
      detail = (await res.json()).detail || "";
    } catch {
      // not problem+json
    }
    notice(detail || t("work.failed", { status: res.status }), "error");
    return;
  }
  const disposition = res.headers.get("Content-Disposition") || "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || "download";
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  URL.revokeObjectURL(href);
}

function showWho() {
  if (me) $("who").textContent = `${me.name || ""} · ${t(`work.role.${me.role}`)}`;
}

function translateShell() {
  applyStatic();
  document.title = `${t("work.title")} · Jikimi`;
  document.querySelector(".work-nav").setAttribute("aria-label", t("work.nav"));
  showWho();
}

/** The other language: the shell at once, the page on screen asked for again in it. */
function switchLanguage() {
  setLang(currentLang() === "ko" ? "en" : "ko");
  translateShell();
  notice("", "");
  show(current);
}

function tick() {
  const parts = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "Asia/Seoul",
    dateStyle: "short",
    timeStyle: "medium",
  }).format(new Date());
  $("clock").textContent = parts;
}

setLang(currentLang());
translateShell();
tick();
setInterval(tick, 1000);
if (window.htmx) start();
else document.addEventListener("DOMContentLoaded", start);

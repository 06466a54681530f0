// The case's risk in the case panel: the effective tier as a coloured badge, the
// probability, the factors that drove it, an officer's override (its reason only when the
// API gives it: officers and supervisors), and the history of assessments
// (GET /api/v1/cases/{id}/risk-assessments). Beside the score: the three leading factors
// in words, how many answers were unknown (a warning when most were) and a link to the
// model page. Text goes in as text nodes only (dom.js).

import { api } from "./api.js";
import { el, kstShort } from "./dom.js";
import { label, t } from "./i18n.js";

const TOP_FACTORS = 3;
const HISTORY_ROWS = 8;

const cache = new Map(); // case id -> {items, error, loading}
let hooks = { failed: (err, show) => show(String(err)), changed: () => {}, openModel: () => {} };

/** `failed(err, show)` handles errors like the rest of the console; `changed()` re-renders;
 * `openModel()` shows the model page. */
export function configureRisk(next) {
  hooks = { ...hooks, ...next };
}

/** Forget every case's history (sign-out). */
export function forgetRisk() {
  cache.clear();
}

/** Load (or reload) a case's assessments; the case panel redraws when they come. */
export async function loadRiskHistory(caseId) {
  const old = cache.get(caseId);
  cache.set(caseId, { items: old?.items ?? null, error: null, loading: true });
  let next;
  try {
    const page = await api(`/api/v1/cases/${encodeURIComponent(caseId)}/risk-assessments`);
    next = { items: Array.isArray(page.items) ? page.items : [], error: null, loading: false };
  } catch (err) {
    hooks.failed(err, (msg) => {
      next = { items: old?.items ?? null, error: msg, loading: false };
    });
  }
  if (!next) return; // signed out meanwhile
  cache.set(caseId, next);
  hooks.changed();
}

/** "37%", or "4.5%" under ten: a small probability is not rounded to nothing. */
export function percent(p) {
  if (typeof p !== "number" || !Number.isFinite(p)) return "—";
  const v = p * 100;
  return `${v < 10 ? v.toFixed(1) : Math.round(v)}%`;
}

/** The effective tier: an officer's override when there is one. */
const effective = (a) => a.effective_tier || a.override?.tier || a.tier;

/** A coloured badge for a tier. */
export function tierBadge(tier, testid) {
  return el("span", { class: `tier-badge tier-${tier}`, testid, "data-tier": tier, text: label("tier", tier) });
}

/** The bar's width through the CSSOM: the CSP forbids inline style attributes. */
function bar(contribution, max) {
  const fill = el("span", { class: contribution < 0 ? "risk-bar-fill neg" : "risk-bar-fill" });
  fill.style.width = `${Math.round((Math.abs(contribution) / max) * 100)}%`;
  return fill;
}

/** The answers left unknown, and a warning when most were: the score then rests mostly on
 * what nobody knows. */
function unknownBlock(risk) {
  const n = risk.unknown_answers;
  const total = risk.answers_total;
  if (typeof n !== "number" || typeof total !== "number") return null;
  return [
    el("span", { class: "dim", testid: "risk-unknown", text: t("risk.unknown", { n, total }) }),
    n * 2 > total
      ? el("p", { class: "risk-unknown-warning", role: "alert", testid: "risk-unknown-warning", text: t("risk.unknown_warning", { n, total }) })
      : null,
  ];
}

/** The factors that raised the score most (a lowering one is no reason for concern). */
function factorList(factors) {
  const top = (Array.isArray(factors) ? factors : [])
    .filter((f) => f && typeof f.name === "string" && (f.contribution || 0) > 0)
    .slice()
    .sort((a, b) => (b.contribution || 0) - (a.contribution || 0))
    .slice(0, TOP_FACTORS);
  if (!top.length) return el("p", { class: "empty", text: t("risk.no_factors") });
  const max = Math.max(...top.map((f) => Math.abs(f.contribution || 0)), 1e-9);
  return el(
    "ul",
    { class: "risk-factors", testid: "risk-factors" },
    top.map((f) =>
      el(
        "li",
        { class: "risk-factor", "data-factor": f.name },
        el("span", { class: "risk-factor-name", title: f.name, text: label("factor", f.name) }),
        el("span", { class: "risk-bar" }, bar(f.contribution || 0, max)),
        el("span", { class: "dim mono", text: (f.contribution || 0).toFixed(2) }),
      ),
    ),
  );
}

function overrideBlock(a) {
  const o = a.override;
  if (!o) return null;
  return el(
    "div",
    { class: "risk-override", testid: "risk-override" },
    el(
      "div",
      {},
      el("span", { text: t("risk.override") }),
      " ",
      tierBadge(o.tier),
      " ",
      el("span", { class: "dim", text: t("risk.computed", { tier: label("tier", a.tier) }) }),
    ),
    // The API sends the reason to officers and supervisors only.
    typeof o.reason === "string" && o.reason
      ? el("div", { class: "risk-reason", testid: "risk-override-reason", text: o.reason })
      : null,
    el("div", { class: "dim", text: [o.by, kstShort(o.at)].filter(Boolean).join(" · ") }),
  );
}

function historyList(caseId) {
  const entry = cache.get(caseId);
  if (!entry || (!entry.items && entry.loading)) return el("p", { class: "empty", text: t("case.loading") });
  if (entry.error && !entry.items) return el("p", { class: "error", text: entry.error });
  const items = entry.items || [];
  if (!items.length) return null;
  return el(
    "ol",
    { class: "risk-history", testid: "risk-history" },
    items.slice(0, HISTORY_ROWS).map((a) =>
      el(
        "li",
        { class: "risk-history-row", "data-trigger": a.trigger },
        el("span", { class: "mono dim", text: kstShort(a.assessed_at) }),
        tierBadge(effective(a)),
        el("span", { class: "dim", text: percent(a.probability) }),
        el("span", { class: "dim", text: label("risk.trigger", a.trigger) }),
      ),
    ),
  );
}

/** The risk section of the case panel for case `caseId` whose latest assessment is `risk`. */
export function riskSection(caseId, risk) {
  if (!risk || typeof risk !== "object") {
    return [
      el("h3", { text: t("case.risk") }),
      el("p", { class: "empty", testid: "risk-none", text: t("risk.none") }),
    ];
  }
  const tier = effective(risk);
  return [
    el("h3", { text: t("case.risk") }),
    el(
      "div",
      { class: `risk risk-${tier}`, testid: "risk-summary", "data-tier": tier },
      tierBadge(tier, "risk-tier"),
      el("span", { testid: "risk-probability", text: t("risk.probability", { p: percent(risk.probability) }) }),
      el("span", { class: "dim", title: risk.model_version, text: kstShort(risk.assessed_at) }),
      el("button", { type: "button", class: "link", testid: "risk-model-link", text: t("risk.model_link"), onclick: () => hooks.openModel() }),
    ),
    unknownBlock(risk),
    overrideBlock(risk),
    el("div", { class: "risk-sub", text: t("risk.factors") }),
    factorList(risk.factors),
    el("div", { class: "risk-sub", text: t("risk.history") }),
    historyList(caseId),
  ];
}

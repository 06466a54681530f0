// The risk model's page: the model card (GET /api/v1/risk/model) — what the model is,
// its key metrics and its evaluation plots. No personal data. Text as text nodes only.

import { api } from "./api.js";
import { $, el, fill } from "./dom.js";
import { t } from "./i18n.js";

let card = null;
let error = null;

function metricValue(v) {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toFixed(3);
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function metrics(m) {
  const rows = m && typeof m === "object" ? Object.entries(m) : [];
  if (!rows.length) return el("p", { class: "empty", text: t("model.no_metrics") });
  return el(
    "dl",
    { class: "model-metrics", testid: "model-metrics" },
    rows.map(([k, v]) => [el("dt", { text: k }), el("dd", { class: "mono", text: metricValue(v) })]),
  );
}

function plotTitle(plots, url) {
  const file = url.split("/").pop();
  const entry = (Array.isArray(plots) ? plots : []).find((p) => p && typeof p === "object" && p.file === file);
  return entry?.title || file;
}

function plots(c) {
  const urls = Array.isArray(c.plot_urls) ? c.plot_urls.filter((u) => typeof u === "string") : [];
  if (!urls.length) return el("p", { class: "empty", text: t("model.no_plots") });
  return el(
    "div",
    { class: "model-plots" },
    urls.map((url) => {
      const title = plotTitle(c.plots, url);
      return el("figure", {}, el("img", { src: url, alt: title, loading: "lazy" }), el("figcaption", { text: title }));
    }),
  );
}

function render() {
  const body = $("model-body");
  if (!body) return;
  if (error) fill(body, el("p", { class: "error", text: error }));
  else if (!card) fill(body, el("p", { class: "empty", text: t("case.loading") }));
  else {
    fill(
      body,
      el("h2", { testid: "model-name", text: card.name || t("model.heading") }),
      el("div", { class: "dim mono", testid: "model-version", text: `${t("model.version")} ${card.version}` }),
      card.description ? el("p", { class: "model-desc", text: String(card.description) }) : null,
      el("h3", { text: t("model.metrics") }),
      metrics(card.metrics),
      el("h3", { text: t("model.plots") }),
      plots(card),
    );
  }
}

/** Show or hide the model page over the console; `failed(err, show)` handles errors. */
export async function toggleModelPage(failed) {
  const view = $("model-view");
  const open = view.hidden;
  view.hidden = !open;
  $("console-view").hidden = open;
  if (!open) return;
  error = null;
  render();
  try {
    card = await api("/api/v1/risk/model");
  } catch (err) {
    failed(err, (msg) => {
      error = msg;
    });
  }
  render();
}

/** Hide the page and forget the card (sign-out). */
export function closeModelPage() {
  card = null;
  error = null;
  const view = $("model-view");
  if (view) view.hidden = true;
}

/** Re-render in the current language. */
export const renderModelPage = render;

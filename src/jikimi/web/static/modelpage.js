// The risk model's page: the model card as the workspace renders it for a reader
// (GET /console/work/model: intended use, training data, metrics with intervals, the
// calibration plot, errors by group, limits), in the console's language. The fragment is
// the server's own template over the shipped card (autoescaped, no personal data, no
// script): the one place this console takes markup from the server.

import { fragment } from "./api.js";
import { $, el, fill } from "./dom.js";
import { currentLang, t } from "./i18n.js";

const PAGE = "/console/work/model";
let nodes = null; // the page's nodes in `shownLang`
let shownLang = null;
let error = null;
let onFailure = null;

function parse(html) {
  const doc = new DOMParser().parseFromString(html, "text/html");
  return [...doc.body.childNodes].map((n) => document.adoptNode(n));
}

function render() {
  const body = $("model-body");
  if (!body) return;
  if (error) fill(body, el("p", { class: "error", text: error }));
  else if (!nodes) fill(body, el("p", { class: "empty", text: t("case.loading") }));
  else fill(body, nodes);
}

async function load() {
  const lang = currentLang();
  error = null;
  try {
    const html = await fragment(PAGE, lang);
    nodes = parse(html);
    shownLang = lang;
  } catch (err) {
    onFailure?.(err, (msg) => {
      error = msg;
    });
  }
  render();
}

/** Show or hide the model page over the console; `failed(err, show)` handles errors. */
export async function toggleModelPage(failed) {
  const view = $("model-view");
  const open = view.hidden;
  view.hidden = !open;
  $("console-view").hidden = open;
  if (!open) return;
  onFailure = failed;
  render();
  await load();
}

/** Hide the page and forget it (sign-out). */
export function closeModelPage() {
  nodes = null;
  shownLang = null;
  error = null;
  const view = $("model-view");
  if (view) view.hidden = true;
}

/** Re-render in the current language (asked for again when it changed). */
export function renderModelPage() {
  const view = $("model-view");
  if (view && !view.hidden && nodes && shownLang !== currentLang()) load();
  else render();
}

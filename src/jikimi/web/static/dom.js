// Building the page without ever parsing data as HTML, and Korea's clock.

import { t } from "./i18n.js";

export const $ = (id) => document.getElementById(id);

/**
 * Build an element. Strings become text nodes and props become attributes, so a name,
 * a number or a note is never interpreted as markup: they are victims' personal data and
 * text an attacker may have typed.
 */
export function el(tag, props = {}, ...children) {
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
export function fill(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** The first 8 characters of an id: enough to tell cases apart on a screen. */
export const short = (id) => (id ? String(id).slice(0, 8) : "—");

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

/** {year, month, day, hour, minute, second} in Korea, whatever the workstation's zone. */
export function kstParts(iso) {
  const d = iso instanceof Date ? iso : new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return Object.fromEntries(KST.formatToParts(d).map((p) => [p.type, p.value]));
}

/** "11-22 21:04:05" in Korea's time. */
export function kstShort(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : String(iso);
}

/** "21:04:05" for today in Korea, "11-21 21:04" for an earlier day: dense, never ambiguous. */
export function kstCompact(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  const today = kstParts(new Date());
  if (!p || !today) return String(iso);
  const sameDay = p.year === today.year && p.month === today.month && p.day === today.day;
  return sameDay ? `${p.hour}:${p.minute}:${p.second}` : `${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

/** "2026-11-22 21:04:05" in Korea's time. */
export function kstLong(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}` : String(iso);
}

/** "2026-11-22" in Korea. */
export function kstDate(iso) {
  if (!iso) return "—";
  const p = kstParts(iso);
  return p ? `${p.year}-${p.month}-${p.day}` : String(iso);
}

/** "3분 전" / "3 min ago". */
export function ago(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!Number.isFinite(ms)) return "";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t("time.ago.s", { n: s });
  if (s < 3600) return t("time.ago.m", { n: Math.floor(s / 60) });
  if (s < 86400) return t("time.ago.h", { n: Math.floor(s / 3600) });
  return t("time.ago.d", { n: Math.floor(s / 86400) });
}

// The case behind the selected alert: who is protected from whom, by which orders, devices.

import { ago, el, kstDate, kstShort, short } from "./dom.js";
import { label, t } from "./i18n.js";
import { riskSection } from "./riskpanel.js";

/** The numbers as people write them (`phones_display`), E.164 on hover. */
function phoneList(phones, shown, hits, testid) {
  if (!phones || !phones.length) return el("div", { class: "dim", text: "—" });
  return el(
    "ul",
    { class: "phones", testid },
    phones.map((p, i) =>
      el("li", { class: hits.has(p) ? "mono hit" : "mono", title: p, text: shown[i] || p }),
    ),
  );
}

function personBlock(role, person, hits) {
  if (!person) return null;
  const addresses = person.addresses || [];
  return el(
    "div",
    { class: `person person-${role}` },
    el("div", { class: "person-role", text: t(`case.${role}`) }),
    el("div", { class: "person-name", testid: `${role}-name`, text: person.name }),
    phoneList(person.phones, person.phones_display || [], hits, `${role}-phones`),
    addresses.length
      ? el(
          "ul",
          { class: "addresses" },
          addresses.map((ad) =>
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
    {
      class: `order order-${o.status}`,
      testid: "order-row",
      "data-order-kind": o.kind,
      "data-order-status": o.status,
    },
    el(
      "div",
      { class: "order-top" },
      el("span", { class: "order-title", testid: "order-title", text: label("order_kind", o.kind) }),
      el("span", { class: `ost ost-${o.status}`, text: label("order_status", o.status) }),
    ),
    el(
      "div",
      { class: "order-sub" },
      el("span", { class: "dim", testid: "order-statute", text: label("order_statute", o.kind) }),
      cond.length ? el("span", { text: cond.join(" · ") }) : null,
    ),
    el(
      "div",
      { class: "order-sub" },
      el("span", { text: `${kstDate(o.starts_at)} → ${kstDate(o.ends_at)}` }),
      left !== null
        ? el("span", { class: left <= 7 ? "warn-text" : "dim", text: t("case.days_left", { n: left }) })
        : null,
      o.court_ref ? el("span", { class: "dim", text: o.court_ref }) : null,
    ),
  );
}

function deviceRow(d) {
  const seen = d.last_seen_at
    ? `${t("case.last_seen")} ${kstShort(d.last_seen_at)} (${ago(d.last_seen_at)})`
    : t("case.never");
  return el(
    "li",
    { class: "device", testid: "device-row", "data-device-kind": d.kind },
    el("span", { text: label("device", d.kind) }),
    d.serial ? el("span", { class: "mono", text: d.serial }) : null,
    el("span", { class: "dim", text: seen }),
  );
}

/**
 * The case panel's content for case `c` seen from `alert`: the perpetrator's numbers that
 * appear in the alert's evidence are highlighted; `places` (zones, last positions) follow
 * the people when the alert is about places.
 */
export function caseSection(c, alert, places = null) {
  const hits = new Set((alert.evidence || []).map((ev) => ev.number).filter(Boolean));
  return [
    el(
      "div",
      { class: "case-head", "data-case-id": c.id },
      el("span", { class: "mono", title: c.id, text: short(c.id) }),
      el("span", { class: "tag", text: label("offense", c.offense) }),
      el("span", { class: "tag", text: label("relationship", c.relationship) }),
      el("span", { class: "dim", testid: "case-agency", text: `${t("case.agency")} ${label("agency", c.agency)}` }),
    ),
    el(
      "div",
      { class: "people" },
      personBlock("victim", c.victim, new Set()),
      personBlock("perpetrator", c.perpetrator, hits),
    ),
    riskSection(c.id, c.risk), // tier, factors, override, history (riskpanel.js)
    places, // zones and last positions, for alerts about places (positions.js)
    el("h3", { text: t("case.orders") }),
    c.orders && c.orders.length
      ? el("ul", { class: "orders" }, c.orders.map(orderRow))
      : el("p", { class: "empty", text: t("case.no_orders") }),
    el("h3", { text: t("case.devices") }),
    c.devices && c.devices.length
      ? el("ul", { class: "devices" }, c.devices.map(deviceRow))
      : el("p", { class: "empty", text: t("case.no_devices") }),
  ];
}

// The server's HTTP API with the dispatcher's bearer token; errors carry the problem's detail.

import { t } from "./i18n.js";

let token = null;

/** The token every request sends (null when logged out). */
export function setToken(value) {
  token = value;
}

/** A failed request: HTTP status (0 when the server could not be reached) and a readable message. */
export class ApiError extends Error {
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

/** JSON from `path`; throws ApiError on a network failure or any non-2xx answer. */
export async function api(path, { method = "GET", body, anonymous = false } = {}) {
  const headers = { Accept: "application/json" };
  if (!anonymous) headers.Authorization = `Bearer ${token}`;
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
  return res.status === 204 ? null : res.json();
}

/** A server-rendered page fragment (HTML) from `path`, in `lang`; throws like `api`. */
export async function fragment(path, lang) {
  let res;
  try {
    res = await fetch(path, {
      headers: { Accept: "text/html", Authorization: `Bearer ${token}`, "X-Jikimi-Lang": lang },
      cache: "no-store",
    });
  } catch {
    throw new ApiError(0, t("error.network"));
  }
  if (!res.ok) throw new ApiError(res.status, await problemText(res));
  return res.text();
}

/** The alert path for `id` and an optional action. */
export const alertPath = (id, action = "") =>
  `/api/v1/alerts/${encodeURIComponent(id)}${action ? `/${action}` : ""}`;

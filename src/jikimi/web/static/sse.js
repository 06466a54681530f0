// Server-Sent Events over fetch(): EventSource cannot send an Authorization header,
// and a bearer token must never travel in the URL (it would land in proxy and server logs).

/** Parses text/event-stream as the HTML standard defines it, chunk by chunk. */
export class SseParser {
  constructor(onEvent, onComment) {
    this.onEvent = onEvent; // (type, data, id) => void
    this.onComment = onComment ?? (() => {});
    this.buffer = "";
    this.skipLF = false;
    this.reset();
    this.lastEventId = null;
  }

  reset() {
    this.type = "";
    this.data = [];
    this.sawData = false;
  }

  /** Feed a decoded chunk; lines may be split anywhere, ends are \n, \r\n or \r. */
  push(chunk) {
    let buf = this.buffer + chunk;
    if (this.skipLF && buf.startsWith("\n")) buf = buf.slice(1); // the \n of a split \r\n
    this.skipLF = false;
    let start = 0;
    for (let i = 0; i < buf.length; i += 1) {
      const c = buf[i];
      if (c !== "\n" && c !== "\r") continue;
      this.line(buf.slice(start, i));
      if (c === "\r") {
        if (i + 1 === buf.length) this.skipLF = true;
        else if (buf[i + 1] === "\n") i += 1;
      }
      start = i + 1;
    }
    this.buffer = buf.slice(start);
  }

  line(text) {
    if (text === "") {
      if (this.sawData) {
        const type = this.type || "message";
        this.onEvent(type, this.data.join("\n"), this.lastEventId);
      }
      this.reset();
      return;
    }
    if (text.startsWith(":")) {
      this.onComment(text.slice(1).trim());
      return;
    }
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") {
      this.data.push(value);
      this.sawData = true;
    } else if (field === "id" && !value.includes("\0")) this.lastEventId = value;
    // "retry" and unknown fields: our backoff is our own, the rest is ignored as specified
  }
}

const sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Keep reading `url` as an event stream until stop() is called.
 *
 * Reconnects with exponential backoff (1 s doubling to 15 s, with jitter) and sends
 * Last-Event-ID so the server replays what was missed. A connection that is silent for
 * longer than `idleMs` (the server pings every 15 s) is treated as dead.
 *
 * hooks: onEvent(type, data, id), onState("connecting"|"live"|"reconnecting"),
 * onUnauthorized(), onOpen(hadLastId) — awaited before the state turns "live".
 */
export function openStream(url, token, hooks, { idleMs = 45000 } = {}) {
  const stopper = new AbortController();
  let lastId = null;
  let attempt = 0;

  async function once() {
    const conn = new AbortController();
    const abortConn = () => conn.abort();
    stopper.signal.addEventListener("abort", abortConn);
    let idle = setTimeout(abortConn, idleMs);
    const headers = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
    if (lastId !== null) headers["Last-Event-ID"] = lastId;
    try {
      const res = await fetch(url, { headers, signal: conn.signal, cache: "no-store" });
      if (res.status === 401) return "unauthorized";
      if (!res.ok || !res.body) return "retry";
      const parser = new SseParser((type, data, id) => {
        // Only a batch's last event carries an id: the others keep the one before, as an
        // EventSource keeps its last event ID across reconnections.
        if (id !== null) lastId = id;
        hooks.onEvent(type, data, id);
      });
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let opened = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return "retry";
        clearTimeout(idle);
        idle = setTimeout(abortConn, idleMs);
        if (!opened) {
          // The first bytes (the server's ": connected") come after it has fixed its
          // starting position, so from here on nothing can slip between list and stream.
          opened = true;
          await hooks.onOpen(lastId !== null);
          attempt = 0;
          hooks.onState("live");
        }
        parser.push(value);
      }
    } catch {
      return "retry"; // network error or our own abort
    } finally {
      clearTimeout(idle);
      stopper.signal.removeEventListener("abort", abortConn);
    }
  }

  (async () => {
    hooks.onState("connecting");
    while (!stopper.signal.aborted) {
      const result = await once();
      if (stopper.signal.aborted) return;
      if (result === "unauthorized") {
        hooks.onUnauthorized();
        return;
      }
      hooks.onState("reconnecting");
      const base = Math.min(15000, 1000 * 2 ** attempt);
      attempt += 1;
      await sleep(base / 2 + Math.random() * (base / 2), stopper.signal);
    }
  })();

  return { stop: () => stopper.abort() };
}

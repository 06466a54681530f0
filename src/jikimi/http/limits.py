"""ASGI middleware: the body size limit (a 413, before or while the body is read) and the
security headers."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Refuse request bodies larger than `max_bytes` with a problem+json 413."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.larger = app, max_bytes, larger or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count bytes as they arrive."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._reject(send, limit)
                return
        seen = 0
        too_big = started = replaced = False

        async def counting() -> Message:
            nonlocal seen, too_big
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    too_big = True
                    raise _TooLarge
            return msg

        # A body without a Content-Length (chunked) is counted as it arrives. FastAPI
        # turns an error while it reads a body into its own 400, so once the count has
        # passed the limit the app's answer is replaced by the 413, whatever it was.
        async def answering(msg: Message) -> None:
            nonlocal started, replaced
            if too_big and not started:
                if not replaced:
                    replaced = True
                    await self._reject(send, limit)
                return
            started = started or msg["type"] == "http.response.start"
            await send(msg)

        try:
            await self.app(scope, counting, answering)
        except Exception:
            if not too_big or started:
                raise
            if not replaced:
                await self._reject(send, limit)

    async def _reject(self, send: Send, limit: int) -> None:
        body = json.dumps(
            {
                "type": "about:blank",
                "title": "Content Too Large",
                "status": 413,
                "detail": f"the body is larger than {limit} bytes",
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


def content_security_policy(tile_origin: str | None = None) -> bytes:
    """The console loads only its own files: no inline script, nothing from elsewhere —
    except map tiles (images only) from the agency's tile server when one is configured."""
    img = "'self' data:" + (f" {tile_origin}" if tile_origin else "")
    return (
        f"default-src 'self'; img-src {img}; connect-src 'self'; frame-ancestors 'none'"
    ).encode()


SECURITY_HEADERS = [
    (b"content-security-policy", content_security_policy()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
]


# The console's own files (vendored code, styles, the base map: no personal data) may be
# kept by the browser if it asks each time whether they changed (ETag: a 304, not the
# 1.8 MB base map again on every load).
STATIC_PREFIX = "/static/"
STATIC_CACHE = (b"cache-control", b"no-cache")


# Over TLS the browser is told to use nothing else for a year. Not `includeSubDomains`:
# the server cannot know whether every other host of the agency's domain speaks TLS.
HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Add the headers every response should carry (personal data: never cached), and
    HSTS when the request came over TLS (directly, or through a trusted proxy's
    X-Forwarded-Proto, which the server applies to the scheme before the app sees it)."""

    def __init__(self, app: ASGIApp, tile_origin: str | None = None) -> None:
        self.app = app
        csp = (b"content-security-policy", content_security_policy(tile_origin))
        self.headers = [csp if k == csp[0] else (k, v) for k, v in SECURITY_HEADERS]
        self.static_headers = [
            STATIC_CACHE if k == STATIC_CACHE[0] else (k, v) for k, v in self.headers
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to the response start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        ours = self.static_headers if scope["path"].startswith(STATIC_PREFIX) else self.headers
        if scope.get("scheme") == "https":
            ours = [*ours, HSTS]

        async def with_headers(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                present = {k.lower() for k, _ in msg.get("headers", [])}
                extra = [(k, v) for k, v in ours if k not in present]
                msg = {**msg, "headers": [*msg.get("headers", []), *extra]}
            await send(msg)

        await self.app(scope, receive, with_headers)

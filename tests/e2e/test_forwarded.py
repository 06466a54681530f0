"""Behind a reverse proxy the login limit counts each client, not the proxy: only when the
proxy is trusted (JIKIMI_TRUSTED_PROXIES); anyone else's X-Forwarded-For is ignored."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.e2e.conftest import LiveServer

LOGIN = "/api/v1/auth/login"


def _attempt(url: str, client_ip: str) -> int:
    body = {"login": "nobody.here", "password": "not the password at all", "code": "000000"}
    r = httpx.post(url + LOGIN, json=body, headers={"X-Forwarded-For": client_ip}, timeout=10)
    return r.status_code


def _burst_then_other(server: LiveServer) -> tuple[list[int], int, int]:
    burst = [_attempt(server.url, "10.1.1.1") for _ in range(11)]
    return burst, _attempt(server.url, "10.1.1.1"), _attempt(server.url, "10.2.2.2")


# Ten attempts, then one a day: no attempt earns another back while the test runs.
SLOW = {"JIKIMI_LOGIN_RATE_PER_S": "0.00001", "JIKIMI_LOGIN_BURST": "10"}


def test_a_trusted_proxys_clients_are_limited_each_on_their_own(tmp_path: Path) -> None:
    server = LiveServer(
        f"sqlite:///{tmp_path}/p.db", tmp_path, JIKIMI_TRUSTED_PROXIES="127.0.0.1", **SLOW
    )
    server.start()
    try:
        burst, same, other = _burst_then_other(server)
    finally:
        server.stop()
    assert burst[:10] == [401] * 10
    assert burst[10] == 429
    assert same == 429
    assert other == 401  # another person behind the same proxy may still sign in


def test_without_a_trusted_proxy_a_forwarded_header_changes_nothing(tmp_path: Path) -> None:
    server = LiveServer(f"sqlite:///{tmp_path}/p.db", tmp_path, **SLOW)
    server.start()
    try:
        burst, _same, other = _burst_then_other(server)
    finally:
        server.stop()
    assert burst[10] == 429
    assert other == 429  # a client cannot escape the limit by naming another address


def _hsts(url: str, proto: str | None) -> str | None:
    headers = {"X-Forwarded-Proto": proto} if proto else {}
    return httpx.get(url + "/healthz", headers=headers, timeout=10).headers.get(
        "strict-transport-security"
    )


def test_hsts_when_a_trusted_proxy_says_the_client_came_over_tls(tmp_path: Path) -> None:
    """TLS ends at the proxy: its X-Forwarded-Proto is believed only when it is trusted."""
    trusted = LiveServer(f"sqlite:///{tmp_path}/t.db", tmp_path, JIKIMI_TRUSTED_PROXIES="127.0.0.1")
    trusted.start()
    try:
        assert _hsts(trusted.url, "https") == "max-age=31536000"
        assert _hsts(trusted.url, "http") is None
        assert _hsts(trusted.url, None) is None
    finally:
        trusted.stop()
    anyone = LiveServer(f"sqlite:///{tmp_path}/a.db", tmp_path)
    anyone.start()
    try:
        assert _hsts(anyone.url, "https") is None  # a client cannot claim TLS it did not use
    finally:
        anyone.stop()

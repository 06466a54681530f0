"""The reference phone client: durable spool, retries with backoff, and what it refuses to lose.

The server is faked at the I/O boundary (httpx.MockTransport) and the client's `sleep` is a
list that records the delays, so nothing here waits or touches the network. One test runs
the client against the real app in-process, through the TestClient's transport.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.client.device import BATCH, DeviceClient
from jikimi.core.access import Role
from jikimi.core.signing import decode_key, encode_key, signature
from tests.factories import Factory, auth

KST = timezone(timedelta(hours=9))
SERVER = "http://jikimi.test"
TOKEN = "device-token-for-tests"
PERPETRATOR_NUMBER = "010-2222-3333"

# A reply in a FakeServer script: a status code, a transport error to raise before the
# server sees anything, or DROPPED (the server stores the batch, the answer never arrives).
DROPPED = "dropped"
Reply = int | str | type[httpx.TransportError]


class FakeServer:
    """A scripted POST /api/v1/device/contacts that remembers every batch it was sent.

    Replies come from `script` in turn; after that, `judge(events)` decides (202 by
    default). Accepted events are stored by id, the way the server deduplicates.
    """

    def __init__(
        self, *script: Reply, judge: Callable[[list[dict[str, Any]]], int] | None = None
    ) -> None:
        self.script = list(script)
        self.judge = judge or (lambda _events: 202)
        self.batches: list[list[dict[str, Any]]] = []
        self.stored: dict[str, dict[str, Any]] = {}
        self.headers: list[httpx.Headers] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request."""
        self.headers.append(request.headers)
        if request.method == "GET" and request.url.path == "/api/v1/device/status":
            return httpx.Response(200, json={"monitoring": "live", "open_alerts": 0})
        assert (request.method, request.url.path) == ("POST", "/api/v1/device/contacts")
        events: list[dict[str, Any]] = json.loads(request.content)["events"]
        self.batches.append(events)
        reply = self.script.pop(0) if self.script else self.judge(events)
        if isinstance(reply, type):
            raise reply("the network is down", request=request)
        if reply in (202, DROPPED):
            new = [e for e in events if e["id"] not in self.stored]
            self.stored.update({e["id"]: e for e in new})
            if reply == DROPPED:
                raise httpx.ReadError("connection reset after the commit", request=request)
            return httpx.Response(
                202, json={"accepted": len(new), "duplicates": len(events) - len(new)}
            )
        return httpx.Response(int(reply), json={"status": reply, "title": "refused"})

    def sent_ids(self) -> list[list[str]]:
        """The event ids of each batch, in the order they were sent."""
        return [[e["id"] for e in batch] for batch in self.batches]


class Phone:
    """A DeviceClient on a spool directory, with the sleeps it asked for."""

    def __init__(
        self,
        spool: Path,
        transport: httpx.BaseTransport,
        server: str = SERVER,
        token: str = TOKEN,
        signing_key: str | None = None,
    ) -> None:
        self.sleeps: list[float] = []
        self.client = DeviceClient(
            server,
            token,
            spool,
            transport=transport,
            sleep=self.sleeps.append,
            signing_key=signing_key,
        )

    def files(self, folder: str) -> list[Path]:
        """Spool files in `pending` or `rejected`."""
        return sorted((self.client.spool / folder).iterdir())


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """The phone's data directory."""
    return tmp_path / "phone"


@pytest.fixture
def phone(spool: Path) -> Iterator[Callable[[FakeServer], Phone]]:
    """Builds phones on one spool (a second phone on it is the app after a restart)."""
    made: list[Phone] = []

    def make(server: FakeServer) -> Phone:
        p = Phone(spool, httpx.MockTransport(server.handle))
        made.append(p)
        return p

    yield make
    for p in made:
        p.client.close()


def record_calls(p: Phone, n: int) -> list[str]:
    """Spool `n` calls from the perpetrator, a second apart; return their ids in order."""
    start = datetime(2026, 3, 1, 21, 0, tzinfo=KST)
    return [
        p.client.record("call", PERPETRATOR_NUMBER, start + timedelta(seconds=i)) for i in range(n)
    ]


# --- the spool ----------------------------------------------------------------------------


def test_record_puts_the_event_on_disk_before_any_send(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer()
    p = phone(server)
    at = datetime(2026, 3, 1, 21, 4, 5, tzinfo=KST)

    event_id = p.client.record("sms", PERPETRATOR_NUMBER, at, "나와")

    assert server.batches == []
    [spooled] = p.files("pending")
    assert spooled.suffix == ".json"  # renamed into place: no .tmp left behind
    assert json.loads(spooled.read_text("utf-8")) == {
        "id": event_id,
        "kind": "sms",
        "number": PERPETRATOR_NUMBER,
        "occurred_at": "2026-03-01T21:04:05+09:00",
        "text": "나와",
    }


def test_a_hidden_caller_is_spooled_as_null_and_time_keeps_an_offset(
    phone: Callable[[FakeServer], Phone],
) -> None:
    p = phone(FakeServer())

    p.client.record("missed_call", None)

    [spooled] = p.files("pending")
    event = json.loads(spooled.read_text("utf-8"))
    assert event["number"] is None
    assert datetime.fromisoformat(event["occurred_at"]).utcoffset() is not None


def test_spooled_events_survive_a_crash_of_the_app(
    phone: Callable[[FakeServer], Phone],
) -> None:
    before = phone(FakeServer())
    ids = record_calls(before, 3)
    # The app is killed here: nothing was sent, the client object is gone.
    server = FakeServer()
    after = phone(server)

    result = after.client.flush()

    assert (result.sent, result.pending) == (3, 0)
    assert server.sent_ids() == [ids]


# --- what a failure keeps -----------------------------------------------------------------


def test_nothing_is_deleted_while_the_server_answers_503(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer(judge=lambda _events: 503)
    p = phone(server)
    ids = record_calls(p, 3)

    result = p.client.flush(max_attempts=4)

    assert (result.sent, result.rejected, result.pending, result.attempts) == (0, 0, 3, 4)
    assert len(p.files("pending")) == 3
    assert p.files("rejected") == []
    assert server.sent_ids() == [ids] * 4
    assert len(p.sleeps) == 3  # no sleep after the last attempt


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError]
)
def test_nothing_is_deleted_on_a_network_error(
    phone: Callable[[FakeServer], Phone], error: type[httpx.TransportError]
) -> None:
    server = FakeServer(judge=lambda _events: 0)
    server.script = [error] * 5
    p = phone(server)
    record_calls(p, 2)

    result = p.client.flush(max_attempts=5)

    assert (result.sent, result.pending) == (0, 2)
    assert len(p.files("pending")) == 2
    assert p.files("rejected") == []


@pytest.mark.parametrize("status", [408, 425, 429, 500, 502, 503, 504])
def test_retryable_answers_are_retried_until_accepted(
    phone: Callable[[FakeServer], Phone], status: int
) -> None:
    server = FakeServer(status, status)
    p = phone(server)
    ids = record_calls(p, 2)

    result = p.client.flush()

    assert (result.sent, result.rejected, result.pending, result.attempts) == (2, 0, 0, 3)
    assert server.sent_ids() == [ids] * 3
    assert len(p.sleeps) == 2
    assert p.files("pending") == []


def test_backoff_delays_grow_exponentially_with_jitter(
    phone: Callable[[FakeServer], Phone],
) -> None:
    p = phone(FakeServer(judge=lambda _events: 503))
    record_calls(p, 1)

    p.client.flush(max_attempts=8, base_delay=0.5)

    assert len(p.sleeps) == 7
    for k, delay in enumerate(p.sleeps, start=1):
        nominal = 0.5 * 2 ** (k - 1)
        assert 0.5 * nominal <= delay < 1.5 * nominal  # jitter: ±50 %
    # Jitter cannot hide the growth: two steps on, the delay is always longer.
    assert all(later > earlier for earlier, later in zip(p.sleeps, p.sleeps[2:], strict=False))


def test_backoff_is_capped(phone: Callable[[FakeServer], Phone]) -> None:
    p = phone(FakeServer(judge=lambda _events: 503))
    record_calls(p, 1)

    p.client.flush(max_attempts=12, base_delay=1.0)

    # 60 s nominal cap, then ±50 % jitter: never more than 90 s between attempts.
    assert max(p.sleeps) < 90
    assert all(d >= 30 for d in p.sleeps[7:])


def test_a_success_resets_the_backoff(phone: Callable[[FakeServer], Phone]) -> None:
    server = FakeServer(503, 202, 503, 202, 202)
    p = phone(server)
    record_calls(p, 250)

    result = p.client.flush(base_delay=0.5)

    assert (result.sent, result.pending, result.attempts) == (250, 0, 5)
    # Both waits are first-failure waits (0.5 s ± 50 %), not a growing streak.
    assert len(p.sleeps) == 2
    assert all(0.25 <= d < 0.75 for d in p.sleeps)


# --- what a success and a refusal do ------------------------------------------------------


def test_a_202_deletes_exactly_the_events_it_acknowledged(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer()
    p = phone(server)
    ids = record_calls(p, 3)

    result = p.client.flush()

    assert (result.sent, result.rejected, result.pending, result.attempts) == (3, 0, 0, 1)
    assert server.sent_ids() == [ids]
    assert set(server.stored) == set(ids)
    assert p.files("pending") == []
    assert p.sleeps == []


def test_a_422_moves_the_batch_to_rejected_and_does_not_block_later_events(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer(judge=lambda evs: 422 if any(e["kind"] == "fax" for e in evs) else 202)
    p = phone(server)
    bad = p.client.record("fax", PERPETRATOR_NUMBER)

    first = p.client.flush()

    assert (first.sent, first.rejected, first.pending) == (0, 1, 0)
    [kept] = p.files("rejected")
    assert json.loads(kept.read_text("utf-8"))["id"] == bad  # kept for inspection
    assert p.sleeps == []  # a refusal is not retried

    good = p.client.record("call", PERPETRATOR_NUMBER)
    second = p.client.flush()

    assert (second.sent, second.rejected, second.pending) == (1, 0, 0)
    assert server.sent_ids() == [[bad], [good]]
    assert len(p.files("rejected")) == 1


def test_duplicates_resent_after_a_lost_answer_are_the_same_ids(
    phone: Callable[[FakeServer], Phone],
) -> None:
    # The server stored the batch, but the 202 was lost on the way back.
    server = FakeServer(DROPPED)
    p = phone(server)
    ids = record_calls(p, 3)

    result = p.client.flush()

    assert (result.sent, result.pending, result.attempts) == (3, 0, 2)
    first, again = server.sent_ids()
    assert first == again == ids  # the same ids, so the server knows them as duplicates
    assert len(server.stored) == 3
    assert [e["occurred_at"] for e in server.batches[0]] == [
        e["occurred_at"] for e in server.batches[1]
    ]


def test_batches_hold_at_most_100_events_oldest_first(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer()
    p = phone(server)
    ids = record_calls(p, 250)

    result = p.client.flush()

    assert BATCH == 100
    assert [len(b) for b in server.sent_ids()] == [100, 100, 50]
    assert [i for batch in server.sent_ids() for i in batch] == ids
    assert (result.sent, result.attempts) == (250, 3)


def test_status_asks_the_server_with_the_device_token(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer()
    p = phone(server)

    assert p.client.status()["monitoring"] == "live"
    assert server.headers[-1]["authorization"] == f"Bearer {TOKEN}"


# --- hard cases: odd statuses, torn files, concurrent flushes --------------------------


@pytest.mark.parametrize("status", [507, 520])
def test_every_5xx_is_retryable(phone: Callable[[FakeServer], Phone], status: int) -> None:
    p = phone(FakeServer(status))
    record_calls(p, 1)

    result = p.client.flush()

    assert (result.sent, result.rejected) == (1, 0)


@pytest.mark.parametrize("status", [401, 403])
def test_an_auth_failure_keeps_the_events_pending(
    phone: Callable[[FakeServer], Phone], status: int
) -> None:
    p = phone(FakeServer(judge=lambda _events: status))
    record_calls(p, 3)

    result = p.client.flush(max_attempts=2)

    assert (result.rejected, result.pending) == (0, 3)


@pytest.mark.parametrize("status", [200, 302])
def test_a_captive_portal_answer_is_not_a_refusal(
    phone: Callable[[FakeServer], Phone], status: int
) -> None:
    # Hotel Wi-Fi answers every request itself with its login page or a redirect to it.
    p = phone(FakeServer(status))
    record_calls(p, 3)

    result = p.client.flush()

    assert (result.sent, result.rejected) == (3, 0)


def test_one_invalid_event_does_not_take_its_batch_neighbours_with_it(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer(judge=lambda evs: 422 if any(e["kind"] == "fax" for e in evs) else 202)
    p = phone(server)
    good = p.client.record("call", PERPETRATOR_NUMBER)
    p.client.record("fax", PERPETRATOR_NUMBER)
    also_good = p.client.record("sms", PERPETRATOR_NUMBER)

    result = p.client.flush()

    assert set(server.stored) == {good, also_good}
    assert (result.sent, result.rejected) == (2, 1)


def test_a_batch_over_the_body_limit_is_split_not_rejected(
    phone: Callable[[FakeServer], Phone],
) -> None:
    limit = 1_048_576  # the server's default JIKIMI_MAX_BODY_BYTES

    def judge(events: list[dict[str, Any]]) -> int:
        size = len(json.dumps({"events": events}, ensure_ascii=False).encode())
        return 413 if size > limit else 202

    server = FakeServer(judge=judge)
    p = phone(server)
    for _ in range(100):
        p.client.record(
            "mms", PERPETRATOR_NUMBER, text="가" * 5000
        )  # long but valid (≤ 5000 characters)

    result = p.client.flush()

    assert (result.sent, result.rejected) == (100, 0)


def test_a_corrupt_spool_file_does_not_block_the_rest(
    phone: Callable[[FakeServer], Phone],
) -> None:
    server = FakeServer()
    p = phone(server)
    (p.client.spool / "pending" / "00000000000000000000-torn.json").write_bytes(b'{"id": "x", ')
    ids = record_calls(p, 2)

    p.client.flush()

    assert set(server.stored) == set(ids)


def test_record_refuses_a_time_without_offset(phone: Callable[[FakeServer], Phone]) -> None:
    p = phone(FakeServer())

    with pytest.raises(ValueError, match="offset"):
        p.client.record("call", PERPETRATOR_NUMBER, datetime(2026, 3, 1, 21, 0))  # naive on purpose


def test_two_flushes_at_once_do_not_crash(spool: Path) -> None:
    other = Phone(spool, httpx.MockTransport(FakeServer().handle))
    inner = FakeServer()

    def handle(request: httpx.Request) -> httpx.Response:
        # While this request is in flight, another flush (a second `jikimi device flush`,
        # a background job) sends and deletes the same files.
        if len(inner.batches) == 0:
            other.client.flush()
        return inner.handle(request)

    p = Phone(spool, httpx.MockTransport(handle))
    try:
        record_calls(p, 2)
        result = p.client.flush()
        assert result.pending == 0
    finally:
        p.client.close()
        other.client.close()


@pytest.mark.parametrize("status", [401, 403])
def test_an_auth_failure_stops_the_flush_at_once(
    phone: Callable[[FakeServer], Phone], status: int
) -> None:
    server = FakeServer(judge=lambda _events: status)
    p = phone(server)
    record_calls(p, 150)

    result = p.client.flush()

    # No backoff and no second batch: retrying cannot fix a token; re-enrolling does.
    assert (result.auth_failed, result.attempts, result.sent) == (True, 1, 0)
    assert p.sleeps == []
    assert len(p.files("pending")) == 150


# --- request signing ----------------------------------------------------------------------

KEY = encode_key(bytes(range(32)))


def signed_by(request: httpx.Request, key: str) -> bool:
    """True when the request carries a valid signature made with `key`."""
    h = request.headers
    expected = signature(
        decode_key(key),
        int(h["x-jikimi-timestamp"]),
        h["x-jikimi-nonce"],
        request.method,
        request.url.raw_path.decode("ascii"),
        request.content,
    )
    return h["x-jikimi-signature"] == expected


def test_every_attempt_is_signed_anew(spool: Path) -> None:
    requests: list[httpx.Request] = []
    server = FakeServer(503)

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return server.handle(request)

    p = Phone(spool, httpx.MockTransport(handle), signing_key=KEY)
    try:
        ids = record_calls(p, 2)

        result = p.client.flush()
    finally:
        p.client.close()

    assert (result.sent, result.attempts) == (2, 2)
    assert all(signed_by(r, KEY) for r in requests)
    # The same events, but a fresh nonce and signature: the server refuses a replayed one.
    assert server.sent_ids() == [ids, ids]
    first, again = (r.headers for r in requests)
    assert first["x-jikimi-nonce"] != again["x-jikimi-nonce"]
    assert first["x-jikimi-signature"] != again["x-jikimi-signature"]


def test_status_is_signed_over_an_empty_body(spool: Path) -> None:
    requests: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return FakeServer().handle(request)

    p = Phone(spool, httpx.MockTransport(handle), signing_key=KEY)
    try:
        p.client.status()
    finally:
        p.client.close()

    [request] = requests
    assert request.content == b""
    assert signed_by(request, KEY)
    assert not signed_by(request, encode_key(bytes(32)))


# --- against the real app -----------------------------------------------------------------


class AppWithLostAnswer(httpx.BaseTransport):
    """Carries the phone's requests to the app in-process; the first POST's answer is lost.

    Starlette's TestClient speaks httpx2, not the httpx the client uses, so requests are
    handed over by value rather than by sharing its transport.
    """

    def __init__(self, app: TestClient) -> None:
        self.app = app
        self.dropped = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Forward; after the server committed the first batch, drop its answer."""
        r = self.app.request(
            request.method,
            request.url.raw_path.decode("ascii"),
            headers=dict(request.headers),
            content=request.read(),
        )
        if request.method == "POST" and not self.dropped:
            self.dropped = True
            raise httpx.ReadError("connection reset", request=request)
        return httpx.Response(r.status_code, headers=r.headers.multi_items(), content=r.content)


def test_a_call_from_the_perpetrator_becomes_one_alert_on_the_real_app(
    client: TestClient, container: Container, factory: Factory, tmp_path: Path
) -> None:
    world = factory.world()
    at = datetime.now(KST).replace(microsecond=0) - timedelta(minutes=1)
    lossy = AppWithLostAnswer(client)
    key = factory.keys[world.device_token]
    p = Phone(tmp_path / "phone", lossy, "http://testserver", world.device_token, key)
    try:
        p.client.record("call", world.perpetrator_number, at)

        result = p.client.flush()
        container.worker.run_once()

        # Sent twice (the first 202 was lost; the retry is signed anew, so it is not taken
        # for a replay), stored once, judged once.
        assert (result.sent, result.pending, result.attempts) == (1, 0, 2)
        dispatcher = factory.token(Role.DISPATCHER)
        r = client.get("/api/v1/alerts", headers=auth(dispatcher))
        assert r.status_code == 200, r.text
        [alert] = r.json()["items"]
        assert (alert["case_id"], alert["kind"], alert["count"]) == (
            world.case_id,
            "contact_violation",
            1,
        )
        [evidence] = alert["evidence"]
        assert datetime.fromisoformat(evidence["occurred_at"]) == at.astimezone(UTC)
        status = p.client.status()
        assert (status["monitoring"], status["open_alerts"]) == ("live", 1)
    finally:
        p.client.close()

"""A database restart mid-load: 503 while it is away, never a 202 for an event not kept.

The restart is played by a TCP proxy (`dbproxy.DbProxy`) between a live `jikimi serve`
and PostgreSQL, not by restarting PostgreSQL itself: the machine's PostgreSQL is shared
with other tests, and the proxy makes the outage exact. It cuts every open connection
(the server's sockets end, with whatever transaction they carried; PostgreSQL rolls those
back) and drops every new one as it arrives until it is told the database is back — what
the server sees when PostgreSQL restarts.

The cut falls at the worst instant for a promise of durability: as the server commits a
phone's event. Either the COMMIT never reaches PostgreSQL (`lost`: the event is not kept)
or PostgreSQL commits and the server never hears so (`kept`). The server cannot tell the
two apart, so both must be a 503 — the phone sends again, and a resend is never stored
twice.

Signed phone and operator-feed load runs throughout. The outage lasts until both sources
have been answered while it lasts and the health check has said so, and at least
`OUTAGE_S` (longer than `JIKIMI_AUTH_CACHE_S`, so token checks meet the missing database
too). Every wait is a bounded poll on a condition; nothing asserts on time.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from jikimi import schema as t
from jikimi.audit import trail as audit
from jikimi.core.access import Role
from tests.e2e.conftest import LiveServer
from tests.e2e.dbproxy import DbProxy
from tests.e2e.helpers import (
    SseReader,
    list_alerts,
    post_feed,
    post_signed,
    seed_case,
    wait_for,
)

pytestmark = pytest.mark.slow

OUTAGE_S = 3.0
ANSWER_TIMEOUT_S = 10.0  # a request still unanswered after this counts as a hang
SOURCES = ("phone", "feed")
KINDS = {"contact_violation", "hidden_number_contact"}

Refused = dict[tuple[str, int], list[dict[str, Any]]]  # (source, case) -> events


@dataclass(frozen=True)
class Answer:
    """One event sent, and how the server answered it."""

    source: str  # phone | feed
    case: int
    event: dict[str, Any]
    sent_at: float
    answered_at: float
    status: int  # 0: no answer within ANSWER_TIMEOUT_S, or the connection failed
    content_type: str = ""
    retry_after: str | None = None
    body: dict[str, Any] | None = None

    @classmethod
    def of(
        cls, source: str, case: int, event: dict[str, Any], sent_at: float, r: httpx.Response
    ) -> Answer:
        """The answer `r` to a request sent at `sent_at`."""
        return cls(
            source,
            case,
            event,
            sent_at,
            time.monotonic(),
            r.status_code,
            r.headers.get("content-type", ""),
            r.headers.get("retry-after"),
            r.json() if r.content else None,
        )

    def is_problem_to_retry(self) -> bool:
        """A problem+json body that says 503, and a Retry-After in seconds."""
        problem = self.content_type.startswith("application/problem+json")
        body = self.body or {}
        return problem and (self.retry_after or "").isdigit() and body.get("status") == 503


class Load:
    """Phones (the perpetrator's number) and the operator feed (hidden callers), one event
    per request, paced, in two threads until stopped; every answer is kept."""

    def __init__(self, url: str, cases: list[dict[str, str]], feed: tuple[str, str]) -> None:
        self.url, self.cases, self.feed = url, cases, feed
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._run, args=(source,), daemon=True) for source in SOURCES
        ]

    def start(self) -> None:
        """Start both senders."""
        for th in self._threads:
            th.start()

    def stop(self) -> None:
        """Stop and wait for the last answers."""
        self._stop.set()
        for th in self._threads:
            th.join(ANSWER_TIMEOUT_S + 5)

    def count(self, source: str, *statuses: int, sent_after: float = 0.0) -> int:
        """Answers of `statuses` (any, when none given) to `source`, sent after `sent_after`."""
        return sum(
            1
            for a in list(self.answers)
            if a.source == source
            and (not statuses or a.status in statuses)
            and a.sent_at > sent_after
        )

    def _run(self, source: str) -> None:
        with httpx.Client(base_url=self.url, timeout=ANSWER_TIMEOUT_S) as c:
            i = 0
            while not self._stop.is_set():
                n = i % len(self.cases)
                ev = event(self.cases[n], source)
                sent = time.monotonic()
                try:
                    if source == "phone":
                        r = post_signed(c, self.cases[n], ev)
                    else:
                        r = post_feed(c, self.feed, ev)
                    self.answers.append(Answer.of(source, n, ev, sent, r))
                except httpx.HTTPError:
                    self.answers.append(Answer(source, n, ev, sent, time.monotonic(), 0))
                i += 1
                self._stop.wait(0.02)  # pacing, so the outage's refusals stay few to resend


def event(case: dict[str, str], source: str) -> dict[str, Any]:
    """From the phone: a text from the perpetrator's number. From the operator: a hidden caller."""
    ev = {"id": str(uuid.uuid4()), "kind": "sms", "occurred_at": datetime.now(UTC).isoformat()}
    if source == "phone":
        return {**ev, "number": case["perp"]}
    return {**ev, "number": None, "victim_number": case["victim"]}


def readyz(url: str) -> httpx.Response:
    """The health check that says whether the process reaches its database."""
    return httpx.get(f"{url}/readyz", timeout=ANSWER_TIMEOUT_S)


def stored(db: Engine) -> dict[str, tuple[str, str | None]]:
    """Every stored event, counted in the database itself: ext id -> (row id, error)."""
    with db.connect() as conn:
        rows = conn.execute(select(t.ContactEvent.ext_id, t.ContactEvent.id, t.ContactEvent.error))
        return {ext_id: (row_id, error) for ext_id, row_id, error in rows}


def resend(
    url: str, cases: list[dict[str, str]], feed: tuple[str, str], refused: Refused
) -> Counter[str]:
    """Phones and the feed send again what was refused (same ids, fresh signatures)."""
    totals: Counter[str] = Counter()
    with httpx.Client(base_url=url, timeout=ANSWER_TIMEOUT_S) as c:
        for (source, n), events in refused.items():
            if source == "phone":
                r = post_signed(c, cases[n], *events)
            else:
                r = post_feed(c, feed, *events)
            assert r.status_code == 202, r.text
            totals.update(r.json())
    return totals


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("commit", ["lost", "kept"])
def test_database_restart_mid_load_answers_503_keeps_every_202_and_recovers_alone(
    tmp_path: Path, database_url: str, commit: str
) -> None:
    """503 problem+json with Retry-After while the database is away, also for the event
    whose commit was cut; every 202 kept; the same process serves and alerts again once it
    is back; resent refusals are stored once and make no duplicate alert."""
    direct = make_url(database_url)
    proxy = DbProxy(direct.host or "127.0.0.1", direct.port or 5432)
    via_proxy = direct.set(host="127.0.0.1", port=proxy.port)
    # The load is the test's, not an abuse: rate limits would only blur what is answered.
    server = LiveServer(
        via_proxy.render_as_string(hide_password=False),
        tmp_path,
        JIKIMI_RATE_LIMIT_PER_S="10000",
        JIKIMI_RATE_LIMIT_BURST="10000",
    )
    db = create_engine(database_url)
    server.start()
    try:
        officer, dispatcher = server.token(Role.OFFICER), server.token(Role.DISPATCHER)
        cases = [seed_case(server.url, officer) for _ in range(4)]
        load = Load(server.url, cases, server.feed())
        load.start()
        wait_for(lambda: min(load.count(s, 202) for s in SOURCES) >= 10)
        console = SseReader(server.url, dispatcher)

        # The restart strikes as the server commits this event.
        marked = event(cases[0], "phone")
        sprung = proxy.cut_at_commit(marked["id"].encode(), committed=commit == "kept")
        with httpx.Client(base_url=server.url, timeout=ANSWER_TIMEOUT_S) as c:
            sent = time.monotonic()
            first = Answer.of("phone", 0, marked, sent, post_signed(c, cases[0], marked))
        assert sprung.wait(ANSWER_TIMEOUT_S), f"the cut missed the event's commit: {first}"
        down_at = time.monotonic()  # from here on the database is away
        health_down: list[httpx.Response] = []

        def outage_seen() -> bool:
            if not health_down:
                r = readyz(server.url)
                if r.status_code == 503:
                    health_down.append(r)
            answered = min(load.count(s, sent_after=down_at) for s in SOURCES)
            return bool(health_down) and answered >= 5 and time.monotonic() - down_at >= OUTAGE_S

        wait_for(outage_seen, timeout=30)
        # The live stream ends cleanly (the console reconnects), not cut mid-response.
        assert console.ended.wait(30), "the live stream did not end while the database was away"
        up_at = time.monotonic()
        proxy.resume()

        wait_for(lambda: readyz(server.url).status_code == 200, timeout=30)
        back_at = time.monotonic()
        wait_for(lambda: min(load.count(s, 202, sent_after=back_at) for s in SOURCES) >= 5)
        load.stop()
        answers = [first, *load.answers]
        proc = server.proc
        assert proc is not None
        assert proc.poll() is None, "the server died: recovery must be by itself, no restart"

        # 503 problem+json with Retry-After while the database was away; never 500, never
        # a hang, never a 202.
        unexpected = [a for a in answers if a.status not in (202, 503)]
        assert not unexpected, (
            "answers other than 202 and 503 (0: none in time): "
            f"{Counter(a.status for a in unexpected)}, the first {unexpected[0]}"
        )
        assert first.status == 503, "a 202 for the event whose commit was cut"
        during = [a for a in answers if a.sent_at > down_at and a.answered_at < up_at]
        assert len(during) >= 10
        assert {a.status for a in during} == {503}, "a 202 while the database was away"
        bad = [a for a in answers if a.status == 503 and not a.is_problem_to_retry()]
        assert not bad, f"a 503 that is not problem+json with Retry-After: {bad[0]}"
        assert health_down[0].headers["content-type"].startswith("application/problem+json")

        # Every 202 is in the database; the cut commit is there only if PostgreSQL made it.
        before = stored(db)
        acknowledged = {a.event["id"] for a in answers if a.status == 202}
        assert not acknowledged - before.keys(), "a 202 for an event the database did not keep"
        assert (marked["id"] in before) == (commit == "kept")

        refused: Refused = defaultdict(list)
        for a in answers:
            if a.status == 503:
                refused[(a.source, a.case)].append(a.event)
        resent = {ev["id"] for events in refused.values() for ev in events}
        totals = resend(server.url, cases, load.feed, refused)
        assert totals == Counter(
            accepted=len(resent - before.keys()), duplicates=len(resent & before.keys())
        )

        def all_judged() -> bool:
            with db.connect() as conn:
                q = select(func.count()).where(t.ContactEvent.processed_at.is_(None))
                return conn.scalar(q.select_from(t.ContactEvent)) == 0

        wait_for(all_judged, timeout=30)

        # Every event kept is judged (none set aside) and is evidence exactly once,
        # including those answered 202 after the database came back.
        after = stored(db)
        assert set(after) == acknowledged | resent
        assert [e for _, e in after.values() if e is not None] == [], "an event set aside"
        with db.connect() as conn:
            evidence = Counter(conn.scalars(select(t.AlertEvidence.event_id)))
        assert set(evidence) == {row_id for row_id, _ in after.values()}, "an event not alerted"
        assert max(evidence.values()) == 1, "an event became evidence twice"

        # One alert per case and kind, counting every event of its case and kind.
        alerts = list_alerts(server.url, dispatcher)
        per_case = Counter((a["case_id"], a["kind"]) for a in alerts)
        assert per_case == Counter({(c["case_id"], k): 1 for c in cases for k in KINDS})
        assert sum(a["count"] for a in alerts) == len(after)

        log = server.log_text()
        for cut in ("Exception in ASGI application", "response already started"):
            assert cut not in log, log[-3000:]

        # Transactions cut mid-way left no half-written access record: the chain is whole.
        with Session(db) as s:
            verdict = audit.verify(s)
        assert verdict.ok, verdict
    finally:
        server.stop()
        proxy.close()
        db.dispose()

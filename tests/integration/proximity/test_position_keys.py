"""Positions' keys (migration 0007): a repeat is found by a key ordered time first, so a
feed request's keys land together; the victim's phone's fixes keep an index by device, which
the judge reads for every batch of anklet pings; a database from before gets the marks
right."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import Engine, create_engine, event, select

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.core.db import alembic_config
from jikimi.core.tx import reading
from jikimi.proximity import positions
from tests.factories import Factory, GeoWorld, geo_world, ping

FEED = "/api/v1/feed/locations"


def _fixes(factory: Factory, g: GeoWorld, at: datetime) -> None:
    """One fix of the victim's phone and one ping of the perpetrator's anklet."""
    fix = {"lat": 37.55, "lon": 126.92, "accuracy_m": 8, "recorded_at": at.isoformat()}
    factory.post_signed("/api/v1/device/locations", g.world.device_token, {"pings": [fix]})
    out = factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, at)]})
    assert out["accepted"] == 1


@contextmanager
def explained(engine: Engine) -> Iterator[list[str]]:
    """The plan of each SELECT this thread runs in the block, as the database explains it
    (the server's own threads share the engine: their reads, of alert changes say, are
    left out)."""
    plans: list[str] = []
    pg = engine.dialect.name == "postgresql"
    mine = threading.get_ident()

    def explain(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if threading.get_ident() != mine:
            return
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        cur = conn.connection.dbapi_connection.cursor()
        try:
            if pg:  # a table this small would be read whole: ask which index it would use
                cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute(("EXPLAIN " if pg else "EXPLAIN QUERY PLAN ") + statement, params)
            plans.append(" ".join(str(row[0] if pg else row[-1]) for row in cur.fetchall()))
        finally:
            cur.close()

    event.listen(engine, "before_cursor_execute", explain)
    try:
        yield plans
    finally:
        event.remove(engine, "before_cursor_execute", explain)


def _phone(container: Container, g: GeoWorld) -> str:
    with reading(container.read_sessions) as s:
        q = select(t.Device.id).where(
            t.Device.case_id == g.world.case_id, t.Device.kind == "victim_phone"
        )
        phone = s.scalar(q)
    assert phone is not None
    return phone


def test_phone_fixes_are_read_by_device_and_anklet_fixes_by_time(
    factory: Factory, container: Container
) -> None:
    g = geo_world(factory)
    at = datetime.now(UTC) - timedelta(minutes=2)
    _fixes(factory, g, at)
    phone = _phone(container, g)
    start = at - timedelta(minutes=5)
    with reading(container.read_sessions) as s, explained(container.read_engine) as plans:
        phone_fixes = positions.between(s, [phone], start, at, phones=True)
        anklet_fixes = positions.between(s, [g.anklet_id], start, at, phones=False)
    assert [(f.lat, f.recorded_at) for f in phone_fixes] == [(37.55, at)]
    assert [(f.lat, f.recorded_at) for f in anklet_fixes] == [(37.5, at)]
    assert "ix_positions_phone_time" in plans[0], plans[0]
    assert "ix_positions_phone_time" not in plans[1], plans[1]


def test_a_database_from_before_marks_phone_fixes_and_still_refuses_repeats(
    factory: Factory, container: Container
) -> None:
    """Back to the schema before 0007 and up again: the victim's fix is marked as a phone's
    from its device, the anklet's is not, and the anklet's ping sent again is still a
    repeat."""
    g = geo_world(factory)
    at = datetime.now(UTC) - timedelta(minutes=2)
    _fixes(factory, g, at)
    phone = _phone(container, g)
    for engine in (container.engine, container.read_engine):
        engine.dispose()  # no pooled connection holds the table while it is rebuilt
    url = container.engine.url.render_as_string(hide_password=False)
    engine = create_engine(url)
    try:
        for step, revision in ((command.downgrade, "0006"), (command.upgrade, "head")):
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                step(cfg, revision)
    finally:
        engine.dispose()
    with reading(container.read_sessions) as s:
        rows = s.execute(select(t.Position.device_id, t.Position.phone)).all()
    marks = {device: phone for device, phone in rows}
    assert marks == {phone: True, g.anklet_id: False}
    out = factory.post_signed(FEED, g.feed, {"pings": [ping(g.serial, 37.5, 126.9, at)]})
    assert out == {"accepted": 0, "duplicates": 1, "unknown": 0}

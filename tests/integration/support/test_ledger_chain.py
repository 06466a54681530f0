"""The ledger's hash chain: `jikimi support verify` says it is intact, and names the first
entry changed straight in the database, an entry deleted from the middle and one deleted
from the end; payments racing on one application never pass its approval together."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from jikimi import schema as t
from jikimi.bootstrap import Container
from jikimi.cli.main import app as cli
from jikimi.cli.rotation import reseal_all, stale_counts
from jikimi.core import sealing as crypto
from jikimi.core.access import Role
from jikimi.core.tx import reading, transaction
from jikimi.support import chain
from tests.factories import Factory, auth
from tests.integration.support.helpers import approved, pay


def paid_ledger(client: TestClient, factory: Factory, payments: int) -> list[dict[str, Any]]:
    """An approved application paid in `payments` entries of 10,000 won; the entries."""
    w = factory.world()
    a = approved(client, w.officer, factory.token(Role.SUPERVISOR), w.case_id, 1_000_000)
    out = []
    for i in range(payments):
        r = pay(client, w.officer, a["id"], 10_000, reference=f"이체 {i}")
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def verify(database_url: str) -> Any:
    """Run `jikimi support verify` on the database."""
    return CliRunner().invoke(cli, ["support", "verify"], env={"JIKIMI_DATABASE_URL": database_url})


def test_an_intact_ledger_verifies(client: TestClient, factory: Factory, database_url: str) -> None:
    entries = paid_ledger(client, factory, 3)
    assert [e["n"] for e in entries] == [1, 2, 3]
    assert entries[0]["prev_hash"] == chain.GENESIS
    result = verify(database_url)
    assert result.exit_code == 0, result.output
    assert "support ledger intact: 3 entries" in result.output


def test_a_changed_entry_is_named(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    entries = paid_ledger(client, factory, 4)
    with transaction(container.sessions) as s:
        s.execute(update(t.LedgerEntry).where(t.LedgerEntry.n == 2).values(amount_krw=1_000))
    result = verify(database_url)
    assert result.exit_code == 1
    assert f"BROKEN at entry 2 (id {entries[1]['id']}): content does not match its hash" in (
        result.output
    )
    with reading(container.read_sessions) as s:
        verdict = chain.verify(s)
    assert (verdict.ok, verdict.first_bad, verdict.checked) == (False, 2, 1)


def test_a_changed_hash_breaks_the_link_to_the_next_entry(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Rewriting an entry with a hash that matches its new content still leaves the next
    entry pointing at the old hash."""
    paid_ledger(client, factory, 3)
    with transaction(container.sessions) as s:
        e = s.scalars(select(t.LedgerEntry).where(t.LedgerEntry.n == 2)).one()
        e.amount_krw = 1_000
        e.hash = chain.entry_hash(chain.values_of(e))
    with reading(container.read_sessions) as s:
        verdict = chain.verify(s)
    assert (verdict.ok, verdict.first_bad, verdict.reason) == (
        False,
        3,
        "does not follow the entry before it",
    )


def test_a_deleted_entry_is_named(
    client: TestClient, factory: Factory, container: Container, database_url: str
) -> None:
    entries = paid_ledger(client, factory, 4)
    with transaction(container.sessions) as s:
        s.execute(delete(t.LedgerEntry).where(t.LedgerEntry.n == 3))
    result = verify(database_url)
    assert result.exit_code == 1
    assert "BROKEN at entry 3: entry 3 is missing" in result.output
    # Take the end off too: what is left chains, but the access trail saw entry 3 written.
    with transaction(container.sessions) as s:
        s.execute(delete(t.LedgerEntry).where(t.LedgerEntry.n == 4))
    result = verify(database_url)
    assert result.exit_code == 1
    assert f"(id {entries[2]['id']}): recorded in the access trail, not in the ledger" in (
        result.output
    )


def test_a_key_rotation_reseals_the_ledger_without_breaking_its_chain(
    client: TestClient, factory: Factory, container: Container, tmp_path: Path
) -> None:
    """The hash covers the reference and reason in the clear: sealing them again under a
    new key changes the stored bytes, not the chain."""
    ring = crypto.ring()
    saved = (dict(ring.keys), ring.active, ring.path)
    ring.path = tmp_path / "keys.json"
    try:
        entries = paid_ledger(client, factory, 2)
        with reading(container.read_sessions) as s:
            before = s.scalars(select(t.LedgerEntry.reference_sealed)).all()
        ring.rotate()
        assert reseal_all(container.sessions) > 0
        with reading(container.read_sessions) as s:
            assert stale_counts(s) == {}
            assert set(s.scalars(select(t.LedgerEntry.reference_sealed))).isdisjoint(before)
            verdict = chain.verify(s)
            assert [
                e.reference for e in s.scalars(select(t.LedgerEntry).order_by(t.LedgerEntry.n))
            ] == [
                "이체 0",
                "이체 1",
            ]
        assert (verdict.ok, verdict.checked) == (True, len(entries))
    finally:
        ring.keys, ring.active, ring.path = saved


def test_payments_racing_on_one_application_never_pass_its_approval(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Eight payments of 100,000 won sent at once on 500,000 approved: five are paid, three
    refused, and the chain stays one chain."""
    w = factory.world()
    a = approved(client, w.officer, factory.token(Role.SUPERVISOR), w.case_id, 500_000)
    start = threading.Barrier(8)

    def one(i: int) -> int:
        start.wait()
        return int(pay(client, w.officer, a["id"], 100_000, reference=f"동시 {i}").status_code)

    with ThreadPoolExecutor(8) as pool:
        statuses = sorted(pool.map(one, range(8)))
    assert statuses == [201] * 5 + [422] * 3
    r = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=auth(w.officer))
    assert r.json()["items"][0]["paid_krw"] == 500_000
    with reading(container.read_sessions) as s:
        verdict = chain.verify(s)
    assert (verdict.ok, verdict.checked) == (True, 5)

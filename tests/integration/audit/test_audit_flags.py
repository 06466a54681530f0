"""The supervisors' flag list: found through an index whatever the trail's volume, paged,
and reviewed (who, when, a note), the review itself on the trail."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select

from jikimi import schema as t
from jikimi.audit import trail as audit
from jikimi.bootstrap import Container
from jikimi.core.access import Principal, Role
from jikimi.core.db import alembic_config, migrate
from jikimi.core.tx import reading, transaction
from tests.factories import Factory, World, auth

FLAGS = "/api/v1/audit/flags"


def snoop(client: TestClient, factory: Factory, w: World) -> None:
    """An officer of the agency looks up the victim outside their cases: 404, and
    flagged `outside_caseload`."""
    token = factory.token(Role.OFFICER, name="snoop")
    assert client.get(f"/api/v1/people/{w.victim_id}", headers=auth(token)).status_code == 404


def flags(client: TestClient, token: str, **params: Any) -> dict[str, Any]:
    """One page of the flag list as `token` reads it."""
    r = client.get(FLAGS, headers=auth(token), params=params)
    assert r.status_code == 200, r.text
    page: dict[str, Any] = r.json()
    return page


def test_a_flag_is_not_buried_by_thousands_of_later_reads(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """The tester's reproduction: one outside-caseload look-up, then 4,050 ordinary
    reads in the agency; the flag is still on the supervisor's list."""
    w = factory.world()
    snoop(client, factory, w)
    with transaction(container.sessions) as s:
        for i in range(4050):  # each by an officer of its own: none is a bulk look-up
            reader = Principal(
                Role.OFFICER, token_id=f"t{i}", account_id=f"reader{i}", agency="seoul-mapo"
            )
            access = audit.Access("read", "case", w.case_id, (w.victim_id, w.perpetrator_id))
            audit.append(s, reader, access, "10.0.0.9")
        s.commit()
    page = flags(client, factory.token(Role.SUPERVISOR))
    assert [(f["action"], f["resource_id"], f["flags"]) for f in page["items"]] == [
        ("denied", w.victim_id, ["outside_caseload"])
    ]
    assert page["next"] is None
    with reading(container.read_sessions) as s:
        assert audit.verify(s).ok


def test_the_flag_list_is_paged_newest_first(client: TestClient, factory: Factory) -> None:
    """`limit` and `cursor` walk every flag once, newest first; a made-up cursor is a 422."""
    w = factory.world()
    for _ in range(5):
        snoop(client, factory, w)
    supervisor = factory.token(Role.SUPERVISOR)
    seen: list[dict[str, Any]] = []
    pages = 0
    cursor: str | None = None
    while True:
        page = flags(client, supervisor, limit=2, **({"cursor": cursor} if cursor else {}))
        seen.extend(page["items"])
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break
    assert pages == 3
    ids = [f["id"] for f in seen]
    assert len(set(ids)) == 5
    assert [f["n"] for f in seen] == sorted((f["n"] for f in seen), reverse=True)
    assert ids == [f["id"] for f in flags(client, supervisor)["items"]]
    for bad in ({"cursor": "not-a-cursor"}, {"limit": 0}, {"limit": 1001}, {"reviewed": "maybe"}):
        r = client.get(FLAGS, headers=auth(supervisor), params=bad)
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"


def test_a_supervisor_reviews_a_flag_and_the_review_is_on_the_trail(
    client: TestClient, factory: Factory, container: Container
) -> None:
    """Reviewed with a note: who and when are recorded, the filter sees it, the review is
    an access record of its own, and the chain still verifies."""
    w = factory.world()
    snoop(client, factory, w)
    snoop(client, factory, w)
    supervisor = factory.token(Role.SUPERVISOR, name="김감독")
    first, second = flags(client, supervisor)["items"]
    assert (first["reviewed"], first["review"]) == (False, None)
    r = client.post(
        f"{FLAGS}/{second['id']}/review",
        headers=auth(supervisor),
        json={"note": "담당 변경 직후 조회, 소명 확인"},
    )
    assert r.status_code == 200, r.text
    reviewed = r.json()
    assert reviewed["id"] == second["id"]
    assert reviewed["reviewed"] is True
    assert reviewed["review"]["note"] == "담당 변경 직후 조회, 소명 확인"
    assert reviewed["review"]["by_name"] == "김감독"
    assert reviewed["review"]["at"].endswith("Z")
    assert [f["id"] for f in flags(client, supervisor, reviewed="false")["items"]] == [first["id"]]
    assert [f["id"] for f in flags(client, supervisor, reviewed="true")["items"]] == [second["id"]]
    # Without a note, too; the hash of each flagged record is unchanged by its review.
    r = client.post(f"{FLAGS}/{first['id']}/review", headers=auth(supervisor))
    assert r.status_code == 200, r.text
    assert r.json()["review"]["note"] is None
    assert r.json()["hash"] == first["hash"]
    with reading(container.read_sessions) as s:
        reviews = list(s.scalars(select(t.AccessRecord).where(t.AccessRecord.action == "review")))
        assert [(x.resource, x.resource_id) for x in reviews] == [
            ("access_flag", second["id"]),
            ("access_flag", first["id"]),
        ]
        assert audit.verify(s).ok


def test_review_refusals(client: TestClient, factory: Factory) -> None:
    """A second review is a 409; one's own flag is reviewed by someone else (403); another
    agency's flag answers exactly as one that does not exist."""
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    snoop(client, factory, w)
    # The supervisor's own look-up (of someone the agency does not hold): flagged too.
    assert client.get(f"/api/v1/people/{'0' * 32}", headers=auth(supervisor)).status_code == 404
    own, other = flags(client, supervisor)["items"]
    url = f"{FLAGS}/{other['id']}/review"
    assert client.post(url, headers=auth(supervisor)).status_code == 200
    again = client.post(url, headers=auth(supervisor))
    assert again.status_code == 409
    mine = client.post(f"{FLAGS}/{own['id']}/review", headers=auth(supervisor))
    assert mine.status_code == 403
    busan = factory.token(Role.SUPERVISOR, agency="busan-haeundae")
    foreign = client.post(f"{FLAGS}/{own['id']}/review", headers=auth(busan))
    for missing in ("999999999", "not-a-flag", "1" * 40):
        nothing = client.post(f"{FLAGS}/{missing}/review", headers=auth(busan))
        assert (foreign.status_code, foreign.json()) == (nothing.status_code, nothing.json())
    assert foreign.status_code == 404
    too_long = client.post(
        f"{FLAGS}/{own['id']}/review",
        headers=auth(factory.token(Role.SUPERVISOR)),
        json={"note": "x" * 1001},
    )
    assert too_long.status_code == 422
    assert flags(client, supervisor, reviewed="true")["items"][0]["id"] == other["id"]
    # Staff of no agency: a look-up is flagged, and a supervisor of no agency sees none.
    drifter = factory.token(Role.OFFICER, agency=None)
    assert client.get(f"/api/v1/people/{w.victim_id}", headers=auth(drifter)).status_code == 404
    nowhere = factory.token(Role.SUPERVISOR, agency=None)
    assert flags(client, nowhere)["items"] == []
    assert client.post(url, headers=auth(nowhere)).status_code == 404


def test_the_openapi_document_describes_the_flag_routes(client: TestClient) -> None:
    """Client authors find the page, its filters and the review in /openapi.json."""
    spec = client.get("/openapi.json").json()
    listing = spec["paths"][FLAGS]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"limit", "cursor", "reviewed"}
    review = spec["paths"][FLAGS + "/{flag_id}/review"]["post"]
    assert review["x-roles"] == ["supervisor"]
    assert "200" in review["responses"]


def test_flags_already_in_the_trail_are_carried_over_by_the_migration(database_url: str) -> None:
    """A database from before the flags' table: its flagged records are on the list after
    the upgrade, unreviewed, and its other records are not."""
    engine = create_engine(database_url)
    try:
        cfg = alembic_config(database_url)
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0008")
            records = t.table_of(t.AccessRecord)
            base = {"role": "officer", "action": "read", "resource": "person", "subjects": []}
            conn.execute(
                insert(records),
                [
                    {
                        **base,
                        "n": n,
                        "at": datetime.now(UTC),
                        "agency": "seoul-mapo",
                        "flags": flags,
                        "prev_hash": "0" * 64,
                        "hash": f"{n:064d}",
                    }
                    for n, flags in (
                        (1, []),
                        (2, ["outside_caseload"]),
                        (3, []),
                        (4, ["bulk_lookup"]),
                    )
                ],
            )
        migrate(engine)
        with engine.connect() as conn:
            rows = conn.execute(
                select(t.AccessFlag.n, t.AccessFlag.agency, t.AccessFlag.reviewed).order_by(
                    t.AccessFlag.n
                )
            ).all()
    finally:
        engine.dispose()
    assert [tuple(r) for r in rows] == [(2, "seoul-mapo", False), (4, "seoul-mapo", False)]

"""Four eyes: the account that applied never decides its own application, however it
tries: the same token, a second token of the same account, the account's supervisor role,
or a supervisor who applied. The comparison is of accounts, so another supervisor's
decision goes through; another agency's supervisor finds nothing to decide."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.bootstrap import Container
from jikimi.core.access import Role
from tests.factories import Factory, auth
from tests.integration.support.helpers import account_of, another_token, apply, decide

FOUR_EYES = (
    "four eyes: the account that applied cannot decide the application; another supervisor decides"
)


def pending(client: TestClient, token: str, case_id: str) -> str:
    """A new application by `token`'s account; its id."""
    r = apply(client, token, case_id, 400_000)
    assert r.status_code == 201, r.text
    application_id: str = r.json()["id"]
    return application_id


def status_of(client: TestClient, token: str, case_id: str, application_id: str) -> str:
    """The application's status as the case's list shows it."""
    r = client.get(f"/api/v1/cases/{case_id}/support-applications", headers=auth(token))
    [found] = [a for a in r.json()["items"] if a["id"] == application_id]
    status: str = found["status"]
    return status


def test_a_supervisor_who_applied_is_refused_with_any_of_its_tokens(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    supervisor = factory.token(Role.SUPERVISOR)
    application_id = pending(client, supervisor, w.case_id)
    second = another_token(container, account_of(client, supervisor), Role.SUPERVISOR)
    assert second != supervisor
    for token in (supervisor, second):
        r = decide(client, token, application_id, amount=400_000)
        assert (r.status_code, r.json()["detail"]) == (403, FOUR_EYES)
        refusal = decide(client, token, application_id, approve=False)
        assert refusal.status_code == 403
    assert status_of(client, w.officer, w.case_id, application_id) == "pending"
    other = factory.token(Role.SUPERVISOR)
    assert decide(client, other, application_id, amount=400_000).status_code == 200


def test_an_officer_who_also_holds_the_supervisor_role_cannot_decide_its_own(
    client: TestClient, factory: Factory, container: Container
) -> None:
    w = factory.world()
    application_id = pending(client, w.officer, w.case_id)
    account = account_of(client, w.officer)
    as_supervisor = another_token(container, account, Role.SUPERVISOR)
    me = client.get("/api/v1/auth/session", headers=auth(as_supervisor)).json()["me"]
    assert (me["role"], me["account_id"]) == ("supervisor", account)
    r = decide(client, as_supervisor, application_id, amount=400_000)
    assert (r.status_code, r.json()["detail"]) == (403, FOUR_EYES)
    assert decide(client, w.officer, application_id).status_code == 403  # an officer's role
    # The same account's supervisor role may decide what another account applied for.
    theirs = pending(client, factory.token(Role.SUPERVISOR), w.case_id)
    assert decide(client, as_supervisor, theirs, amount=400_000).status_code == 200
    assert status_of(client, w.officer, w.case_id, application_id) == "pending"


def test_a_decided_application_is_a_409_and_the_applicant_still_a_403(
    client: TestClient, factory: Factory
) -> None:
    w = factory.world()
    supervisor, other = factory.token(Role.SUPERVISOR), factory.token(Role.SUPERVISOR)
    application_id = pending(client, supervisor, w.case_id)
    assert decide(client, other, application_id, amount=300_000).status_code == 200
    assert decide(client, other, application_id, approve=False).status_code == 409
    assert decide(client, supervisor, application_id, approve=False).status_code == 403


def test_what_is_not_the_callers_is_not_found(client: TestClient, factory: Factory) -> None:
    w = factory.world()
    application_id = pending(client, w.officer, w.case_id)
    busan_supervisor = factory.token(Role.SUPERVISOR, "busan-haeundae")
    colleague = factory.token(Role.OFFICER)  # same agency, not on the case
    for token in (busan_supervisor,):
        for target in (application_id, "0" * 32):
            r = decide(client, token, target, amount=1)
            assert (r.status_code, r.json()["detail"]) == (404, "not found")
    for token in (busan_supervisor, colleague):
        r = apply(client, token, w.case_id)
        assert (r.status_code, r.json()["detail"]) == (404, "not found")
        r = client.post(
            f"/api/v1/support-applications/{application_id}/payments",
            json={"amount_krw": 1, "paid_at": "2026-03-01T10:00:00+09:00"},
            headers=auth(token),
        )
        assert (r.status_code, r.json()["detail"]) == (404, "not found")
        r = client.get(f"/api/v1/cases/{w.case_id}/support-applications", headers=auth(token))
        assert r.status_code == 404

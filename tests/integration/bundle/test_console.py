"""The case page offers the prosecutor's bundle to the case's officer and its agency's
supervisor, in Korean and in English; the link names the API route a download fetches."""

from __future__ import annotations

from fastapi.testclient import TestClient

from jikimi.core.access import Role
from tests.factories import Factory, auth


def test_the_case_page_offers_the_bundle_in_either_language(
    client: TestClient, factory: Factory
) -> None:
    """Officer and supervisor see the button; the English page names it in English."""
    w = factory.world()
    page = f"/console/work/cases/{w.case_id}"
    route = f'data-download="/api/v1/cases/{w.case_id}/bundle"'
    supervisor = factory.token(Role.SUPERVISOR, "seoul-mapo")
    for token in (w.officer, supervisor):
        korean = client.get(page, headers=auth(token))
        assert korean.status_code == 200
        assert route in korean.text
        assert "검찰 송치용 증거 묶음" in korean.text
    english = client.get(page, headers=auth(w.officer) | {"X-Jikimi-Lang": "en"})
    assert "Bundle for the prosecutor" in english.text
    assert route in english.text
    assert (
        client.get(f"/api/v1/cases/{w.case_id}/bundle", headers=auth(w.officer)).status_code == 200
    )

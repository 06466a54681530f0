"""Consents and referrals on one request's session: each use case does the work
(`referrals.records`), records the access and renders the answer. Every disclosure to a
centre is on the access trail with the consent it is made under (its purpose names it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.orm import Session

from jikimi.bootstrap import Container
from jikimi.cases import queries
from jikimi.core.access import Principal
from jikimi.http.audit import Audit, Auditor
from jikimi.http.deps import ContainerDep
from jikimi.http.sessions import ReadDb, WriteDb
from jikimi.referrals import records, repo, shared
from jikimi.referrals.rules import Basis, Disclosure, NoteKind
from jikimi.referrals.schemas import (
    ConsentCreate,
    ReferralCreate,
    consent_json,
    note_json,
    referral_json,
)
from jikimi.referrals.tables import Referral

# The flag a referral sent without consent carries to the supervisors' review.
OVERRIDE_FLAG = "vital_interests_override"


def basis_of(d: Disclosure, r: Referral) -> str:
    """The purpose a disclosure is recorded under: the consent's id, or the override."""
    if d.basis is Basis.CONSENT:
        return f"consent {d.consent_id}"
    if d.basis is Basis.VITAL_INTERESTS:
        return f"vital_interests override {r.id}"
    return "no disclosure"


class ReferralService:
    """Consents and referrals on one request's session."""

    def __init__(self, s: Session, c: Container, a: Auditor) -> None:
        self.s, self.c, self.a = s, c, a

    def _people(self, case_id: str) -> list[str]:
        return queries.case_subjects(self.s, [case_id])

    # --- the officer's side -------------------------------------------------------------

    def centres(self) -> list[str]:
        """The centres a consent or referral may name."""
        return records.known_centres(self.s)

    def record_consent(self, p: Principal, case_id: str, body: ConsentCreate) -> dict[str, Any]:
        """Record the victim's consent for a centre."""
        now = self.c.clock.now()
        given = records.ConsentIn(
            body.recipient, body.purposes, body.shares, body.expires_at, body.method
        )
        consent = records.record_consent(self.s, p, case_id, given, now)
        self.a.change(self.s, "create", "consent", consent.id, self._people(case_id))
        return consent_json(consent, now)

    def consents(self, p: Principal, case_id: str) -> dict[str, Any]:
        """A case's consents, newest first, each with its status now."""
        now = self.c.clock.now()
        rows = records.list_consents(self.s, p, case_id)
        self.a.read("consents", case_id, self._people(case_id))
        return {"items": [consent_json(c, now) for c in rows]}

    def withdraw(self, p: Principal, consent_id: str, reason: str | None) -> dict[str, Any]:
        """Record the consent withdrawn now: the centres see none of what it shared."""
        now = self.c.clock.now()
        consent = records.withdraw_consent(self.s, p, consent_id, reason, now)
        self.a.change(self.s, "update", "consent", consent.id, self._people(consent.case_id))
        return consent_json(consent, now)

    def refer(self, p: Principal, case_id: str, body: ReferralCreate) -> dict[str, Any]:
        """Refer a case to a centre under consent, or on a vital-interests override that
        is flagged for the supervisors' review."""
        now = self.c.clock.now()
        override = None
        if body.override is not None:
            override = records.Override(body.override.basis, body.override.reason)
        r = records.send_referral(self.s, p, case_id, body.centre, body.reason, override, now)
        d = records.disclosure_of(self.s, r, now)
        flags = (OVERRIDE_FLAG,) if d.basis is Basis.VITAL_INTERESTS else ()
        people = self._people(case_id)
        self.a.change(self.s, "create", "referral", r.id, people, flags, basis_of(d, r))
        return referral_json(r, d, dict(shared.NOTHING), [], officer=True)

    def case_referrals(self, p: Principal, case_id: str) -> dict[str, Any]:
        """A case's referrals, newest first, each saying what its centre sees now."""
        now = self.c.clock.now()
        rows = records.list_case_referrals(self.s, p, case_id)
        notes = repo.notes_of(self.s, [r.id for r in rows])
        self.a.read("referrals", case_id, self._people(case_id))
        items = [
            referral_json(
                r,
                records.disclosure_of(self.s, r, now),
                dict(shared.NOTHING),
                notes[r.id],
                officer=True,
            )
            for r in rows
        ]
        return {"items": items}

    # --- the centre's side --------------------------------------------------------------

    def _render(self, r: Referral, now: datetime) -> tuple[dict[str, Any], list[str], str]:
        """The referral as its centre sees it, whose data that discloses and on what basis."""
        d = records.disclosure_of(self.s, r, now)
        facts = shared.facts(self.s, self.c.pack, r.case_id, d.shares, now)
        subjects = [shared.victim_of(self.s, r.case_id)] if d.shares else []
        notes = repo.notes_of(self.s, [r.id])[r.id]
        return referral_json(r, d, facts, notes, officer=False), subjects, basis_of(d, r)

    def _disclose(self, r: Referral, now: datetime) -> dict[str, Any]:
        """The referral as its centre sees it, the disclosure recorded first."""
        out, subjects, basis = self._render(r, now)
        self.a.read("referral", r.id, subjects, purpose=basis)
        return out

    def centre_page(self, p: Principal, limit: int, cursor: str | None) -> dict[str, Any]:
        """A page of the counsellor's centre's referrals, newest first."""
        now = self.c.clock.now()
        rows, nxt = records.centre_referrals(self.s, p, limit, cursor)
        return {"items": [self._disclose(r, now) for r in rows], "next": nxt}

    def centre_get(self, p: Principal, referral_id: str) -> dict[str, Any]:
        """One referral of the counsellor's centre (404 for any other)."""
        r = records.centre_referral(self.s, p, referral_id)
        return self._disclose(r, self.c.clock.now())

    def _answered(self, action: str, r: Referral, now: datetime) -> dict[str, Any]:
        """The answer recorded with what it discloses, in the change's own transaction."""
        out, _, basis = self._render(r, now)
        victim = [shared.victim_of(self.s, r.case_id)]  # a change on her referral, disclosed or not
        self.a.change(self.s, action, "referral", r.id, victim, purpose=basis)
        return out

    def accept(self, p: Principal, referral_id: str) -> dict[str, Any]:
        """The centre takes the referral up."""
        now = self.c.clock.now()
        return self._answered("accept", records.accept(self.s, p, referral_id, now), now)

    def decline(self, p: Principal, referral_id: str, reason: str) -> dict[str, Any]:
        """The centre declines the referral."""
        now = self.c.clock.now()
        r = records.decline(self.s, p, referral_id, reason, now)
        return self._answered("decline", r, now)

    def note(self, p: Principal, referral_id: str, kind: NoteKind, text: str) -> dict[str, Any]:
        """A counsellor's note; a concern becomes the officer's task due within 24 hours."""
        now = self.c.clock.now()
        n = records.add_note(self.s, p, referral_id, kind, text, now)
        r = records.centre_referral(self.s, p, referral_id)
        victim = [shared.victim_of(self.s, r.case_id)]
        d = records.disclosure_of(self.s, r, now)
        self.a.change(self.s, "create", "referral_note", n.id, victim, purpose=basis_of(d, r))
        return note_json(n)


async def referral_reader(s: ReadDb, c: ContainerDep, a: Audit) -> ReferralService:
    """Referrals on a read-only session."""
    return ReferralService(s, c, a)


async def referral_writer(s: WriteDb, c: ContainerDep, a: Audit) -> ReferralService:
    """Referrals on a session that commits before the answer."""
    return ReferralService(s, c, a)


ReferralReading = Annotated[ReferralService, Depends(referral_reader)]
ReferralWork = Annotated[ReferralService, Depends(referral_writer, scope="function")]

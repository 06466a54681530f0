"""The counselling centre's pages (/console/centre): the counsellor signs in on /console
like the police and lands here, never on the police pages. Its centre's referrals, each
with only what the victim's consent shares, and accepting, declining and writing notes;
through the referrals' service, as the JSON API, so the 404s and the access trail are the
API's."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import Field

from jikimi.core.errors import Invalid
from jikimi.http.deps import Counsellor
from jikimi.referrals.rules import NoteKind
from jikimi.referrals.service import ReferralReading, ReferralWork
from jikimi.workspace.forms import Form, Short, Text
from jikimi.workspace.forms import ReasonForm as DeclineForm
from jikimi.workspace.pages import Lang, changed, render

SHELL = Path(__file__).resolve().parents[1] / "web" / "templates" / "centre.html"
PREFIX = "/console/centre"

router = APIRouter(prefix=PREFIX, include_in_schema=False)


class NoteForm(Form):
    """A counsellor's note: a contact made or a concern for the case's officer."""

    kind: Short
    text: Annotated[Text, Field(min_length=1)]


@router.get("")
def shell() -> FileResponse:
    """The centre's page (public, like /console): it signs in with the console's token and
    loads each page into itself."""
    return FileResponse(SHELL, headers={"Cache-Control": "no-store"})


@router.get("/referrals", response_class=HTMLResponse)
def referrals(p: Counsellor, work: ReferralReading, lang: Lang) -> HTMLResponse:
    """The centre's referrals, newest first (each disclosure on the access trail)."""
    items = work.centre_page(p, 200, None)["items"]
    return render("centre_referrals.html", lang, referrals=items, centre=p.agency)


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def referral(referral_id: str, p: Counsellor, work: ReferralReading, lang: Lang) -> HTMLResponse:
    """One referral: what the consent shares, its notes, and the answers the centre may
    give."""
    return render("centre_referral.html", lang, r=work.centre_get(p, referral_id))


@router.post("/referrals/{referral_id}/accept", response_class=HTMLResponse)
def accept(referral_id: str, p: Counsellor, work: ReferralWork, lang: Lang) -> HTMLResponse:
    """The centre takes the referral up."""
    work.accept(p, referral_id)
    return changed(lang, "연계를 수락했습니다.")


@router.post("/referrals/{referral_id}/decline", response_class=HTMLResponse)
def decline(
    referral_id: str, body: DeclineForm, p: Counsellor, work: ReferralWork, lang: Lang
) -> HTMLResponse:
    """The centre declines the referral, with the reason."""
    work.decline(p, referral_id, body.reason)
    return changed(lang, "연계를 거절했습니다.")


@router.post("/referrals/{referral_id}/notes", response_class=HTMLResponse)
def note(
    referral_id: str, body: NoteForm, p: Counsellor, work: ReferralWork, lang: Lang
) -> HTMLResponse:
    """A note; a concern reaches the case's officer as a task due within 24 hours."""
    try:
        kind = NoteKind(body.kind)
    except ValueError:
        raise Invalid("kind: contact or concern") from None
    work.note(p, referral_id, kind, body.text)
    if kind is NoteKind.CONCERN:
        return changed(lang, "우려를 담당 경찰관에게 전달했습니다.")
    return changed(lang, "메모를 기록했습니다.")

"""The supervisors' flag list and its review."""

from __future__ import annotations

from pydantic import Field, StrictStr

from jikimi.http.schemas import Out, Strict


class FlagReviewCreate(Strict):
    """A supervisor's review of a flag; the note is optional."""

    note: StrictStr | None = Field(None, max_length=1000)


class FlagReviewRead(Out):
    """Who reviewed a flag, when, and what they noted."""

    by: str | None = Field(description="the reviewing supervisor's account id")
    by_name: str | None
    at: str
    note: str | None


class FlagRead(Out):
    """A flagged access record as it is chained, with its flag's id and review."""

    id: str = Field(description="the flag's id (for the review route)")
    n: int = Field(description="the record's place in the access trail's hash chain")
    at: str
    account_id: str | None
    token_id: str | None
    role: str
    agency: str | None
    source: str | None
    action: str
    resource: str
    resource_id: str | None
    subjects: list[str]
    purpose: str | None
    flags: list[str] = Field(
        description="why it is flagged: outside_caseload, bulk_lookup, break_glass, "
        "lockout, anklet_held_elsewhere"
    )
    prev_hash: str
    hash: str
    reviewed: bool
    review: FlagReviewRead | None


class FlagPage(Out):
    """A page of flags, newest first; `next` is the cursor of the next page."""

    items: list[FlagRead]
    next: str | None = None

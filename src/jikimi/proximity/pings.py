"""The anklet feed's body, read in bulk: validated from its JSON bytes by pydantic-core in
one call (the schema's rules, its messages, each naming the item), then turned into
columns, with no Python object per ping beyond the values themselves."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from jikimi.core.errors import Invalid
from jikimi.devices.anklets import Anklet
from jikimi.http.schemas import storable_tree
from jikimi.proximity.schemas import PING_BATCH, PingIn
from jikimi.proximity.writer import Fixes, stamp


async def raw_body(request: Request) -> bytes:
    """The request's body as it arrived (read once; the signature check reads it too),
    which must be declared JSON, as FastAPI requires of the bodies it parses itself (no
    Content-Type is refused too: a browser's cross-site form could send that)."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if not (
        kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))
    ):
        raise _refuse(
            [{"type": "content_type", "loc": (), "msg": "send the body as application/json"}]
        )
    return await request.body()


RawBody = Annotated[bytes, Depends(raw_body)]


def _refuse(errors: list[Any]) -> RequestValidationError:
    # As FastAPI reports a body it validated itself: locations start at "body".
    return RequestValidationError(
        [{**e, "loc": ("body", *e.get("loc", ()))} for e in errors], body=None
    )


@dataclass(frozen=True)
class Pings:
    """A feed request's pings, in columns; `recorded_at` in UTC, `stamps` as `stamp`."""

    serials: list[str]
    recorded_at: list[datetime]
    stamps: list[str]
    lat: list[float]
    lon: list[float]
    accuracy_m: list[float]

    def __len__(self) -> int:
        return len(self.serials)

    def of_known(self, known: dict[str, Anklet]) -> Fixes:
        """The fixes of the anklets in `known` (other serials' pings are dropped)."""
        devices = [known[x].device_id if x in known else "" for x in self.serials]
        every = Fixes(devices, self.recorded_at, self.stamps, self.lat, self.lon, self.accuracy_m)
        if all(devices):
            return every
        return every.take([i for i, d in enumerate(devices) if d])


def _validate(body: bytes) -> list[PingIn]:
    """The body's pings, validated from its bytes in one call to pydantic-core. A body
    with `\\u` escapes may hold a NUL or a lone surrogate, which pydantic-core refuses as
    JSON and PostgreSQL cannot compare: it is decoded by Python and its text repaired as
    every other body's is (`Strict`), so one bad serial cannot cost the batch."""
    if b"\\u" not in body:
        return PING_BATCH.validate_json(body)["pings"]
    try:
        data = json.loads(body)
    except ValueError:  # not JSON, or not UTF-8: refused as pydantic-core refuses it
        return PING_BATCH.validate_json(body)["pings"]
    return PING_BATCH.validate_python(storable_tree(data))["pings"]


def parse_pings(body: bytes, latest: datetime) -> Pings:
    """Validate a feed body (422 naming the item) and refuse times after `latest`."""
    if not body:
        raise _refuse([{"type": "missing", "loc": (), "msg": "Field required"}])
    try:
        pings = _validate(body)
    except ValidationError as exc:
        raise _refuse(exc.errors(include_url=False, include_input=False)) from None
    given = [p["recorded_at"] for p in pings]
    at = [x.astimezone(UTC) for x in given]
    if at and max(at) > latest:
        i = next(i for i, x in enumerate(at) if x > latest)
        raise Invalid(f"item {i}: recorded in the future ({given[i].isoformat()}); check the clock")
    return Pings(
        [p["device"] for p in pings],
        at,
        [stamp(x) for x in at],  # already UTC: astimezone returns at once
        [p["lat"] for p in pings],
        [p["lon"] for p in pings],
        [p["accuracy_m"] for p in pings],
    )

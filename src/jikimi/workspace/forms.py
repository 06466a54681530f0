"""What the workspace's forms send (htmx's json-enc: every value a string, an empty field
an empty string) and their reading into the services' arguments.

A `datetime-local` input has no offset: the workspace reads it as Korean time (the
jurisdiction pack's zone, Asia/Seoul), which is where officers work; a value that carries
an offset keeps it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from jikimi.core.errors import Invalid
from jikimi.core.moments import EARLIEST, LATEST

Text = Annotated[str, Field(max_length=4000)]
Short = Annotated[str, Field(max_length=100)]


class Form(BaseModel):
    """A form's fields; unknown ones are a 422 like any body's."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrderForm(Form):
    """A new order."""

    kind: Short
    starts_at: Short
    ends_at: Short
    court_ref: Short = ""


class ExtendForm(Form):
    """An order's new end."""

    ends_at: Short
    court_ref: Short = ""


class ReasonForm(Form):
    """Why (an order revoked, a measure ended, a case closed)."""

    reason: Annotated[str, Field(min_length=1, max_length=1000)]


class DeviceForm(Form):
    """What to enrol: the victim's phone (the default) or smartwatch."""

    kind: Short = "victim_phone"


class MeasureForm(Form):
    """A safety measure to put in place."""

    kind: Short
    starts_at: Short
    ends_at: Short
    provider: Annotated[str, Field(max_length=200)] = ""
    serial: Short = ""
    note: Text = ""


class MeasureExtendForm(Form):
    """A safety measure's new end."""

    ends_at: Short


class DecisionForm(Form):
    """A decision that owes follow-up."""

    kind: Short
    decided_at: Short
    note: Text = ""


class TaskForm(Form):
    """An officer's own task."""

    kind: Short = "other"
    due_at: Short
    reason: Text = ""


class CompleteForm(Form):
    """A task done and how it went."""

    outcome: Short
    note: Text = ""


class AssignForm(Form):
    """An officer to assign (a supervisor's act)."""

    officer_id: Annotated[str, Field(min_length=1, max_length=64)]
    replace: Short = ""


class RiskForm(Form):
    """The questionnaire: each yes/no item "yes", "no" or "" (unknown), two counts."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)
    note: Text = ""


YES_NO = (
    "threat_to_kill",
    "weapon_threat",
    "gun_access",
    "strangulation",
    "separation",
    "escalation",
    "jealousy_control",
    "substance_abuse",
    "unemployed",
    "prior_violence",
    "children_in_home",
    "stepchild",
)
COUNTS = {"stalking_behaviours": 10, "victim_fear": 5}


def moment(name: str, value: str, tz: ZoneInfo) -> datetime:
    """A form's time: with its offset, or as wall-clock time in `tz`; else a 422 naming
    the field."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{name}: a date and time is required") from None
    if at.tzinfo is None:
        at = at.replace(tzinfo=tz)
    if not EARLIEST <= at <= LATEST:
        raise Invalid(f"{name}: between {EARLIEST:%Y} and {LATEST:%Y}")
    return at


def optional(value: str) -> str | None:
    """An empty field as None."""
    return value or None


def answers(form: RiskForm) -> dict[str, Any]:
    """The questionnaire's answers as the risk service takes them (unknown left out)."""
    extra = form.model_extra or {}
    unknown = set(extra) - set(YES_NO) - set(COUNTS)
    if unknown:
        raise Invalid(f"unknown questions: {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {}
    for name in YES_NO:
        value = str(extra.get(name, "")).strip()
        if value in ("yes", "no"):
            out[name] = value == "yes"
        elif value:
            raise Invalid(f"{name}: yes, no or unknown")
    for name, top in COUNTS.items():
        value = str(extra.get(name, "")).strip()
        if not value:
            continue
        if not value.isdigit() or not 0 <= int(value) <= top:
            raise Invalid(f"{name}: a whole number from 0 to {top}")
        out[name] = int(value)
    return out


def parsed(model: type[Any], **fields: Any) -> Any:
    """One of the API's own bodies built from a form's values: its rules apply, and a
    value they refuse is a 422 naming the field (never the value: it may be personal)."""
    try:
        return model(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first.get("loc", ()))
        raise Invalid(f"{where}: {first.get('msg', 'invalid')}") from None

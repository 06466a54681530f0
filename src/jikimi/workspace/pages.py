"""Rendering the workspace's fragments: one Jinja2 environment (autoescape on) over
`templates/`, and the filters its templates use (Korean time, short ids, labels), in the
language the page asks for (`X-Jikimi-Lang`: ko, the default, or en)."""

from __future__ import annotations

import base64
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from jikimi.core.phones import display as phone
from jikimi.workspace.labels import label, lang_of, outcomes_for, text

TEMPLATES = Path(__file__).resolve().parent / "templates"
SEOUL = ZoneInfo("Asia/Seoul")


def _at(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.astimezone(SEOUL)


def kst(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An RFC 3339 time (or datetime) as Korean wall-clock time; a dash for none."""
    at = _at(value)
    return at.strftime(fmt) if at else "—"


def local_input(value: str | datetime | None) -> str:
    """A time as a `datetime-local` input's value (Korean wall-clock time)."""
    return kst(value, "%Y-%m-%dT%H:%M") if value else ""


def short(value: str | None) -> str:
    """The first eight characters of an id: what the officer types to find a case."""
    return (value or "")[:8]


def svg_data_uri(svg: str | None) -> str:
    """An SVG as a data: URI for an <img> (the page's CSP allows data: images only, and
    an image cannot run script)."""
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@pass_context
def _label(ctx: Context, value: object, group: str) -> str:
    return label(value, group, ctx.get("lang", "ko"))


@pass_context
def _text(ctx: Context, message: str, **values: object) -> str:
    return text(ctx.get("lang", "ko"), message, **values)


ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(
    kst=kst, local_input=local_input, short=short, label=_label, svg=svg_data_uri, phone=phone
)
ENV.globals.update(outcomes_for=outcomes_for, t=_text)
VARY = {"Vary": "X-Jikimi-Lang"}


def request_lang(request: Request) -> str:
    """The language the page asked for (work.js sends the console's choice on every
    request): en, or Korean for anything else."""
    return lang_of(request.headers.get("x-jikimi-lang"))


Lang = Annotated[str, Depends(request_lang)]


def render(name: str, lang: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """A fragment rendered from `templates/{name}` in `lang`."""
    body = ENV.get_template(name).render(lang=lang, **ctx)
    return HTMLResponse(body, status_code=status, headers=VARY)


def changed(lang: str, notice: str, **values: object) -> HTMLResponse:
    """The answer to a write: nothing to swap; the page reloads what it shows
    (`workspace-changed`) and the notice area says what was saved (`notice`: the Korean
    words, given in `lang`)."""
    body = ENV.get_template("saved.html").render(notice=text(lang, notice, **values))
    return HTMLResponse(body, headers={"HX-Trigger": "workspace-changed", **VARY})

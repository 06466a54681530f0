"""The FastAPI application: routes, errors, limits, the console, the worker's lifetime."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from jikimi.bootstrap import Container
from jikimi.cases.words import flat as case_words
from jikimi.core.access import Role
from jikimi.features import FEATURES
from jikimi.http import errors, service
from jikimi.http.deps import Allow
from jikimi.http.gate import PUBLIC as PUBLIC  # where the role matrix test reads it
from jikimi.http.gate import Gate
from jikimi.http.limits import BodyLimit, SecurityHeaders
from jikimi.http.schemas import Problem
from jikimi.http.signing import OPENAPI_PARAMETERS, verify_signature
from jikimi.risk.routes import RISK_PLOTS

WEB = Path(__file__).resolve().parent / "web"
# The features' routers in the features' order (the phones' first: a request is matched
# against each route in turn), then the service routes.
ROUTERS = (*(r for f in FEATURES for r in f.routers), service.router)


def create_app(container: Container, *, run_worker: bool | None = None) -> FastAPI:
    """The app for one container; the worker runs inside it unless told otherwise."""
    start_worker = container.settings.worker if run_worker is None else run_worker

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The streams' watcher and the listener at once; the worker once warm (a pass
        # must not stall, holding its locks, while the risk model's analyser loads).
        container.start_threads(worker=False)
        container.readiness.start(
            container.warm_up_steps(), then=container.worker.start if start_worker else None
        )
        try:
            yield
        finally:
            container.readiness.stop()
            container.stop_threads()

    app = FastAPI(
        title="Jikimi",
        version="1",
        lifespan=lifespan,
        description="Police protection of victims of relationship crimes (API v1).",
        # FastAPI's own pages load their scripts from a CDN: /docs is served below from
        # the package instead, and ReDoc not at all.
        docs_url=None,
        redoc_url=None,
    )
    app.state.container = container
    errors.install(app)
    for r in ROUTERS:
        _document_roles(r)
        app.include_router(r)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    if container.risk_plot_dir is not None:
        # The model card's plots: evaluation on a synthetic population, no personal data.
        plots = StaticFiles(directory=container.risk_plot_dir)
        app.mount(RISK_PLOTS, plots, name="risk-plots")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse("/console")

    @app.get("/console", include_in_schema=False)
    def console() -> FileResponse:
        return FileResponse(
            WEB / "templates" / "console.html", headers={"Cache-Control": "no-store"}
        )

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(WEB / "templates" / "docs.html", headers={"Cache-Control": "no-store"})

    @app.get("/console/config.json", include_in_schema=False)
    def console_config() -> dict[str, Any]:
        # Public and non-personal: only what the console's map needs before sign-in.
        settings = container.settings
        return {
            "map": {
                "tile_url": settings.map_tile_url,
                "tile_attribution": settings.map_tile_attribution,
            }
        }

    @app.get("/console/words.json", include_in_schema=False)
    def console_words() -> dict[str, dict[str, str]]:
        # Public and non-personal: the names of agencies and order kinds (cases/packs),
        # keyed as the console's i18n.js keys its words ("agency.seoul-mapo").
        return case_words(container.settings.statute_pack)

    # Outermost last: the headers on every answer, then the token before any body is read,
    # then the body's size as it arrives.
    app.add_middleware(
        BodyLimit,
        max_bytes=container.settings.max_body_bytes,
        larger={"/api/v1/feed/locations": container.settings.max_feed_body_bytes},
    )
    app.add_middleware(Gate, container=container)
    app.add_middleware(SecurityHeaders, tile_origin=container.settings.map_tile_origin)
    return app


def route_roles(route: APIRoute) -> frozenset[Role] | None:
    """The roles a route allows, read from its `Allow` dependency (None: public)."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if isinstance(dep.call, Allow):
            return dep.call.roles
        stack.extend(dep.dependencies)
    return None


def _signed(route: APIRoute) -> bool:
    return any(dep.call is verify_signature for dep in route.dependant.dependencies)


ERROR_CODES = {
    400: "malformed body (JSON in UTF-8), or a NUL in the address",
    401: "no, unknown or revoked token; or a phone/feed request unsigned or wrongly signed",
    403: "authenticated, but this role may not call this route",
    404: "unknown, or not visible to the caller",
    409: "conflicts with the current state",
    413: "body larger than JIKIMI_MAX_BODY_BYTES",
    422: "well-formed but invalid",
    429: "rate limited; see Retry-After",
    503: "the database is unavailable; try again, see Retry-After",
}


def _problem_responses() -> dict[int | str, dict[str, Any]]:
    schema = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {
            "description": text,
            "model": Problem,
            "content": {"application/problem+json": {"schema": schema}},
        }
        for code, text in ERROR_CODES.items()
    }


def _document_roles(router: APIRouter) -> None:
    """Put each route's roles into the OpenAPI document (`x-roles`) for client authors."""
    for route in router.routes:
        if isinstance(route, APIRoute):
            roles = route_roles(route)
            route.responses = {**_problem_responses(), **route.responses}
            if _signed(route):  # set, not added: routes outlive each app built on them
                extra = {**(route.openapi_extra or {}), "parameters": OPENAPI_PARAMETERS}
                route.openapi_extra = extra
            if roles is not None:
                names = sorted(r.value for r in roles)
                route.openapi_extra = {**(route.openapi_extra or {}), "x-roles": names}
                route.description = (route.description or "") + f"\n\nRoles: {', '.join(names)}."

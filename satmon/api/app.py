"""The FastAPI application: routers under /api/v1, health at the root too."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from satmon import __version__
from satmon.api.deps import ApiState
from satmon.api.errors import ErrorResponse, install_error_handlers
from satmon.api.metrics import install_metrics
from satmon.api.routers import (
    alerts,
    dashboard,
    health,
    inference,
    live,
    query,
    search,
    trends,
)
from satmon.api.web import install_web

API_PREFIX = "/api/v1"


def create_app(state: ApiState, on_shutdown: Callable[[], None] | None = None) -> FastAPI:
    """The API on the given adapters; `on_shutdown` runs (in a thread) once the server
    has stopped taking requests, before the process exits on SIGTERM or Ctrl-C."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if on_shutdown is not None:
            await run_in_threadpool(on_shutdown)

    app = FastAPI(
        lifespan=lifespan,
        title="satmon",
        version=__version__,
        description="Satellite telemetry monitoring: trends, forecasts, anomalies and jobs.",
        responses={
            422: {"model": ErrorResponse},
            404: {"model": ErrorResponse},
            503: {"model": ErrorResponse},
        },
    )
    app.state.satmon = state
    install_error_handlers(app)
    install_metrics(app, API_PREFIX)

    api = APIRouter(prefix=API_PREFIX)
    for module in (inference, trends, query, search, health, alerts, live, dashboard):
        api.include_router(module.router)
    app.include_router(api)
    app.include_router(health.router)  # /health, /ready, /metrics at the root as well
    install_web(app)  # last: its catch-all route must not shadow the API's
    return app

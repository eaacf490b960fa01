"""/health (liveness), /ready (every dependency checked) and /metrics (Prometheus)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from satmon import __version__
from satmon.api.deps import StateDep
from satmon.api.schemas.query import DependencyCheck, Health, Readiness
from satmon.errors import ServiceUnavailableError

router = APIRouter(tags=["health"])


@router.get("/health")
def health() -> Health:
    return Health(status="ok", version=__version__)


@router.get("/ready", response_model=Readiness, responses={503: {"model": Readiness}})
def ready(state: StateDep) -> JSONResponse:
    """200 when every dependency answers, 503 naming the ones that do not."""
    checks: dict[str, DependencyCheck] = {}
    for role, port in state.adapters.ports().items():
        try:
            port.check_ready()
            checks[role] = DependencyCheck(ok=True, service=port.name, url=port.url)
        except ServiceUnavailableError as exc:
            checks[role] = DependencyCheck(
                ok=False, service=exc.service, url=exc.url, detail=exc.detail
            )
        except Exception as exc:
            checks[role] = DependencyCheck(
                ok=False, service=port.name, url=port.url, detail=f"{type(exc).__name__}: {exc}"
            )
    ok = all(c.ok for c in checks.values())
    body = Readiness(status="ready" if ok else "unavailable", checks=checks)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ok else 503)


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

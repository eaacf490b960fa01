"""Prometheus metrics of the API: requests by route and status, and their latency."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Histogram

REQUESTS = Counter("satmon_api_requests_total", "API requests", ["method", "route", "status"])
LATENCY = Histogram(
    "satmon_api_request_seconds",
    "API request latency",
    ["route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)


def install_metrics(app: FastAPI, prefix: str) -> None:
    @app.middleware("http")
    async def measure(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        # The route's template keeps ids out of the labels; an included router's
        # template is relative to its prefix.
        template = getattr(request.scope.get("route"), "path", None)
        if template is None:
            path = "unmatched"
        elif request.url.path.startswith(prefix) and not template.startswith(prefix):
            path = prefix + template
        else:
            path = template
        REQUESTS.labels(request.method, path, str(response.status_code)).inc()
        LATENCY.labels(path).observe(time.perf_counter() - started)
        return response

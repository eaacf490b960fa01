"""One JSON error shape for every failure, with the right status code.

{"error": {"status": 422, "code": "invalid_request",
           "message": "data: has 5 values, fewer than config.window_size=10",
           "fields": [{"field": "data", "reason": "has 5 values, ..."}]}}
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from satmon.errors import InvalidRequestError, NotFoundError, ServiceUnavailableError

log = logging.getLogger(__name__)


class FieldProblem(BaseModel):
    field: str
    reason: str


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    fields: list[FieldProblem] = []
    service: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_response(
    status: int,
    code: str,
    message: str,
    fields: list[FieldProblem] | None = None,
    service: str | None = None,
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(
            status=status,
            code=code,
            message=message,
            fields=fields or [],
            service=service,
        )
    )
    return JSONResponse(body.model_dump(), status_code=status)


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "(request)"


async def _validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [FieldProblem(field=_location(tuple(e["loc"])), reason=e["msg"]) for e in exc.errors()]
    message = "; ".join(f"{f.field}: {f.reason}" for f in fields)
    return error_response(422, "invalid_request", message, fields)


async def _invalid(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InvalidRequestError)
    return error_response(
        422, "invalid_request", str(exc), [FieldProblem(field=exc.field, reason=exc.message)]
    )


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    return error_response(404, "not_found", str(exc))


async def _unavailable(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceUnavailableError)
    log.warning("request failed: %s", exc)
    return error_response(503, "service_unavailable", str(exc), service=exc.service)


async def _http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return error_response(exc.status_code, code, str(exc.detail))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "internal error; see the server log")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(InvalidRequestError, _invalid)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ServiceUnavailableError, _unavailable)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)

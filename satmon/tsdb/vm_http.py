"""HTTP access to VictoriaMetrics: one pooled httpx client (shared by threads),
its failures turned into satmon's errors naming the server, request and answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from satmon.errors import SatmonError, ServiceUnavailableError

SERVICE = "victoriametrics"
_BODY_SHOWN = 500


class VictoriaMetricsError(SatmonError):
    """VictoriaMetrics rejected a request (4xx, or an error status in its answer)."""

    def __init__(self, url: str, request: str, status: int, body: str) -> None:
        self.url = url
        self.request = request
        self.status = status
        self.body = body
        super().__init__(f"{SERVICE} at {url} rejected {request} (HTTP {status}): {body}")


class VictoriaMetricsApi:
    """Requests to one server. Connection failures and 5xx answers raise
    `ServiceUnavailableError`; 4xx answers raise `VictoriaMetricsError`."""

    def __init__(
        self, url: str, *, timeout_s: float, connect_timeout_s: float, connections: int
    ) -> None:
        self.url = url
        self._http = httpx.Client(
            base_url=url,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            # retries: connection attempts only, e.g. to a server that just restarted
            transport=httpx.HTTPTransport(
                retries=1,
                limits=httpx.Limits(
                    max_connections=connections, max_keepalive_connections=connections
                ),
            ),
        )

    def result(self, path: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        """The `result` list of a query's answer."""
        result: list[dict[str, Any]] = self.data(path, params)["result"]
        return result

    def data(self, path: str, params: Mapping[str, str]) -> Any:
        """The `data` member of a JSON answer whose status is success."""
        response = self.request("POST", path, data=params)
        payload = orjson.loads(response.content)
        if payload.get("status") != "success":
            raise VictoriaMetricsError(
                self.url, f"POST {path}", response.status_code, shown(response.text)
            )
        return payload["data"]

    def request(
        self,
        method: str,
        path: str,
        *,
        data: Mapping[str, str] | None = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
    ) -> httpx.Response:
        request = f"{method} {path}"
        try:
            response = self._http.request(
                method,
                path,
                data=data,
                content=content,
                headers=headers,
                timeout=httpx.USE_CLIENT_DEFAULT if timeout is None else timeout,
            )
        except httpx.HTTPError as exc:
            raise ServiceUnavailableError(
                SERVICE, self.url, f"{request}: {_describe(exc)}"
            ) from exc
        if response.status_code >= 500:
            raise ServiceUnavailableError(
                SERVICE, self.url, f"{request}: HTTP {response.status_code}: {shown(response.text)}"
            )
        if response.status_code >= 400:
            raise VictoriaMetricsError(
                self.url, request, response.status_code, shown(response.text)
            )
        return response

    def close(self) -> None:
        self._http.close()


def shown(text: str) -> str:
    """An answer's body, cut to a length that fits an error message."""
    text = text.strip()
    return text if len(text) <= _BODY_SHOWN else text[:_BODY_SHOWN] + "..."


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__

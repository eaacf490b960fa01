"""The time-series store on VictoriaMetrics' HTTP API.

Writes use the JSON-lines import (`/api/v1/import`): one line per series with
all its values and timestamps (`satmon.tsdb.vm_import` builds the body in one
orjson call), gzip level 1. A batch larger than `split_samples` is cut into
`write_concurrency` parts sent at once. The server keeps one sample per series
and millisecond (-dedup.minScrapeInterval), so resending a batch after a
failure is harmless.

Reads are MetricsQL on `/api/v1/query_range`, `/api/v1/query`, `/api/v1/export`,
`/api/v1/series` and `/api/v1/label/.../values`; every label value in a query
passed `satmon.tsdb.promql`'s checks first.

- `query_range` evaluates `avg_over_time(m[step])` (min/max/last likewise) on
  the grid start, start+step, ..., which is the port's rule. `nocache=1` keeps
  the server from moving start and end to step multiples (it does so for grids
  of 50 points and more to make its cache effective) and from serving a cached
  result that misses late-arriving samples. Grids longer than
  `max_points_per_query` are asked for in pieces (the server caps points per
  series).
- Freshness: a just-imported sample is searchable once the server flushes its
  in-memory buffer, within about a second; `force_flush()` does it at once
  (tests). The server runs with -search.latencyOffset=1s: an instant query
  with `nocache=1` is evaluated at the time asked, and for range queries whose
  end is within that offset of now, VictoriaMetrics 1.79 repeats the previous
  value on the last grid points of steps under a minute. Newer servers honour
  the per-query `latency_offset=0s` sent with every query; 1.79 ignores it.
- `latest` is one instant query, `last_over_time` and `tlast_over_time` of the
  series over `latest_lookback_ms` (default one hour), evaluated a minute
  ahead of now to allow for clock skew. Its cost grows with the samples in that
  window, which is why it is bounded; a series silent for longer has no latest.
- `window` reads raw samples with `/api/v1/export` over a lookback that starts
  at twice `size` seconds before the end and grows fourfold, for the metrics
  still short, up to `window_max_lookback_ms` (default 30 days). One request
  suffices for a live satellite.
- `series` and `label_values` cover all time (the index, not the samples).

Connection failures and 5xx answers raise `ServiceUnavailableError` naming the
service, URL, request and response body; a 4xx answer raises
`VictoriaMetricsError` with the body, since it means a bad query.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Any, Literal

import httpx
import orjson

from satmon.errors import InvalidRequestError, SatmonError, ServiceUnavailableError
from satmon.telemetry.samples import SampleBatch, SeriesKey, SeriesPoints
from satmon.tsdb import promql
from satmon.tsdb.base import Aggregate, LatestValue, Point, Series
from satmon.tsdb.vm_import import ImportEncoder

log = logging.getLogger(__name__)

SERVICE = "victoriametrics"
MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS

_ROLLUPS: dict[str, str] = {
    "avg": "avg_over_time",
    "min": "min_over_time",
    "max": "max_over_time",
    "last": "last_over_time",
}
# Query parameters of every read: see "nocache" and "Freshness" in the module doc.
_FRESH = {"nocache": "1", "latency_offset": "0s"}
# /api/v1/series answers for the last few minutes unless a start is given; 1 s after
# the epoch means all time (the server then searches its global index).
_ALL_TIME = "1"
_PART = "satmon_part"  # label telling the value and time halves of `latest` apart
_BODY_SHOWN = 500

Items = list[tuple[SeriesKey, SeriesPoints]]


class VictoriaMetricsError(SatmonError):
    """VictoriaMetrics rejected a request (4xx, or an error status in its answer)."""

    def __init__(self, url: str, request: str, status: int, body: str) -> None:
        self.url = url
        self.request = request
        self.status = status
        self.body = body
        super().__init__(f"{SERVICE} at {url} rejected {request} (HTTP {status}): {body}")


class VictoriaMetricsStore:
    """`TimeSeriesStore` on a VictoriaMetrics server; thread-safe (one pooled client)."""

    name = SERVICE

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 30.0,
        connect_timeout_s: float = 3.0,
        ready_timeout_s: float = 2.0,
        write_concurrency: int = 2,
        split_samples: int = 200_000,
        gzip_level: int = 1,
        max_points_per_query: int = 10_000,
        latest_lookback_ms: int = 60 * MINUTE_MS,
        window_max_lookback_ms: int = 30 * DAY_MS,
    ) -> None:
        self.url = url.rstrip("/")
        self._ready_timeout_s = ready_timeout_s
        self._write_concurrency = max(1, write_concurrency)
        self._split_samples = split_samples
        self._gzip_level = gzip_level
        self._max_points = max_points_per_query
        self._latest_lookback_ms = latest_lookback_ms
        self._window_max_lookback_ms = window_max_lookback_ms
        connections = self._write_concurrency + 8
        self._http = httpx.Client(
            base_url=self.url,
            timeout=httpx.Timeout(timeout_s, connect=connect_timeout_s),
            # retries: connection attempts only, e.g. to a server that just restarted
            transport=httpx.HTTPTransport(
                retries=1,
                limits=httpx.Limits(
                    max_connections=connections, max_keepalive_connections=connections
                ),
            ),
        )
        self._writers = ThreadPoolExecutor(
            self._write_concurrency, thread_name_prefix="victoriametrics-write"
        )
        self._encoder = ImportEncoder()

    # --- writes ---------------------------------------------------------------------

    def write(self, batch: SampleBatch) -> int:
        items = [(key, points) for key, points in batch.series.items() if points.values]
        if not items:
            return 0
        parts = _split(items, self._write_concurrency) if len(batch) > self._split_samples else []
        if len(parts) < 2:
            return self._import(items)
        futures = [self._writers.submit(self._import, part) for part in parts]
        wait(futures)
        return sum(future.result() for future in futures)  # the first failure raises

    def _import(self, items: Items) -> int:
        body, count = self._encoder.encode(items)
        if not body:
            return 0
        self._request(
            "POST",
            "/api/v1/import",
            content=zlib.compress(body, self._gzip_level, wbits=31),
            headers={"Content-Encoding": "gzip"},
        )
        return count

    # --- reads ----------------------------------------------------------------------

    def query_range(
        self,
        metric: str,
        start_ms: int,
        end_ms: int,
        step_ms: int,
        *,
        satellite_id: str | None = None,
        aggregate: Aggregate = "avg",
    ) -> list[Series]:
        if step_ms <= 0:
            raise ValueError(f"step_ms must be positive, got {step_ms}")
        rollup = _ROLLUPS.get(aggregate)
        if rollup is None:
            raise InvalidRequestError("aggregate", f"{aggregate!r} is not one of {list(_ROLLUPS)}")
        selector = promql.selector(metrics=[metric], satellite=satellite_id)
        if end_ms < start_ms:
            return []
        query = f"{rollup}({selector}[{promql.duration(step_ms)}])"
        last_k = (end_ms - start_ms) // step_ms
        points: dict[SeriesKey, list[Point]] = {}
        for first_k in range(0, last_k + 1, self._max_points):
            final_k = min(last_k, first_k + self._max_points - 1)
            params = {
                "query": query,
                "start": promql.seconds(start_ms + first_k * step_ms),
                "end": promql.seconds(start_ms + final_k * step_ms),
                "step": promql.duration(step_ms),
                **_FRESH,
            }
            for item in self._result("/api/v1/query_range", params):
                key = _series_key(item["metric"], metric)
                points.setdefault(key, []).extend(
                    Point(round(t * 1000), float(v)) for t, v in item["values"]
                )
        return [Series(key=key, points=points[key]) for key in sorted(points)]

    def latest(
        self, satellite_id: str | None = None, metrics: Sequence[str] | None = None
    ) -> list[LatestValue]:
        if metrics is not None and not metrics:
            return []
        selector = promql.selector(metrics=metrics, satellite=satellite_id)
        window = f"{selector}[{promql.duration(self._latest_lookback_ms)}]"
        query = (
            f'label_set(last_over_time({window}), "{_PART}", "value")'
            f' or label_set(tlast_over_time({window}) keep_metric_names, "{_PART}", "time")'
        )
        at = promql.seconds(_now_ms() + MINUTE_MS)
        halves: dict[SeriesKey, dict[str, float]] = {}
        for item in self._result("/api/v1/query", {"query": query, "time": at, **_FRESH}):
            labels = dict(item["metric"])
            part = labels.pop(_PART, "")
            halves.setdefault(_series_key(labels, ""), {})[part] = float(item["value"][1])
        return [
            LatestValue(key=key, timestamp_ms=round(half["time"] * 1000), value=half["value"])
            for key, half in sorted(halves.items())
            if "time" in half and "value" in half
        ]

    def window(
        self, satellite_id: str, metrics: Sequence[str], size: int, end_ms: int | None = None
    ) -> dict[str, list[Point]]:
        """Every requested metric is a key; one with no samples maps to an empty list."""
        promql.satellite_id(satellite_id)
        wanted = list(dict.fromkeys(promql.metric_name(m, "metrics") for m in metrics))
        result: dict[str, list[Point]] = {m: [] for m in wanted}
        if size <= 0 or not wanted:
            return result
        now = _now_ms()
        anchor = end_ms if end_ms is not None else now
        upper = end_ms if end_ms is not None else now + MINUTE_MS
        lookback = max(2_000 * size, MINUTE_MS)
        pending = wanted
        while pending:
            lookback = min(lookback, self._window_max_lookback_ms)
            found = self._export(
                promql.selector(metrics=pending, satellite=satellite_id), anchor - lookback, upper
            )
            for metric in pending:
                result[metric] = found.get(metric, [])[-size:]
            if lookback >= self._window_max_lookback_ms:
                break
            pending = [m for m in pending if len(result[m]) < size]
            lookback *= 4
        return result

    def series(self, satellite_id: str | None = None, metric: str | None = None) -> list[SeriesKey]:
        selector = promql.selector(
            metrics=None if metric is None else [metric], satellite=satellite_id
        )
        params = {"match[]": selector, "start": _ALL_TIME, "end": _far_end()}
        labels = self._data("/api/v1/series", params)
        return sorted(_series_key(item, "") for item in labels)

    def label_values(self, label: Literal["satellite_id", "subsystem", "__name__"]) -> list[str]:
        # Without start and end the server answers from its all-time index.
        values = self._data(f"/api/v1/label/{promql.label_name(label)}/values", {})
        return sorted(str(v) for v in values)

    def _export(self, selector: str, start_ms: int, end_ms: int) -> dict[str, list[Point]]:
        """Raw samples in [start_ms, end_ms] by metric name, oldest first."""
        params = {
            "match[]": selector,
            "start": promql.seconds(max(start_ms, 1)),
            "end": promql.seconds(end_ms),
        }
        response = self._request("POST", "/api/v1/export", data=params)
        by_metric: dict[str, list[Point]] = {}
        merged: set[str] = set()
        for line in response.content.splitlines():
            if not line:
                continue
            row = orjson.loads(line)
            name = row["metric"].get("__name__", "")
            points = [
                Point(t, float(v)) for t, v in zip(row["timestamps"], row["values"], strict=True)
            ]
            if name in by_metric:
                by_metric[name].extend(points)
                merged.add(name)
            else:
                by_metric[name] = points
        for name in merged:  # one metric's samples from several lines or series
            by_metric[name].sort()
        return by_metric

    # --- HTTP -----------------------------------------------------------------------

    def _result(self, path: str, params: Mapping[str, str]) -> list[dict[str, Any]]:
        data = self._data(path, params)
        result: list[dict[str, Any]] = data["result"]
        return result

    def _data(self, path: str, params: Mapping[str, str]) -> Any:
        response = self._request("POST", path, data=params)
        payload = orjson.loads(response.content)
        if payload.get("status") != "success":
            raise VictoriaMetricsError(
                self.url, f"POST {path}", response.status_code, _shown(response.text)
            )
        return payload["data"]

    def _request(
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
                SERVICE,
                self.url,
                f"{request}: HTTP {response.status_code}: {_shown(response.text)}",
            )
        if response.status_code >= 400:
            raise VictoriaMetricsError(
                self.url, request, response.status_code, _shown(response.text)
            )
        return response

    # --- lifecycle ------------------------------------------------------------------

    def force_flush(self) -> None:
        """Make every sample written so far searchable now (tests and tools)."""
        self._request("POST", "/internal/force_flush")

    def check_ready(self) -> None:
        try:
            response = self._request("GET", "/health", timeout=self._ready_timeout_s)
        except VictoriaMetricsError as exc:  # e.g. a URL with a wrong path
            raise ServiceUnavailableError(SERVICE, self.url, str(exc)) from exc
        if response.text.strip() != "OK":
            raise ServiceUnavailableError(
                SERVICE, self.url, f"GET /health answered {_shown(response.text)!r}"
            )

    def close(self) -> None:
        self._writers.shutdown(wait=True)
        self._http.close()


def _split(items: Items, parts: int) -> list[Items]:
    """Consecutive runs of series with about equal sample counts."""
    total = sum(len(points.values) for _, points in items)
    target = math.ceil(total / parts)
    runs: list[Items] = [[]]
    filled = 0
    for item in items:
        if filled >= target and len(runs) < parts:
            runs.append([])
            filled = 0
        runs[-1].append(item)
        filled += len(item[1].values)
    return [run for run in runs if run]


def _series_key(labels: Mapping[str, str], metric: str) -> SeriesKey:
    return SeriesKey(
        labels.get("__name__", metric), labels.get("satellite_id", ""), labels.get("subsystem", "")
    )


def _describe(exc: httpx.HTTPError) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _BODY_SHOWN else text[:_BODY_SHOWN] + "..."


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _far_end() -> str:
    # The server clamps ends to two days ahead, as it does for samples.
    return promql.seconds(_now_ms() + 2 * DAY_MS)

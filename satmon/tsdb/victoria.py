"""The time-series store on VictoriaMetrics' HTTP API.

Writes use the JSON-lines import (`/api/v1/import`): one line per series with
all its values and timestamps (`satmon.tsdb.vm_import` builds the body in one
orjson call), gzip level 1 by default. A batch larger than `split_samples` is
cut into `write_concurrency` parts sent at once, which uses more of the
server's cores when it has idle ones. Measured on this 2-core machine with the
server beside the client and other work running (1,000 satellites): 0.8-0.95 M
samples/s over one connection uncompressed, 0.6-0.9 M with gzip; per million
samples the server spent 0.6-0.9 s of CPU and the client 0.3-0.45 s, gzip
adding about 0.1 s on each side. Larger batches are cheaper per sample (a line
per series per batch): 10,000 frames a batch beat 5,000 by a fifth.
`gzip_level=None` sends the body as it is, the cheaper choice when the server
is on the same host (the factory chooses so for a loopback URL). The server
keeps one sample per series and millisecond (-dedup.minScrapeInterval), so
resending a batch after a failure is harmless.

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
  ahead of now to allow for clock skew; a series silent for longer has no
  latest. The server decodes every block overlapping the window, so the cost
  follows the series count more than the lookback: for 23,000 series of 1 Hz
  data it took 1-2.5 s here, for one satellite 20 ms.
- `window` reads raw samples with `/api/v1/export` over a lookback that starts
  at twice `size` seconds before the end and grows fourfold, for the metrics
  still short, up to `window_max_lookback_ms` (default 30 days). One request
  suffices for a live satellite (5 ms for 40 samples of 23 metrics).
- `series` and `label_values` cover all time (the index, not the samples);
  `series()` without filters asks per metric name (see its docstring).

Values come back with about 12 significant digits (the server's storage
format keeps no more). Connection failures and 5xx answers raise
`ServiceUnavailableError` naming the service, URL, request and response body;
a 4xx answer raises `VictoriaMetricsError` with the body: a bad query.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from typing import Literal

import orjson

from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.telemetry.samples import SampleBatch, SeriesKey, SeriesPoints
from satmon.tsdb import promql
from satmon.tsdb.base import Aggregate, LatestValue, Point, Series
from satmon.tsdb.vm_http import SERVICE, VictoriaMetricsApi, VictoriaMetricsError, shown
from satmon.tsdb.vm_import import ImportEncoder

__all__ = ["VictoriaMetricsError", "VictoriaMetricsStore"]

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

Items = list[tuple[SeriesKey, SeriesPoints]]


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
        split_samples: int = 100_000,
        gzip_level: int | None = 1,
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
        self._api = VictoriaMetricsApi(
            self.url,
            timeout_s=timeout_s,
            connect_timeout_s=connect_timeout_s,
            connections=self._write_concurrency + 8,
        )
        self._writers = ThreadPoolExecutor(
            self._write_concurrency, thread_name_prefix="victoriametrics-write"
        )
        self._encoder = ImportEncoder()

    # --- writes ---------------------------------------------------------------------

    def write(self, batch: SampleBatch) -> int:
        items = list(batch.series.items())
        total = sum(len(points.values) for _, points in items)
        if not total:
            return 0
        parts = _split(items, total, self._write_concurrency) if total > self._split_samples else []
        if len(parts) < 2:
            return self._import(items)
        futures = [self._writers.submit(self._import, part) for part in parts]
        wait(futures)
        return sum(future.result() for future in futures)  # the first failure raises

    def _import(self, items: Items) -> int:
        body, count = self._encoder.encode(items)
        if not body:
            return 0
        headers = {}
        if self._gzip_level is not None:
            body = zlib.compress(body, self._gzip_level, wbits=31)  # wbits 31: gzip framing
            headers["Content-Encoding"] = "gzip"
        self._api.request("POST", "/api/v1/import", content=body, headers=headers)
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
            for item in self._api.result("/api/v1/query_range", params):
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
        # evaluated a minute ahead, so the window reaches a minute further back as well
        window = f"{selector}[{promql.duration(self._latest_lookback_ms + MINUTE_MS)}]"
        query = (
            f'label_set(last_over_time({window}), "{_PART}", "value")'
            f' or label_set(tlast_over_time({window}) keep_metric_names, "{_PART}", "time")'
        )
        at = promql.seconds(_now_ms() + MINUTE_MS)
        halves: dict[SeriesKey, dict[str, float]] = {}
        for item in self._api.result("/api/v1/query", {"query": query, "time": at, **_FRESH}):
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
        """With neither filter, one request per metric name: the server refuses a
        search matching more than -search.maxSeries (30,000) series at once."""
        if metric is None and satellite_id is None:
            names = [n for n in self.label_values("__name__") if promql.is_metric_name(n)]
            return sorted(key for name in names for key in self._series(name, None))
        return sorted(self._series(metric, satellite_id))

    def _series(self, metric: str | None, satellite_id: str | None) -> list[SeriesKey]:
        selector = promql.selector(
            metrics=None if metric is None else [metric], satellite=satellite_id
        )
        params = {"match[]": selector, "start": _ALL_TIME, "end": _far_end()}
        return [_series_key(item, "") for item in self._api.data("/api/v1/series", params)]

    def label_values(self, label: Literal["satellite_id", "subsystem", "__name__"]) -> list[str]:
        # Without start and end the server answers from its all-time index.
        values = self._api.data(f"/api/v1/label/{promql.label_name(label)}/values", {})
        return sorted(str(v) for v in values)

    def _export(self, selector: str, start_ms: int, end_ms: int) -> dict[str, list[Point]]:
        """Raw samples in [start_ms, end_ms] by metric name, oldest first."""
        params = {
            "match[]": selector,
            "start": promql.seconds(max(start_ms, 1)),
            "end": promql.seconds(end_ms),
        }
        response = self._api.request("POST", "/api/v1/export", data=params)
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

    # --- lifecycle ------------------------------------------------------------------

    def force_flush(self) -> None:
        """Make every sample written so far searchable now (tests and tools)."""
        self._api.request("POST", "/internal/force_flush")

    def check_ready(self) -> None:
        try:
            response = self._api.request("GET", "/health", timeout=self._ready_timeout_s)
        except VictoriaMetricsError as exc:  # e.g. a URL with a wrong path
            raise ServiceUnavailableError(SERVICE, self.url, str(exc)) from exc
        if response.text.strip() != "OK":
            raise ServiceUnavailableError(
                SERVICE, self.url, f"GET /health answered {shown(response.text)!r}"
            )

    def close(self) -> None:
        self._writers.shutdown(wait=True)
        self._api.close()


def _split(items: Items, total: int, parts: int) -> list[Items]:
    """Consecutive runs of series with about equal sample counts (`total` in all)."""
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


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _far_end() -> str:
    # The server clamps ends to two days ahead, as it does for samples.
    return promql.seconds(_now_ms() + 2 * DAY_MS)

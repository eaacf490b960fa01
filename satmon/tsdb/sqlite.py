"""The embedded time-series store: one SQLite file in WAL mode.

Series are rows of `series` (metric, satellite_id, subsystem); samples live in a
WITHOUT ROWID table keyed (series_id, timestamp_ms), so one series' points sit
together on disk in time order and a range read is one b-tree range scan.
Rewriting a sample replaces it, which makes writes idempotent.

Each thread gets its own connection (`satmon.sqlite_file`): an ingest writer
and API readers run side by side, and WAL lets readers proceed while the writer
commits.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from satmon.errors import ServiceUnavailableError
from satmon.sqlite_file import SqliteFile
from satmon.telemetry.samples import SampleBatch, SeriesKey
from satmon.tsdb.base import Aggregate, LatestValue, Point, Series

_SCHEMA = """
CREATE TABLE IF NOT EXISTS series (
    id           INTEGER PRIMARY KEY,
    metric       TEXT NOT NULL,
    satellite_id TEXT NOT NULL,
    subsystem    TEXT NOT NULL,
    UNIQUE (metric, satellite_id, subsystem)
);
CREATE INDEX IF NOT EXISTS series_by_satellite ON series (satellite_id, metric);
CREATE TABLE IF NOT EXISTS samples (
    series_id    INTEGER NOT NULL REFERENCES series (id),
    timestamp_ms INTEGER NOT NULL,
    value        REAL NOT NULL,
    PRIMARY KEY (series_id, timestamp_ms)
) WITHOUT ROWID;
"""

# Two plans give the same points. A grid no longer than `grid_seek_limit` is walked
# point by point, each an index range seek on (series_id, timestamp_ms): no sort, and
# empty stretches cost nothing. A longer grid (a fine step over a long range) is cheaper
# as one scan grouped by bucket: sample ts belongs to grid point start + k*step with
# k = ceil((ts - start) / step), the first grid point t with t - step < ts <= t.
_BUCKET_VALUE: dict[str, str] = {
    "avg": "avg(value)",
    "min": "min(value)",
    "max": "max(value)",
    # With a lone max(), SQLite takes the bare column `value` from the row holding
    # the maximum: the newest sample of the bucket.
    "last": "value, max(timestamp_ms)",
}
_SEEK_VALUE: dict[str, str] = {
    "avg": "SELECT avg(value)",
    "min": "SELECT min(value)",
    "max": "SELECT max(value)",
    "last": "SELECT value",
}


def _seek_sql(aggregate: str) -> str:
    order = " ORDER BY timestamp_ms DESC LIMIT 1" if aggregate == "last" else ""
    return (
        "WITH RECURSIVE grid(t) AS ("
        " SELECT :start UNION ALL SELECT t + :step FROM grid WHERE t + :step <= :hi)"
        f" SELECT t, ({_SEEK_VALUE[aggregate]} FROM samples WHERE series_id = :series"
        f" AND timestamp_ms > t - :step AND timestamp_ms <= t{order}) AS v"
        " FROM grid WHERE v IS NOT NULL"
    )


def _scan_sql(aggregate: str) -> str:
    # Only ts > start - step is read, where the dividend is never negative and
    # integer division is a floor.
    return (
        f"SELECT :start + (timestamp_ms - :start + :step - 1) / :step * :step AS t,"
        f" {_BUCKET_VALUE[aggregate]} FROM samples"
        " WHERE series_id = :series AND timestamp_ms > :start - :step AND timestamp_ms <= :hi"
        " GROUP BY t ORDER BY t"
    )


_SEEK_SQL = {agg: _seek_sql(agg) for agg in _BUCKET_VALUE}
_SCAN_SQL = {agg: _scan_sql(agg) for agg in _BUCKET_VALUE}

_LABEL_COLUMNS = {"satellite_id": "satellite_id", "subsystem": "subsystem", "__name__": "metric"}


class SqliteTimeSeriesStore:
    """`TimeSeriesStore` over a SQLite file, created on first use.

    `grid_seek_limit` picks the range-query plan (see "Two plans" above); both give the
    same points, it only trades speed between coarse and very fine grids.
    """

    name = "sqlite-tsdb"

    def __init__(
        self, path: Path, *, busy_timeout_s: float = 10.0, grid_seek_limit: int = 20_000
    ) -> None:
        self.path = path
        self.grid_seek_limit = grid_seek_limit
        self.url = str(path)
        self._file = SqliteFile(
            path,
            _SCHEMA,
            service=self.name,
            busy_timeout_s=busy_timeout_s,
            pragmas=("synchronous = FULL", "temp_store = MEMORY"),
        )
        self._connection = self._file.connection
        self._transaction = self._file.transaction
        # Series ids never change once committed, so every thread may share them.
        self._series_ids: dict[SeriesKey, int] = {}

    # --- writes ---------------------------------------------------------------------

    def write(self, batch: SampleBatch) -> int:
        if not batch.series:
            return 0
        created: dict[SeriesKey, int] = {}
        count = 0
        with self._transaction() as conn:
            for key, points in batch.series.items():
                series_id = self._series_ids.get(key)
                if series_id is None:
                    series_id = created[key] = _ensure_series(conn, key)
                conn.executemany(
                    "INSERT OR REPLACE INTO samples (series_id, timestamp_ms, value)"
                    " VALUES (?, ?, ?)",
                    zip(
                        [series_id] * len(points.values),
                        points.timestamps_ms,
                        points.values,
                        strict=True,
                    ),
                )
                count += len(points.values)
        # Only after the commit: a rolled-back insert must not leave an id behind.
        self._series_ids.update(created)
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
        if end_ms < start_ms:
            return []
        last_k = (end_ms - start_ms) // step_ms
        sql = (_SEEK_SQL if last_k < self.grid_seek_limit else _SCAN_SQL)[aggregate]
        params = {"start": start_ms, "step": step_ms, "hi": start_ms + last_k * step_ms}
        conn = self._connection()
        result: list[Series] = []
        for series_id, key in self._select_series(conn, satellite_id=satellite_id, metric=metric):
            rows = conn.execute(sql, {**params, "series": series_id}).fetchall()
            if rows:
                result.append(Series(key=key, points=[Point(row[0], row[1]) for row in rows]))
        return result

    def latest(
        self, satellite_id: str | None = None, metrics: Sequence[str] | None = None
    ) -> list[LatestValue]:
        conn = self._connection()
        wanted = set(metrics) if metrics is not None else None
        rows = conn.execute(
            "SELECT s.metric, s.satellite_id, s.subsystem, x.timestamp_ms, x.value"
            " FROM series AS s JOIN samples AS x ON x.series_id = s.id AND x.timestamp_ms ="
            " (SELECT max(timestamp_ms) FROM samples WHERE series_id = s.id)"
            " WHERE :sat IS NULL OR s.satellite_id = :sat"
            " ORDER BY s.metric, s.satellite_id, s.subsystem",
            {"sat": satellite_id},
        ).fetchall()
        return [
            LatestValue(key=SeriesKey(row[0], row[1], row[2]), timestamp_ms=row[3], value=row[4])
            for row in rows
            if wanted is None or row[0] in wanted
        ]

    def window(
        self, satellite_id: str, metrics: Sequence[str], size: int, end_ms: int | None = None
    ) -> dict[str, list[Point]]:
        """Every requested metric is a key; one with no samples maps to an empty list."""
        conn = self._connection()
        ids_by_metric: dict[str, list[int]] = {}
        for series_id, key in self._select_series(conn, satellite_id=satellite_id):
            ids_by_metric.setdefault(key.metric, []).append(series_id)
        upper = end_ms if end_ms is not None else 2**63 - 1
        result: dict[str, list[Point]] = {}
        for metric in metrics:
            ids = ids_by_metric.get(metric, [])
            if not ids or size <= 0:
                result[metric] = []
                continue
            marks = ",".join("?" * len(ids))
            rows = conn.execute(
                f"SELECT timestamp_ms, value FROM samples WHERE series_id IN ({marks})"
                " AND timestamp_ms <= ? ORDER BY timestamp_ms DESC LIMIT ?",
                (*ids, upper, size),
            ).fetchall()
            result[metric] = [Point(ts, value) for ts, value in reversed(rows)]
        return result

    def series(self, satellite_id: str | None = None, metric: str | None = None) -> list[SeriesKey]:
        conn = self._connection()
        return [
            key for _, key in self._select_series(conn, satellite_id=satellite_id, metric=metric)
        ]

    def label_values(self, label: Literal["satellite_id", "subsystem", "__name__"]) -> list[str]:
        column = _LABEL_COLUMNS[label]  # a fixed column name, never user text
        rows = (
            self._connection()
            .execute(f"SELECT DISTINCT {column} FROM series ORDER BY {column}")
            .fetchall()
        )
        return [row[0] for row in rows]

    def _select_series(
        self,
        conn: sqlite3.Connection,
        *,
        satellite_id: str | None = None,
        metric: str | None = None,
    ) -> list[tuple[int, SeriesKey]]:
        rows = conn.execute(
            "SELECT id, metric, satellite_id, subsystem FROM series"
            " WHERE (:metric IS NULL OR metric = :metric)"
            " AND (:sat IS NULL OR satellite_id = :sat)"
            " ORDER BY metric, satellite_id, subsystem",
            {"metric": metric, "sat": satellite_id},
        ).fetchall()
        return [(row[0], SeriesKey(row[1], row[2], row[3])) for row in rows]

    # --- lifecycle ------------------------------------------------------------------

    def check_ready(self) -> None:
        try:
            with self._transaction() as conn:
                conn.execute("SELECT count(*) FROM series").fetchone()
        except sqlite3.Error as exc:
            raise ServiceUnavailableError(self.name, self.url, str(exc)) from exc

    def close(self) -> None:
        self._file.close()


def _ensure_series(conn: sqlite3.Connection, key: SeriesKey) -> int:
    conn.execute(
        "INSERT OR IGNORE INTO series (metric, satellite_id, subsystem) VALUES (?, ?, ?)",
        key,
    )
    row = conn.execute(
        "SELECT id FROM series WHERE metric = ? AND satellite_id = ? AND subsystem = ?",
        key,
    ).fetchone()
    return int(row[0])

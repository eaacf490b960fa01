"""Which time-series store a process gets: VictoriaMetrics when VICTORIA_METRICS_URL is
set, else SQLite in the data directory."""

from __future__ import annotations

from satmon.config import Settings
from satmon.errors import ServiceUnavailableError
from satmon.tsdb.base import TimeSeriesStore
from satmon.tsdb.sqlite import SqliteTimeSeriesStore


def open_tsdb(settings: Settings) -> TimeSeriesStore:
    if settings.victoria_metrics_url:
        raise ServiceUnavailableError(
            "victoriametrics",
            settings.victoria_metrics_url,
            "this build has no VictoriaMetrics adapter",
        )
    return SqliteTimeSeriesStore(settings.tsdb_path)

"""Which time-series store a process gets: VictoriaMetrics when VICTORIA_METRICS_URL is
set, else SQLite in the data directory."""

from __future__ import annotations

from satmon.config import Settings
from satmon.tsdb.base import TimeSeriesStore
from satmon.tsdb.sqlite import SqliteTimeSeriesStore
from satmon.tsdb.victoria import VictoriaMetricsStore


def open_tsdb(settings: Settings) -> TimeSeriesStore:
    """A configured VictoriaMetrics must answer now: a process never starts on a store
    it cannot reach (ServiceUnavailableError names the URL)."""
    if settings.victoria_metrics_url:
        store = VictoriaMetricsStore(settings.victoria_metrics_url)
        try:
            store.check_ready()
        except BaseException:
            store.close()
            raise
        return store
    return SqliteTimeSeriesStore(settings.tsdb_path)

"""Which time-series store a process gets: VictoriaMetrics when VICTORIA_METRICS_URL is
set, else SQLite in the data directory."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from satmon.config import Settings
from satmon.tsdb.base import TimeSeriesStore
from satmon.tsdb.sqlite import SqliteTimeSeriesStore
from satmon.tsdb.victoria import VictoriaMetricsStore


def open_tsdb(settings: Settings) -> TimeSeriesStore:
    """A configured VictoriaMetrics must answer now: a process never starts on a store
    it cannot reach (ServiceUnavailableError names the URL).

    Import bodies go gzip-compressed to a remote server and as they are to one on this
    host, where compressing only costs CPU on both sides (measured: a quarter fewer
    samples/s with gzip on a 2-core machine running both).
    """
    if settings.victoria_metrics_url:
        url = settings.victoria_metrics_url
        store = VictoriaMetricsStore(url, gzip_level=None if _on_this_host(url) else 1)
        try:
            store.check_ready()
        except BaseException:
            store.close()
            raise
        return store
    return SqliteTimeSeriesStore(settings.tsdb_path)


def _on_this_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name other than localhost
        return False

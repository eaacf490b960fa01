"""Prometheus metrics of ingestion, in the process's default registry (so the
embedded API's /metrics shows them too); `satmon consume` serves them on a port
of its own with `serve`."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, start_http_server

FRAMES_IN = Counter("satmon_ingest_frames_total", "Frames read from the bus")
SAMPLES_WRITTEN = Counter("satmon_ingest_samples_written_total", "Samples written to the store")
DEAD_LETTERS = Counter("satmon_ingest_dead_letters_total", "Frames sent to the dead-letter topic")
WRITE_ERRORS = Counter("satmon_ingest_write_errors_total", "Failed writes to the store")
BATCH_WRITE_SECONDS = Histogram(
    "satmon_ingest_batch_write_seconds",
    "Time to write one batch to the store",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
CONSUMER_LAG = Gauge(
    "satmon_ingest_consumer_lag",
    "Messages of a partition past this consumer's last commit",
    ["topic", "partition"],
)
PAUSED_PARTITIONS = Gauge(
    "satmon_ingest_paused_partitions", "Partitions paused while the store is unavailable"
)


def set_lags(lags: dict[tuple[str, int], int], shown: set[tuple[str, int]]) -> None:
    """Publish these lags and drop the partitions of `shown` that are no longer
    assigned; `shown` is updated to what is published now."""
    for topic, partition in shown - lags.keys():
        CONSUMER_LAG.remove(topic, str(partition))
    for (topic, partition), lag in lags.items():
        CONSUMER_LAG.labels(topic, str(partition)).set(lag)
    shown.clear()
    shown.update(lags)


def serve(host: str, port: int) -> int:
    """Serve /metrics on host:port from a daemon thread; port 0 picks a free one,
    which is returned."""
    server, _ = start_http_server(port, addr=host)
    bound: int = server.server_port
    return bound

"""Prometheus metrics of ingestion."""

from prometheus_client import Counter, Histogram

FRAMES_IN = Counter("satmon_ingest_frames_total", "Frames read from the bus")
SAMPLES_WRITTEN = Counter("satmon_ingest_samples_written_total", "Samples written to the store")
DEAD_LETTERS = Counter("satmon_ingest_dead_letters_total", "Frames sent to the dead-letter topic")
WRITE_ERRORS = Counter("satmon_ingest_write_errors_total", "Failed writes to the store")
BATCH_WRITE_SECONDS = Histogram(
    "satmon_ingest_batch_write_seconds",
    "Time to write one batch to the store",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

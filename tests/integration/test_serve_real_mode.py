"""`satmon serve` in real mode, as an operator runs it: a subprocess configured only by
the seed's environment names, reading trends from VictoriaMetrics, jobs from
PostgreSQL, search from Elasticsearch, caching in Redis, and running a submitted
job on Triton.

The job runs through the local executor (no CELERY_BROKER_URL): the Celery path
has its own tests. Every place the process writes to is the test's own: a
database, an index, topics, and a satellite id that also names its Redis keys.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import redis

from satmon.telemetry.codec import decode_frame
from satmon.telemetry.samples import frames_to_samples
from satmon.tsdb.victoria import VictoriaMetricsStore
from tests.factories import frame_document
from tests.integration.conftest import (
    ELASTICSEARCH_URL,
    KAFKA_BOOTSTRAP_SERVERS,
    REDIS_URL,
    VICTORIA_METRICS_URL,
    create_database,
    drop_database,
    unique_name,
)
from tests.processes import SatmonProcess, wait_for

pytestmark = pytest.mark.integration

TRITON_URL = os.environ.get("SATMON_TEST_TRITON_URL", "127.0.0.1:8501")
SECONDS = 120


@pytest.fixture
def environment() -> Iterator[dict[str, str]]:
    """The seed's variables pointing at every real service, places of the test's own."""
    database_url = create_database()
    env = {
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
        "VICTORIA_METRICS_URL": VICTORIA_METRICS_URL,
        "DATABASE_URL": database_url,
        "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
        "SATMON_SEARCH_INDEX": unique_name("satmon-serve").lower(),
        "REDIS_URL": REDIS_URL,
        "TRITON_SERVER_URL": TRITON_URL,
        "SATMON_RESULTS_TOPIC": unique_name("results"),
        "SATMON_TELEMETRY_TOPIC": unique_name("telemetry"),
        "SATMON_DLQ_TOPIC": unique_name("dlq"),
        "SATMON_CACHE_TTL_S": "30",
    }
    try:
        yield env
    finally:
        drop_database(database_url)
        with contextlib.suppress(httpx.HTTPError):
            httpx.delete(f"{ELASTICSEARCH_URL}/{env['SATMON_SEARCH_INDEX']}", timeout=10)


def write_history(satellite_id: str, end: datetime) -> None:
    """A minute of frames a second apart, battery voltage rising 1 mV a second."""
    frames = [
        decode_frame(
            orjson.dumps(
                frame_document(
                    satellite_id,
                    seq=seq,
                    at=end - timedelta(seconds=SECONDS - 1 - seq),
                    eps={"battery_voltage": 3.7 + 0.001 * seq},
                )
            )
        )
        for seq in range(SECONDS)
    ]
    store = VictoriaMetricsStore(VICTORIA_METRICS_URL, gzip_level=None, timeout_s=10.0)
    try:
        store.write(frames_to_samples(frames))
    finally:
        store.close()


def test_serve_reads_every_real_store_and_runs_a_job_on_triton(
    environment: dict[str, str], tmp_path: Path
) -> None:
    migrated = subprocess.run(
        [sys.executable, "-m", "satmon", "db", "upgrade"],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr

    satellite_id = "SRV" + uuid.uuid4().hex[:8].upper()
    end = datetime.now(UTC).replace(microsecond=0)
    write_history(satellite_id, end)

    served = SatmonProcess("serve", [], environment, tmp_path / "serve.log")
    try:
        ready = served.get("/ready")
        services = {role: check["service"] for role, check in ready["checks"].items()}
        assert ready["status"] == "ready"
        assert services == {
            "bus": "kafka",
            "tsdb": "victoriametrics",
            "results": "postgresql",
            "search": "elasticsearch",
            "cache": "redis",
            "models": "triton",
        }

        # Trends from VictoriaMetrics (the store hides the newest 30 s until asked not to).
        params = {
            "metric": "satellite_battery_voltage",
            "satellite_id": satellite_id,
            "start": (end - timedelta(seconds=SECONDS)).isoformat(),
            "end": end.isoformat(),
            "step": "1s",
        }

        def points() -> list[list[float]]:
            series = served.get("/api/v1/trends/raw", **params)["metrics"][0]["series"]
            return series[0]["points"] if series else []

        stored = wait_for(lambda: len(points()) == SECONDS and points(), 60, "the minute of frames")
        assert stored[0][1] == pytest.approx(3.7)
        assert stored[-1][1] == pytest.approx(3.7 + 0.001 * (SECONDS - 1))

        # The same request again is answered from Redis.
        keys = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        try:
            cached = [
                k
                for k in keys.scan_iter(match="satmon:cache:api:/api/v1/trends/raw*", count=1000)
                if satellite_id.encode() in k
            ]
        finally:
            keys.close()
        assert cached, "the trend read left no entry in Redis"

        # A job on Triton, its rows in PostgreSQL, its document in Elasticsearch.
        submitted = served.client.post(
            "/api/v1/inference/submit",
            json={
                "model_name": "lstm_timeseries",
                "data": [3.7 + 0.001 * i for i in range(40)],
                "config": {"window_size": 20, "forecast_horizon": 10},
                "metadata": {"satellite_id": satellite_id, "source": "integration-test"},
            },
        )
        assert submitted.status_code == 202, submitted.text
        job_id = submitted.json()["job_id"]

        def finished() -> dict[str, Any] | None:
            status = served.get(f"/api/v1/inference/status/{job_id}")
            return status if status["status"] in {"completed", "failed"} else None

        status = wait_for(finished, 60, f"job {job_id} to finish")
        assert status["status"] == "completed", status
        result = served.get(f"/api/v1/inference/result/{job_id}")
        assert result["job"]["model_name"] == "lstm_timeseries"
        assert len(result["result"]["forecast"]) == 10

        def found() -> list[dict[str, Any]]:
            hits: list[dict[str, Any]] = served.get("/api/v1/search/results", q=satellite_id)[
                "hits"
            ]
            return [hit for hit in hits if hit["job_id"] == job_id]

        assert wait_for(found, 30, f"job {job_id} in Elasticsearch")
        jobs = served.get("/api/v1/query/jobs", satellite_id=satellite_id)
        assert [job["job_id"] for job in jobs["items"]] == [job_id]
    finally:
        assert served.stop() == 0, served.log_path.read_text()

"""Helpers of the analysis-path tests: settings of the test's own on the shared
services, `satmon` subprocesses, jobs submitted as the trigger submits them, and
reads of what the path produced (rows, results messages, search documents).

Every test gets a task queue, results and telemetry topics, a search index and a
database of its own, so it sees only its own jobs whatever else runs beside it.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import httpx
import orjson
import psycopg
from confluent_kafka.admin import AdminClient
from sqlalchemy.engine import make_url

from satmon.analysis.celery_queue import CeleryTaskQueue
from satmon.analysis.jobs import JobService
from satmon.analysis.windows import SatelliteWindows, Window
from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.search.elastic import ElasticsearchIndex
from satmon.store.repository import SqlResultsStore
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from tests.integration.conftest import (
    ELASTICSEARCH_URL,
    KAFKA_BOOTSTRAP_SERVERS,
    VICTORIA_METRICS_URL,
    unique_name,
)

CELERY_BROKER_URL = os.environ.get(
    "SATMON_TEST_CELERY_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//"
)
CELERY_RESULT_BACKEND = os.environ.get(
    "SATMON_TEST_CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/1"
)
TRITON_SERVER_URL = os.environ.get("SATMON_TEST_TRITON_SERVER_URL", "127.0.0.1:8501")
RABBITMQ_MANAGEMENT_URL = os.environ.get(
    "SATMON_TEST_RABBITMQ_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672"
)
SUBSYSTEMS = {"eps", "thermal", "aocs", "comm"}
WAIT_S = 120.0


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s:g}s"
        time.sleep(0.25)


# --- places of the test's own ----------------------------------------------------------


@dataclass(frozen=True)
class Analysis:
    """Settings of a test's analysis path and the environment of its subprocesses."""

    settings: Settings
    env: dict[str, str]
    database_url: str


@contextmanager
def analysis_path(database_url: str, data_dir: Path, **env: str) -> Iterator[Analysis]:
    """Topics, a task queue and a search index of the test's own on the real services,
    removed afterwards; `env` adds or overrides settings of the subprocesses."""
    names = {
        "SATMON_TELEMETRY_TOPIC": unique_name("telemetry"),
        "SATMON_RESULTS_TOPIC": unique_name("results"),
        "SATMON_DLQ_TOPIC": unique_name("dlq"),
        "SATMON_TASK_QUEUE": unique_name("inference"),
        "SATMON_SEARCH_INDEX": unique_name("jobs").lower(),
    }
    variables = {
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
        "VICTORIA_METRICS_URL": VICTORIA_METRICS_URL,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": CELERY_BROKER_URL,
        "CELERY_RESULT_BACKEND": CELERY_RESULT_BACKEND,
        "TRITON_SERVER_URL": TRITON_SERVER_URL,
        "ELASTICSEARCH_URL": ELASTICSEARCH_URL,
        "SATMON_DATA_DIR": str(data_dir),
        **names,
        **env,
    }
    settings = Settings(_env_file=None, **variables)  # type: ignore[arg-type]
    clean = {k: v for k, v in os.environ.items() if not _is_setting(k)}
    try:
        yield Analysis(settings, {**clean, **variables}, database_url)
    finally:
        _remove(settings)


def _is_setting(name: str) -> bool:
    """Variables of the developer's environment that would point a subprocess elsewhere."""
    return name.startswith(("SATMON_", "POSTGRES_", "KAFKA_", "CELERY_")) or name in (
        "DATABASE_URL",
        "TRITON_SERVER_URL",
        "REDIS_URL",
        "ELASTICSEARCH_URL",
        "VICTORIA_METRICS_URL",
    )


def _remove(settings: Settings) -> None:
    admin = AdminClient({"bootstrap.servers": KAFKA_BOOTSTRAP_SERVERS})
    topics = [settings.telemetry_topic, settings.results_topic, settings.dead_letter_topic]
    for future in admin.delete_topics(topics, request_timeout=10).values():
        with contextlib.suppress(Exception):  # best effort: the names are unique anyway
            future.result()
    queue = CeleryTaskQueue(settings)
    try:
        queue.delete()
    finally:
        queue.close()
    index = ElasticsearchIndex(ELASTICSEARCH_URL, index=settings.search_index)
    try:
        index.delete_index()
    finally:
        index.close()


# --- satmon subprocesses -----------------------------------------------------------------


class Satmon:
    """`python -m satmon <args>` with its log kept in memory."""

    def __init__(self, analysis: Analysis, *args: str) -> None:
        self.args = args
        self.process = subprocess.Popen(
            [sys.executable, "-m", "satmon", *args],
            env=analysis.env,
            cwd=analysis.settings.data_dir,  # away from any .env of the checkout
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: deque[str] = deque(maxlen=2000)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def text(self) -> str:
        return "".join(self.log)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> int | None:
        """SIGTERM and wait; SIGKILL if it does not stop within a minute."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
        self._reader.join(timeout=10)
        return self.process.returncode


@contextmanager
def running(analysis: Analysis, *args: str) -> Iterator[Satmon]:
    process = Satmon(analysis, *args)
    try:
        yield process
    finally:
        process.stop()


def wait_for_workers(analysis: Analysis, count: int, *processes: Satmon) -> None:
    """Until `count` workers consume the test's queue (each is one consumer)."""
    queue = CeleryTaskQueue(analysis.settings)
    try:

        def ready() -> bool:
            for process in processes:
                assert process.alive(), f"satmon {' '.join(process.args)} exited:\n{process.text()}"
            return queue.stats().consumers >= count

        wait_for(ready, f"{count} workers on {analysis.settings.task_queue}")
    finally:
        queue.close()


def queue_counters(analysis: Analysis) -> dict[str, Any]:
    """The broker's view of the test's queue (RabbitMQ's management API, whose figures
    are refreshed every few seconds)."""
    response = httpx.get(
        f"{RABBITMQ_MANAGEMENT_URL}/api/queues/%2F/{analysis.settings.task_queue}", timeout=10
    )
    response.raise_for_status()
    return cast(dict[str, Any], response.json())


# --- jobs submitted the way the trigger submits them -------------------------------------


def window_sets(count: int) -> list[list[Window]]:
    """The four subsystem windows of simulated satellites at successive moments."""
    simulator = Simulator(
        SimulatorConfig(satellites=4, seed=5, start=datetime(2026, 3, 1, tzinfo=UTC))
    )
    windows = SatelliteWindows(20)
    found: list[list[Window]] = []
    while len(found) < count:
        for _, value in simulator.encoded_tick():
            frame = decode_frame(value)
            windows.add(frame)
            if windows.is_full(frame.satellite_id):
                found.append(windows.windows(frame.satellite_id))
    return found[:count]


def submit_jobs(analysis: Analysis, satellite_prefix: str, count: int) -> list[str]:
    """`count` triggered jobs of four subsystems each: a committed job row, then one
    task on the queue, as `satmon trigger` does."""
    results = SqlResultsStore(analysis.database_url)
    queue = CeleryTaskQueue(analysis.settings)
    try:
        jobs = JobService(
            results,
            queue,
            tsdb=cast(Any, None),  # triggered jobs read neither the series nor the models
            models=cast(Any, None),
            default_model=analysis.settings.default_model,
            window_size=20,
            horizon=10,
        )
        submitted = []
        for n, windows in enumerate(window_sets(count)):
            end_ms = windows[0].timestamps_ms[-1] + n * 1000
            offset = end_ms - windows[0].timestamps_ms[-1]
            stamps = [t + offset for t in windows[0].timestamps_ms]
            moved = [replace(w, timestamps_ms=stamps) for w in windows]
            job_id = jobs.submit_triggered(f"{satellite_prefix}-{n % 8}", ["test"], moved)
            assert job_id is not None
            submitted.append(job_id)
        return submitted
    finally:
        queue.close()
        results.close()


# --- what the path produced ----------------------------------------------------------------


def sql(database_url: str, query: str, *params: object) -> list[tuple[Any, ...]]:
    """Rows of a query on a plain psycopg connection, as an operator's psql would run it."""
    url = make_url(database_url)
    with psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
    ) as conn:
        cursor = conn.execute(query, params or None)
        return cursor.fetchall() if cursor.description is not None else []


def job_states(database_url: str) -> dict[str, str]:
    return dict(sql(database_url, "SELECT job_id, status FROM inference_jobs"))


class ResultsReader:
    """Collects the messages of the results topic, by job id, on a thread."""

    def __init__(self, analysis: Analysis) -> None:
        self.messages: list[dict[str, Any]] = []
        self._bus = KafkaBus.from_settings(analysis.settings)
        self._consumer = self._bus.consumer(
            unique_name("reader"), [analysis.settings.results_topic]
        )
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for message in self._consumer.poll(1000, 0.2):
                with self._lock:
                    self.messages.append(orjson.loads(message.value))

    def by_job(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            found: dict[str, list[dict[str, Any]]] = {}
            for body in self.messages:
                found.setdefault(body["job_id"], []).append(body)
            return found

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self._consumer.close()
        self._bus.close()


def search_documents(analysis: Analysis, job_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The documents of these jobs in the test's index (a real-time get: no refresh)."""
    response = httpx.post(
        f"{ELASTICSEARCH_URL}/{analysis.settings.search_index}/_mget",
        json={"ids": job_ids},
        timeout=30,
    )
    response.raise_for_status()
    return {d["_id"]: d["_source"] for d in response.json()["docs"] if d.get("found")}

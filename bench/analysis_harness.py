"""The harness of bench/analysis.py: the services and processes around its runs.

Where the services are; the two ways measured (`Way`: seed and batched);
`Completions`, a thread reading the results topic for when each job's message
arrived and its status; the `satmon worker` subprocesses and their CPU;
`Pausing`, which stops the workers consuming while a backlog is queued; the
run's own database, and the cleanup of its queue, results topic and search
index; the load average.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import orjson
import psycopg
from common import ROOT, cpu_ticks
from psycopg import sql

from satmon.analysis.celery_app import create_app
from satmon.analysis.celery_queue import CeleryTaskQueue
from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.search.elastic import ElasticsearchIndex
from satmon.store.migrate import upgrade

PG_ADMIN = "host=127.0.0.1 port=5432 user=satmon password=satmon dbname=satmon"
SERVICES = {
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
    "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/1",
    "TRITON_SERVER_URL": "http://127.0.0.1:8500",  # as deploy/native.env
    "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "VICTORIA_METRICS_URL": "http://127.0.0.1:8428",
}


@dataclass(frozen=True)
class Way:
    name: str
    batch: bool  # worker side
    per_subsystem: bool  # submit side


WAYS = (Way("seed", batch=False, per_subsystem=True), Way("batched", True, False))


# --- the results topic ---------------------------------------------------------------


class Completions:
    """Reads the results topic; when each job's message arrived, and its status."""

    def __init__(self, bus: KafkaBus, topic: str) -> None:
        self.arrived: dict[str, tuple[float, str]] = {}
        self.total = 0  # distinct jobs arrived so far, a cheap progress count
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._consumer = bus.consumer(f"bench-{uuid.uuid4().hex[:8]}", [topic])
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for message in self._consumer.poll(10_000, 0.05):
                now = time.perf_counter()
                body = orjson.loads(message.value)
                with self._lock:
                    if body["job_id"] not in self.arrived:
                        self.arrived[body["job_id"]] = (now, body["status"])
                        self.total += 1

    def count(self, job_ids: dict[str, float]) -> int:
        with self._lock:
            return sum(1 for j in job_ids if j in self.arrived)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._consumer.close()


# --- workers -------------------------------------------------------------------------


@contextmanager
def workers(
    env: dict[str, str], count: int, way: Way, queue: CeleryTaskQueue, concurrency: int | None
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """`count` satmon workers, yielded once each consumes the queue."""
    started = []
    logs: deque[bytes] = deque(maxlen=40)
    for i in range(count):
        args = [sys.executable, "-m", "satmon", "worker", f"--hostname=bench{i}@%h"]
        args.append("--batch" if way.batch else "--no-batch")
        if concurrency is not None:
            args.append(f"--concurrency={concurrency}")
        process = subprocess.Popen(
            args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
        )
        started.append(process)
        assert process.stderr is not None
        threading.Thread(target=logs.extend, args=(process.stderr,), daemon=True).start()
    try:
        deadline = time.monotonic() + 120
        while queue.stats().consumers < count:
            exited = [p.returncode for p in started if p.poll() is not None]
            if exited or time.monotonic() > deadline:
                tail = b"".join(logs).decode(errors="replace")
                raise RuntimeError(f"workers not ready (exit codes {exited}):\n{tail}")
            time.sleep(0.2)
        yield started
    finally:
        for process in started:
            process.terminate()
        for process in started:
            process.wait(timeout=60)


def workers_cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU of the processes (and their children) so far."""
    total = 0
    pids = [p.pid for p in processes]
    for pid in list(pids):
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pids += [int(c) for c in children.read_text().split()]
    for pid in pids:
        with contextlib.suppress(FileNotFoundError):  # gone since
            total += cpu_ticks(pid)
    return total / os.sysconf("SC_CLK_TCK")


class Pausing:
    """Inside the block the workers consume nothing from the queue (Celery's remote
    control cancels their consumer, then adds it back)."""

    def __init__(self, settings: Settings, queue: CeleryTaskQueue, workers: int) -> None:
        self._app = create_app(settings)
        self._name = settings.task_queue
        self._queue = queue
        self._workers = workers

    def __enter__(self) -> None:
        self._app.control.cancel_consumer(self._name, reply=True, timeout=10)
        self._wait(0)

    def __exit__(self, *_: object) -> None:
        self._app.control.add_consumer(self._name, reply=True, timeout=10)
        self._wait(self._workers)

    def _wait(self, consumers: int) -> None:
        deadline = time.monotonic() + 30
        while self._queue.stats().consumers != consumers:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the workers did not get to {consumers} consumers")
            time.sleep(0.05)

    def close(self) -> None:
        self._app.close()


# --- setup and cleanup ---------------------------------------------------------------


@contextmanager
def database() -> Iterator[str]:
    name = f"satmon_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"postgresql+psycopg://satmon:satmon@127.0.0.1:5432/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def cleanup(settings: Settings, queue: CeleryTaskQueue) -> None:
    from confluent_kafka.admin import AdminClient

    assert settings.elasticsearch_url is not None
    index = ElasticsearchIndex(settings.elasticsearch_url, index=settings.search_index)
    index.delete_index()
    index.close()
    admin = AdminClient({"bootstrap.servers": SERVICES["KAFKA_BOOTSTRAP_SERVERS"]})
    for future in admin.delete_topics([settings.results_topic]).values():
        future.result()
    queue.delete()


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])

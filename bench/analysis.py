"""The analysis path in real mode: jobs/s sustained and submit-to-completed latency.

    .venv/bin/python bench/analysis.py [--seconds S] [--rate R] [--backlog N] [--workers 1 2]

Jobs are submitted the way `satmon trigger` submits them (JobService: the job
row is committed, then the task is published to RabbitMQ with a confirm), run
by `satmon worker` processes started here (Triton, PostgreSQL, Kafka,
Elasticsearch), and count as completed when their message arrives on the
results topic, after the write and the publication. Each job has the four
subsystem windows of a simulated satellite.

Two ways, same run, same workers' pool and concurrency:
- batched (satmon's): one message per job, its four windows in one model call
  (Triton's dynamic batcher runs them as one execution), and the writes of the
  tasks a worker finishes together in one transaction;
- seed: one message per subsystem, each one Triton request, each task starting
  the job, writing its row, trying to finish the job and publishing it.

For each way and each number of workers: a fixed rate (default 20 jobs/s) for
submit-to-completed latency p50/p99, then a backlog run for the jobs/s sustained:
the workers stop consuming, a backlog of jobs (default 1,000) is queued, and the
workers are let go; jobs/s is the backlog over the time its last job took to
arrive. Nothing is submitted while they drain it, so the figure is the workers'
own on this machine, not the submitter's. Needs the services (scripts/services
up) and a Triton model (default: satmon's default model). Uses a database, a queue, a
results topic and a search index of its own and removes them afterwards. Prints
a table and writes bench/results/analysis.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import numpy as np
import orjson
import psycopg
from psycopg import sql
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from satmon.analysis.celery_app import create_app
from satmon.analysis.celery_queue import CeleryTaskQueue
from satmon.analysis.jobs import JobService
from satmon.analysis.windows import SatelliteWindows, Window
from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.search.elastic import ElasticsearchIndex
from satmon.serving.triton import TritonModelServer
from satmon.store.migrate import upgrade
from satmon.store.repository import SqlResultsStore
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.simulator import Simulator, SimulatorConfig

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "analysis.json"
PG_ADMIN = "host=127.0.0.1 port=5432 user=satmon password=satmon dbname=satmon"
SERVICES = {
    "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:9092",
    "CELERY_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672//",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/1",
    "TRITON_SERVER_URL": "127.0.0.1:8501",
    "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "VICTORIA_METRICS_URL": "http://127.0.0.1:8428",
}
console = Console(stderr=True)


@dataclass(frozen=True)
class Way:
    name: str
    batch: bool  # worker side
    per_subsystem: bool  # submit side


WAYS = (Way("seed", batch=False, per_subsystem=True), Way("batched", True, False))


@dataclass
class Run:
    way: str
    workers: int
    kind: str  # "rate" or "backlog"
    offered_per_s: float | None
    submitted: int
    completed: int
    failed: int
    seconds: float
    jobs_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    worker_cpu_ms_per_job: float | None


# --- the jobs ------------------------------------------------------------------------


def window_sets(count: int) -> list[list[Window]]:
    """Four-subsystem windows of simulated satellites at successive moments."""
    sim = Simulator(SimulatorConfig(satellites=8, seed=3, start=datetime(2026, 3, 1, tzinfo=UTC)))
    windows = SatelliteWindows(20)
    found: list[list[Window]] = []
    while len(found) < count:
        for _, value in sim.encoded_tick():
            frame = decode_frame(value)
            windows.add(frame)
            if windows.is_full(frame.satellite_id):
                found.append(windows.windows(frame.satellite_id))
    return found[:count]


def shifted(windows: list[Window], end_ms: int) -> list[Window]:
    """The same windows ending at end_ms, so each job gets an id of its own."""
    offset = end_ms - windows[0].timestamps_ms[-1]
    stamps = [t + offset for t in windows[0].timestamps_ms]
    return [replace(w, timestamps_ms=stamps) for w in windows]


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


def cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU of the processes (and their children) so far."""
    total = 0
    pids = [p.pid for p in processes]
    for pid in list(pids):
        children = Path(f"/proc/{pid}/task/{pid}/children")
        if children.exists():
            pids += [int(c) for c in children.read_text().split()]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


# --- runs ----------------------------------------------------------------------------


def run(
    jobs: JobService,
    sets: list[list[Window]],
    done: Completions,
    procs: list[subprocess.Popen[bytes]],
    label: tuple[str, int, str],
    seconds: float,
    rate: float,
    progress: Progress,
) -> Run:
    """Submit for `seconds` at `rate` jobs/s, then wait for the stragglers."""
    submitted: dict[str, float] = {}
    base_ms = int(time.time() * 1000) * 10  # far from other runs' ids
    task = progress.add_task(f"{label[0]} x{label[1]} {label[2]}", total=None)
    arrived_before = done.total  # every earlier job has arrived (or timed out)
    cpu_before = cpu_seconds(procs)
    started = time.perf_counter()
    deadline = started + seconds
    n = 0
    while (now := time.perf_counter()) < deadline:
        due = started + n / rate
        if now < due:
            time.sleep(due - now)
        windows = shifted(sets[n % len(sets)], base_ms + n * 1000)
        before = time.perf_counter()
        job_id = jobs.submit_triggered(f"BENCH-{n % 64}", ["bench"], windows)
        assert job_id is not None
        submitted[job_id] = before
        progress.update(task, completed=done.total - arrived_before)
        n += 1
    submit_end = time.perf_counter()
    wait_until = time.perf_counter() + 120
    while done.count(submitted) < len(submitted) and time.perf_counter() < wait_until:
        progress.update(task, completed=done.count(submitted))
        time.sleep(0.05)
    cpu = cpu_seconds(procs) - cpu_before
    progress.remove_task(task)
    latencies = [done.arrived[j][0] - t for j, t in submitted.items() if j in done.arrived]
    failed = sum(1 for j in submitted if j in done.arrived and done.arrived[j][1] != "completed")
    finished = len(latencies)
    elapsed = submit_end - started
    return Run(
        way=label[0],
        workers=label[1],
        kind=label[2],
        offered_per_s=rate,
        submitted=len(submitted),
        completed=finished,
        failed=failed,
        seconds=round(elapsed, 2),
        jobs_per_s=round(finished / elapsed, 1),
        p50_ms=round(float(np.percentile(latencies, 50)) * 1000, 1) if latencies else None,
        p99_ms=round(float(np.percentile(latencies, 99)) * 1000, 1) if latencies else None,
        worker_cpu_ms_per_job=round(cpu / finished * 1000, 2) if finished else None,
    )


def drain(
    jobs: JobService,
    sets: list[list[Window]],
    done: Completions,
    procs: list[subprocess.Popen[bytes]],
    label: tuple[str, int, str],
    backlog: int,
    pause: Pausing,
    progress: Progress,
) -> Run:
    """Queue `backlog` jobs while the workers take none, then let them go: jobs/s is the
    backlog over the time until its last job arrived. Nothing is submitted meanwhile,
    so the figure is the workers' alone, whatever the submitting costs."""
    base_ms = int(time.time() * 1000) * 10 + 5_000_000  # far from other runs' ids
    task = progress.add_task(f"{label[0]} x{label[1]} {label[2]}", total=backlog)
    submitted: dict[str, float] = {}
    with pause:
        for n in range(backlog):
            windows = shifted(sets[n % len(sets)], base_ms + n * 1000)
            job_id = jobs.submit_triggered(f"BENCH-{n % 64}", ["bench"], windows)
            assert job_id is not None
            submitted[job_id] = 0.0
        arrived_before = done.total
        cpu_before = cpu_seconds(procs)
        started = time.perf_counter()
    wait_until = started + 600
    while done.total - arrived_before < backlog and time.perf_counter() < wait_until:
        progress.update(task, completed=done.total - arrived_before)
        time.sleep(0.05)
    cpu = cpu_seconds(procs) - cpu_before
    progress.remove_task(task)
    arrivals = [done.arrived[j] for j in submitted if j in done.arrived]
    finished = len(arrivals)
    elapsed = max((at for at, _ in arrivals), default=started) - started
    return Run(
        way=label[0],
        workers=label[1],
        kind=label[2],
        offered_per_s=None,
        submitted=backlog,
        completed=finished,
        failed=sum(1 for _, status in arrivals if status != "completed"),
        seconds=round(elapsed, 2),
        jobs_per_s=round(finished / elapsed, 1) if elapsed > 0 else 0.0,
        p50_ms=None,
        p99_ms=None,
        worker_cpu_ms_per_job=round(cpu / finished * 1000, 2) if finished else None,
    )


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each run")
    parser.add_argument("--rate", type=float, default=20.0, help="jobs/s of the latency runs")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--backlog", type=int, default=1000, help="jobs of the backlog runs")
    parser.add_argument(
        "--model",
        default=Settings.model_fields["default_model"].default,
        help="Triton model the workers call (default: satmon's default model)",
    )
    parser.add_argument("--ways", nargs="+", default=[w.name for w in WAYS])
    parser.add_argument(
        "--concurrency", type=int, default=None, help="threads per worker (default: satmon's)"
    )
    args = parser.parse_args()

    TritonModelServer(SERVICES["TRITON_SERVER_URL"]).check_ready()
    tag = uuid.uuid4().hex[:8]
    load_before = load()
    with database() as url:
        env = {
            **os.environ,
            **SERVICES,
            "DATABASE_URL": url,
            "SATMON_TASK_QUEUE": f"bench-{tag}",
            "SATMON_RESULTS_TOPIC": f"bench-results-{tag}",
            "SATMON_SEARCH_INDEX": f"bench-jobs-{tag}",
            "SATMON_DEFAULT_MODEL": args.model,
            "SATMON_LOG_LEVEL": "WARNING",
        }
        os.environ.update(env)  # this process submits with the workers' settings
        settings = Settings(_env_file=None)
        bus = KafkaBus(SERVICES["KAFKA_BOOTSTRAP_SERVERS"], topics=[settings.results_topic])
        results = SqlResultsStore(url)
        queue = CeleryTaskQueue(settings)
        done = Completions(bus, settings.results_topic)
        sets = window_sets(512)
        runs: list[Run] = []
        try:
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} jobs"),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                for way in [w for w in WAYS if w.name in args.ways]:
                    # Triggered jobs read neither the time series nor the model list.
                    jobs = JobService(
                        results,
                        queue,
                        tsdb=cast(Any, None),
                        models=cast(Any, None),
                        default_model=args.model,
                        window_size=20,
                        horizon=10,
                        one_task_per_subsystem=way.per_subsystem,
                    )
                    for count in args.workers:
                        with workers(env, count, way, queue, args.concurrency) as procs:
                            label = (way.name, count, "rate")
                            runs.append(
                                run(
                                    jobs,
                                    sets,
                                    done,
                                    procs,
                                    label,
                                    args.seconds,
                                    args.rate,
                                    progress,
                                )
                            )
                            label = (way.name, count, "backlog")
                            with closing(Pausing(settings, queue, count)) as pause:
                                runs.append(
                                    drain(
                                        jobs,
                                        sets,
                                        done,
                                        procs,
                                        label,
                                        args.backlog,
                                        pause,
                                        progress,
                                    )
                                )
        finally:
            done.close()
            results.close()
            cleanup(settings, queue)
            queue.close()
            bus.close()
    report(runs, args, load_before, load())


def report(runs: list[Run], args: argparse.Namespace, before: str, after: str) -> None:
    table = Table(title=f"analysis path: {args.model}, {args.seconds:g} s per run")
    for column in (
        "way",
        "workers",
        "run",
        "submitted",
        "done",
        "failed",
        "jobs/s",
        "p50 ms",
        "p99 ms",
        "worker CPU ms/job",
    ):
        table.add_column(column, justify="right")
    for r in runs:
        offered = f"{r.offered_per_s:g}/s" if r.offered_per_s else f"backlog {r.submitted}"
        table.add_row(
            r.way,
            str(r.workers),
            offered,
            str(r.submitted),
            str(r.completed),
            str(r.failed),
            f"{r.jobs_per_s:g}",
            str(r.p50_ms),
            str(r.p99_ms),
            str(r.worker_cpu_ms_per_job),
        )
    Console(width=160).print(table)
    console.print(f"load average before {before}, after {after} ({os.cpu_count()} CPUs)")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "platform": platform.platform(),
                    "load_before": before,
                    "load_after": after,
                },
                "settings": {
                    "seconds": args.seconds,
                    "rate": args.rate,
                    "model": args.model,
                    "backlog": args.backlog,
                    "concurrency": args.concurrency,
                },
                "runs": [asdict(r) for r in runs],
            },
            indent=2,
        )
        + "\n"
    )
    console.print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

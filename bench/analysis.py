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
import uuid
from contextlib import closing
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any, cast

from analysis_harness import (
    SERVICES,
    WAYS,
    Completions,
    Pausing,
    cleanup,
    database,
    load,
    workers,
)
from analysis_runs import Run, drain, run, window_sets
from common import ROOT, console
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from satmon.analysis.celery_queue import CeleryTaskQueue
from satmon.analysis.jobs import JobService
from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.serving.triton import TritonModelServer
from satmon.store.repository import SqlResultsStore

RESULTS = ROOT / "bench" / "results" / "analysis.json"


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
        "--triton-url",
        default=SERVICES["TRITON_SERVER_URL"],
        help="Triton as the workers reach it (default: real mode's, HTTP; 127.0.0.1:8501 is gRPC)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=None, help="threads per worker (default: satmon's)"
    )
    args = parser.parse_args()

    TritonModelServer(args.triton_url).check_ready()
    tag = uuid.uuid4().hex[:8]
    load_before = load()
    with database() as url:
        env = {
            **os.environ,
            **SERVICES,
            "TRITON_SERVER_URL": args.triton_url,
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
                    "triton_url": args.triton_url,
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

"""The analysis path on the real services: `satmon simulate --kafka` -> Kafka ->
`satmon trigger` -> RabbitMQ -> `satmon worker` -> Triton -> PostgreSQL, the
results topic and Elasticsearch; and a worker killed with SIGKILL mid-task.

Every test has a database, topics, a task queue and a search index of its own
(tests/integration/analysis_support.py), so it counts its own jobs only.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from satmon.analysis.celery_queue import CeleryTaskQueue, QueueStats
from satmon.bus.kafka import KafkaBus
from tests.integration.analysis_support import (
    SUBSYSTEMS,
    Analysis,
    ResultsReader,
    analysis_path,
    job_states,
    queue_counters,
    running,
    search_documents,
    sql,
    submit_jobs,
    wait_for,
    wait_for_workers,
)
from tests.integration.conftest import KAFKA_BOOTSTRAP_SERVERS, unique_name
from tests.integration.test_postgres_store import SEED_SQL

pytestmark = pytest.mark.integration

SATELLITES = ("SAT-001", "SAT-002")
TICKS = 60


@pytest.fixture
def analysis(postgres_url: str, tmp_path: Path) -> Iterator[Analysis]:
    # Every frame asks for a periodic check; the cooldown lets one through per 20 s
    # of telemetry and satellite, so a minute of frames gives a few jobs each.
    with analysis_path(
        postgres_url,
        tmp_path,
        SATMON_TRIGGER_PERIODIC_RATE="1",
        SATMON_TRIGGER_COOLDOWN_S="20",
        SATMON_LOG_LEVEL="INFO",
    ) as analysis:
        sql(postgres_url, "TRUNCATE inference_jobs CASCADE")  # the module shares a database
        yield analysis


def simulate(analysis: Analysis) -> tuple[float, float]:
    """A minute of two satellites' frames on the telemetry topic; its time span (s)."""
    began = time.time() - TICKS
    command = [sys.executable, "-m", "satmon", "simulate", "--kafka", KAFKA_BOOTSTRAP_SERVERS]
    fleet = ["--satellites", str(len(SATELLITES)), "--interval", "1"]
    done = subprocess.run(
        [*command, *fleet, "--backfill", f"now-{TICKS}s", "now"],
        env=analysis.env,
        cwd=analysis.settings.data_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return began - 2, time.time()


# --- simulator to PostgreSQL, the results topic and the search index ---------------------


def test_simulated_telemetry_becomes_completed_jobs_in_every_store(analysis: Analysis) -> None:
    group = unique_name("trigger")
    reader = ResultsReader(analysis)
    bus = KafkaBus.from_settings(analysis.settings)
    try:
        with (
            running(analysis, "worker", "--concurrency", "4") as worker,
            running(analysis, "trigger", "--group", group) as trigger,
        ):
            wait_for_workers(analysis, 1, worker)
            first_s, last_s = simulate(analysis)

            def all_read() -> bool:
                assert trigger.alive(), trigger.text()
                return bus.lag(group, analysis.settings.telemetry_topic) == 0

            wait_for(all_read, "the trigger reading every frame")
            jobs = job_states(analysis.database_url)
            wait_for(
                lambda: (
                    set(job_states(analysis.database_url).values()) == {"completed"}
                    and set(reader.by_job()) >= set(jobs)
                ),
                f"{len(jobs)} jobs completed and published",
            )
        messages = reader.by_job()
    finally:
        reader.close()
        bus.close()

    # Every job the trigger created ran once, on all four subsystems, with the default model.
    assert jobs, "the trigger created no job"
    rows = sql(
        analysis.database_url,
        "SELECT job_id, satellite_id, source, status, model_name, error_message"
        " FROM inference_jobs",
    )
    assert {r[1] for r in rows} == set(SATELLITES)
    for job_id, satellite, source, status, model, error in rows:
        matched = re.fullmatch(r"kafka-(SAT-\d{3})-(\d+)", job_id)
        assert matched and matched[1] == satellite, job_id
        assert first_s <= int(matched[2]) <= last_s
        assert (source, status, model, error) == (
            "kafka_auto_trigger",
            "completed",
            analysis.settings.default_model,
            None,
        )
    subsystems = sql(
        analysis.database_url,
        "SELECT job_id, subsystem, status, anomaly_score FROM subsystem_inferences",
    )
    assert len(subsystems) == 4 * len(rows)
    assert len({(r[0], r[1]) for r in subsystems}) == len(subsystems)
    for job_id in jobs:
        own = [r for r in subsystems if r[0] == job_id]
        assert {r[1] for r in own} == SUBSYSTEMS
        assert all(r[2] == "completed" and 0.0 <= r[3] <= 1.0 for r in own)

    # The same jobs went out on inference.results and into the search index.
    assert set(messages) == set(jobs)
    for job_id, bodies in messages.items():
        body = bodies[-1]
        assert body["status"] == "completed" and body["satellite_id"] == job_id[6:13]
        assert {s["subsystem"] for s in body["subsystems"]} == SUBSYSTEMS
    documents = search_documents(analysis, list(jobs))
    assert set(documents) == set(jobs)
    assert all(d["status"] == "completed" for d in documents.values())

    check_the_seed_operator_sql(analysis, sorted(jobs))


def check_the_seed_operator_sql(analysis: Analysis, jobs: list[str]) -> None:
    """The seed manual's queries (sections 3.2-3.4), run as operators type them, on
    the jobs the path produced: the manual's example job id becomes one of ours."""
    job_id = jobs[-1]
    results: dict[str, list[tuple[Any, ...]]] = {}
    for section, query in SEED_SQL.items():
        if query.lstrip().upper().startswith("DELETE"):
            continue
        results[section] = sql(
            analysis.database_url, query.replace("COMPLETE-TEST-1761802301", job_id)
        )
    total = len(jobs)
    anomalous = sql(
        analysis.database_url,
        "SELECT job_id, subsystem FROM subsystem_inferences WHERE anomaly_detected",
    )

    recent = results["3.2.1"]
    assert len(recent) == min(10, total)
    assert all(r[3] == "completed" and r[5] is not None for r in recent)
    assert [r[1] for r in results["3.2.2"]] == sorted(SUBSYSTEMS)
    assert {(r[0], r[2]) for r in results["3.2.3 all"]} <= set(anomalous)
    assert len(results["3.2.3 all"]) == min(10, len(anomalous))
    sat1 = [a for a in anomalous if "-SAT-001-" in a[0]]
    assert len(results["3.2.3 satellite"]) == len(sat1)
    (summary,) = results["3.2.4"]
    assert summary[0] == job_id and summary[4] == "completed"
    assert (summary[6], summary[7]) == (4, 4)
    assert results["3.3.1"] == [(total, total, 0, 0, pytest.approx(100))]
    assert {r[0]: r[1] for r in results["3.3.2"]} == dict.fromkeys(SUBSYSTEMS, total)
    assert sum(r[1] for r in results["3.3.3"]) == total
    (model,) = results["3.3.4"]
    assert model[:2] == (analysis.settings.default_model, 4 * total)
    assert results["3.4.2 failed"] == []


# --- a worker killed mid-task ------------------------------------------------------------


def finished_jobs(analysis: Analysis) -> dict[str, tuple[Any, ...]]:
    """Completed jobs with when they started and completed."""
    rows = sql(
        analysis.database_url,
        "SELECT job_id, started_at, completed_at FROM inference_jobs"
        " WHERE status = 'completed' AND error_message IS NULL",
    )
    return {r[0]: r[1:] for r in rows}


def test_a_worker_killed_mid_task_has_its_tasks_redelivered_and_each_job_completes_once(
    analysis: Analysis,
) -> None:
    count = 600
    reader = ResultsReader(analysis)
    try:
        with running(analysis, "worker", "--concurrency", "4", "--hostname", "first@%h") as first:
            wait_for_workers(analysis, 1, first)
            jobs = submit_jobs(analysis, "KILL", count)

            def some_done() -> bool:
                return list(job_states(analysis.database_url).values()).count("completed") >= 50

            wait_for(some_done, "the first 50 jobs")
            # The queue still holds tasks, so the worker holds its four unacknowledged
            # ones (prefetch 1 per thread, acks late): in progress or about to be.
            first.kill()
            before = finished_jobs(analysis)
            assert 50 <= len(before) < count

        with running(analysis, "worker", "--concurrency", "4", "--hostname", "second@%h") as second:
            wait_for_workers(analysis, 1, second)
            wait_for(
                lambda: set(job_states(analysis.database_url).values()) == {"completed"},
                f"{count} jobs completed",
                timeout_s=240,
            )
            wait_for(lambda: set(reader.by_job()) >= set(jobs), "every job published")
            # The management API's figures lag a few seconds behind the broker.
            wait_for(
                lambda: queue_counters(analysis).get("message_stats", {}).get("redeliver", 0) > 0,
                "the broker counting redelivered messages",
                timeout_s=30,
            )
        messages = reader.by_job()
    finally:
        reader.close()

    assert sorted(job_states(analysis.database_url)) == sorted(jobs)
    rows = sql(
        analysis.database_url,
        "SELECT count(*), count(DISTINCT (job_id, subsystem)),"
        " count(*) FILTER (WHERE status = 'completed') FROM subsystem_inferences",
    )
    assert rows == [(4 * count, 4 * count, 4 * count)]
    after = finished_jobs(analysis)
    assert len(after) == count
    assert {j: after[j] for j in before} == before  # finished before the kill: not again
    # A redelivered task whose job had finished publishes it again; never another status.
    assert set(messages) == set(jobs)
    assert all(b["status"] == "completed" for bodies in messages.values() for b in bodies)
    queue = CeleryTaskQueue(analysis.settings)
    try:
        assert queue.stats() == QueueStats(messages=0, consumers=0)  # nothing left over
    finally:
        queue.close()

"""The results store on the real PostgreSQL server, in a database of this module's own:
migrations, idempotent writes, finishing a job exactly once under concurrent
transactions, the reports, and the operators' SQL from the seed's user manual,
run unchanged against the tables and views."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from satmon.config import Settings
from satmon.errors import NotFoundError, ServiceUnavailableError
from satmon.store.factory import open_results
from satmon.store.migrate import head_revision, upgrade
from satmon.store.models import Base
from satmon.store.records import (
    ChannelForecast,
    Forecast,
    JobFilter,
    JobSource,
    JobStatus,
    ModelOutcome,
    NewJob,
    SubsystemOutcome,
)
from satmon.store.repository import SqlResultsStore
from tests.integration.conftest import create_database, drop_database

pytestmark = pytest.mark.integration

SUBSYSTEMS = ("eps", "thermal", "aocs", "comm")


class Clock:
    """Stamps each call one millisecond after the previous one; `advance` moves it on.
    Starts an hour ago, so the seed's "last 24 hours" queries see the jobs."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.now += timedelta(milliseconds=1)
            return self.now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self.now += delta


# --- factories ---------------------------------------------------------------------------


def new_job(job_id: str, satellite_id: str = "SAT-001", **fields: Any) -> NewJob:
    values: dict[str, Any] = {
        "job_id": job_id,
        "source": JobSource.TRIGGER.value,
        "model_name": "lstm_timeseries",
        "satellite_id": satellite_id,
        "trigger_reason": "periodic_check",
        "subsystems": SUBSYSTEMS,
    }
    values.update(fields)
    return NewJob(**values)


def outcome(job_id: str, subsystem: str, **fields: Any) -> SubsystemOutcome:
    values: dict[str, Any] = {
        "job_id": job_id,
        "subsystem": subsystem,
        "model_name": "lstm_timeseries",
        "status": JobStatus.COMPLETED,
        "inference_time_ms": 10.0,
        "anomaly_detected": False,
        "anomaly_score": 0.1,
    }
    values.update(fields)
    return SubsystemOutcome(**values)


def finished_job(
    store: SqlResultsStore, job_id: str, anomalous: dict[str, float], **fields: Any
) -> None:
    """A job whose four subsystems completed; `anomalous` maps subsystem to score."""
    store.create_job(new_job(job_id, **fields))
    store.start_job(job_id)
    for subsystem in SUBSYSTEMS:
        score = anomalous.get(subsystem)
        store.record_subsystem(
            outcome(
                job_id,
                subsystem,
                anomaly_detected=score is not None,
                anomaly_score=score if score is not None else 0.2,
                anomaly_channels=[f"{subsystem}_channel"] if score is not None else [],
            )
        )
    assert store.finish_job(job_id) is not None


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(postgres_url: str, clock: Clock) -> Iterator[SqlResultsStore]:
    """The store on this module's database, emptied first: each test sees only its rows."""
    store = SqlResultsStore(postgres_url, clock=clock)
    with store.engine.begin() as connection:
        connection.execute(text("TRUNCATE inference_jobs CASCADE"))
    yield store
    store.close()


def store_url(store: SqlResultsStore) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def psql(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    """A plain psycopg connection, as an operator's psql session would be."""
    parsed = make_url(url)
    return psycopg.connect(
        host=parsed.host,
        port=parsed.port or 5432,
        user=parsed.username,
        password=parsed.password,
        dbname=parsed.database,
        autocommit=True,
    )


# --- schema and migrations ---------------------------------------------------------------


def test_the_migrations_create_what_the_models_define(store: SqlResultsStore) -> None:
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        views = set(inspect(connection).get_view_names())
        column_types = {
            c["name"]: str(c["type"]) for c in inspect(connection).get_columns("inference_jobs")
        }
        id_type = {
            c["name"]: str(c["type"])
            for c in inspect(connection).get_columns("subsystem_inferences")
        }["id"]

    assert diff == []
    assert views == {"v_anomaly_alerts", "v_inference_job_summary"}
    assert column_types["request"] == "JSONB"
    assert id_type == "BIGINT"
    with psql(store_url(store)) as conn:
        [(data_type,)] = conn.execute(
            "SELECT data_type FROM information_schema.columns"
            " WHERE table_name = 'inference_jobs' AND column_name = 'created_at'"
        ).fetchall()
    assert data_type == "timestamp with time zone"
    store.check_ready()


def test_concurrent_upgrades_of_a_new_database_all_succeed_once() -> None:
    # Processes, as several satmon services starting at once would be (Alembic's
    # context is global to a process, so threads would not show this).
    url = create_database()
    try:
        command = [
            sys.executable,
            "-c",
            "import sys; from satmon.store.migrate import upgrade; upgrade(sys.argv[1])",
            url,
        ]
        processes = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        failures = []
        for process in processes:
            _, stderr = process.communicate(timeout=120)
            if process.returncode != 0:
                failures.append(stderr)
        upgrade(url)  # and once more, with nothing to do

        assert failures == []
        with psql(url) as conn:
            versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
        assert versions == [(head_revision(),)]
    finally:
        drop_database(url)


def test_check_ready_names_a_database_that_was_never_migrated() -> None:
    url = create_database()
    store = SqlResultsStore(url)
    try:
        with pytest.raises(ServiceUnavailableError) as raised:
            store.check_ready()
    finally:
        store.close()
        drop_database(url)

    assert raised.value.service == "postgresql"
    assert "satmon db upgrade" in raised.value.detail
    assert ":***@" in raised.value.url


def test_the_factory_builds_the_postgres_url_from_the_seed_variables(postgres_url: str) -> None:
    parsed = make_url(postgres_url)
    settings = Settings(
        _env_file=None,
        postgres_host=parsed.host,
        postgres_port=parsed.port,
        postgres_user=parsed.username,
        postgres_password=parsed.password,
        postgres_db=parsed.database,
    )
    store = open_results(settings)
    try:
        assert store.name == "postgresql"
        assert (
            store.url
            == f"postgresql+psycopg://{parsed.username}:***@{parsed.host}:{parsed.port}/{parsed.database}"
        )
        store.check_ready()
    finally:
        store.close()


# --- writes and job state ----------------------------------------------------------------


def test_writes_are_idempotent(store: SqlResultsStore) -> None:
    assert store.create_job(new_job("j1", request={"window_size": 20}))
    assert not store.create_job(new_job("j1", satellite_id="SAT-999"))
    for _ in range(3):
        store.record_subsystem(outcome("j1", "eps", anomaly_score=0.3))
    store.record_subsystem(outcome("j1", "eps", anomaly_score=0.8, channel_scores={"v": 0.8}))
    result = ModelOutcome("j1", "lstm_timeseries", [1.0], [0.5], [1.5], 0.2, False, 3.0)
    store.record_model_result(result)
    store.record_model_result(result)

    job = store.get_job("j1")
    [row] = store.subsystem_results("j1")
    with psql(store_url(store)) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM inference_jobs),"
            " (SELECT count(*) FROM subsystem_inferences),"
            " (SELECT count(*) FROM inference_results)"
        ).fetchone()

    assert job is not None
    assert (job.satellite_id, job.request) == ("SAT-001", {"window_size": 20})
    assert job.created_at.utcoffset() == timedelta(0)
    assert (row.anomaly_score, row.channel_scores) == (0.8, {"v": 0.8})
    assert counts == (1, 1, 1)


def test_results_of_an_unknown_job_are_refused(store: SqlResultsStore) -> None:
    with pytest.raises(NotFoundError):
        store.record_subsystem(outcome("nope", "eps"))
    with pytest.raises(NotFoundError):
        store.record_model_result(ModelOutcome("nope", "m", [1.0], [1.0], [1.0], 0.0, False, 1.0))


def test_a_failed_subsystem_fails_the_job_with_its_error(store: SqlResultsStore) -> None:
    store.create_job(new_job("j1"))
    store.record_subsystem(outcome("j1", "eps"))
    store.record_subsystem(
        outcome("j1", "thermal", status=JobStatus.FAILED, error_message="Triton timed out")
    )

    failed = store.finish_job("j1")

    assert failed is not None and failed.status == JobStatus.FAILED
    assert failed.error_message == "thermal: Triton timed out"
    assert store.finish_job("j1") is None
    assert store.complete_job("j1") is None


def test_a_job_finishes_exactly_once_under_concurrent_transactions(
    store: SqlResultsStore,
) -> None:
    jobs = [f"kafka-SAT-001-{n}" for n in range(6)]
    for job_id in jobs:
        store.create_job(new_job(job_id))
    finished: list[str] = []
    early: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(job_id: str, subsystem: str | None, barrier: threading.Barrier) -> None:
        try:
            barrier.wait()
            for _ in range(3):  # redelivered tasks repeat their work
                if subsystem is not None:
                    store.record_subsystem(outcome(job_id, subsystem))
                record = store.finish_job(job_id)
                if record is not None:
                    with lock:
                        finished.append(record.job_id)
                        if record.completed_subsystems < len(SUBSYSTEMS):
                            early.append(record.job_id)
        except BaseException as exc:
            errors.append(exc)

    for job_id in jobs:
        # One thread per subsystem plus as many that only call finish_job.
        subsystems = [*SUBSYSTEMS, *([None] * len(SUBSYSTEMS))]
        barrier = threading.Barrier(len(subsystems))
        threads = [threading.Thread(target=worker, args=(job_id, s, barrier)) for s in subsystems]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert early == []
    assert sorted(finished) == sorted(jobs)
    assert {store.get_job(j).status for j in jobs} == {JobStatus.COMPLETED}  # type: ignore[union-attr]


def test_fail_and_complete_race_and_only_one_wins(store: SqlResultsStore) -> None:
    winners: list[str] = []
    for n in range(10):
        store.create_job(new_job(f"race-{n}", subsystems=()))
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def fail(
            job_id: str = f"race-{n}",
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            barrier.wait()
            if store.fail_job(job_id, "cancelled") is not None:
                outcomes.append("failed")

        def complete(
            job_id: str = f"race-{n}",
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            barrier.wait()
            if store.complete_job(job_id) is not None:
                outcomes.append("completed")

        threads = [threading.Thread(target=fail), threading.Thread(target=complete)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 1
        assert store.get_job(f"race-{n}").status == outcomes[0]  # type: ignore[union-attr]
        winners.extend(outcomes)

    assert set(winners) <= {"failed", "completed"}


# --- reports -----------------------------------------------------------------------------


def test_list_jobs_filters_and_pages_newest_first(store: SqlResultsStore, clock: Clock) -> None:
    for n in range(10):
        satellite = "SAT-001" if n % 2 == 0 else "SAT-002"
        store.create_job(new_job(f"job-{n}", satellite_id=satellite, subsystems=()))
        clock.advance(timedelta(minutes=1))
    for n in (0, 3, 4):
        store.complete_job(f"job-{n}")
    created = {j.job_id: j.created_at for j in store.list_jobs(JobFilter(), 100, 0).items}

    page = store.list_jobs(JobFilter(), limit=4, offset=4)
    sat_2 = store.list_jobs(JobFilter(satellite_id="SAT-002"), 100, 0)
    done = store.list_jobs(JobFilter(status=JobStatus.COMPLETED), 100, 0)
    window = store.list_jobs(
        JobFilter(created_after=created["job-2"], created_before=created["job-5"]), 100, 0
    )

    assert (page.total, [j.job_id for j in page.items]) == (
        10,
        ["job-5", "job-4", "job-3", "job-2"],
    )
    assert [j.job_id for j in sat_2.items] == ["job-9", "job-7", "job-5", "job-3", "job-1"]
    assert [j.job_id for j in done.items] == ["job-4", "job-3", "job-0"]
    assert [j.job_id for j in window.items] == ["job-4", "job-3", "job-2"]


def test_stats_match_the_inserted_data(store: SqlResultsStore) -> None:
    rng = random.Random(7)
    rows: list[tuple[str, str, bool, float, float]] = []  # subsystem, model, anomaly, score, ms
    statuses: list[str] = []
    for n in range(24):
        job_id = f"job-{n}"
        model = rng.choice(["lstm_timeseries", "vae_timeseries"])
        store.create_job(new_job(job_id, model_name=model))
        for subsystem in SUBSYSTEMS:
            anomaly, score, ms = rng.random() < 0.3, rng.random(), rng.uniform(1, 200)
            store.record_subsystem(
                outcome(
                    job_id,
                    subsystem,
                    model_name=model,
                    anomaly_detected=anomaly,
                    anomaly_score=score,
                    inference_time_ms=ms,
                )
            )
            rows.append((subsystem, model, anomaly, score, ms))
        ending = rng.choice(["finish", "fail", "start", "none"])
        if ending == "finish":
            store.finish_job(job_id)
            statuses.append("completed")
        elif ending == "fail":
            store.fail_job(job_id, "x")
            statuses.append("failed")
        elif ending == "start":
            store.start_job(job_id)
            statuses.append("processing")
        else:
            statuses.append("pending")

    stats = store.stats()

    assert (stats.total_jobs, stats.completed, stats.failed, stats.processing, stats.pending) == (
        24,
        statuses.count("completed"),
        statuses.count("failed"),
        statuses.count("processing"),
        statuses.count("pending"),
    )
    assert stats.success_rate == round(100 * statuses.count("completed") / 24, 2)
    assert {s.subsystem for s in stats.by_subsystem} == set(SUBSYSTEMS)
    for s in stats.by_subsystem:
        mine = [r for r in rows if r[0] == s.subsystem]
        anomalies = sum(r[2] for r in mine)
        assert (s.total, s.anomalies) == (len(mine), anomalies)
        assert s.anomaly_rate == round(100 * anomalies / len(mine), 2)
        assert s.avg_score == pytest.approx(round(statistics.fmean(r[3] for r in mine), 4))
    for m in stats.by_model:
        times = [r[4] for r in rows if r[1] == m.model_name]
        assert m.total == len(times)
        assert m.avg_time_ms == pytest.approx(round(statistics.fmean(times), 2))
        assert (m.min_time_ms, m.max_time_ms) == (round(min(times), 2), round(max(times), 2))


def test_alerts_and_the_job_summary_agree_with_the_views(
    store: SqlResultsStore, clock: Clock
) -> None:
    finished_job(store, "j1", {"eps": 0.91})
    store.create_job(new_job("j2", satellite_id="SAT-002"))
    clock.advance(timedelta(seconds=4))
    for subsystem, ms in zip(SUBSYSTEMS, (100.0, 120.0, 131.0, 151.0), strict=True):
        store.record_subsystem(
            outcome(
                "j2",
                subsystem,
                inference_time_ms=ms,
                anomaly_detected=subsystem in ("thermal", "aocs"),
                anomaly_score={"thermal": 0.75, "aocs": 0.6}.get(subsystem, 0.1),
                anomaly_channels=["obc_temp"] if subsystem == "thermal" else [],
            )
        )
    store.finish_job("j2")

    alerts = store.anomaly_alerts()
    summary = store.job_summary("j2")
    with psql(store_url(store)) as conn:
        view_alerts = conn.execute(
            "SELECT job_id, subsystem, anomaly_score, anomaly_channels, created_at"
            " FROM v_anomaly_alerts ORDER BY created_at DESC, subsystem"
        ).fetchall()
        cursor = conn.execute("SELECT * FROM v_inference_job_summary WHERE job_id = 'j2'")
        columns = [d.name for d in cursor.description or []]
        view = dict(zip(columns, cursor.fetchone() or (), strict=True))

    assert [(a.job_id, a.subsystem, a.anomaly_score) for a in alerts] == [
        ("j2", "aocs", 0.6),
        ("j2", "thermal", 0.75),
        ("j1", "eps", 0.91),
    ]
    assert sorted((r[0], r[1], r[2], r[3]) for r in view_alerts) == sorted(
        (a.job_id, a.subsystem, a.anomaly_score, a.anomaly_channels) for a in alerts
    )
    assert [a.job_id for a in store.anomaly_alerts(satellite_id="SAT-002")] == ["j2", "j2"]
    assert summary is not None
    assert summary.total_time_seconds is not None and summary.total_time_seconds >= 4.0
    assert view["job_status"] == summary.job_status == "completed"
    assert (view["completed_subsystems"], view["inference_count"]) == (4, 4)
    assert (view["anomalies_detected"], summary.anomalies_detected) == (2, 2)
    assert view["avg_inference_time_ms"] == Decimal("125.50")
    assert summary.avg_inference_time_ms == 125.5
    assert float(view["total_time_seconds"]) == pytest.approx(summary.total_time_seconds)
    assert view["subsystem_results"] == summary.subsystem_results


def test_predictions_stitch_overlapping_forecasts_newest_first(store: SqlResultsStore) -> None:
    def forecast_job(job_id: str, start_ms: int, values: list[float]) -> None:
        store.create_job(new_job(job_id, subsystems=("eps",)))
        channel = ChannelForecast(values, [v - 0.5 for v in values], [v + 0.5 for v in values])
        store.record_subsystem(
            outcome(job_id, "eps", forecast=Forecast(start_ms, 1_000, {"battery_voltage": channel}))
        )

    forecast_job("old", 1_000, [1.0] * 10)  # 1 000 .. 10 000
    forecast_job("new", 5_000, [2.0] * 10)  # 5 000 .. 14 000

    points = store.predictions("SAT-001", "eps", "battery_voltage", 2_000, 12_000)

    assert [(p.timestamp_ms, p.value, p.job_id) for p in points] == [
        *((t, 1.0, "old") for t in range(2_000, 5_000, 1_000)),
        *((t, 2.0, "new") for t in range(5_000, 12_001, 1_000)),
    ]
    assert (points[0].lower, points[0].upper) == (0.5, 1.5)
    assert store.predictions("SAT-001", "eps", "battery_voltage'; DROP TABLE x; --", 0, 1) == []


# --- the seed's operator SQL, unchanged --------------------------------------------------

# Sections 3.2-3.4 of the seed's user manual, as operators type them into psql.
SEED_SQL = {
    "3.2.1": """SELECT job_id, satellite_id, source, status, created_at, completed_at
FROM inference_jobs
ORDER BY created_at DESC
LIMIT 10;""",
    "3.2.2": """SELECT job_id, subsystem, model_name, status, anomaly_detected, anomaly_score
FROM subsystem_inferences
WHERE job_id = 'COMPLETE-TEST-1761802301'
ORDER BY subsystem;""",
    "3.2.3 all": """SELECT * FROM v_anomaly_alerts
ORDER BY created_at DESC
LIMIT 10;""",
    "3.2.3 satellite": """SELECT satellite_id, subsystem, anomaly_score, created_at
FROM v_anomaly_alerts
WHERE satellite_id = 'SAT-001'
ORDER BY created_at DESC;""",
    "3.2.4": """SELECT * FROM v_inference_job_summary
WHERE job_id = 'COMPLETE-TEST-1761802301';""",
    "3.3.1": """SELECT
    COUNT(*) as total_jobs,
    COUNT(CASE WHEN status = 'completed' THEN 1 END) as completed,
    COUNT(CASE WHEN status = 'failed' THEN 1 END) as failed,
    COUNT(CASE WHEN status = 'processing' THEN 1 END) as processing,
    ROUND(100.0 * COUNT(CASE WHEN status = 'completed' THEN 1 END) / COUNT(*), 2) as success_rate
FROM inference_jobs;""",
    "3.3.2": """SELECT
    subsystem,
    COUNT(*) as total,
    COUNT(CASE WHEN anomaly_detected THEN 1 END) as anomalies,
    ROUND(100.0 * COUNT(CASE WHEN anomaly_detected THEN 1 END) / COUNT(*), 2) as anomaly_rate,
    ROUND(AVG(anomaly_score)::numeric, 4) as avg_score
FROM subsystem_inferences
WHERE status = 'completed'
GROUP BY subsystem
ORDER BY anomaly_rate DESC;""",
    "3.3.3": """SELECT
    DATE_TRUNC('hour', created_at) as hour,
    COUNT(*) as jobs,
    AVG(EXTRACT(EPOCH FROM (completed_at - created_at))) as avg_time_sec
FROM inference_jobs
WHERE created_at > NOW() - INTERVAL '24 hours'
    AND status = 'completed'
GROUP BY DATE_TRUNC('hour', created_at)
ORDER BY hour DESC;""",
    "3.3.4": """SELECT
    model_name,
    COUNT(*) as total,
    ROUND(AVG(inference_time_ms)::numeric, 2) as avg_time_ms,
    ROUND(MIN(inference_time_ms)::numeric, 2) as min_time_ms,
    ROUND(MAX(inference_time_ms)::numeric, 2) as max_time_ms
FROM subsystem_inferences
WHERE status = 'completed'
GROUP BY model_name;""",
    "3.4.2 failed": """SELECT job_id, satellite_id, error_message, created_at
FROM inference_jobs
WHERE status = 'failed'
ORDER BY created_at DESC;""",
    "3.4.2 delete": """DELETE FROM inference_jobs
WHERE status = 'failed'
  AND created_at < NOW() - INTERVAL '7 days';""",
}


def test_the_seed_operator_sql_runs_unchanged(store: SqlResultsStore, clock: Clock) -> None:
    clock.advance(timedelta(days=-9))
    store.create_job(new_job("kafka-SAT-004-1761000000", satellite_id="SAT-004"))
    store.record_subsystem(outcome("kafka-SAT-004-1761000000", "eps", status=JobStatus.FAILED))
    store.finish_job("kafka-SAT-004-1761000000")  # failed nine days ago
    clock.advance(timedelta(days=9))
    finished_job(store, "COMPLETE-TEST-1761802301", {"eps": 0.9}, source="manual")
    finished_job(store, "kafka-SAT-002-1761802245", {}, satellite_id="SAT-002")
    store.create_job(new_job("kafka-SAT-003-1761802300", satellite_id="SAT-003"))
    store.fail_job("kafka-SAT-003-1761802300", "TimeoutError: model server")
    results: dict[str, list[tuple[Any, ...]]] = {}
    columns: dict[str, list[str]] = {}
    with psql(store_url(store)) as conn:
        for section, query in SEED_SQL.items():
            cursor = conn.execute(query)
            if cursor.description is None:
                results[section] = [(cursor.rowcount,)]
            else:
                columns[section] = [d.name for d in cursor.description]
                results[section] = cursor.fetchall()
        left = conn.execute("SELECT job_id FROM inference_jobs ORDER BY job_id").fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM subsystem_inferences WHERE job_id = 'kafka-SAT-004-1761000000'"
        ).fetchone()

    assert [r[0] for r in results["3.2.1"]] == [
        "kafka-SAT-003-1761802300",
        "kafka-SAT-002-1761802245",
        "COMPLETE-TEST-1761802301",
        "kafka-SAT-004-1761000000",
    ]
    assert [r[1:] for r in results["3.2.2"]] == [
        ("aocs", "lstm_timeseries", "completed", False, 0.2),
        ("comm", "lstm_timeseries", "completed", False, 0.2),
        ("eps", "lstm_timeseries", "completed", True, 0.9),
        ("thermal", "lstm_timeseries", "completed", False, 0.2),
    ]
    assert columns["3.2.3 all"] == [
        "job_id",
        "satellite_id",
        "subsystem",
        "model_name",
        "anomaly_score",
        "anomaly_channels",
        "source",
        "trigger_reason",
        "created_at",
    ]
    assert [(r[0], r[2], r[4], r[5]) for r in results["3.2.3 all"]] == [
        ("COMPLETE-TEST-1761802301", "eps", 0.9, ["eps_channel"])
    ]
    assert [r[:3] for r in results["3.2.3 satellite"]] == [("SAT-001", "eps", 0.9)]
    assert columns["3.2.4"] == [
        "job_id",
        "satellite_id",
        "source",
        "trigger_reason",
        "job_status",
        "created_at",
        "total_subsystems",
        "completed_subsystems",
        "total_time_seconds",
        "inference_count",
        "anomalies_detected",
        "avg_inference_time_ms",
        "subsystem_results",
    ]
    [summary] = results["3.2.4"]
    assert summary[:5] == (
        "COMPLETE-TEST-1761802301",
        "SAT-001",
        "manual",
        "periodic_check",
        "completed",
    )
    assert summary[6:8] == (4, 4)
    assert summary[9:12] == (4, 1, Decimal("10.00"))
    assert [s["subsystem"] for s in summary[12]] == ["aocs", "comm", "eps", "thermal"]
    assert results["3.3.1"] == [(4, 2, 2, 0, Decimal("50.00"))]
    by_subsystem = {r[0]: r[1:] for r in results["3.3.2"]}
    assert results["3.3.2"][0][0] == "eps"
    assert by_subsystem["eps"] == (2, 1, Decimal("50.00"), Decimal("0.5500"))
    assert by_subsystem["comm"] == (2, 0, Decimal("0.00"), Decimal("0.2000"))
    # The two completed jobs, in one hour's row (or two, had an hour begun between them).
    assert sum(row[1] for row in results["3.3.3"]) == 2
    assert all(row[0].tzinfo is not None and row[2] > 0 for row in results["3.3.3"])
    assert results["3.3.4"] == [
        ("lstm_timeseries", 8, Decimal("10.00"), Decimal("10.00"), Decimal("10.00"))
    ]
    assert [r[:3] for r in results["3.4.2 failed"]] == [
        ("kafka-SAT-003-1761802300", "SAT-003", "TimeoutError: model server"),
        ("kafka-SAT-004-1761000000", "SAT-004", "eps: failed"),
    ]
    # Only the failure older than seven days is deleted, with its subsystem rows.
    assert results["3.4.2 delete"] == [(1,)]
    assert [r[0] for r in left] == [
        "COMPLETE-TEST-1761802301",
        "kafka-SAT-002-1761802245",
        "kafka-SAT-003-1761802300",
    ]
    assert orphans == (0,)

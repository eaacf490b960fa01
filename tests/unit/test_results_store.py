"""The SQL results store on a SQLite file: writes, job state, queries, views, schema."""

from __future__ import annotations

import json
import random
import sqlite3
import statistics
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import CheckConstraint, inspect

from satmon.errors import NotFoundError, ServiceUnavailableError
from satmon.store.migrate import upgrade
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

pytestmark = pytest.mark.unit

T0 = datetime(2025, 10, 30, 12, 0, tzinfo=UTC)
SUBSYSTEMS = ("eps", "thermal", "aocs", "comm")


class Clock:
    """Stamps each call one millisecond after the previous one, from T0."""

    def __init__(self) -> None:
        self.now = T0
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self.now += timedelta(milliseconds=1)
            return self.now


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "results.sqlite"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db_path: Path, clock: Clock) -> Iterator[SqlResultsStore]:
    store = SqlResultsStore(f"sqlite:///{db_path}", clock=clock)
    yield store
    store.close()


def new_job(job_id: str, satellite_id: str = "SAT-001", **fields: object) -> NewJob:
    values: dict[str, object] = {
        "job_id": job_id,
        "source": JobSource.TRIGGER.value,
        "model_name": "lstm_timeseries",
        "satellite_id": satellite_id,
        "trigger_reason": "periodic_check",
        "subsystems": SUBSYSTEMS,
    }
    values.update(fields)
    return NewJob(**values)  # type: ignore[arg-type]


def outcome(job_id: str, subsystem: str, **fields: object) -> SubsystemOutcome:
    values: dict[str, object] = {
        "job_id": job_id,
        "subsystem": subsystem,
        "model_name": "lstm_timeseries",
        "status": JobStatus.COMPLETED,
        "inference_time_ms": 10.0,
        "anomaly_detected": False,
        "anomaly_score": 0.1,
    }
    values.update(fields)
    return SubsystemOutcome(**values)  # type: ignore[arg-type]


def finished_job(store: SqlResultsStore, job_id: str, anomalous: dict[str, float]) -> None:
    """A triggered job whose four subsystems completed; `anomalous` maps subsystem to score."""
    store.create_job(new_job(job_id))
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


# --- writes and job state --------------------------------------------------------------


def test_creating_a_job_twice_keeps_the_first(store: SqlResultsStore) -> None:
    assert store.create_job(new_job("j1", request={"window_size": 20}))
    assert not store.create_job(new_job("j1", satellite_id="SAT-999"))

    job = store.get_job("j1")
    assert job is not None
    assert (job.satellite_id, job.status, job.total_subsystems) == ("SAT-001", "pending", 4)
    assert job.request == {"window_size": 20}
    assert job.created_at.tzinfo is not None
    assert job.created_at.utcoffset() == timedelta(0)


def test_recording_a_subsystem_twice_keeps_one_row(store: SqlResultsStore) -> None:
    store.create_job(new_job("j1"))
    store.record_subsystem(outcome("j1", "eps", anomaly_score=0.3))
    store.record_subsystem(outcome("j1", "eps", anomaly_score=0.3))
    store.record_subsystem(outcome("j1", "eps", anomaly_score=0.8, channel_scores={"v": 0.8}))

    [row] = store.subsystem_results("j1")
    assert (row.subsystem, row.anomaly_score, row.channel_scores) == ("eps", 0.8, {"v": 0.8})


def test_recording_a_model_result_twice_keeps_one_row(store: SqlResultsStore) -> None:
    store.create_job(new_job("m1", source="manual", subsystems=()))
    for score in (0.4, 0.9):
        store.record_model_result(
            ModelOutcome(
                "m1", "vae_timeseries", [1.0, 2.0], [0.5, 1.5], [1.5, 2.5], score, True, 3.0
            )
        )

    result = store.model_result("m1")
    assert result is not None
    assert (result.anomaly_score, result.forecast, result.upper) == (0.9, [1.0, 2.0], [1.5, 2.5])
    with sqlite3.connect(store.engine.url.database or "") as conn:
        assert conn.execute("SELECT count(*) FROM inference_results").fetchone() == (1,)


def test_results_of_an_unknown_job_are_refused(store: SqlResultsStore) -> None:
    with pytest.raises(NotFoundError):
        store.record_subsystem(outcome("nope", "eps"))
    with pytest.raises(NotFoundError):
        store.record_model_result(ModelOutcome("nope", "m", [1.0], [0.0], [2.0], 0.1, False, 1.0))


def test_start_moves_a_pending_job_to_processing_once(store: SqlResultsStore) -> None:
    store.create_job(new_job("j1"))
    store.start_job("j1")
    first = store.get_job("j1")
    store.start_job("j1")
    again = store.get_job("j1")

    assert first is not None and again is not None
    assert first.status == JobStatus.PROCESSING
    assert again.started_at == first.started_at


def test_a_job_finishes_only_when_every_subsystem_completed(store: SqlResultsStore) -> None:
    store.create_job(new_job("j1"))
    for subsystem in SUBSYSTEMS[:-1]:
        store.record_subsystem(outcome("j1", subsystem, anomaly_detected=subsystem == "eps"))
        assert store.finish_job("j1") is None
    store.record_subsystem(outcome("j1", SUBSYSTEMS[-1]))

    finished = store.finish_job("j1")

    assert finished is not None
    assert finished.status == JobStatus.COMPLETED
    assert (finished.completed_subsystems, finished.anomalies_detected) == (4, 1)
    assert finished.completed_at is not None
    assert store.finish_job("j1") is None


def test_a_failed_subsystem_fails_the_job_with_its_error(store: SqlResultsStore) -> None:
    store.create_job(new_job("j1"))
    store.record_subsystem(outcome("j1", "eps"))
    store.record_subsystem(
        outcome("j1", "thermal", status=JobStatus.FAILED, error_message="RuntimeError: boom")
    )

    failed = store.finish_job("j1")

    assert failed is not None
    assert failed.status == JobStatus.FAILED
    assert failed.error_message == "thermal: RuntimeError: boom"
    # A late subsystem neither revives nor re-finishes the job.
    store.record_subsystem(outcome("j1", "aocs"))
    assert store.finish_job("j1") is None
    assert store.get_job("j1").status == JobStatus.FAILED  # type: ignore[union-attr]


def test_finish_job_from_many_threads_finishes_once(store: SqlResultsStore) -> None:
    jobs = [f"kafka-SAT-001-{n}" for n in range(8)]
    for job_id in jobs:
        store.create_job(new_job(job_id))
    finished: list[str] = []
    early: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(SUBSYSTEMS) * 2)

    def worker(job_id: str, subsystem: str | None) -> None:
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
        threads = [threading.Thread(target=worker, args=(job_id, s)) for s in subsystems]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert early == []
    assert sorted(finished) == sorted(jobs)
    assert all(store.get_job(j).status == JobStatus.COMPLETED for j in jobs)  # type: ignore[union-attr]


def test_fail_and_complete_take_effect_once(store: SqlResultsStore) -> None:
    store.create_job(new_job("a", subsystems=()))
    store.create_job(new_job("b", subsystems=()))

    failed = store.fail_job("a", "ValueError: bad window")
    completed = store.complete_job("b")

    assert failed is not None and failed.status == JobStatus.FAILED
    assert failed.error_message == "ValueError: bad window"
    assert completed is not None and completed.status == JobStatus.COMPLETED
    assert store.fail_job("a", "again") is None
    assert store.complete_job("a") is None
    assert store.fail_job("b", "too late") is None
    assert store.get_job("b").error_message is None  # type: ignore[union-attr]


# --- queries ---------------------------------------------------------------------------


def test_list_jobs_filters_and_pages_newest_first(store: SqlResultsStore, clock: Clock) -> None:
    for n in range(10):
        satellite = "SAT-001" if n % 2 == 0 else "SAT-002"
        store.create_job(new_job(f"job-{n}", satellite_id=satellite, subsystems=()))
        clock.now += timedelta(minutes=1)
    store.create_job(new_job("manual-1", source="manual", model_name="vae_timeseries"))
    for n in (0, 3, 4):
        store.complete_job(f"job-{n}")
    created = {j.job_id: j.created_at for j in store.list_jobs(JobFilter(), 100, 0).items}

    everything = store.list_jobs(JobFilter(), limit=4, offset=0)
    second_page = store.list_jobs(JobFilter(), limit=4, offset=4)
    sat_2 = store.list_jobs(JobFilter(satellite_id="SAT-002"), limit=100, offset=0)
    done = store.list_jobs(JobFilter(status=JobStatus.COMPLETED), limit=100, offset=0)
    manual = store.list_jobs(JobFilter(source="manual"), 100, 0)
    vae = store.list_jobs(JobFilter(model_name="vae_timeseries"), 100, 0)
    window = store.list_jobs(
        JobFilter(created_after=created["job-2"], created_before=created["job-5"]), 100, 0
    )

    assert everything.total == 11
    assert [j.job_id for j in everything.items] == ["manual-1", "job-9", "job-8", "job-7"]
    assert [j.job_id for j in second_page.items] == ["job-6", "job-5", "job-4", "job-3"]
    assert [j.job_id for j in sat_2.items] == ["job-9", "job-7", "job-5", "job-3", "job-1"]
    assert [j.job_id for j in done.items] == ["job-4", "job-3", "job-0"]
    assert [j.job_id for j in manual.items] == [j.job_id for j in vae.items] == ["manual-1"]
    assert [j.job_id for j in window.items] == ["job-4", "job-3", "job-2"]
    assert (window.total, window.limit, window.offset) == (3, 100, 0)


def test_stats_match_the_inserted_data(store: SqlResultsStore) -> None:
    rng = random.Random(3)
    rows: list[tuple[str, str, bool, float, float]] = []  # subsystem, model, anomaly, score, ms
    statuses: list[str] = []
    for n in range(30):
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
    # A failed subsystem row is not part of the per-subsystem or per-model figures.
    store.record_subsystem(
        outcome("job-0", "payload", status=JobStatus.FAILED, inference_time_ms=9e9)
    )

    stats = store.stats()

    assert (stats.total_jobs, stats.completed, stats.failed) == (
        30,
        statuses.count("completed"),
        statuses.count("failed"),
    )
    assert (stats.processing, stats.pending) == (
        statuses.count("processing"),
        statuses.count("pending"),
    )
    assert stats.success_rate == round(100 * statuses.count("completed") / 30, 2)
    for s in stats.by_subsystem:
        mine = [r for r in rows if r[0] == s.subsystem]
        anomalies = sum(r[2] for r in mine)
        assert (s.total, s.anomalies) == (len(mine), anomalies)
        assert s.anomaly_rate == round(100 * anomalies / len(mine), 2)
        assert s.avg_score == pytest.approx(round(statistics.fmean(r[3] for r in mine), 4))
    rates = [s.anomaly_rate for s in stats.by_subsystem]
    assert rates == sorted(rates, reverse=True)
    assert {s.subsystem for s in stats.by_subsystem} == set(SUBSYSTEMS)
    for m in stats.by_model:
        times = [r[4] for r in rows if r[1] == m.model_name]
        assert m.total == len(times)
        assert m.avg_time_ms == pytest.approx(round(statistics.fmean(times), 2))
        assert (m.min_time_ms, m.max_time_ms) == (round(min(times), 2), round(max(times), 2))


def test_stats_since_count_only_newer_jobs(store: SqlResultsStore, clock: Clock) -> None:
    store.create_job(new_job("old", subsystems=()))
    clock.now += timedelta(hours=2)
    cutoff = clock.now
    store.create_job(new_job("new", subsystems=()))
    store.complete_job("new")

    recent = store.stats(since=cutoff)
    empty = store.stats(since=cutoff + timedelta(days=1))

    assert (recent.total_jobs, recent.completed, recent.success_rate) == (1, 1, 100.0)
    assert (empty.total_jobs, empty.success_rate, empty.by_subsystem) == (0, None, [])


def test_alerts_are_anomalous_completed_subsystems_newest_first(store: SqlResultsStore) -> None:
    finished_job(store, "j1", {"eps": 0.91})
    finished_job(store, "j2", {"thermal": 0.75, "aocs": 0.6})
    store.create_job(new_job("j3", satellite_id="SAT-002"))
    store.record_subsystem(
        outcome("j3", "eps", status=JobStatus.FAILED, anomaly_detected=True, anomaly_score=1.0)
    )
    store.record_subsystem(outcome("j3", "comm", anomaly_detected=True, anomaly_score=0.99))

    alerts = store.anomaly_alerts()

    assert [(a.job_id, a.subsystem, a.anomaly_score) for a in alerts] == [
        ("j3", "comm", 0.99),
        ("j2", "aocs", 0.6),
        ("j2", "thermal", 0.75),
        ("j1", "eps", 0.91),
    ]
    assert alerts[1].anomaly_channels == ["aocs_channel"]
    assert (alerts[1].source, alerts[1].trigger_reason) == ("kafka_auto_trigger", "periodic_check")
    assert [a.job_id for a in store.anomaly_alerts(satellite_id="SAT-002")] == ["j3"]
    assert [a.job_id for a in store.anomaly_alerts(subsystem="eps")] == ["j1"]
    assert len(store.anomaly_alerts(limit=2)) == 2
    assert [a.job_id for a in store.anomaly_alerts(since=alerts[1].created_at)] == ["j3", "j2"]


def test_job_summary(store: SqlResultsStore, clock: Clock) -> None:
    store.create_job(new_job("j1"))
    clock.now += timedelta(seconds=4)
    for subsystem, ms in zip(SUBSYSTEMS, (100.0, 120.0, 131.0, 151.0), strict=True):
        store.record_subsystem(
            outcome("j1", subsystem, inference_time_ms=ms, anomaly_detected=subsystem == "eps")
        )
    store.finish_job("j1")
    job = store.get_job("j1")
    assert job is not None and job.completed_at is not None

    summary = store.job_summary("j1")

    assert summary is not None
    assert (summary.job_status, summary.total_subsystems, summary.completed_subsystems) == (
        "completed",
        4,
        4,
    )
    assert summary.total_time_seconds == round(
        (job.completed_at - job.created_at).total_seconds(), 3
    )
    assert (summary.inference_count, summary.anomalies_detected) == (4, 1)
    assert summary.avg_inference_time_ms == 125.5
    assert [r["subsystem"] for r in summary.subsystem_results] == sorted(SUBSYSTEMS)
    assert summary.subsystem_results[2] == {
        "subsystem": "eps",
        "model_name": "lstm_timeseries",
        "status": "completed",
        "anomaly_detected": True,
        "anomaly_score": 0.1,
        "anomaly_channels": [],
        "inference_time_ms": 100.0,
    }
    assert store.job_summary("missing") is None


def forecast_job(
    store: SqlResultsStore, job_id: str, start_ms: int, means: list[float], **where: str
) -> None:
    satellite, subsystem = where.get("satellite", "SAT-001"), where.get("subsystem", "eps")
    store.create_job(new_job(job_id, satellite_id=satellite))
    forecast = Forecast(
        start_ms=start_ms,
        step_ms=1_000,
        channels={
            "battery_voltage": ChannelForecast(
                mean=means, lower=[m - 0.5 for m in means], upper=[m + 0.5 for m in means]
            ),
            "solar_power": ChannelForecast(mean=[0.0], lower=[0.0], upper=[0.0]),
        },
    )
    store.record_subsystem(
        outcome(job_id, subsystem, forecast=forecast, window_end_ms=start_ms - 1_000)
    )


def test_predictions_stitch_overlapping_forecasts_newest_first(store: SqlResultsStore) -> None:
    forecast_job(store, "old", 1_000, [1.0] * 10)  # 1 000 .. 10 000
    forecast_job(store, "new", 5_000, [2.0] * 10)  # 5 000 .. 14 000
    forecast_job(store, "newest", 2_500, [3.0, 3.0])  # 2 500 .. 3 500, off the others' grid
    forecast_job(store, "other-sat", 1_000, [9.0] * 20, satellite="SAT-002")
    forecast_job(store, "other-sub", 1_000, [9.0] * 20, subsystem="thermal")
    store.create_job(new_job("failed"))
    store.record_subsystem(
        outcome(
            "failed",
            "eps",
            status=JobStatus.FAILED,
            forecast=Forecast(0, 1_000, {"battery_voltage": ChannelForecast([9.0], [9.0], [9.0])}),
        )
    )

    points = store.predictions("SAT-001", "eps", "battery_voltage", 2_000, 12_000)

    assert [(p.timestamp_ms, p.value, p.job_id) for p in points] == [
        (2_000, 1.0, "old"),
        (2_500, 3.0, "newest"),
        (3_500, 3.0, "newest"),
        (4_000, 1.0, "old"),
        *((t, 2.0, "new") for t in range(5_000, 12_001, 1_000)),
    ]
    assert (points[0].lower, points[0].upper) == (0.5, 1.5)
    assert store.predictions("SAT-001", "eps", "no_such_channel", 0, 20_000) == []
    assert store.predictions("SAT-001", "eps", 'battery_voltage"."x', 0, 20_000) == []
    assert store.predictions("SAT-001", "eps", "battery_voltage", 15_000, 20_000) == []


# --- the seed's SQL, the schema and readiness ------------------------------------------


def test_the_seed_manual_sql_runs_on_the_sqlite_file(store: SqlResultsStore, db_path: Path) -> None:
    finished_job(store, "COMPLETE-TEST-1761802301", {"eps": 0.9})
    finished_job(store, "kafka-SAT-002-1761802245", {})
    store.create_job(new_job("kafka-SAT-003-1761802300", satellite_id="SAT-003"))
    store.fail_job("kafka-SAT-003-1761802300", "TimeoutError: model server")
    conn = sqlite3.connect(db_path)

    recent = conn.execute(
        "SELECT job_id, satellite_id, source, status, created_at, completed_at"
        " FROM inference_jobs ORDER BY created_at DESC LIMIT 10"
    ).fetchall()
    per_subsystem = conn.execute(
        "SELECT job_id, subsystem, model_name, status, anomaly_detected, anomaly_score"
        " FROM subsystem_inferences WHERE job_id = 'COMPLETE-TEST-1761802301' ORDER BY subsystem"
    ).fetchall()
    alerts = conn.execute("SELECT * FROM v_anomaly_alerts ORDER BY created_at DESC LIMIT 10")
    alert_columns = [d[0] for d in alerts.description]
    alert_rows = alerts.fetchall()
    sat_alerts = conn.execute(
        "SELECT satellite_id, subsystem, anomaly_score, created_at FROM v_anomaly_alerts"
        " WHERE satellite_id = 'SAT-001' ORDER BY created_at DESC"
    ).fetchall()
    summary = conn.execute(
        "SELECT * FROM v_inference_job_summary WHERE job_id = 'COMPLETE-TEST-1761802301'"
    )
    summary_columns = [d[0] for d in summary.description]
    [summary_row] = summary.fetchall()
    totals = conn.execute(
        """SELECT
            COUNT(*) as total_jobs,
            COUNT(CASE WHEN status = 'completed' THEN 1 END) as completed,
            COUNT(CASE WHEN status = 'failed' THEN 1 END) as failed,
            COUNT(CASE WHEN status = 'processing' THEN 1 END) as processing,
            ROUND(100.0 * COUNT(CASE WHEN status = 'completed' THEN 1 END) / COUNT(*), 2)
                as success_rate
        FROM inference_jobs"""
    ).fetchone()
    failures = conn.execute(
        "SELECT job_id, satellite_id, error_message, created_at FROM inference_jobs"
        " WHERE status = 'failed' ORDER BY created_at DESC"
    ).fetchall()
    conn.close()

    assert [r[0] for r in recent] == [
        "kafka-SAT-003-1761802300",
        "kafka-SAT-002-1761802245",
        "COMPLETE-TEST-1761802301",
    ]
    assert [(r[1], r[3], r[4]) for r in per_subsystem] == [
        ("aocs", "completed", 0),
        ("comm", "completed", 0),
        ("eps", "completed", 1),
        ("thermal", "completed", 0),
    ]
    assert alert_columns == [
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
    assert [(r[0], r[2], r[4]) for r in alert_rows] == [("COMPLETE-TEST-1761802301", "eps", 0.9)]
    assert [(r[0], r[1]) for r in sat_alerts] == [("SAT-001", "eps")]
    assert summary_columns == [
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
    assert totals == (3, 2, 1, 0, 66.67)
    assert failures[0][:3] == ("kafka-SAT-003-1761802300", "SAT-003", "TimeoutError: model server")

    # The view and the store compute the same summary.
    expected = store.job_summary("COMPLETE-TEST-1761802301")
    assert expected is not None
    view = dict(zip(summary_columns, summary_row, strict=True))
    assert view["job_status"] == expected.job_status
    assert view["total_time_seconds"] == pytest.approx(expected.total_time_seconds, abs=0.002)
    assert (view["completed_subsystems"], view["inference_count"]) == (4, 4)
    assert (view["anomalies_detected"], view["avg_inference_time_ms"]) == (1, 10.0)

    assert json.loads(view["subsystem_results"]) == expected.subsystem_results


def test_the_migrations_create_what_the_models_define(store: SqlResultsStore) -> None:
    with store.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        inspector = inspect(connection)
        checks = {
            table: {c["name"] for c in inspector.get_check_constraints(table)}
            for table in Base.metadata.tables
        }

    assert diff == []
    # Autogenerate does not compare CHECK constraints; their names must agree too.
    assert checks == {
        name: {c.name for c in table.constraints if isinstance(c, CheckConstraint)}
        for name, table in Base.metadata.tables.items()
    }


def test_upgrading_again_changes_nothing(store: SqlResultsStore, db_path: Path) -> None:
    store.create_job(new_job("j1"))
    upgrade(f"sqlite:///{db_path}")
    reopened = SqlResultsStore(f"sqlite:///{db_path}")

    assert reopened.get_job("j1") is not None
    reopened.check_ready()
    reopened.close()


def test_the_store_is_named_by_dialect_with_the_password_masked(
    store: SqlResultsStore, db_path: Path
) -> None:
    remote = SqlResultsStore("postgresql+psycopg://satmon:s3cret@127.0.0.1:1/satmon")

    assert (store.name, store.url) == ("sqlite-results", f"sqlite:///{db_path}")
    assert (remote.name, remote.url) == (
        "postgresql",
        "postgresql+psycopg://satmon:***@127.0.0.1:1/satmon",
    )
    remote.close()


def test_check_ready_names_an_unreachable_database() -> None:
    remote = SqlResultsStore("postgresql+psycopg://satmon:s3cret@127.0.0.1:1/satmon")

    with pytest.raises(ServiceUnavailableError) as caught:
        remote.check_ready()

    assert caught.value.service == "postgresql"
    assert caught.value.url == "postgresql+psycopg://satmon:***@127.0.0.1:1/satmon"
    assert "s3cret" not in str(caught.value)
    remote.close()


def test_a_sqlite_file_that_cannot_be_opened_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a folder")

    with pytest.raises(ServiceUnavailableError) as caught:
        SqlResultsStore(f"sqlite:///{tmp_path / 'a-file' / 'results.sqlite'}")

    assert caught.value.service == "sqlite-results"

"""`satmon up` as an operator starts it: one process, embedded, checked over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.processes import SatmonProcess, wait_for

pytestmark = pytest.mark.e2e

SATELLITES = ["SAT-001", "SAT-002", "SAT-003"]


def start_up(data_dir: Path, log_path: Path) -> SatmonProcess:
    """`satmon up` with three satellites, a fast simulator and a deterministic trigger."""
    return SatmonProcess(
        "up",
        ["--interval", "0.5", "--satellites", str(len(SATELLITES))],
        {
            "SATMON_DATA_DIR": str(data_dir),
            "SATMON_TRIGGER_COOLDOWN_S": "5",
            "SATMON_TRIGGER_SEED": "7",
        },
        log_path,
    )


@pytest.fixture
def system(tmp_path: Path) -> Iterator[SatmonProcess]:
    running = start_up(tmp_path / "data", tmp_path / "satmon.log")
    try:
        yield running
    finally:
        running.stop_if_running()


def test_the_whole_flow_runs_embedded(system: SatmonProcess, tmp_path: Path) -> None:
    listed = wait_for(
        lambda: (
            {s["satellite_id"] for s in system.get("/api/v1/trends/satellites")} >= set(SATELLITES)
            and system.get("/api/v1/trends/satellites")
        ),
        30,
        "every satellite to be listed",
    )
    assert [s["satellite_id"] for s in listed] == SATELLITES

    metrics = [m["metric"] for m in system.get("/api/v1/trends/metrics")]
    for metric in metrics:
        if metric == "satellite_range_km":
            continue  # only while a ground station is in view
        raw = system.get("/api/v1/trends/raw", metric=metric, range="1h")
        series = raw["metrics"][0]["series"]
        assert {s["satellite_id"] for s in series} == set(SATELLITES), metric
        assert all(s["points"] for s in series), metric

    completed = wait_for(
        lambda: system.get("/api/v1/query/jobs", source="kafka_auto_trigger", status="completed")[
            "items"
        ],
        60,
        "a triggered job to complete",
    )
    job_id = completed[0]["job_id"]
    assert job_id.startswith("kafka-SAT-")
    result = system.get(f"/api/v1/inference/result/{job_id}")
    assert sorted(s["subsystem"] for s in result["subsystems"]) == [
        "aocs",
        "comm",
        "eps",
        "thermal",
    ]
    for subsystem in result["subsystems"]:
        assert subsystem["status"] == "completed"
        assert 0.0 <= subsystem["anomaly_score"] <= 1.0
        forecast = subsystem["forecast"]
        assert all(len(c["mean"]) == 10 for c in forecast["channels"].values())

    submitted = system.client.post(
        "/api/v1/inference/submit",
        json={
            "data": [25.0 + 0.3 * i for i in range(30)],
            "config": {"forecast_horizon": 7, "window_size": 20},
            "metadata": {"satellite_id": "SAT-001", "source": "manual"},
        },
    )
    assert submitted.status_code == 202, submitted.text
    manual_id = submitted.json()["job_id"]
    wait_for(
        lambda: system.get(f"/api/v1/inference/status/{manual_id}")["status"] == "completed",
        30,
        "the manual job to complete",
    )
    manual = system.get(f"/api/v1/inference/result/{manual_id}")
    assert len(manual["result"]["forecast"]) == 7
    assert manual["result"]["forecast"][0] == pytest.approx(25.0 + 0.3 * 30, abs=0.5)

    hits = wait_for(
        lambda: system.get("/api/v1/search/results", q=manual_id)["hits"],
        10,
        "search to find the manual job",
    )
    assert hits[0]["job_id"] == manual_id
    satellite_hits = system.get("/api/v1/search/results", q="SAT-001")
    assert satellite_hits["total"] >= 1

    bad = system.client.post(
        "/api/v1/inference/submit",
        json={"data": [1.0, 2.0, 3.0], "config": {"forecast_horizon": 0}},
    )
    assert bad.status_code == 422
    assert [f["field"] for f in bad.json()["error"]["fields"]] == ["config.forecast_horizon"]
    unknown = system.client.get("/api/v1/trends/raw", params={"metric": "satellite_nope"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "metric"

    ready = system.get("/ready")
    assert ready["status"] == "ready"
    jobs_before = system.get("/api/v1/query/jobs")["total"]
    assert system.stop() == 0

    restarted = start_up(tmp_path / "data", tmp_path / "satmon.log")
    try:
        assert restarted.get("/api/v1/query/jobs")["total"] >= jobs_before
        assert restarted.get(f"/api/v1/inference/result/{manual_id}")["job"]["status"] == (
            "completed"
        )
    finally:
        assert restarted.stop() == 0

"""Trigger -> jobs -> executor -> model -> results store, results topic and search."""

from __future__ import annotations

import orjson
import pytest

from satmon.analysis.jobs import ManualRequest
from satmon.analysis.rules import Cooldown, seed_rules
from satmon.analysis.trigger import Trigger
from satmon.analysis.windows import SatelliteWindows
from satmon.errors import InvalidRequestError
from satmon.store.records import JobFilter, JobStatus
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.samples import frames_to_samples
from tests.conftest import Embedded
from tests.factories import frame_document

pytestmark = pytest.mark.unit


def frames(satellite_id="SAT-001", count=25, low_battery_at=None):
    out = []
    for seq in range(count):
        eps = {"battery_voltage": 3.9 + 0.001 * seq, "solar_power": 50.0 + seq % 3}
        if seq == low_battery_at:
            eps["battery_soc_percent"] = 25.0
        out.append(decode_frame(orjson.dumps(frame_document(satellite_id, seq=seq, eps=eps))))
    return out


def trigger_for(embedded: Embedded, window: int = 20) -> Trigger:
    return Trigger(embedded.jobs, seed_rules(0.0, seed=1), Cooldown(300), SatelliteWindows(window))


def test_a_rule_fires_a_job_of_four_completed_subsystems(embedded: Embedded):
    results_consumer = embedded.adapters.bus.consumer("test", [embedded.settings.results_topic])
    submitted = trigger_for(embedded).on_frames(frames(low_battery_at=22))
    assert len(submitted) == 1
    job_id = submitted[0]
    assert job_id == f"kafka-SAT-001-{frames()[22].timestamp_ms // 1000}"
    assert embedded.executor.wait_idle(30)

    job = embedded.adapters.results.get_job(job_id)
    assert job is not None
    assert job.status is JobStatus.COMPLETED
    assert (job.source, job.trigger_reason) == ("kafka_auto_trigger", "low_battery")
    assert job.total_subsystems == job.completed_subsystems == 4
    rows = embedded.adapters.results.subsystem_results(job_id)
    assert sorted(r.subsystem for r in rows) == ["aocs", "comm", "eps", "thermal"]
    eps = next(r for r in rows if r.subsystem == "eps")
    assert eps.forecast is not None
    assert len(eps.forecast.channels["battery_voltage"].mean) == embedded.settings.forecast_horizon
    assert eps.forecast.start_ms == frames()[22].timestamp_ms + 1000

    published = results_consumer.poll(10, 1.0)
    assert [orjson.loads(m.value)["job_id"] for m in published] == [job_id]
    assert embedded.adapters.search.search(job_id).hits[0].document.job_id == job_id


def test_no_job_before_the_window_is_full(embedded: Embedded):
    assert trigger_for(embedded).on_frames(frames(low_battery_at=5)) == []


def test_a_redelivered_frame_does_not_create_a_second_job(embedded: Embedded):
    batch = frames(low_battery_at=22)
    first = trigger_for(embedded).on_frames(batch)
    again = trigger_for(embedded).on_frames(batch)  # a restarted trigger, same frames
    assert len(first) == 1
    assert again == []
    assert embedded.executor.wait_idle(30)
    assert embedded.adapters.results.list_jobs(JobFilter(), 10, 0).total == 1


def test_windows_warm_up_from_the_store(embedded: Embedded):
    history = frames(count=20)
    embedded.adapters.tsdb.write(frames_to_samples(history))
    windows = SatelliteWindows(20)
    assert windows.warm_up(embedded.adapters.tsdb, ["SAT-001", "SAT-404"]) == 1
    assert windows.is_full("SAT-001")
    restored = {w.subsystem: w for w in windows.windows("SAT-001")}
    assert restored["eps"].values.shape == (20, 5)
    assert restored["eps"].values[-1, 0] == pytest.approx(history[-1].eps.battery_voltage)


def test_a_manual_series_job_forecasts_the_requested_horizon(embedded: Embedded):
    job_id = embedded.jobs.submit_manual(
        ManualRequest(
            model_name="holt_linear_baseline",  # exact on a straight line
            data=[1.0 + 0.5 * i for i in range(12)],
            horizon=4,
            window_size=10,
            satellite_id="SAT-001",
            source="manual",
        )
    )
    assert embedded.executor.wait_idle(30)
    job = embedded.adapters.results.get_job(job_id)
    assert job is not None and job.status is JobStatus.COMPLETED
    result = embedded.adapters.results.model_result(job_id)
    assert result is not None
    assert result.forecast == pytest.approx([7.0, 7.5, 8.0, 8.5], abs=1e-6)


def test_a_manual_satellite_job_reads_its_windows_from_the_store(embedded: Embedded):
    embedded.adapters.tsdb.write(frames_to_samples(frames("SAT-002", count=20)))
    job_id = embedded.jobs.submit_manual(
        ManualRequest(
            model_name=None,
            data=None,
            horizon=None,
            window_size=None,
            satellite_id="SAT-002",
            source=None,
        )
    )
    assert embedded.executor.wait_idle(30)
    job = embedded.adapters.results.get_job(job_id)
    assert job is not None and job.status is JobStatus.COMPLETED
    assert job.completed_subsystems == 4


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (ManualRequest("no_such_model", [1.0] * 5, None, None, None, None), "model_name"),
        (ManualRequest(None, [1.0] * 5, None, 10, None, None), "data"),
        (ManualRequest(None, None, None, None, None, None), "data"),
        (ManualRequest(None, None, None, None, "SAT-404", None), "metadata.satellite_id"),
    ],
)
def test_bad_manual_requests_name_the_field(embedded: Embedded, request_, field):
    with pytest.raises(InvalidRequestError) as caught:
        embedded.jobs.submit_manual(request_)
    assert caught.value.field == field

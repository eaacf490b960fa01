"""Faults of the analysis path: Triton stopped while `satmon worker` has tasks.

Two workers run side by side on queues of their own: one whose retries outlast
the outage, whose jobs complete once Triton is back, and one with two quick
retries, whose jobs fail with an error naming the model server while it is down.
One stop of Triton shows both. Marked service_fault: it runs after every other
test of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.analysis_support import (
    Analysis,
    ResultsReader,
    analysis_path,
    running,
    search_documents,
    sql,
    submit_jobs,
    wait_for,
    wait_for_workers,
)
from tests.integration.conftest import service_stopped

pytestmark = [pytest.mark.integration, pytest.mark.service_fault]

JOBS = 20


@pytest.fixture
def patient(postgres_url: str, tmp_path: Path) -> Iterator[Analysis]:
    """Retries for several minutes: longer than Triton takes to stop and start."""
    with analysis_path(
        postgres_url,
        tmp_path,
        SATMON_TASK_MAX_RETRIES="100",
        SATMON_TASK_RETRY_BACKOFF_S="0.5",
        SATMON_TASK_RETRY_BACKOFF_MAX_S="3",
    ) as analysis:
        yield analysis


@pytest.fixture
def impatient(postgres_url: str, tmp_path: Path) -> Iterator[Analysis]:
    """Gives up after two retries a fraction of a second apart."""
    with analysis_path(
        postgres_url,
        tmp_path,
        SATMON_TASK_MAX_RETRIES="2",
        SATMON_TASK_RETRY_BACKOFF_S="0.2",
        SATMON_TASK_RETRY_BACKOFF_MAX_S="0.5",
    ) as analysis:
        yield analysis


def states(analysis: Analysis, prefix: str) -> dict[str, tuple[str, str | None]]:
    rows = sql(
        analysis.database_url,
        "SELECT job_id, status, error_message FROM inference_jobs WHERE satellite_id LIKE %s",
        f"{prefix}-%",
    )
    return {r[0]: (r[1], r[2]) for r in rows}


def test_triton_stopped_tasks_retry_and_complete_when_it_is_back_or_fail_when_retries_run_out(
    patient: Analysis, impatient: Analysis
) -> None:
    patient_results = ResultsReader(patient)
    impatient_results = ResultsReader(impatient)
    try:
        with (
            running(patient, "worker", "--concurrency", "4", "--hostname", "p@%h") as waits,
            running(impatient, "worker", "--concurrency", "4", "--hostname", "i@%h") as gives_up,
        ):
            wait_for_workers(patient, 1, waits)
            wait_for_workers(impatient, 1, gives_up)
            with service_stopped("triton"):
                retried = submit_jobs(patient, "RETRY", JOBS)
                failed = submit_jobs(impatient, "GIVEUP", JOBS)
                wait_for(
                    lambda: {s for s, _ in states(impatient, "GIVEUP").values()} == {"failed"},
                    "the impatient worker's jobs failed",
                )
                down = states(patient, "RETRY")
                assert "retry" in waits.text()  # the patient worker is retrying, not failing

            wait_for(
                lambda: {s for s, _ in states(patient, "RETRY").values()} == {"completed"},
                "the patient worker's jobs completed after Triton came back",
                timeout_s=300,
            )
            wait_for(lambda: set(patient_results.by_job()) >= set(retried), "published")
            wait_for(lambda: set(impatient_results.by_job()) >= set(failed), "published")
    finally:
        patient_results.close()
        impatient_results.close()

    assert sorted(down) == sorted(retried)
    assert {s for s, _ in down.values()} <= {"pending", "processing"}
    assert all(error is None for _, error in states(patient, "RETRY").values())
    subsystems = sql(
        patient.database_url,
        "SELECT count(*), count(DISTINCT (job_id, subsystem)) FROM subsystem_inferences"
        " WHERE job_id LIKE %s AND status = 'completed'",
        "kafka-RETRY-%",
    )
    assert subsystems == [(4 * JOBS, 4 * JOBS)]

    gave_up = states(impatient, "GIVEUP")
    assert sorted(gave_up) == sorted(failed)
    for _, error in gave_up.values():
        assert error is not None
        assert "triton" in error and "gave up retrying" in error, error
    documents = search_documents(impatient, failed)
    assert {d["status"] for d in documents.values()} == {"failed"} and len(documents) == JOBS
    messages = impatient_results.by_job()
    bodies = [m for per_job in messages.values() for m in per_job]
    assert bodies and all(m["status"] == "failed" and m["error_message"] for m in bodies)

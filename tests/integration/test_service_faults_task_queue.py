"""Faults: RabbitMQ stopped while the Celery task queue is in use.

The queue object stays the same throughout: while the broker is down, readiness
and enqueueing fail with an error naming RabbitMQ and its URL (password masked),
within the adapter's connect timeout rather than hanging; once the broker is
back the same object enqueues again, and the task enqueued before the outage is
still in the durable queue beside the new one. Marked service_fault: it runs
after every other test of the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from satmon.analysis.base import SeriesTask
from satmon.analysis.celery_queue import CeleryTaskQueue
from satmon.errors import ServiceUnavailableError
from tests.integration.analysis_support import analysis_path
from tests.integration.conftest import eventually, service_stopped, timed

pytestmark = [pytest.mark.integration, pytest.mark.service_fault]

# Readiness tries one connection with CONNECT_TIMEOUT_S; a publish retries a few
# times first. Either must end well before an operator would think it hung.
FAILS_WITHIN_S = 30.0


@pytest.fixture
def queue(postgres_url: str, tmp_path: Path) -> Iterator[CeleryTaskQueue]:
    """A task queue of the test's own, with no worker consuming it."""
    with analysis_path(postgres_url, tmp_path) as analysis:
        task_queue = CeleryTaskQueue(analysis.settings)
        try:
            yield task_queue
        finally:
            task_queue.close()


def task(job_id: str) -> SeriesTask:
    return SeriesTask(
        job_id=job_id, model_name="lstm_timeseries", data=[1.0] * 20, window_size=20, horizon=5
    )


def test_rabbitmq_down_and_back(queue: CeleryTaskQueue) -> None:
    queue.enqueue(task("before"))
    assert queue.stats().messages == 1

    with service_stopped("rabbitmq"):
        not_ready, ready_s = timed(queue.check_ready)
        not_sent, send_s = timed(lambda: queue.enqueue(task("during")))

    for error, seconds in ((not_ready, ready_s), (not_sent, send_s)):
        assert isinstance(error, ServiceUnavailableError), repr(error)
        assert (error.service, error.url) == ("rabbitmq", queue.url)
        assert "rabbitmq" in str(error) and queue.url in str(error)
        assert seconds < FAILS_WITHIN_S
    assert ":***@127.0.0.1:5672" in queue.url

    eventually(queue.check_ready, timeout_s=60.0)
    queue.enqueue(task("after"))
    # The persistent message of before the outage survived the broker's restart;
    # the one refused during it was never queued.
    assert queue.stats().messages == 2

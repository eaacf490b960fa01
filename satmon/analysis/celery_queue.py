"""The task queue on Celery: the real adapter of the TaskQueue port.

`enqueue` publishes to RabbitMQ with publisher confirms and returns once the
broker has the message (persistent, in a durable queue), so a caller that
commits something after it (the trigger its offsets) cannot lose the task. A
broker that cannot be reached raises ServiceUnavailableError naming it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from amqp.exceptions import ChannelError  # type: ignore[import-untyped]
from kombu.exceptions import KombuError

from satmon.analysis.base import SeriesTask, SubsystemBatch, SubsystemTask, Task
from satmon.analysis.celery_app import RUN_INFERENCE, RUN_SUBSYSTEM_INFERENCE, create_app
from satmon.config import Settings, mask_url
from satmon.errors import ServiceUnavailableError

CONNECT_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class QueueStats:
    messages: int
    consumers: int


def message(task: Task) -> tuple[str, Any]:
    """The registered task name and the JSON-able payload of a task."""
    if isinstance(task, SubsystemBatch):
        return RUN_SUBSYSTEM_INFERENCE, msgspec.to_builtins(task.tasks)
    if isinstance(task, SubsystemTask):
        return RUN_SUBSYSTEM_INFERENCE, [msgspec.to_builtins(task)]
    assert isinstance(task, SeriesTask)
    return RUN_INFERENCE, msgspec.to_builtins(task)


class CeleryTaskQueue:
    name = "rabbitmq"

    def __init__(self, settings: Settings) -> None:
        if settings.celery_broker_url is None:
            raise ValueError("CELERY_BROKER_URL is not set")
        self.url = mask_url(settings.celery_broker_url.get_secret_value())
        self._queue = settings.task_queue
        self._app = create_app(settings)
        try:
            self.check_ready()
        except BaseException:
            self._app.close()
            raise

    def enqueue(self, task: Task) -> None:
        name, payload = message(task)
        try:
            self._app.send_task(name, args=[payload], queue=self._queue)
        except (KombuError, OSError) as exc:
            raise ServiceUnavailableError(self.name, self.url, _reason(exc)) from exc

    def check_ready(self) -> None:
        try:
            with self._app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT_S)
        except (KombuError, OSError) as exc:
            raise ServiceUnavailableError(self.name, self.url, _reason(exc)) from exc

    def stats(self) -> QueueStats:
        """The queue's ready messages and consumers (one per worker) now; zeros while
        no worker or publisher has declared it yet."""
        try:
            with self._app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT_S)
                declared = connection.default_channel.queue_declare(queue=self._queue, passive=True)
        except ChannelError:
            return QueueStats(messages=0, consumers=0)
        except (KombuError, OSError) as exc:
            raise ServiceUnavailableError(self.name, self.url, _reason(exc)) from exc
        return QueueStats(messages=declared.message_count, consumers=declared.consumer_count)

    def delete(self) -> None:
        """Remove the queue and the messages in it (tests and benchmarks clean up with it)."""
        try:
            with self._app.connection_for_write() as connection:
                connection.default_channel.queue_delete(queue=self._queue)
        except (KombuError, OSError) as exc:
            raise ServiceUnavailableError(self.name, self.url, _reason(exc)) from exc

    def close(self) -> None:
        """Release the broker connections; workers run what was enqueued."""
        self._app.close()


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()

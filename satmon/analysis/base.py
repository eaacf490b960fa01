"""The task-queue port and the task payloads it carries.

Payloads are plain data (msgspec structs of lists and numbers), so the same task
travels through RabbitMQ as JSON or runs in-process unchanged.
"""

from __future__ import annotations

from typing import Protocol

import msgspec


class SubsystemTask(msgspec.Struct, frozen=True, kw_only=True):
    """Run one model on one subsystem's window, for a job of several subsystems."""

    job_id: str
    satellite_id: str
    subsystem: str
    model_name: str
    channels: list[str]
    values: list[list[float]]  # (steps, channels), oldest first
    step_ms: int
    window_end_ms: int
    horizon: int


class SubsystemBatch(msgspec.Struct, frozen=True, kw_only=True):
    """Subsystem tasks run together: one model call for their windows, one write for
    their results. A job's subsystems travel as one batch unless the seed's way (a
    message per subsystem) is asked for."""

    tasks: list[SubsystemTask]


class SeriesTask(msgspec.Struct, frozen=True, kw_only=True):
    """Run one model on a single series (the seed's manual inference)."""

    job_id: str
    model_name: str
    data: list[float]
    window_size: int
    horizon: int


Task = SubsystemTask | SubsystemBatch | SeriesTask


def job_ids(task: Task) -> list[str]:
    """The jobs a task writes to, each once."""
    if isinstance(task, SubsystemBatch):
        return list(dict.fromkeys(t.job_id for t in task.tasks))
    return [task.job_id]


class TaskQueue(Protocol):
    name: str
    url: str

    def enqueue(self, task: Task) -> None:
        """Hand a task to a worker; it runs at least once. Raises
        ServiceUnavailableError if the queue cannot take it."""

    def check_ready(self) -> None: ...

    def close(self) -> None:
        """Stop taking tasks and wait for the running ones."""

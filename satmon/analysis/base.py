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


class SeriesTask(msgspec.Struct, frozen=True, kw_only=True):
    """Run one model on a single series (the seed's manual inference)."""

    job_id: str
    model_name: str
    data: list[float]
    window_size: int
    horizon: int


Task = SubsystemTask | SeriesTask


class TaskQueue(Protocol):
    name: str
    url: str

    def enqueue(self, task: Task) -> None:
        """Hand a task to a worker; it runs at least once."""

    def check_ready(self) -> None: ...

    def close(self) -> None:
        """Stop taking tasks and wait for the running ones."""

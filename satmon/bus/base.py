"""The bus port: topics of keyed byte messages, consumer groups, committed offsets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int
    headers: Mapping[str, bytes] = field(default_factory=dict)


class Producer(Protocol):
    def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        headers: Mapping[str, bytes] | None = None,
    ) -> None:
        """Queue a message; delivery is confirmed by `flush`."""

    def flush(self, timeout_s: float = 10.0) -> None:
        """Block until every queued message is acknowledged, or raise."""

    def close(self) -> None: ...


class Consumer(Protocol):
    def poll(self, max_messages: int, timeout_s: float) -> list[Message]:
        """Up to max_messages, waiting at most timeout_s for the first one."""

    def commit(self, messages: Sequence[Message]) -> None:
        """Mark these messages (and everything before them per partition) as done."""

    def close(self) -> None:
        """Leave the group; uncommitted messages are delivered again to the next member."""


class Bus(Protocol):
    name: str
    url: str

    def producer(self) -> Producer: ...

    def consumer(self, group: str, topics: Sequence[str]) -> Consumer: ...

    def lag(self, group: str, topic: str) -> int:
        """Messages of the topic the group has not committed yet."""

    def check_ready(self) -> None:
        """Raise ServiceUnavailableError if the bus cannot be used."""

    def close(self) -> None: ...

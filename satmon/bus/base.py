"""The bus port: topics of keyed byte messages, consumer groups, committed offsets."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

TopicPartition = tuple[str, int]
RevokeHook = Callable[[list[TopicPartition]], None]
"""Called with the (topic, partition) pairs about to be taken away, before they go."""


@dataclass(frozen=True, slots=True)
class Message:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    timestamp_ms: int
    headers: Mapping[str, bytes] = field(default_factory=dict)


class MessageBatch:
    """One poll's messages in columns, for consumers that handle them in bulk.

    The hot path reads `values` and commits `ends`; a full `Message` is built only
    for the few that need one (a dead letter, a log line), from the adapter's own
    record of it. Building one per message costs more than decoding the frame.
    """

    __slots__ = ("_raw", "_to_message", "ends", "values")

    def __init__(
        self,
        values: list[bytes],
        ends: dict[TopicPartition, int],
        raw: Sequence[Any] = (),
        to_message: Callable[[Any], Message] | None = None,
    ) -> None:
        self.values = values
        """The messages' values, in the order they were read."""
        self.ends = ends
        """Per partition, the offset after its newest message here: what to commit."""
        self._raw = raw
        self._to_message = to_message

    @classmethod
    def of(cls, messages: Sequence[Message]) -> MessageBatch:
        return cls(
            [m.value for m in messages],
            {(m.topic, m.partition): m.offset + 1 for m in messages},
            messages,
            None,
        )

    def __len__(self) -> int:
        return len(self.values)

    def message(self, index: int) -> Message:
        """The message whose value is values[index]."""
        raw = self._raw[index]
        return raw if self._to_message is None else self._to_message(raw)

    def messages(self) -> list[Message]:
        return [self.message(i) for i in range(len(self.values))]

    def without(self, partitions: Collection[TopicPartition]) -> MessageBatch:
        """The same batch less the messages of these partitions."""
        if not partitions or self.ends.keys().isdisjoint(partitions):
            return self
        kept = [m for m in self.messages() if (m.topic, m.partition) not in partitions]
        return MessageBatch.of(kept)


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
    on_revoke: RevokeHook | None
    """Set by the owner to finish (commit) partitions before they move to another member."""

    def poll(self, max_messages: int, timeout_s: float) -> list[Message]:
        """Up to max_messages, waiting at most timeout_s for the first one."""

    def poll_batch(self, max_messages: int, timeout_s: float) -> MessageBatch:
        """As `poll`, in columns (cheaper per message)."""

    def commit(self, messages: Sequence[Message]) -> None:
        """Mark these messages (and everything before them per partition) as done."""

    def commit_offsets(self, ends: Mapping[TopicPartition, int]) -> None:
        """Commit these next-offsets (a batch's `ends`); partitions no longer assigned
        are left to their new owner."""

    def assignment(self) -> list[TopicPartition]:
        """The partitions this member reads now."""

    def pause(self, partitions: Sequence[TopicPartition]) -> None:
        """Stop delivering these partitions; the member stays in the group and keeps
        its position, so `resume` goes on from the first message not yet delivered."""

    def resume(self, partitions: Sequence[TopicPartition]) -> None: ...

    def lags(self) -> dict[TopicPartition, int]:
        """Per assigned partition, messages past this member's last commit (as far as
        the member knows without asking the cluster)."""

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

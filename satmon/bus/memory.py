"""The in-process bus: Kafka's semantics, within one process.

Each topic partition is an append-only log with offsets. Each consumer group
keeps a committed offset per partition; a consumer reads from its position and
commits what it processed, so a consumer that closes without committing leaves
its messages for the next member of the group, as with Kafka. A partition keeps
what its slowest group has not committed yet; a producer that would grow it past
`max_pending` waits for consumers (backpressure, so memory stays bounded).
"""

from __future__ import annotations

import threading
import time
import zlib
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from satmon.bus.base import Message, MessageBatch, RevokeHook, TopicPartition
from satmon.errors import ServiceUnavailableError


class BusFullError(ServiceUnavailableError):
    """The producer waited too long for consumers to make room."""


@dataclass
class _Partition:
    base_offset: int = 0  # offset of messages[0]
    messages: deque[Message] = field(default_factory=deque)
    committed: dict[str, int] = field(default_factory=dict)  # group -> next offset to read

    @property
    def end_offset(self) -> int:
        return self.base_offset + len(self.messages)

    def trim(self) -> None:
        if not self.committed:
            return
        keep_from = min(self.committed.values())
        while self.messages and self.base_offset < keep_from:
            self.messages.popleft()
            self.base_offset += 1


class InProcessBus:
    """A bus whose topics live in this process's memory."""

    name = "in-process-bus"
    url = "memory://"

    def __init__(self, partitions: int = 1, max_pending: int = 200_000) -> None:
        self._partitions_per_topic = partitions
        self._max_pending = max_pending
        self._topics: dict[str, list[_Partition]] = {}
        self._groups: dict[str, set[str]] = {}  # group -> topics it reads
        self._members: set[str] = set()
        self._changed = threading.Condition()
        self._closed = False

    # --- used by producers and consumers ----------------------------------------

    def _topic(self, topic: str) -> list[_Partition]:
        partitions = self._topics.get(topic)
        if partitions is None:
            partitions = [_Partition() for _ in range(self._partitions_per_topic)]
            self._topics[topic] = partitions
        return partitions

    def _append(
        self,
        topic: str,
        value: bytes,
        key: bytes | None,
        headers: Mapping[str, bytes] | None,
        timeout_s: float,
    ) -> None:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            partitions = self._topic(topic)
            index = zlib.crc32(key) % len(partitions) if key else 0
            partition = partitions[index]
            while partition.committed and len(partition.messages) >= self._max_pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    raise BusFullError(
                        self.name,
                        self.url,
                        f"{topic}[{index}] holds {len(partition.messages)} unconsumed messages",
                    )
                self._changed.wait(remaining)
            if not partition.committed and len(partition.messages) >= self._max_pending:
                # Nobody reads this topic: keep the newest messages only.
                partition.messages.popleft()
                partition.base_offset += 1
            partition.messages.append(
                Message(
                    topic=topic,
                    partition=index,
                    offset=partition.end_offset,
                    key=key,
                    value=value,
                    timestamp_ms=int(time.time() * 1000),
                    headers=dict(headers or {}),
                )
            )
            self._changed.notify_all()

    def _join(self, group: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
        with self._changed:
            if group in self._members:
                raise ValueError(f"the in-process bus serves one consumer per group ({group!r})")
            self._members.add(group)
            self._groups[group] = set(topics)
            positions: dict[tuple[str, int], int] = {}
            for topic in topics:
                for index, partition in enumerate(self._topic(topic)):
                    start = partition.committed.setdefault(group, partition.base_offset)
                    positions[(topic, index)] = start
            return positions

    def _leave(self, group: str) -> None:
        with self._changed:
            self._members.discard(group)
            self._changed.notify_all()

    def _read(
        self,
        positions: dict[tuple[str, int], int],
        max_messages: int,
        timeout_s: float,
        paused: set[tuple[str, int]],
    ) -> list[Message]:
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while True:
                batch: list[Message] = []
                for (topic, index), position in positions.items():
                    if (topic, index) in paused:
                        continue
                    partition = self._topics[topic][index]
                    start = max(position, partition.base_offset) - partition.base_offset
                    for i in range(start, len(partition.messages)):
                        if len(batch) >= max_messages:
                            break
                        batch.append(partition.messages[i])
                    if len(batch) >= max_messages:
                        break
                if batch:
                    for message in batch:
                        positions[(message.topic, message.partition)] = message.offset + 1
                    return batch
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._closed:
                    return []
                self._changed.wait(remaining)

    def _commit(self, group: str, offsets: Mapping[tuple[str, int], int]) -> None:
        with self._changed:
            for (topic, index), next_offset in offsets.items():
                partition = self._topics[topic][index]
                if next_offset > partition.committed.get(group, 0):
                    partition.committed[group] = next_offset
                partition.trim()
            self._changed.notify_all()

    # --- the Bus port ---------------------------------------------------------------

    def producer(self) -> InProcessProducer:
        return InProcessProducer(self)

    def consumer(self, group: str, topics: Sequence[str]) -> InProcessConsumer:
        return InProcessConsumer(self, group, topics)

    def lag(self, group: str, topic: str) -> int:
        """Messages of a topic not yet committed by a group."""
        return sum(self._lags(group, [topic]).values())

    def _lags(self, group: str, topics: Sequence[str]) -> dict[tuple[str, int], int]:
        with self._changed:
            return {
                (topic, index): p.end_offset - p.committed.get(group, p.base_offset)
                for topic in topics
                for index, p in enumerate(self._topic(topic))
            }

    def check_ready(self) -> None:
        if self._closed:
            raise ServiceUnavailableError(self.name, self.url, "closed")

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()


class InProcessProducer:
    def __init__(self, bus: InProcessBus, send_timeout_s: float = 30.0) -> None:
        self._bus = bus
        self._send_timeout_s = send_timeout_s

    def send(
        self,
        topic: str,
        value: bytes,
        key: bytes | None = None,
        headers: Mapping[str, bytes] | None = None,
    ) -> None:
        self._bus._append(topic, value, key, headers, self._send_timeout_s)

    def flush(self, timeout_s: float = 10.0) -> None:
        """Appends are synchronous, so there is nothing in flight."""

    def close(self) -> None:
        """Nothing to release."""


class InProcessConsumer:
    """The only member of its group: every partition of its topics is assigned to it
    for its whole life, so `on_revoke` is never called."""

    def __init__(self, bus: InProcessBus, group: str, topics: Sequence[str]) -> None:
        self.on_revoke: RevokeHook | None = None
        self._bus = bus
        self._group = group
        self._topics = list(topics)
        self._positions = bus._join(group, topics)
        self._paused: set[TopicPartition] = set()
        self._closed = False

    def poll(self, max_messages: int, timeout_s: float) -> list[Message]:
        return self._bus._read(self._positions, max_messages, timeout_s, self._paused)

    def poll_batch(self, max_messages: int, timeout_s: float) -> MessageBatch:
        return MessageBatch.of(self.poll(max_messages, timeout_s))

    def commit(self, messages: Sequence[Message]) -> None:
        offsets: dict[tuple[str, int], int] = {}
        for message in messages:
            key = (message.topic, message.partition)
            offsets[key] = max(offsets.get(key, 0), message.offset + 1)
        self._bus._commit(self._group, offsets)

    def commit_offsets(self, ends: Mapping[TopicPartition, int]) -> None:
        self._bus._commit(self._group, ends)

    def assignment(self) -> list[TopicPartition]:
        return sorted(self._positions)

    def pause(self, partitions: Sequence[TopicPartition]) -> None:
        self._paused.update(p for p in partitions if p in self._positions)

    def resume(self, partitions: Sequence[TopicPartition]) -> None:
        self._paused.difference_update(partitions)

    def lags(self) -> dict[TopicPartition, int]:
        return self._bus._lags(self._group, self._topics)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._bus._leave(self._group)

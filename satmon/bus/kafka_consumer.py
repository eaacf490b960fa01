"""The Kafka consumer behind the bus port, on confluent-kafka (librdkafka).

Offsets are committed only when the owner says so, synchronously, as
the highest offset + 1 per partition (the owner commits after its sink took the
batch, so a crash redelivers rather than loses). A partition that was revoked
is not committed by its former owner, and a commit the group refuses because
the member was dropped (it stalled past max.poll.interval.ms) is logged, not
raised: either way the partition's owner reads the messages again from the
last commit. `on_revoke` lets the owner commit what it finished before a
partition moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from confluent_kafka import Consumer as _RdConsumer
from confluent_kafka import KafkaError, KafkaException, TopicPartition
from confluent_kafka import Message as _RdMessage

from satmon.bus.base import Message, MessageBatch, RevokeHook
from satmon.bus.base import TopicPartition as TopicPartition_
from satmon.bus.kafka_common import SERVICE, ErrorWatch, client_config, log
from satmon.errors import ServiceUnavailableError

_NO_HEADERS: Mapping[str, bytes] = MappingProxyType({})
_MAX_CONSUME = 1_000_000  # librdkafka's limit per consume call

# Commit refusals that mean the member no longer owns its partitions (it stalled or
# the group rebalanced), not that Kafka failed.
_REBALANCED = frozenset(
    {
        KafkaError.REBALANCE_IN_PROGRESS,
        KafkaError.ILLEGAL_GENERATION,
        KafkaError.UNKNOWN_MEMBER_ID,
        KafkaError._ASSIGNMENT_LOST,
    }
)


_Header = tuple[str, str | bytes | None]


class KafkaConsumer:
    """`Consumer` port for one member of a group; use it from one thread."""

    def __init__(
        self,
        bootstrap_servers: str,
        group: str,
        topics: Sequence[str],
        *,
        config: Mapping[str, Any] | None = None,
        on_close: Callable[[KafkaConsumer], None] | None = None,
    ) -> None:
        self.url = bootstrap_servers
        self.group = group
        self.on_revoke: RevokeHook | None = None
        self._on_close = on_close
        self._errors = ErrorWatch(bootstrap_servers, f"consumer of group {group}")
        self._assigned: set[tuple[str, int]] = set()
        self._deferred: ServiceUnavailableError | None = None
        self._closed = False
        self._consumer = _RdConsumer(
            {
                **client_config(bootstrap_servers, f"satmon-{group}"),
                "group.id": group,
                "enable.auto.commit": False,
                "enable.auto.offset.store": False,
                "auto.offset.reset": "earliest",
                "partition.assignment.strategy": "cooperative-sticky",
                "session.timeout.ms": 10_000,
                "heartbeat.interval.ms": 2_000,
                "fetch.wait.max.ms": 100,
                # Once the prefetch queue is full, librdkafka waits this long before it
                # fetches again (1 s by default): a consumer that empties its queue
                # faster than that then sat blocked on an empty one.
                "fetch.queue.backoff.ms": 5,
                "error_cb": self._errors,
                **(config or {}),
            }
        )
        self._consumer.subscribe(
            list(topics), on_assign=self._assign, on_revoke=self._revoke, on_lost=self._lose
        )

    def poll(self, max_messages: int, timeout_s: float) -> list[Message]:
        """What is already fetched, up to max_messages; if nothing is, wait at most
        timeout_s for the first message (as the in-process bus does)."""
        return [_message(item) for item in self._fetch(max_messages, timeout_s)]

    def poll_batch(self, max_messages: int, timeout_s: float) -> MessageBatch:
        """As `poll`, in columns: a few C calls per message instead of building a
        frozen `Message` (2.3 us each, more than decoding the frame takes)."""
        raw = self._fetch(max_messages, timeout_s)
        # The last message of each partition wins: a partition's messages come in order.
        # (topic, partition and offset are never None on a message without an error)
        newest: dict[Any, Any] = {(item.topic(), item.partition()): item.offset() for item in raw}
        return MessageBatch(
            [item.value() or b"" for item in raw],
            {tp: offset + 1 for tp, offset in newest.items()},
            raw,
            _message,
        )

    def _fetch(self, max_messages: int, timeout_s: float) -> list[_RdMessage]:
        self._errors.raise_fatal()
        if self._deferred is not None:
            deferred, self._deferred = self._deferred, None
            raise deferred
        max_messages = min(max_messages, _MAX_CONSUME)
        raw = self._consumer.consume(max_messages, 0)
        if not raw and timeout_s > 0:
            raw = self._consumer.consume(1, timeout_s)
            if raw and max_messages > 1:
                raw += self._consumer.consume(max_messages - 1, 0)
        if any(item.error() is not None for item in raw):
            return self._without_errors(raw)
        return raw

    def _without_errors(self, raw: list[_RdMessage]) -> list[_RdMessage]:
        good: list[_RdMessage] = []
        for item in raw:
            error = item.error()
            if error is None:
                good.append(item)
                continue
            if error.code() == KafkaError._PARTITION_EOF:
                continue
            if error.code() == KafkaError._MAX_POLL_EXCEEDED:
                # The member left the group; librdkafka rejoins on the next poll.
                log.warning("group %s: %s", self.group, error.str())
                continue
            failure = self._consume_error(item.topic(), error)
            if good:  # hand these over first; they would be skipped otherwise
                self._deferred = failure
                break
            raise failure
        return good

    def commit(self, messages: Sequence[Message]) -> None:
        """Commit offset + 1 of the newest message per partition, synchronously."""
        offsets: dict[TopicPartition_, int] = {}
        for message in messages:
            key = (message.topic, message.partition)
            if message.offset >= offsets.get(key, -1):
                offsets[key] = message.offset + 1
        self.commit_offsets(offsets)

    def commit_offsets(self, ends: Mapping[TopicPartition_, int]) -> None:
        """Commit these next-offsets synchronously, for the partitions still assigned."""
        owned = [TopicPartition(t, p, o) for (t, p), o in ends.items() if (t, p) in self._assigned]
        if len(owned) < len(ends):
            log.info(
                "group %s: not committing %d revoked partition(s); their new owner reads"
                " them again from the last commit",
                self.group,
                len(ends) - len(owned),
            )
        if not owned:
            return
        try:
            result = self._consumer.commit(offsets=owned, asynchronous=False)
        except KafkaException as exc:
            if exc.args[0].code() in _REBALANCED:
                self._not_committed(exc.args[0].str())
                return
            raise ServiceUnavailableError(
                SERVICE, self.url, f"group {self.group}: commit failed: {exc.args[0].str()}"
            ) from exc
        failed = [(tp, tp.error) for tp in result or [] if tp.error is not None]
        if failed and all(error.code() in _REBALANCED for _, error in failed):
            self._not_committed(failed[0][1].str())
        elif failed:
            detail = ", ".join(f"{tp.topic}[{tp.partition}]: {e.str()}" for tp, e in failed)
            raise ServiceUnavailableError(
                SERVICE, self.url, f"group {self.group}: commit failed for {detail}"
            )

    def _not_committed(self, reason: str) -> None:
        # Not an error for at-least-once: whoever owns the partitions now reads these
        # messages again from the last commit, and the sinks are idempotent.
        log.warning(
            "group %s: the group moved on, so this commit was refused (%s); the messages"
            " will be delivered again",
            self.group,
            reason,
        )

    def assignment(self) -> list[tuple[str, int]]:
        """The (topic, partition) pairs this member reads now."""
        return sorted(self._assigned)

    def pause(self, partitions: Sequence[TopicPartition_]) -> None:
        """librdkafka drops what it fetched of these partitions and, on `resume`,
        fetches again from the first message not yet handed out."""
        owned = [TopicPartition(t, p) for t, p in partitions if (t, p) in self._assigned]
        if owned:
            self._consumer.pause(owned)

    def resume(self, partitions: Sequence[TopicPartition_]) -> None:
        owned = [TopicPartition(t, p) for t, p in partitions if (t, p) in self._assigned]
        if owned:
            self._consumer.resume(owned)

    def lags(self) -> dict[TopicPartition_, int]:
        """The newest offset the last fetch saw minus the group's commit, per assigned
        partition; empty when the broker does not answer within a second."""
        tps = [TopicPartition(t, p) for t, p in sorted(self._assigned)]
        if not tps:
            return {}
        try:
            committed = self._consumer.committed(tps, timeout=1.0)
        except KafkaException:
            return {}
        lags: dict[TopicPartition_, int] = {}
        for tp in committed:
            low, high = self._consumer.get_watermark_offsets(tp, cached=True)
            if high < 0:  # no fetch answered yet
                continue
            start = tp.offset if tp.offset >= 0 else low
            lags[(tp.topic, tp.partition)] = max(0, high - start)
        return lags

    def close(self) -> None:
        """Leave the group; what was not committed goes to the next member."""
        if self._closed:
            return
        self._closed = True
        try:
            self._consumer.close()
        finally:
            if self._on_close is not None:
                self._on_close(self)

    # --- rebalancing (called by librdkafka from inside consume) -----------------------

    def _assign(self, _: object, partitions: list[TopicPartition]) -> None:
        self._assigned.update((tp.topic, tp.partition) for tp in partitions)
        log.info("group %s: assigned %s", self.group, _names(partitions))

    def _revoke(self, _: object, partitions: list[TopicPartition]) -> None:
        log.info("group %s: revoking %s", self.group, _names(partitions))
        try:
            if self.on_revoke is not None:
                self.on_revoke([(tp.topic, tp.partition) for tp in partitions])
        finally:
            self._assigned.difference_update((tp.topic, tp.partition) for tp in partitions)

    def _lose(self, _: object, partitions: list[TopicPartition]) -> None:
        # Lost, not revoked: the group moved on already, so there is nothing to commit.
        log.warning("group %s: lost %s", self.group, _names(partitions))
        self._assigned.difference_update((tp.topic, tp.partition) for tp in partitions)

    def _consume_error(self, topic: str | None, error: KafkaError) -> ServiceUnavailableError:
        return ServiceUnavailableError(
            SERVICE, self.url, f"group {self.group}: consuming {topic} failed: {error.str()}"
        )


def _message(item: _RdMessage) -> Message:
    headers = item.headers()
    # Positional arguments: a third cheaper than keywords, and `poll` runs this per message.
    # topic, partition and offset are never None on a message without an error.
    return Message(
        item.topic(),  # type: ignore[arg-type]
        item.partition(),  # type: ignore[arg-type]
        item.offset(),  # type: ignore[arg-type]
        item.key(),
        item.value() or b"",
        item.timestamp()[1],
        _headers(headers) if headers else _NO_HEADERS,
    )


def _headers(headers: Mapping[str, str | bytes | None] | Sequence[_Header]) -> dict[str, bytes]:
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    return {k: v.encode() if isinstance(v, str) else v or b"" for k, v in pairs}


def _names(partitions: list[TopicPartition]) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]" for tp in partitions) or "nothing"

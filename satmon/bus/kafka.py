"""The Kafka bus: topics, producers, consumer groups and lag on a real cluster.

Opening the bus asks the cluster for its metadata (a few seconds at most, then
ServiceUnavailableError naming the brokers) and creates the topics satmon uses
when they are missing, with the configured partition count and a replication
factor of min(3, brokers), i.e. 1 on a single broker. A consumer's topics are
created the same way, so a topic never comes from the broker's auto-creation
with its default of one partition.

Producers and consumers are in `satmon.bus.kafka_producer` and `kafka_consumer`; the bus keeps track
of those it opened and closes the ones still open when it closes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from confluent_kafka import (
    ConsumerGroupTopicPartitions,
    KafkaError,
    KafkaException,
    TopicCollection,
    TopicPartition,
)
from confluent_kafka.admin import AdminClient, ClusterMetadata, OffsetSpec  # type: ignore[attr-defined]
from confluent_kafka.cimpl import NewTopic

from satmon.bus.base import RevokeHook
from satmon.bus.kafka_common import SERVICE, client_config
from satmon.bus.kafka_consumer import KafkaConsumer
from satmon.bus.kafka_producer import KafkaDeliveryError, KafkaProducer
from satmon.config import Settings
from satmon.errors import ServiceUnavailableError

__all__ = ["KafkaBus", "KafkaConsumer", "KafkaDeliveryError", "KafkaProducer", "RevokeHook"]

log = logging.getLogger("satmon.bus.kafka")


class KafkaBus:
    """`Bus` on Kafka; `url` is the bootstrap server list."""

    name = SERVICE

    def __init__(
        self,
        bootstrap_servers: str,
        *,
        topics: Sequence[str] = (),
        partitions: int = 1,
        open_timeout_s: float = 5.0,
        ready_timeout_s: float = 2.0,
        producer_config: Mapping[str, Any] | None = None,
        consumer_config: Mapping[str, Any] | None = None,
    ) -> None:
        self.url = bootstrap_servers
        self._partitions = partitions
        self._timeout_s = open_timeout_s
        self._ready_timeout_s = ready_timeout_s
        self._producer_config = dict(producer_config or {})
        self._consumer_config = dict(consumer_config or {})
        self._admin = AdminClient(client_config(bootstrap_servers, "satmon-admin"))
        self._known_topics: set[str] = set()
        self._lock = threading.Lock()
        self._open: set[KafkaProducer | KafkaConsumer] = set()
        self.ensure_topics(topics)

    @classmethod
    def from_settings(cls, settings: Settings) -> KafkaBus:
        if not settings.kafka_bootstrap_servers:
            raise ValueError("KAFKA_BOOTSTRAP_SERVERS is not set")
        return cls(
            settings.kafka_bootstrap_servers,
            topics=(settings.telemetry_topic, settings.results_topic, settings.dead_letter_topic),
            partitions=settings.topic_partitions,
        )

    # --- topics -----------------------------------------------------------------------

    def ensure_topics(self, topics: Iterable[str]) -> None:
        """Create the topics that do not exist yet and wait until they can be used."""
        wanted = [t for t in dict.fromkeys(topics) if t not in self._known_topics]
        if not wanted:
            return
        metadata = self._metadata(self._timeout_s)
        missing = [t for t in wanted if t not in metadata.topics]
        if missing:
            replicas = min(3, len(metadata.brokers))
            futures = self._admin.create_topics(
                [
                    NewTopic(t, num_partitions=self._partitions, replication_factor=replicas)
                    for t in missing
                ],
                request_timeout=self._timeout_s,
                operation_timeout=self._timeout_s,
            )
            for topic, future in futures.items():
                try:
                    future.result()
                except KafkaException as exc:
                    error: KafkaError = exc.args[0]
                    if error.code() != KafkaError.TOPIC_ALREADY_EXISTS:
                        raise self._unavailable(f"cannot create topic {topic}", exc) from exc
                log.info("created topic %s (%d partitions)", topic, self._partitions)
            self._await_leaders(missing)
        self._known_topics.update(wanted)

    def _await_leaders(self, topics: Sequence[str]) -> None:
        """A new topic is usable once every partition has a leader in the metadata."""
        deadline = time.monotonic() + self._timeout_s
        while True:
            metadata = self._metadata(self._timeout_s)
            ready = [
                t
                for t in topics
                if t in metadata.topics
                and metadata.topics[t].partitions
                and all(p.leader >= 0 for p in metadata.topics[t].partitions.values())
            ]
            if len(ready) == len(topics):
                return
            if time.monotonic() >= deadline:
                raise ServiceUnavailableError(
                    SERVICE, self.url, f"topics {sorted(set(topics) - set(ready))} have no leader"
                )
            time.sleep(0.1)

    def _metadata(self, timeout_s: float) -> ClusterMetadata:
        try:
            metadata = self._admin.list_topics(timeout=timeout_s)
        except KafkaException as exc:
            raise self._unavailable("no metadata", exc) from exc
        finally:
            self._admin.poll(0)  # hands librdkafka's queued log lines to logging
        if not metadata.brokers:
            raise ServiceUnavailableError(SERVICE, self.url, "the cluster reports no broker")
        return metadata

    # --- the Bus port -----------------------------------------------------------------

    def producer(self) -> KafkaProducer:
        producer = KafkaProducer(self.url, config=self._producer_config, on_close=self._forget)
        with self._lock:
            self._open.add(producer)
        return producer

    def consumer(self, group: str, topics: Sequence[str]) -> KafkaConsumer:
        self.ensure_topics(topics)
        consumer = KafkaConsumer(
            self.url, group, topics, config=self._consumer_config, on_close=self._forget
        )
        with self._lock:
            self._open.add(consumer)
        return consumer

    def lag(self, group: str, topic: str) -> int:
        """Messages of the topic past the group's committed offsets (from the oldest
        retained one where the group has committed nothing)."""
        partitions = self._partition_ids(topic)
        if not partitions:
            return 0
        tps = [TopicPartition(topic, p) for p in partitions]
        try:
            request = [ConsumerGroupTopicPartitions(group, tps)]
            committed_future = self._admin.list_consumer_group_offsets(
                request, request_timeout=self._timeout_s
            )[group]
            ends = self._offsets(tps, OffsetSpec.latest())  # type: ignore[no-untyped-call]
            starts = self._offsets(tps, OffsetSpec.earliest())  # type: ignore[no-untyped-call]
            committed = {
                tp.partition: tp.offset for tp in committed_future.result().topic_partitions or []
            }
        except KafkaException as exc:
            raise self._unavailable(f"cannot read the lag of {group} on {topic}", exc) from exc
        finally:
            self._admin.poll(0)
        return sum(max(0, ends[p] - max(committed.get(p, -1), starts[p])) for p in partitions)

    def _partition_ids(self, topic: str) -> list[int]:
        # describe_topics, unlike a metadata request, never makes the broker create the topic
        future = self._admin.describe_topics(
            TopicCollection([topic]), request_timeout=self._timeout_s
        )[topic]
        try:
            description = future.result()
        except KafkaException as exc:
            if exc.args[0].code() == KafkaError.UNKNOWN_TOPIC_OR_PART:
                return []
            raise self._unavailable(f"cannot describe topic {topic}", exc) from exc
        return sorted(p.id for p in description.partitions)

    def _offsets(self, tps: list[TopicPartition], spec: OffsetSpec) -> dict[int, int]:
        futures = self._admin.list_offsets(
            dict.fromkeys(tps, spec), request_timeout=self._timeout_s
        )
        return {tp.partition: future.result().offset for tp, future in futures.items()}

    def check_ready(self) -> None:
        self._metadata(self._ready_timeout_s)

    def close(self) -> None:
        with self._lock:
            still_open = list(self._open)
        for client in still_open:
            try:
                client.close()
            except Exception:
                log.exception("closing a Kafka client of %s failed", self.url)

    # --- helpers ----------------------------------------------------------------------

    def _forget(self, client: KafkaProducer | KafkaConsumer) -> None:
        with self._lock:
            self._open.discard(client)

    def _unavailable(self, what: str, exc: KafkaException) -> ServiceUnavailableError:
        error = exc.args[0]
        detail = error.str() if isinstance(error, KafkaError) else str(error)
        return ServiceUnavailableError(SERVICE, self.url, f"{what}: {detail}")

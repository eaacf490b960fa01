"""The Kafka bus on the real broker: topics, keyed partitioning, consumer groups,
commits and redelivery, lag, fast failure, and an outage survived in place.

Every test has topics and groups of its own (unique names), deleted afterwards,
so runs can overlap. A broker that is not running fails these tests.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterator

import pytest
from confluent_kafka import TopicCollection
from confluent_kafka.admin import AdminClient

from satmon.bus.base import Message
from satmon.bus.factory import open_bus
from satmon.bus.kafka import KafkaBus, KafkaConsumer
from satmon.config import Settings
from satmon.errors import ServiceUnavailableError
from tests.integration.conftest import KAFKA_BOOTSTRAP_SERVERS, service_stopped, unique_name

pytestmark = pytest.mark.integration

PARTITIONS = 4
WAIT_S = 30.0


@pytest.fixture
def settings() -> Iterator[Settings]:
    """Topics of the test's own, deleted afterwards."""
    settings = Settings(
        _env_file=None,
        kafka_bootstrap_servers=KAFKA_BOOTSTRAP_SERVERS,
        telemetry_topic=unique_name("telemetry"),
        results_topic=unique_name("results"),
        dead_letter_topic=unique_name("dlq"),
        topic_partitions=PARTITIONS,
    )
    yield settings
    admin = AdminClient({"bootstrap.servers": KAFKA_BOOTSTRAP_SERVERS})
    topics = [settings.telemetry_topic, settings.results_topic, settings.dead_letter_topic]
    for future in admin.delete_topics(topics, request_timeout=10).values():
        with contextlib.suppress(Exception):  # best effort: the names are unique anyway
            future.result()


@pytest.fixture
def bus(settings: Settings) -> Iterator[KafkaBus]:
    bus = KafkaBus.from_settings(settings)
    try:
        yield bus
    finally:
        bus.close()


def produce(bus: KafkaBus, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    producer = bus.producer()
    try:
        for key, value in messages:
            producer.send(topic, value, key=key)
        producer.flush()
    finally:
        producer.close()


def consume_until(
    consumer: KafkaConsumer, done: Callable[[list[Message]], bool], timeout_s: float = WAIT_S
) -> list[Message]:
    received: list[Message] = []
    deadline = time.monotonic() + timeout_s
    while not done(received):
        assert time.monotonic() < deadline, f"only {len(received)} messages after {timeout_s}s"
        received += consumer.poll(500, 0.5)
    return received


def frames(satellites: int, per_satellite: int) -> list[tuple[bytes, bytes]]:
    """Keyed messages whose value says which satellite and sequence number they carry."""
    return [
        (f"SAT-{s:03d}".encode(), f"SAT-{s:03d}/{seq}".encode())
        for seq in range(per_satellite)
        for s in range(satellites)
    ]


# --- topics ---------------------------------------------------------------------------


def test_opening_creates_the_three_topics_with_the_configured_partitions(
    bus: KafkaBus, settings: Settings
) -> None:
    admin = AdminClient({"bootstrap.servers": KAFKA_BOOTSTRAP_SERVERS})
    topics = [settings.telemetry_topic, settings.results_topic, settings.dead_letter_topic]

    described = admin.describe_topics(TopicCollection(topics), request_timeout=10)

    for topic in topics:
        assert len(described[topic].result().partitions) == PARTITIONS


def test_opening_again_keeps_the_existing_topics(bus: KafkaBus, settings: Settings) -> None:
    produce(bus, settings.dead_letter_topic, [(b"k", b"kept")])

    again = KafkaBus.from_settings(settings)  # TopicAlreadyExists is not an error
    again.close()

    assert bus.lag(unique_name("group"), settings.dead_letter_topic) == 1


def test_the_factory_opens_kafka_when_the_brokers_are_set(settings: Settings) -> None:
    bus = open_bus(settings)
    try:
        assert isinstance(bus, KafkaBus)
        assert bus.name == "kafka"
        assert bus.url == KAFKA_BOOTSTRAP_SERVERS
        bus.check_ready()
    finally:
        bus.close()


# --- producing and consuming --------------------------------------------------------------


def test_round_trip_keeps_each_satellite_in_one_partition_in_order(
    bus: KafkaBus, settings: Settings
) -> None:
    topic = settings.telemetry_topic
    sent = frames(satellites=12, per_satellite=25)
    producer = bus.producer()
    producer.send(topic, b"with headers", key=b"SAT-HDR", headers={"satmon-error": b"why"})
    produce(bus, topic, sent)
    producer.flush()
    producer.close()

    consumer = bus.consumer(unique_name("group"), [topic])
    received = consume_until(consumer, lambda got: len(got) >= len(sent) + 1)
    consumer.close()

    assert len(received) == len(sent) + 1
    partitions: dict[bytes, set[int]] = defaultdict(set)
    sequences: dict[bytes, list[int]] = defaultdict(list)
    for message in received:
        assert message.topic == topic
        assert message.key is not None
        partitions[message.key].add(message.partition)
        if message.key != b"SAT-HDR":
            satellite, seq = message.value.decode().split("/")
            assert satellite.encode() == message.key
            sequences[message.key].append(int(seq))
    assert all(len(p) == 1 for p in partitions.values())
    assert len(set().union(*partitions.values())) > 1  # the keys spread over partitions
    assert all(seqs == list(range(25)) for seqs in sequences.values())
    with_headers = next(m for m in received if m.key == b"SAT-HDR")
    assert with_headers.value == b"with headers"
    assert dict(with_headers.headers) == {"satmon-error": b"why"}
    assert abs(with_headers.timestamp_ms - time.time() * 1000) < 60_000


def test_poll_returns_what_is_fetched_without_waiting_for_a_full_batch(
    bus: KafkaBus, settings: Settings
) -> None:
    produce(bus, settings.telemetry_topic, frames(satellites=2, per_satellite=5))
    consumer = bus.consumer(unique_name("group"), [settings.telemetry_topic])
    consume_until(consumer, lambda got: len(got) >= 10)
    produce(bus, settings.telemetry_topic, [(b"SAT-000", b"one more")])

    began = time.monotonic()
    batch = consume_until(consumer, lambda got: len(got) >= 1)
    waited = time.monotonic() - began
    consumer.close()

    assert [m.value for m in batch] == [b"one more"]
    assert waited < 5.0  # not a wait for 500 messages; poll(500, 0.5) returned early


def test_uncommitted_messages_go_to_the_next_consumer_of_the_group(
    bus: KafkaBus, settings: Settings
) -> None:
    topic = settings.telemetry_topic
    group = unique_name("group")
    produce(bus, topic, frames(satellites=8, per_satellite=10))
    first = bus.consumer(group, [topic])
    received = consume_until(first, lambda got: len(got) >= 80)
    by_partition: dict[int, list[Message]] = defaultdict(list)
    for message in received:
        by_partition[message.partition].append(message)
    committed = [m for messages in by_partition.values() for m in messages[: len(messages) // 2]]
    first.commit(committed)
    first.close()

    second = bus.consumer(group, [topic])
    redelivered = consume_until(second, lambda got: len(got) >= 80 - len(committed))
    time.sleep(0.5)
    redelivered += second.poll(500, 0.5)
    second.close()

    expected = {(m.partition, m.offset) for m in received} - {
        (m.partition, m.offset) for m in committed
    }
    assert {(m.partition, m.offset) for m in redelivered} == expected


def test_two_consumers_of_a_group_share_the_partitions(bus: KafkaBus, settings: Settings) -> None:
    topic = settings.telemetry_topic
    group = unique_name("group")
    one = bus.consumer(group, [topic])
    two = bus.consumer(group, [topic])
    deadline = time.monotonic() + WAIT_S
    while not (one.assignment() and two.assignment()) or (
        len(one.assignment()) + len(two.assignment()) != PARTITIONS
    ):
        assert time.monotonic() < deadline, (one.assignment(), two.assignment())
        one.poll(100, 0.2)
        two.poll(100, 0.2)
    assigned_one, assigned_two = set(one.assignment()), set(two.assignment())
    produce(bus, topic, frames(satellites=16, per_satellite=5))

    got_one: list[Message] = []
    got_two: list[Message] = []
    deadline = time.monotonic() + WAIT_S
    while len(got_one) + len(got_two) < 80:
        assert time.monotonic() < deadline, (len(got_one), len(got_two))
        got_one += one.poll(500, 0.2)
        got_two += two.poll(500, 0.2)
    one.commit(got_one)
    two.commit(got_two)
    one.close()
    two.close()

    assert assigned_one.isdisjoint(assigned_two)
    assert {p for _, p in assigned_one | assigned_two} == set(range(PARTITIONS))
    partitions_one = {m.partition for m in got_one}
    partitions_two = {m.partition for m in got_two}
    assert partitions_one <= {p for _, p in assigned_one}
    assert partitions_two <= {p for _, p in assigned_two}
    assert len(got_one) + len(got_two) == 80
    assert bus.lag(group, topic) == 0


def test_a_member_that_stalls_past_the_poll_interval_rejoins_and_reads_again(
    settings: Settings,
) -> None:
    # As an ingest loop would, retrying a store that is down for longer than
    # max.poll.interval.ms: its commit is refused, and nothing is lost.
    bus = KafkaBus(
        KAFKA_BOOTSTRAP_SERVERS,
        topics=[settings.telemetry_topic],
        partitions=PARTITIONS,
        consumer_config={"max.poll.interval.ms": 6_000, "session.timeout.ms": 6_000},
    )
    topic, group = settings.telemetry_topic, unique_name("group")
    try:
        produce(bus, topic, frames(satellites=3, per_satellite=4))
        consumer = bus.consumer(group, [topic])
        first = consume_until(consumer, lambda got: len(got) >= 12)
        time.sleep(7.5)

        consumer.commit(first)  # refused: the member was dropped from the group
        again = consume_until(consumer, lambda got: len(got) >= 12)
        consumer.commit(again)
        consumer.close()

        assert {(m.partition, m.offset) for m in again} == {(m.partition, m.offset) for m in first}
        assert bus.lag(group, topic) == 0
    finally:
        bus.close()


# --- lag --------------------------------------------------------------------------------


def test_lag_counts_what_the_group_has_not_committed(bus: KafkaBus, settings: Settings) -> None:
    topic = settings.telemetry_topic
    group = unique_name("group")
    produce(bus, topic, frames(satellites=5, per_satellite=6))

    assert bus.lag(group, topic) == 30  # a group that never committed: everything

    consumer = bus.consumer(group, [topic])
    received = consume_until(consumer, lambda got: len(got) >= 30)
    consumer.commit(received[:10])
    lag_after_some = bus.lag(group, topic)
    consumer.commit(received)
    consumer.close()

    assert 20 <= lag_after_some < 30  # per partition up to the newest committed message
    assert bus.lag(group, topic) == 0
    assert bus.lag(group, unique_name("no-such-topic")) == 0


def test_commit_is_exactly_offset_plus_one_per_partition(bus: KafkaBus, settings: Settings) -> None:
    topic = settings.telemetry_topic
    group = unique_name("group")
    produce(bus, topic, [(b"SAT-000", f"{i}".encode()) for i in range(10)])
    consumer = bus.consumer(group, [topic])
    received = consume_until(consumer, lambda got: len(got) >= 10)

    consumer.commit([received[6], received[2]])  # order does not matter: the newest counts
    consumer.close()

    assert bus.lag(group, topic) == 3


# --- failures ---------------------------------------------------------------------------


def test_opening_an_unreachable_cluster_fails_fast_naming_it() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there once closed

    began = time.monotonic()
    with pytest.raises(ServiceUnavailableError) as caught:
        KafkaBus(url, topics=["satellite-telemetry"], open_timeout_s=3.0)

    assert time.monotonic() - began < 10
    assert caught.value.service == "kafka"
    assert caught.value.url == url
    assert url in str(caught.value)


@pytest.mark.service_fault
def test_a_stopped_broker_is_reported_and_the_bus_recovers_in_place(
    bus: KafkaBus, settings: Settings
) -> None:
    topic = settings.telemetry_topic
    group = unique_name("group")
    producer = bus.producer()
    before = [f"before-{i}".encode() for i in range(10)]
    for value in before:
        producer.send(topic, value, key=b"SAT-000")
    producer.flush()
    reader = bus.consumer(group, [topic])
    reader.commit(consume_until(reader, lambda got: len(got) >= 10))

    with service_stopped("kafka"):
        with pytest.raises(ServiceUnavailableError) as not_ready:
            bus.check_ready()
        producer.send(topic, b"during", key=b"SAT-000")
        with pytest.raises(ServiceUnavailableError) as not_flushed:
            producer.flush(timeout_s=2.0)
        assert reader.poll(100, 1.0) == []  # a consumer waits; it does not fail

    for error in (not_ready.value, not_flushed.value):
        assert error.service == "kafka"
        assert error.url == KAFKA_BOOTSTRAP_SERVERS
    assert "not acknowledged" in not_flushed.value.detail

    deadline = time.monotonic() + 60
    while True:  # the same bus and producer, once the broker is back
        try:
            bus.check_ready()
            producer.flush(timeout_s=5.0)
            break
        except ServiceUnavailableError:
            assert time.monotonic() < deadline, "the bus did not recover within 60s"
    producer.close()
    resumed = consume_until(reader, lambda got: b"during" in [m.value for m in got], 60)
    reader.commit(resumed)
    reader.close()
    fresh = bus.consumer(unique_name("group"), [topic])
    everything = consume_until(fresh, lambda got: len(got) >= 11)
    fresh.close()

    assert [m.value for m in resumed] == [b"during"]  # the committed ten are not read again
    assert [m.value for m in everything] == [*before, b"during"]
    assert bus.lag(group, topic) == 0

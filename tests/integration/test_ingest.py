"""`satmon consume` on the real Kafka and VictoriaMetrics: exactly-once results
through SIGKILLs, a store outage, malformed frames and a shared group.

Each test has topics and a group of its own, and satellites whose ids carry a
prefix unique to the test, so the points it counts are its own. "Stored
exactly once" is checked by counting the distinct points of those satellites
in VictoriaMetrics (count_over_time after the server's deduplication) against
the samples the frames hold.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import orjson
import pytest
from confluent_kafka.admin import AdminClient
from prometheus_client import REGISTRY

from satmon.bus.base import Message
from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.ingest.consumer import ERROR_HEADER, SOURCE_HEADER, Ingestor, IngestSettings
from satmon.telemetry.codec import decode_frames
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.tsdb.victoria import VictoriaMetricsStore
from tests.integration.conftest import (
    KAFKA_BOOTSTRAP_SERVERS,
    VICTORIA_METRICS_URL,
    service_stopped,
    unique_name,
)

pytestmark = pytest.mark.integration

PARTITIONS = 4
WAIT_S = 120.0
CONSUME = [sys.executable, "-m", "satmon", "consume"]


# --- fixtures and helpers ---------------------------------------------------------------


@pytest.fixture
def settings() -> Iterator[Settings]:
    """Topics of the test's own, deleted afterwards."""
    settings = Settings(
        _env_file=None,
        kafka_bootstrap_servers=KAFKA_BOOTSTRAP_SERVERS,
        victoria_metrics_url=VICTORIA_METRICS_URL,
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


@pytest.fixture
def store() -> Iterator[VictoriaMetricsStore]:
    store = VictoriaMetricsStore(VICTORIA_METRICS_URL, gzip_level=None, timeout_s=5.0)
    try:
        yield store
    finally:
        store.close()


class Fleet:
    """Simulated frames of satellites whose ids start with a prefix of the test's own."""

    def __init__(self, satellites: int, ticks: int) -> None:
        self.prefix = "T" + uuid.uuid4().hex[:10]
        self.start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=ticks + 60)
        simulator = Simulator(SimulatorConfig(satellites=satellites, seed=11, start=self.start))
        ours = f'"satellite_id":"{self.prefix}-'.encode()
        self.messages: list[tuple[bytes, bytes]] = [
            (self.prefix.encode() + key[3:], value.replace(b'"satellite_id":"SAT-', ours, 1))
            for _ in range(ticks)
            for key, value in simulator.encoded_tick()
        ]
        self.end = self.start + timedelta(seconds=ticks)

    def samples_in(self, values: list[bytes]) -> int:
        frames, rejected = decode_frames(values)
        assert not rejected
        return len(frames_to_samples(frames))

    def stored_points(self) -> int:
        """Distinct points of this fleet's series in VictoriaMetrics."""
        window = int((self.end - self.start).total_seconds()) + 120
        selector = f'{{__name__=~"satellite_.+",satellite_id=~"{self.prefix}-.+"}}'
        response = httpx.post(
            f"{VICTORIA_METRICS_URL}/api/v1/query",
            data={
                "query": f"sum(count_over_time({selector}[{window}s]))",
                "time": str(self.end.timestamp() + 60),
                "nocache": "1",
            },
            timeout=30,
        )
        response.raise_for_status()
        result = orjson.loads(response.content)["data"]["result"]
        return int(float(result[0]["value"][1])) if result else 0


def produce(
    bus: KafkaBus, topic: str, messages: list[tuple[bytes, bytes]], rate: float = 0
) -> None:
    """Send keyed messages, at about `rate` per second if given."""
    producer = bus.producer()
    began = time.monotonic()
    try:
        for index, (key, value) in enumerate(messages):
            producer.send(topic, value, key=key)
            if rate and index % 500 == 499:
                ahead = began + (index + 1) / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
        producer.flush(timeout_s=60)
    finally:
        producer.close()


def in_background(target: Callable[[], None]) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout_s:g}s"
        time.sleep(0.25)


def wait_until_stored(
    fleet: Fleet, store: VictoriaMetricsStore, expected: int, timeout_s: float = WAIT_S
) -> None:
    def complete() -> bool:
        store.force_flush()
        return fleet.stored_points() >= expected

    wait_for(complete, f"{expected} points of {fleet.prefix}", timeout_s)


class Running:
    """An Ingestor on a thread of its own, with its consumer."""

    def __init__(self, bus: KafkaBus, settings: Settings, group: str, **tuning: float) -> None:
        self.consumer = bus.consumer(group, [settings.telemetry_topic])
        self.producer = bus.producer()
        self.store = VictoriaMetricsStore(VICTORIA_METRICS_URL, gzip_level=None, timeout_s=5.0)
        self.ingestor = Ingestor(
            self.consumer,
            self.store,
            self.producer,
            settings.dead_letter_topic,
            IngestSettings(**tuning),  # type: ignore[arg-type]
        )
        self.stop = threading.Event()
        self.thread = in_background(lambda: self.ingestor.run(self.stop))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the ingest loop did not stop"
        self.consumer.close()
        self.producer.close()
        self.store.close()


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# --- SIGKILL five times ----------------------------------------------------------------


class ConsumerProcess:
    """`satmon consume` as a subprocess; `started` is set once it has partitions."""

    def __init__(self, settings: Settings, group: str) -> None:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": KAFKA_BOOTSTRAP_SERVERS,
            "VICTORIA_METRICS_URL": VICTORIA_METRICS_URL,
            "SATMON_TELEMETRY_TOPIC": settings.telemetry_topic,
            "SATMON_DLQ_TOPIC": settings.dead_letter_topic,
            "SATMON_TOPIC_PARTITIONS": str(PARTITIONS),
        }
        self.process = subprocess.Popen(
            [*CONSUME, "--group", group, "--batch", "5000", "--metrics-port=-1"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.started = threading.Event()
        self.log: list[str] = []
        self._reader = in_background(self._read)

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            if ": assigned " in line:
                self.started.set()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(timeout=30) == -signal.SIGKILL

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=60)
        self._reader.join(timeout=10)
        return code


def test_200000_frames_through_five_sigkills_are_stored_exactly_once(
    bus: KafkaBus, settings: Settings, store: VictoriaMetricsStore
) -> None:
    fleet = Fleet(satellites=200, ticks=1_000)
    expected = fleet.samples_in([value for _, value in fleet.messages])
    group = unique_name("ingest")
    topic = settings.telemetry_topic
    # 3,000 frames/s: the 200,000 frames take about 67 s, longer than the five
    # consumers live, so every kill lands while frames are still arriving.
    producer = in_background(lambda: produce(bus, topic, fleet.messages, rate=3_000))
    kills_mid_run = 0
    processes: list[ConsumerProcess] = []
    try:
        for _ in range(5):
            consumer = ConsumerProcess(settings, group)
            processes.append(consumer)
            assert consumer.started.wait(60), "".join(consumer.log)
            time.sleep(random.uniform(0.5, 4.0))
            kills_mid_run += producer.is_alive()
            consumer.kill()
        last = ConsumerProcess(settings, group)
        processes.append(last)
        producer.join(timeout=WAIT_S)
        wait_for(lambda: bus.lag(group, topic) == 0, "the group to commit everything")
        code = last.terminate()
    finally:
        for process in processes:
            if process.process.poll() is None:
                process.process.kill()

    wait_until_stored(fleet, store, expected)
    assert fleet.stored_points() == expected  # nothing lost, nothing doubled
    assert kills_mid_run == 5
    assert code == 0, "".join(last.log[-20:])  # SIGTERM: flushed, committed, left the group
    assert any("stopped; " in line for line in last.log)


# --- malformed frames ------------------------------------------------------------------


def corrupt(value: bytes, kind: int) -> bytes:
    document = orjson.loads(value)
    if kind == 0:
        return value[: len(value) // 2]  # cut short: not JSON
    if kind == 1:
        document["aocs"]["altitude_km"] = 99_999.0
    elif kind == 2:
        del document["thermal"]
    elif kind == 3:
        document["satellite_id"] = "bad id!"
    else:
        document["eps"]["battery_voltage"] = "high"
    return orjson.dumps(document)


def test_one_percent_malformed_frames_go_to_the_dead_letter_topic_and_the_rest_is_stored(
    bus: KafkaBus, settings: Settings, store: VictoriaMetricsStore
) -> None:
    fleet = Fleet(satellites=50, ticks=200)
    messages = list(fleet.messages)
    bad_indexes = set(range(50, len(messages), 100))  # 1 %
    for n, index in enumerate(sorted(bad_indexes)):
        key, value = messages[index]
        messages[index] = (key, corrupt(value, n % 5))
    bad = {messages[i][1] for i in bad_indexes}
    good = [value for i, (_, value) in enumerate(messages) if i not in bad_indexes]
    expected = fleet.samples_in(good)
    dead_before = metric("satmon_ingest_dead_letters_total")
    produce(bus, settings.telemetry_topic, messages)

    group = unique_name("ingest")
    running = Running(bus, settings, group, max_batch=2_000)
    try:
        wait_for(lambda: bus.lag(group, settings.telemetry_topic) == 0, "all committed")
    finally:
        running.close()
    reader = bus.consumer(unique_name("dlq-reader"), [settings.dead_letter_topic])
    dead: list[Message] = []
    deadline = time.monotonic() + WAIT_S
    while len(dead) < len(bad) and time.monotonic() < deadline:
        dead += reader.poll(1_000, 0.5)
    reader.close()

    wait_until_stored(fleet, store, expected)
    assert fleet.stored_points() == expected
    assert len(dead) == len(bad) == 100
    assert {m.value for m in dead} == bad  # the original bytes
    reasons = [m.headers[ERROR_HEADER].decode() for m in dead]
    for field in ("(frame): not valid JSON", "aocs.altitude_km: out of physical range"):
        assert sum(field in r for r in reasons) == 20
    assert sum(r.startswith("thermal: missing") for r in reasons) == 20
    assert sum(r.startswith("satellite_id: malformed") for r in reasons) == 20
    assert sum("eps.battery_voltage: expected a number" in r for r in reasons) == 20
    sources = {m.headers[SOURCE_HEADER].decode() for m in dead}
    assert len(sources) == 100 and all(s.startswith(settings.telemetry_topic) for s in sources)
    assert metric("satmon_ingest_dead_letters_total") - dead_before == 100


# --- a shared group --------------------------------------------------------------------


def test_two_consumers_in_one_group_share_the_partitions(
    bus: KafkaBus, settings: Settings, store: VictoriaMetricsStore
) -> None:
    fleet = Fleet(satellites=100, ticks=300)
    expected = fleet.samples_in([value for _, value in fleet.messages])
    group, topic = unique_name("ingest"), settings.telemetry_topic
    producer = in_background(lambda: produce(bus, topic, fleet.messages, rate=3_000))
    one = Running(bus, settings, group, max_batch=2_000)
    two = Running(bus, settings, group, max_batch=2_000)
    try:

        def shared() -> bool:
            a, b = set(one.consumer.assignment()), set(two.consumer.assignment())
            return bool(a) and bool(b) and a.isdisjoint(b) and len(a | b) == PARTITIONS

        wait_for(shared, "both consumers holding partitions")
        assigned = (set(one.consumer.assignment()), set(two.consumer.assignment()))
        producer.join(timeout=WAIT_S)
        wait_for(lambda: bus.lag(group, topic) == 0, "all committed")
    finally:
        one.close()
        two.close()

    wait_until_stored(fleet, store, expected)
    assert fleet.stored_points() == expected
    assert all(len(partitions) == PARTITIONS // 2 for partitions in assigned)
    assert one.ingestor.frames_stored > 0 and two.ingestor.frames_stored > 0
    assert one.ingestor.frames_stored + two.ingestor.frames_stored >= len(fleet.messages)


# --- VictoriaMetrics down for 30 s -----------------------------------------------------


@pytest.mark.service_fault
def test_victoriametrics_down_for_30s_loses_nothing_and_memory_stays_bounded(
    bus: KafkaBus, settings: Settings, store: VictoriaMetricsStore
) -> None:
    fleet = Fleet(satellites=100, ticks=300)
    expected = fleet.samples_in([value for _, value in fleet.messages])
    before, during = fleet.messages[:10_000], fleet.messages[10_000:]
    group, topic = unique_name("ingest"), settings.telemetry_topic
    batch = 2_000
    running = Running(bus, settings, group, max_batch=batch, retry_initial_s=0.2, retry_max_s=2.0)
    try:
        produce(bus, topic, before)
        wait_for(lambda: bus.lag(group, topic) == 0, "the first part committed")
        read_before = metric("satmon_ingest_frames_total")
        errors_before = metric("satmon_ingest_write_errors_total")
        with service_stopped("victoriametrics"):
            produce(bus, topic, during)
            began = time.monotonic()
            wait_for(lambda: metric("satmon_ingest_paused_partitions") > 0, "paused", 30)
            lag_paused = bus.lag(group, topic)
            time.sleep(max(0.0, 30 - (time.monotonic() - began)))
            lag_at_end = bus.lag(group, topic)
            read_during = metric("satmon_ingest_frames_total") - read_before
            assert running.thread.is_alive()
        wait_for(lambda: bus.lag(group, topic) == 0, "everything committed after the outage")
        assert metric("satmon_ingest_paused_partitions") == 0
    finally:
        running.close()

    wait_until_stored(fleet, store, expected)
    assert fleet.stored_points() == expected
    assert lag_paused == lag_at_end > 0  # nothing committed while the store was down
    # the batches in flight, one filled, and a message per partition at most past that
    assert read_during <= (IngestSettings().max_in_flight + 1) * batch + PARTITIONS
    assert metric("satmon_ingest_write_errors_total") > errors_before


# --- satmon simulate --kafka -------------------------------------------------------------


def test_simulate_sends_the_simulators_frames_to_the_telemetry_topic(
    bus: KafkaBus, settings: Settings
) -> None:
    env = {**os.environ, "SATMON_TELEMETRY_TOPIC": settings.telemetry_topic}
    command = [sys.executable, "-m", "satmon", "simulate", "--kafka", KAFKA_BOOTSTRAP_SERVERS]
    done = subprocess.run(
        [*command, "--satellites", "3", "--interval", "1", "--backfill", "now-10s", "now"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    reader = bus.consumer(unique_name("reader"), [settings.telemetry_topic])
    received: list[Message] = []
    deadline = time.monotonic() + 30
    while len(received) < 30 and time.monotonic() < deadline:
        received += reader.poll(100, 0.5)
    reader.close()
    assert done.returncode == 0, done.stderr
    assert "30 frames in 10 ticks" in done.stderr
    frames, rejected = decode_frames([m.value for m in received])
    assert not rejected and len(frames) == 30
    assert all(m.key == f.satellite_id.encode() for m, f in zip(received, frames, strict=True))
    satellites = {m.key for m in received}
    assert satellites == {b"SAT-001", b"SAT-002", b"SAT-003"}
    for satellite in satellites:  # one satellite's frames in one partition, in order
        own = [f for f in frames if f.satellite_id.encode() == satellite]
        assert [f.seq for f in own] == list(range(10))
        assert len({m.partition for m in received if m.key == satellite}) == 1

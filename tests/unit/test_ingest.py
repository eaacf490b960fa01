"""The ingest loop on the in-process bus and the SQLite store: what is committed
and when, dead letters, pausing while the store fails, and stopping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from satmon.bus.base import MessageBatch
from satmon.bus.memory import InProcessBus
from satmon.errors import ServiceUnavailableError
from satmon.ingest.consumer import ERROR_HEADER, SOURCE_HEADER, Ingestor, IngestSettings
from satmon.telemetry.samples import SampleBatch
from satmon.tsdb.sqlite import SqliteTimeSeriesStore
from tests.factories import frame_document

pytestmark = pytest.mark.unit

TOPIC, DLQ, GROUP = "telemetry", "telemetry.dlq", "ingest"
METRICS = ["satellite_battery_voltage", "satellite_altitude"]


class SwitchableStore(SqliteTimeSeriesStore):
    """The SQLite store with an outage switch: while `down` is set, writes fail as
    a server that cannot be reached would."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.down = threading.Event()
        self.failed = 0

    def write(self, batch: SampleBatch) -> int:
        if self.down.is_set():
            self.failed += 1
            raise ServiceUnavailableError("store", self.url, "switched off")
        return super().write(batch)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SwitchableStore]:
    store = SwitchableStore(tmp_path / "tsdb.sqlite")
    yield store
    store.close()


def frames(satellite: str, count: int, first_seq: int = 0) -> list[bytes]:
    return [
        orjson.dumps(frame_document(satellite, seq)) for seq in range(first_seq, first_seq + count)
    ]


def send(bus: InProcessBus, values: list[bytes]) -> None:
    producer = bus.producer()
    for value in values:
        producer.send(TOPIC, value, key=value[17:24])  # the satellite id of a frame_document


class Loop:
    def __init__(self, bus: InProcessBus, store: SwitchableStore, **tuning: float) -> None:
        self.consumer = bus.consumer(GROUP, [TOPIC])
        self.ingestor = Ingestor(
            self.consumer,
            store,
            bus.producer(),
            DLQ,
            IngestSettings(**tuning),  # type: ignore[arg-type]
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.ingestor.run, args=(self.stop,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive()


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def stored(store: SqliteTimeSeriesStore, satellite: str) -> dict[str, int]:
    return {m: len(p) for m, p in store.window(satellite, METRICS, 10_000, end_ms=2**41).items()}


def test_frames_are_stored_and_committed_and_bad_ones_dead_lettered(
    store: SwitchableStore,
) -> None:
    bus = InProcessBus(partitions=2)
    dead_reader = bus.consumer("dead-reader", [DLQ])
    good = frames("SAT-001", 30) + frames("SAT-002", 30)
    bad = [b"{not json", orjson.dumps(frame_document("SAT-003", 0, aocs={"altitude_km": 1e6}))]
    send(bus, good[:10] + bad[:1] + good[10:40] + bad[1:] + good[40:])
    loop = Loop(bus, store, max_batch=16, max_wait_s=0.05)
    try:
        wait_for(lambda: bus.lag(GROUP, TOPIC) == 0)
    finally:
        loop.close()

    assert stored(store, "SAT-001") == dict.fromkeys(METRICS, 30)
    assert stored(store, "SAT-002") == dict.fromkeys(METRICS, 30)
    dead = dead_reader.poll(10, 0.1)
    assert [m.value for m in dead] == bad
    assert dead[0].headers[ERROR_HEADER].startswith(b"(frame): not valid JSON")
    assert b"aocs.altitude_km: out of physical range" in dead[1].headers[ERROR_HEADER]
    assert all(m.headers[SOURCE_HEADER].startswith(b"telemetry/") for m in dead)
    assert loop.ingestor.frames_stored == 60


def test_while_the_store_fails_nothing_is_committed_reads_stop_and_the_rest_follows(
    store: SwitchableStore,
) -> None:
    bus = InProcessBus(partitions=2)
    loop = Loop(
        bus,
        store,
        max_batch=10,
        max_wait_s=0.02,
        max_in_flight=2,
        retry_initial_s=0.01,
        retry_max_s=0.05,
    )
    try:
        send(bus, frames("SAT-001", 20))
        wait_for(lambda: bus.lag(GROUP, TOPIC) == 0)
        store.down.set()
        send(bus, frames("SAT-001", 200, first_seq=20))
        wait_for(lambda: store.failed >= 5)
        wait_for(lambda: len(loop.consumer._paused) == 2)  # both partitions paused
        lag_while_down = bus.lag(GROUP, TOPIC)
        unread = sum(
            len(partition.messages) - (position - partition.base_offset)
            for (_, index), position in loop.consumer._positions.items()
            for partition in [bus._topics[TOPIC][index]]
        )
        store.down.clear()
        wait_for(lambda: bus.lag(GROUP, TOPIC) == 0)
        resumed = not loop.consumer._paused
    finally:
        loop.close()

    assert lag_while_down == 200
    # at most two batches in flight, one filled, and a message per partition past that
    assert unread >= 200 - 3 * 10 - 2
    assert resumed
    assert stored(store, "SAT-001") == dict.fromkeys(METRICS, 220)


class HeldStore(SqliteTimeSeriesStore):
    """The SQLite store holding back every write of one satellite's samples until
    `release` is set."""

    def __init__(self, path: Path, held_satellite: str) -> None:
        super().__init__(path)
        self.held_satellite = held_satellite
        self.holding = threading.Event()
        self.release = threading.Event()

    def write(self, batch: SampleBatch) -> int:
        if any(key.satellite_id == self.held_satellite for key in batch.series):
            self.holding.set()
            assert self.release.wait(10)
        return super().write(batch)


def test_a_batch_stored_before_the_one_read_before_it_is_committed_only_after_it(
    tmp_path: Path,
) -> None:
    store = HeldStore(tmp_path / "tsdb.sqlite", held_satellite="SAT-001")
    bus = InProcessBus(partitions=1)
    loop = Loop(bus, store, max_batch=10, max_wait_s=0.02, max_in_flight=2)
    try:
        send(bus, frames("SAT-001", 10))
        wait_for(store.holding.is_set)
        send(bus, frames("SAT-002", 10))
        wait_for(lambda: stored(store, "SAT-002") == dict.fromkeys(METRICS, 10))
        time.sleep(0.1)  # several loop steps: a wrong commit would have happened by now
        lag_while_held = bus.lag(GROUP, TOPIC)
        store.release.set()
        wait_for(lambda: bus.lag(GROUP, TOPIC) == 0)
    finally:
        store.release.set()
        loop.close()

    assert lag_while_held == 20  # the second batch's offsets would also cover the first's
    assert stored(store, "SAT-001") == dict.fromkeys(METRICS, 10)
    store.close()


def test_stop_writes_and_commits_the_batch_being_filled(store: SwitchableStore) -> None:
    bus = InProcessBus()
    loop = Loop(bus, store, max_batch=1_000, max_wait_s=60)
    send(bus, frames("SAT-001", 25))
    wait_for(lambda: bus._topics[TOPIC][0].end_offset == 25)
    time.sleep(0.3)  # read, but the batch is neither full nor due
    assert stored(store, "SAT-001") == dict.fromkeys(METRICS, 0)

    loop.close()

    assert stored(store, "SAT-001") == dict.fromkeys(METRICS, 25)
    assert bus.lag(GROUP, TOPIC) == 0


def test_a_stop_while_the_store_is_down_commits_nothing(store: SwitchableStore) -> None:
    bus = InProcessBus()
    loop = Loop(bus, store, max_batch=5, max_wait_s=0.01, shutdown_wait_s=0.2)
    store.down.set()
    send(bus, frames("SAT-001", 12))
    wait_for(lambda: store.failed >= 1)

    loop.close()

    assert bus.lag(GROUP, TOPIC) == 12  # the next member of the group reads them all again


# --- the in-process consumer's side of the port ---------------------------------------------


def test_a_paused_partition_delivers_nothing_and_resumes_where_it_stopped() -> None:
    bus = InProcessBus(partitions=2)
    consumer = bus.consumer(GROUP, ["t"])
    producer = bus.producer()
    for i in range(6):
        producer.send("t", str(i).encode(), key=b"a" if i % 2 else b"b")
    first = consumer.poll_batch(2, 0.1)
    paused = sorted(first.ends)[:1]

    consumer.pause(paused)
    while_paused = consumer.poll_batch(100, 0.1)
    consumer.resume(paused)
    after = consumer.poll_batch(100, 0.1)

    assert paused[0] not in while_paused.ends
    delivered = first.messages() + while_paused.messages() + after.messages()
    assert sorted((m.partition, m.offset) for m in delivered) == sorted(
        (m.partition, m.offset) for m in bus._topics["t"][0].messages
    ) + sorted((m.partition, m.offset) for m in bus._topics["t"][1].messages)
    assert consumer.assignment() == [("t", 0), ("t", 1)]
    assert sum(consumer.lags().values()) == 6
    consumer.commit_offsets(after.ends)
    assert sum(consumer.lags().values()) < 6


def test_a_batch_without_some_partitions_keeps_the_others_in_order() -> None:
    bus = InProcessBus(partitions=3)
    consumer = bus.consumer(GROUP, ["t"])
    producer = bus.producer()
    for i in range(30):
        producer.send("t", str(i).encode(), key=f"k{i % 5}".encode())
    batch = consumer.poll_batch(100, 0.1)
    dropped = next(iter(batch.ends))

    rest = batch.without({dropped})

    assert dropped not in rest.ends
    assert len(rest) == len(batch) - sum(
        1 for m in batch.messages() if (m.topic, m.partition) == dropped
    )
    assert rest.values == [m.value for m in batch.messages() if (m.topic, m.partition) != dropped]
    assert rest.ends == {k: v for k, v in batch.ends.items() if k != dropped}
    assert batch.without(set()) is batch
    assert isinstance(MessageBatch.of([]), MessageBatch)

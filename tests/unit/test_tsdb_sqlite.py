"""The SQLite time-series store against values computed here, independently."""

from __future__ import annotations

import random
import statistics
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from satmon.errors import ServiceUnavailableError
from satmon.telemetry.samples import SampleBatch, SeriesKey
from satmon.tsdb.base import Point
from satmon.tsdb.sqlite import SqliteTimeSeriesStore

pytestmark = pytest.mark.unit

TEMP = SeriesKey("satellite_temperature", "SAT-001", "thermal")
VOLT = SeriesKey("satellite_battery_voltage", "SAT-001", "eps")
TEMP_2 = SeriesKey("satellite_temperature", "SAT-002", "thermal")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteTimeSeriesStore]:
    store = SqliteTimeSeriesStore(tmp_path / "tsdb.sqlite")
    yield store
    store.close()


def batch_of(*points: tuple[SeriesKey, int, float]) -> SampleBatch:
    batch = SampleBatch()
    for key, ts, value in points:
        batch.add(key, ts, value)
    return batch


def expected_grid(
    samples: list[tuple[int, float]], start: int, end: int, step: int, aggregate: str
) -> list[Point]:
    """The port's definition, literally: point t aggregates samples in (t - step, t]."""
    points = []
    for t in range(start, end + 1, step):
        bucket = sorted((ts, v) for ts, v in samples if t - step < ts <= t)
        if not bucket:
            continue
        values = [v for _, v in bucket]
        value = {
            "avg": statistics.fmean(values),
            "min": min(values),
            "max": max(values),
            "last": bucket[-1][1],
        }[aggregate]
        points.append(Point(t, value))
    return points


def test_writing_the_same_sample_twice_keeps_one_point(store: SqliteTimeSeriesStore) -> None:
    assert store.write(batch_of((TEMP, 1_000, 20.0), (TEMP, 2_000, 21.0))) == 2
    assert store.write(batch_of((TEMP, 1_000, 20.0))) == 1
    assert store.write(batch_of((TEMP, 2_000, 25.0))) == 1

    window = store.window("SAT-001", [TEMP.metric], 10)

    assert window[TEMP.metric] == [Point(1_000, 20.0), Point(2_000, 25.0)]


def test_an_empty_batch_writes_nothing(store: SqliteTimeSeriesStore) -> None:
    assert store.write(SampleBatch()) == 0
    assert store.series() == []


@pytest.mark.parametrize("aggregate", ["avg", "min", "max", "last"])
@pytest.mark.parametrize("grid_seek_limit", [0, 20_000], ids=["scan", "seek"])
def test_range_query_aggregates_each_step_as_the_port_defines(
    tmp_path: Path, aggregate: str, grid_seek_limit: int
) -> None:
    rng = random.Random(7)
    # Irregular timestamps, some exactly on grid points, some before the range.
    stamps = sorted({*rng.sample(range(-5_000, 130_000, 7), 900), 0, 10_000, 60_000, 120_000})
    samples = [(ts, rng.uniform(-50, 50)) for ts in stamps]
    batch = batch_of(*((TEMP, ts, v) for ts, v in samples))
    store = SqliteTimeSeriesStore(tmp_path / "tsdb.sqlite", grid_seek_limit=grid_seek_limit)
    store.write(batch)
    start, end, step = 10_000, 117_500, 2_500  # end is not on the grid

    [series] = store.query_range(TEMP.metric, start, end, step, aggregate=aggregate)  # type: ignore[arg-type]

    expected = expected_grid(samples, start, end, step, aggregate)
    assert series.key == TEMP
    assert [p.timestamp_ms for p in series.points] == [p.timestamp_ms for p in expected]
    assert [p.value for p in series.points] == pytest.approx([p.value for p in expected])
    store.close()


@pytest.mark.parametrize("grid_seek_limit", [0, 20_000], ids=["scan", "seek"])
def test_range_query_omits_empty_grid_points(tmp_path: Path, grid_seek_limit: int) -> None:
    store = SqliteTimeSeriesStore(tmp_path / "tsdb.sqlite", grid_seek_limit=grid_seek_limit)
    store.write(batch_of((TEMP, 1_000, 1.0), (TEMP, 1_500, 3.0), (TEMP, 9_000, 5.0)))

    [series] = store.query_range(TEMP.metric, 0, 10_000, 1_000)

    assert series.points == [Point(1_000, 1.0), Point(2_000, 3.0), Point(9_000, 5.0)]
    store.close()


def test_range_query_returns_one_series_per_satellite(store: SqliteTimeSeriesStore) -> None:
    store.write(batch_of((TEMP, 1_000, 10.0), (TEMP_2, 1_000, 30.0), (VOLT, 1_000, 3.9)))

    both = store.query_range(TEMP.metric, 0, 2_000, 1_000)
    one = store.query_range(TEMP.metric, 0, 2_000, 1_000, satellite_id="SAT-002")

    assert [(s.key, s.points) for s in both] == [
        (TEMP, [Point(1_000, 10.0)]),
        (TEMP_2, [Point(1_000, 30.0)]),
    ]
    assert [s.key for s in one] == [TEMP_2]
    assert store.query_range("satellite_unknown", 0, 2_000, 1_000) == []


def test_range_query_rejects_a_step_that_is_not_positive(store: SqliteTimeSeriesStore) -> None:
    with pytest.raises(ValueError, match="step_ms"):
        store.query_range(TEMP.metric, 0, 1_000, 0)


def test_latest_is_the_newest_sample_of_each_series(store: SqliteTimeSeriesStore) -> None:
    store.write(
        batch_of((TEMP, 3_000, 12.0), (TEMP, 1_000, 10.0), (VOLT, 2_000, 3.9), (TEMP_2, 500, 1.0))
    )

    everything = {(v.key, v.timestamp_ms, v.value) for v in store.latest()}
    sat_1_temp = store.latest("SAT-001", [TEMP.metric])

    assert everything == {(TEMP, 3_000, 12.0), (VOLT, 2_000, 3.9), (TEMP_2, 500, 1.0)}
    assert [(v.key, v.value) for v in sat_1_temp] == [(TEMP, 12.0)]


def test_window_is_the_last_samples_oldest_first(store: SqliteTimeSeriesStore) -> None:
    store.write(batch_of(*((TEMP, ts, float(ts)) for ts in range(10_000, 0, -1_000))))
    store.write(batch_of((TEMP_2, 5_000, -1.0)))

    window = store.window("SAT-001", [TEMP.metric, VOLT.metric], 3)
    until = store.window("SAT-001", [TEMP.metric], 3, end_ms=5_500)

    assert window[TEMP.metric] == [Point(8_000, 8000.0), Point(9_000, 9000.0), Point(10_000, 1e4)]
    assert window[VOLT.metric] == []
    assert until[TEMP.metric] == [Point(3_000, 3000.0), Point(4_000, 4000.0), Point(5_000, 5e3)]


def test_series_and_label_values(store: SqliteTimeSeriesStore) -> None:
    store.write(batch_of((VOLT, 1, 3.9), (TEMP_2, 1, 1.0), (TEMP, 1, 2.0)))

    assert store.series() == [VOLT, TEMP, TEMP_2]
    assert store.series(satellite_id="SAT-001") == [VOLT, TEMP]
    assert store.series(metric=TEMP.metric) == [TEMP, TEMP_2]
    assert store.label_values("satellite_id") == ["SAT-001", "SAT-002"]
    assert store.label_values("subsystem") == ["eps", "thermal"]
    assert store.label_values("__name__") == [VOLT.metric, TEMP.metric]


def test_samples_survive_reopening_the_file(tmp_path: Path) -> None:
    first = SqliteTimeSeriesStore(tmp_path / "tsdb.sqlite")
    first.write(batch_of((TEMP, 1_000, 20.0)))
    first.close()

    second = SqliteTimeSeriesStore(tmp_path / "tsdb.sqlite")

    assert [(v.key, v.value) for v in second.latest()] == [(TEMP, 20.0)]
    second.close()


def test_a_writer_and_readers_on_threads(store: SqliteTimeSeriesStore) -> None:
    batches, per_batch = 40, 50
    errors: list[BaseException] = []
    done = threading.Event()

    def write() -> None:
        try:
            for b in range(batches):
                batch = SampleBatch()
                for i in range(per_batch):
                    ts = (b * per_batch + i) * 1_000
                    batch.add(TEMP, ts, float(ts))
                    batch.add(VOLT, ts, 3.7)
                store.write(batch)
        except BaseException as exc:
            errors.append(exc)
        finally:
            done.set()

    def read() -> None:
        try:
            while not done.is_set():
                window = store.window("SAT-001", [TEMP.metric], 20)[TEMP.metric]
                stamps = [p.timestamp_ms for p in window]
                assert stamps == sorted(stamps)
                assert all(p.value == p.timestamp_ms for p in window)
                store.latest("SAT-001")
                store.query_range(TEMP.metric, 0, batches * per_batch * 1_000, 10_000)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write)] + [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    last_ts = (batches * per_batch - 1) * 1_000
    [series] = store.query_range(TEMP.metric, 0, last_ts, 1_000, aggregate="last")
    assert len(series.points) == batches * per_batch
    assert series.points[-1] == Point(last_ts, float(last_ts))


def test_check_ready_passes_on_a_usable_file(store: SqliteTimeSeriesStore) -> None:
    store.check_ready()


def test_check_ready_names_the_store_when_the_file_cannot_be_opened(tmp_path: Path) -> None:
    store = SqliteTimeSeriesStore(tmp_path)  # a directory, not a database file

    with pytest.raises(ServiceUnavailableError) as caught:
        store.check_ready()

    assert caught.value.service == "sqlite-tsdb"
    assert caught.value.url == str(tmp_path)
    store.close()

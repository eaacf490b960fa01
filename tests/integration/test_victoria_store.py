"""The VictoriaMetrics store on the real server, answer for answer against the
SQLite store on the same samples: range aggregation on the grid, latest values,
windows, series and label values; plus deduplication, hostile label values,
errors that name the server, and an outage survived in place.

VictoriaMetrics has no databases, so every test writes series of its own:
satellite ids (and, where a query spans all satellites, metric names) unique to
the test, deleted afterwards. A server that is not running fails these tests.
"""

from __future__ import annotations

import math
import random
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import get_args

import httpx
import orjson
import pytest

from satmon.config import Settings
from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.telemetry.samples import SampleBatch, SeriesKey
from satmon.tsdb.base import Aggregate, Point, Series
from satmon.tsdb.factory import open_tsdb
from satmon.tsdb.sqlite import SqliteTimeSeriesStore
from satmon.tsdb.victoria import VictoriaMetricsError, VictoriaMetricsStore
from tests.integration.conftest import VICTORIA_METRICS_URL, service_stopped, unique_name

pytestmark = pytest.mark.integration

MINUTE_MS = 60_000


class Stores:
    """The store under test and the reference, fed the same samples."""

    def __init__(self, vm: VictoriaMetricsStore, sqlite: SqliteTimeSeriesStore) -> None:
        self.vm = vm
        self.sqlite = sqlite
        tag = unique_name("vm").replace("_", "-")
        self.satellites = [f"{tag}-a", f"{tag}-b"]
        self.metrics = [f"satellite_{tag.replace('-', '_')}_{name}" for name in ("x", "y", "z")]

    def write(self, batch: SampleBatch) -> None:
        assert self.vm.write(batch) == len(batch)
        self.sqlite.write(batch)
        self.vm.force_flush()


@pytest.fixture
def vm() -> Iterator[VictoriaMetricsStore]:
    store = VictoriaMetricsStore(VICTORIA_METRICS_URL)
    try:
        store.check_ready()
        yield store
    finally:
        store.close()


@pytest.fixture
def stores(vm: VictoriaMetricsStore, tmp_path: Path) -> Iterator[Stores]:
    sqlite = SqliteTimeSeriesStore(tmp_path / "reference.sqlite")
    pair = Stores(vm, sqlite)
    try:
        yield pair
    finally:
        sqlite.close()
        delete_series(pair.satellites)


def delete_series(satellites: list[str]) -> None:
    with httpx.Client(base_url=VICTORIA_METRICS_URL, timeout=10) as client:
        client.post(
            "/api/v1/admin/tsdb/delete_series",
            data={"match[]": f'{{satellite_id=~"{"|".join(satellites)}"}}'},
        )


def telemetry(stores: Stores, start_ms: int, seconds: int, seed: int = 7) -> SampleBatch:
    """About one sample a second per series, with jitter, gaps and a burst, values
    as frames carry them (a few decimals) and at full float precision."""
    rng = random.Random(seed)
    batch = SampleBatch()
    for satellite in stores.satellites:
        for index, metric in enumerate(stores.metrics):
            key = SeriesKey(metric, satellite, ("eps", "thermal", "aocs")[index])
            for second in range(seconds):
                if rng.random() < 0.15 or 200 <= second < 260:  # dropouts and an outage
                    continue
                value = rng.uniform(-50, 50)
                batch.add(key, start_ms + second * 1000 + rng.randrange(1000), value)
                if second % 97 == 0:  # a burst: a second sample in the same second
                    batch.add(key, start_ms + second * 1000 + 999, round(value, 2))
    for points in batch.series.values():
        order = sorted(range(len(points.timestamps_ms)), key=points.timestamps_ms.__getitem__)
        points.timestamps_ms = [points.timestamps_ms[i] for i in order]
        points.values = [points.values[i] for i in order]
    return batch


def assert_same_points(actual: list[Point], expected: list[Point]) -> None:
    assert [p.timestamp_ms for p in actual] == [p.timestamp_ms for p in expected]
    for a, b in zip(actual, expected, strict=True):
        # VictoriaMetrics keeps about 12 significant digits of a float
        assert math.isclose(a.value, b.value, rel_tol=1e-9, abs_tol=1e-9), (a, b)


def assert_same_series(actual: list[Series], expected: list[Series]) -> None:
    assert [s.key for s in actual] == [s.key for s in expected]
    for got, want in zip(actual, expected, strict=True):
        assert_same_points(got.points, want.points)


def assert_same_windows(actual: dict[str, list[Point]], expected: dict[str, list[Point]]) -> None:
    assert list(actual) == list(expected)
    for metric, points in expected.items():
        assert_same_points(actual[metric], points)


# --- parity with the SQLite store --------------------------------------------------------


@pytest.mark.parametrize("aggregate", get_args(Aggregate))
def test_query_range_matches_sqlite_on_the_grid(stores: Stores, aggregate: Aggregate) -> None:
    start = (time.time_ns() // 1_000_000) - 2 * 60 * MINUTE_MS
    stores.write(telemetry(stores, start, seconds=600))
    ranges = [
        (start - 5_000, start + 600_000),
        (start + 1_234, start + 321_000),  # a grid off the samples' seconds
        (start - 60 * MINUTE_MS, start + 60 * MINUTE_MS),
    ]

    compared = 0
    for step in (333, 1_000, 7_000, 60_000, 3_600_000):
        for begin, end in ranges:
            for satellite in (stores.satellites[0], None):
                expected = stores.sqlite.query_range(
                    stores.metrics[0], begin, end, step, satellite_id=satellite, aggregate=aggregate
                )
                actual = stores.vm.query_range(
                    stores.metrics[0], begin, end, step, satellite_id=satellite, aggregate=aggregate
                )
                assert_same_series(actual, expected)
                compared += sum(len(s.points) for s in expected)
    assert compared > 5_000


def test_query_range_asks_for_long_grids_in_pieces(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 60 * MINUTE_MS
    stores.write(telemetry(stores, start, seconds=120))
    pieces = VictoriaMetricsStore(VICTORIA_METRICS_URL, max_points_per_query=7)
    try:
        actual = pieces.query_range(stores.metrics[1], start, start + 120_000, 1_000)
    finally:
        pieces.close()

    assert_same_series(
        actual, stores.sqlite.query_range(stores.metrics[1], start, start + 120_000, 1_000)
    )
    assert stores.vm.query_range(stores.metrics[1], start + 10, start, 1_000) == []
    with pytest.raises(ValueError):
        stores.vm.query_range(stores.metrics[1], start, start + 10, 0)


def test_latest_matches_sqlite(stores: Stores) -> None:
    now = time.time_ns() // 1_000_000
    stores.write(telemetry(stores, now - 5 * MINUTE_MS, seconds=290))

    for satellite, metrics in (
        (stores.satellites[0], None),
        (stores.satellites[1], stores.metrics[1:]),
        (None, [stores.metrics[2]]),
    ):
        actual = stores.vm.latest(satellite, metrics)
        expected = stores.sqlite.latest(satellite, metrics)
        assert [(v.key, v.timestamp_ms) for v in actual] == [
            (v.key, v.timestamp_ms) for v in expected
        ]
        assert all(
            math.isclose(a.value, b.value, rel_tol=1e-9)
            for a, b in zip(actual, expected, strict=True)
        )
    assert stores.vm.latest(stores.satellites[0], []) == []


def test_latest_looks_back_as_far_as_configured(stores: Stores) -> None:
    now = time.time_ns() // 1_000_000
    metric = stores.metrics[0]
    batch = SampleBatch()
    batch.add(SeriesKey(metric, stores.satellites[0], "eps"), now - 30_000, 1.0)
    batch.add(SeriesKey(metric, stores.satellites[1], "eps"), now - 5 * MINUTE_MS, 2.0)
    stores.write(batch)
    short = VictoriaMetricsStore(VICTORIA_METRICS_URL, latest_lookback_ms=2 * MINUTE_MS)
    try:
        found = short.latest(None, [metric])
    finally:
        short.close()

    assert [(v.key.satellite_id, v.timestamp_ms, v.value) for v in found] == [
        (stores.satellites[0], now - 30_000, 1.0)
    ]


def test_window_matches_sqlite(stores: Stores) -> None:
    now = time.time_ns() // 1_000_000
    start = now - 10 * MINUTE_MS
    stores.write(telemetry(stores, start, seconds=590))
    metrics = [*stores.metrics, "satellite_never_written"]

    for size, end in ((1, None), (20, None), (40, start + 300_000), (5, start - 1), (5_000, None)):
        actual = stores.vm.window(stores.satellites[0], metrics, size, end)
        assert list(actual) == metrics
        assert_same_windows(actual, stores.sqlite.window(stores.satellites[0], metrics, size, end))


def test_window_reaches_back_past_a_long_silence(stores: Stores) -> None:
    now = time.time_ns() // 1_000_000
    stores.write(telemetry(stores, now - 3 * 24 * 60 * MINUTE_MS, seconds=60))

    actual = stores.vm.window(stores.satellites[1], stores.metrics[:1], 10)

    assert_same_windows(actual, stores.sqlite.window(stores.satellites[1], stores.metrics[:1], 10))
    assert len(actual[stores.metrics[0]]) == 10


def test_series_and_label_values_match_sqlite(stores: Stores) -> None:
    stores.write(telemetry(stores, (time.time_ns() // 1_000_000) - MINUTE_MS, seconds=30))

    for satellite, metric in (
        (stores.satellites[0], None),
        (None, stores.metrics[1]),
        (stores.satellites[1], stores.metrics[2]),
    ):
        assert stores.vm.series(satellite, metric) == stores.sqlite.series(satellite, metric)
    everything = stores.vm.series()  # one request per metric name
    assert everything == sorted(everything)
    assert set(stores.sqlite.series()) <= set(everything)
    satellites = stores.vm.label_values("satellite_id")
    assert satellites == sorted(satellites)
    assert set(stores.satellites) <= set(satellites)
    assert {"eps", "thermal", "aocs"} <= set(stores.vm.label_values("subsystem"))
    assert set(stores.metrics) <= set(stores.vm.label_values("__name__"))


# --- writes -----------------------------------------------------------------------------


def test_writing_a_batch_twice_keeps_one_sample_per_timestamp(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 30 * MINUTE_MS
    batch = telemetry(stores, start, seconds=120)
    stores.write(batch)
    stores.write(batch)  # a redelivered batch
    key = next(iter(batch.series))
    written = batch.series[key]

    exported = stores.vm.window(key.satellite_id, [key.metric], 10_000, start + 200_000)
    counted = httpx.post(
        f"{VICTORIA_METRICS_URL}/api/v1/query",
        data={
            "query": f'count_over_time({{__name__="{key.metric}",'
            f'satellite_id="{key.satellite_id}"}}[1h])',
            "time": str((start + 200_000) / 1000),
            "nocache": "1",
        },
    ).json()["data"]["result"]

    assert [p.timestamp_ms for p in exported[key.metric]] == written.timestamps_ms
    assert [float(c["value"][1]) for c in counted] == [len(written.values)]


def test_a_large_batch_is_split_over_concurrent_requests(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 20 * MINUTE_MS
    batch = telemetry(stores, start, seconds=300)
    splitting = VictoriaMetricsStore(VICTORIA_METRICS_URL, split_samples=100, write_concurrency=3)
    try:
        assert splitting.write(batch) == len(batch)
    finally:
        splitting.close()
    stores.sqlite.write(batch)
    stores.vm.force_flush()

    end = start + 400_000
    for key in batch.series:
        assert_same_windows(
            stores.vm.window(key.satellite_id, [key.metric], 10_000, end),
            stores.sqlite.window(key.satellite_id, [key.metric], 10_000, end),
        )


def test_non_finite_values_are_dropped_and_the_rest_of_the_series_kept(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 10 * MINUTE_MS
    satellite, metric = stores.satellites[0], stores.metrics[0]
    batch = SampleBatch()
    for i, value in enumerate([1.5, math.nan, 2.5, math.inf, -math.inf, 3.5]):
        batch.add(SeriesKey(metric, satellite, "eps"), start + i * 1000, value)

    assert stores.vm.write(batch) == 3
    stores.vm.force_flush()

    window = stores.vm.window(satellite, [metric], 10, start + 10_000)
    assert [(p.timestamp_ms - start, p.value) for p in window[metric]] == [
        (0, 1.5),
        (2000, 2.5),
        (5000, 3.5),
    ]


def test_label_values_with_json_syntax_do_not_break_the_import_lines(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 10 * MINUTE_MS
    tricky = stores.satellites[1] + '"},{"metric":{"__name__":"x"}\n'
    plain = SeriesKey(stores.metrics[0], stores.satellites[0], "eps")
    batch = SampleBatch()
    batch.add(SeriesKey(stores.metrics[0], tricky, "eps"), start, 1.0)
    batch.add(plain, start, 2.0)

    assert stores.vm.write(batch) == 2
    stores.vm.force_flush()

    exported = httpx.post(
        f"{VICTORIA_METRICS_URL}/api/v1/export",
        data={"match[]": f'{{__name__="{stores.metrics[0]}"}}', "start": str(start / 1000 - 1)},
    )
    rows = sorted(orjson.loads(line)["metric"]["satellite_id"] for line in exported.iter_lines())
    assert rows == sorted([tricky, plain.satellite_id])
    delete_series([stores.satellites[1] + "(?s:.*)"])  # RE2: "." skips a newline


# --- label values from outside ---------------------------------------------------------

HOSTILE_SATELLITE_IDS = [
    'SAT-1"}',
    'SAT-1",__name__=~".+',
    'x"} or {__name__=~".+"} or {a="',
    "SAT-1\n",
    "SAT-.*",
    "SAT-1|SAT-2",
    "SAT 1",
    "SAT\\1",
    "",
    "-SAT",
    "S" * 33,
    "SÄT-1",
]
HOSTILE_METRICS = [
    'satellite_x"}',
    "satellite_x{}",
    'up or {__name__=~".+"}',
    "satellite_x\n",
    "satellite_.*",
    "satellite-x",
    "1satellite",
    "",
]


@pytest.mark.parametrize("satellite_id", HOSTILE_SATELLITE_IDS)
def test_hostile_satellite_ids_are_rejected_before_any_query(
    stores: Stores, satellite_id: str
) -> None:
    metric = stores.metrics[0]
    calls: list[Callable[[], object]] = [
        lambda: stores.vm.query_range(metric, 0, 60_000, 1_000, satellite_id=satellite_id),
        lambda: stores.vm.latest(satellite_id),
        lambda: stores.vm.window(satellite_id, [metric], 5),
        lambda: stores.vm.series(satellite_id),
    ]
    for call in calls:
        with pytest.raises(InvalidRequestError) as caught:
            call()
        assert caught.value.field == "satellite_id"


@pytest.mark.parametrize("metric", HOSTILE_METRICS)
def test_hostile_metric_names_are_rejected_before_any_query(stores: Stores, metric: str) -> None:
    satellite = stores.satellites[0]
    calls: list[Callable[[], object]] = [
        lambda: stores.vm.query_range(metric, 0, 60_000, 1_000),
        lambda: stores.vm.latest(satellite, [metric]),
        lambda: stores.vm.window(satellite, [stores.metrics[0], metric], 5),
        lambda: stores.vm.series(satellite, metric),
    ]
    for call in calls:
        with pytest.raises(InvalidRequestError):
            call()


def test_only_known_labels_and_aggregates_are_accepted(stores: Stores) -> None:
    with pytest.raises(InvalidRequestError) as label:
        stores.vm.label_values("job")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError) as aggregate:
        stores.vm.query_range(stores.metrics[0], 0, 1, 1, aggregate="sum")  # type: ignore[arg-type]

    assert label.value.field == "label"
    assert aggregate.value.field == "aggregate"


# --- errors and the factory -------------------------------------------------------------


def one_sample() -> SampleBatch:
    batch = SampleBatch()
    batch.add(SeriesKey("satellite_temperature", "SAT-1", "thermal"), 1_700_000_000_000, 1.0)
    return batch


def free_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens once closed


def test_the_factory_opens_victoriametrics_when_its_url_is_set(tmp_path: Path) -> None:
    store = open_tsdb(
        Settings(_env_file=None, victoria_metrics_url=VICTORIA_METRICS_URL, data_dir=tmp_path)
    )
    try:
        assert isinstance(store, VictoriaMetricsStore)
        assert store.name == "victoriametrics"
        assert store.url == VICTORIA_METRICS_URL
    finally:
        store.close()


def test_an_unreachable_server_fails_fast_naming_it(tmp_path: Path) -> None:
    url = free_url()
    began = time.monotonic()
    with pytest.raises(ServiceUnavailableError) as opening:
        open_tsdb(Settings(_env_file=None, victoria_metrics_url=url, data_dir=tmp_path))
    store = VictoriaMetricsStore(url)
    with pytest.raises(ServiceUnavailableError) as writing:
        store.write(one_sample())
    store.close()

    assert time.monotonic() - began < 10
    for error in (opening.value, writing.value):
        assert error.service == "victoriametrics"
        assert error.url == url
        assert url in str(error)
    assert "POST /api/v1/import" in writing.value.detail


def test_a_rejected_request_carries_the_servers_answer() -> None:
    wrong_path = VictoriaMetricsStore(f"{VICTORIA_METRICS_URL}/no-such-prefix")
    try:
        with pytest.raises(VictoriaMetricsError) as rejected:
            wrong_path.write(one_sample())
        with pytest.raises(ServiceUnavailableError) as not_ready:
            wrong_path.check_ready()
    finally:
        wrong_path.close()

    assert rejected.value.status == 400
    assert "unsupported path" in rejected.value.body
    assert "victoriametrics at" in str(rejected.value)
    assert "unsupported path" in not_ready.value.detail


@pytest.mark.service_fault
def test_a_stopped_server_is_reported_and_the_store_recovers_in_place(stores: Stores) -> None:
    start = (time.time_ns() // 1_000_000) - 5 * MINUTE_MS
    batch = telemetry(stores, start, seconds=60)

    with service_stopped("victoriametrics"):
        with pytest.raises(ServiceUnavailableError) as not_ready:
            stores.vm.check_ready()
        with pytest.raises(ServiceUnavailableError) as not_written:
            stores.vm.write(batch)

    for error in (not_ready.value, not_written.value):
        assert error.service == "victoriametrics"
        assert error.url == VICTORIA_METRICS_URL
    assert "POST /api/v1/import" in not_written.value.detail

    stores.vm.check_ready()  # the same store, with the server back
    stores.write(batch)
    key = next(iter(batch.series))
    window = stores.vm.window(key.satellite_id, [key.metric], 1_000, start + 60_000)
    assert [p.timestamp_ms for p in window[key.metric]] == batch.series[key].timestamps_ms

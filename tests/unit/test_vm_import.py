import math

import orjson

from satmon.telemetry.codec import decode_frame
from satmon.telemetry.samples import SampleBatch, SeriesKey, SeriesPoints, frames_to_samples
from satmon.tsdb.vm_import import ImportEncoder
from tests.factories import frame_document


def lines(body: bytes) -> list[dict[str, object]]:
    return [orjson.loads(line) for line in body.splitlines()]


def test_timestamps_shared_by_a_satellites_series_are_written_into_each_line():
    frames = [
        decode_frame(orjson.dumps(frame_document(satellite, seq)))
        for seq in range(3)
        for satellite in ("SAT-001", "SAT-002")
    ]
    shared = frames_to_samples(frames)
    own_lists = SampleBatch(
        {
            key: SeriesPoints(list(points.timestamps_ms), list(points.values))
            for key, points in shared.series.items()
        }
    )
    body, count = ImportEncoder().encode(list(shared.series.items()))
    assert (body, count) == ImportEncoder().encode(list(own_lists.series.items()))
    documents = lines(body)
    assert len(documents) == len(shared.series)
    for document, (key, points) in zip(documents, shared.series.items(), strict=True):
        assert document["metric"] == {"__name__": key.metric, **key.labels}
        assert document["timestamps"] == list(points.timestamps_ms)
        assert document["values"] == list(points.values)
    assert count == len(shared)


def test_a_non_finite_value_drops_only_its_own_sample_when_timestamps_are_shared():
    stamps = (1_000, 2_000, 3_000)
    voltage = SeriesKey("satellite_battery_voltage", "SAT-001", "eps")
    current = SeriesKey("satellite_battery_current", "SAT-001", "eps")
    batch = SampleBatch(
        {
            voltage: SeriesPoints(stamps, (3.9, math.nan, 4.0)),
            current: SeriesPoints(stamps, (0.5, 0.6, math.inf)),
        }
    )
    body, count = ImportEncoder().encode(list(batch.series.items()))
    by_metric = {d["metric"]["__name__"]: d for d in lines(body)}  # type: ignore[index]
    assert by_metric["satellite_battery_voltage"]["timestamps"] == [1_000, 3_000]
    assert by_metric["satellite_battery_voltage"]["values"] == [3.9, 4.0]
    assert by_metric["satellite_battery_current"]["timestamps"] == [1_000, 2_000]
    assert count == 4


def test_adding_to_a_series_with_shared_timestamps_leaves_the_other_series_alone():
    frames = [decode_frame(orjson.dumps(frame_document("SAT-001", seq))) for seq in range(2)]
    batch = frames_to_samples(frames)
    first, second = list(batch.series)[:2]
    batch.add(first, 9_999, 1.0)
    assert list(batch.series[first].timestamps_ms)[-1] == 9_999
    assert len(batch.series[second].timestamps_ms) == 2

import orjson
import pytest

from satmon.telemetry.codec import (
    FrameError,
    decode_frame,
    decode_frames,
    encode_frame,
    explain,
    format_timestamp_ms,
)
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.schema import CHANNELS, CHANNELS_BY_METRIC, model_channels
from tests.factories import frame_document

pytestmark = pytest.mark.unit


def _fields(error: FrameError) -> dict[str, str]:
    return {e.field: e.reason for e in error.errors}


def test_a_valid_frame_round_trips():
    document = frame_document(seq=7)
    frame = decode_frame(orjson.dumps(document))
    assert frame.satellite_id == "SAT-001"
    assert frame.eps.battery_voltage == 3.9
    assert orjson.loads(encode_frame(frame)) == document


def test_timestamps_are_rfc3339_utc_with_milliseconds():
    assert format_timestamp_ms(1_700_000_000_123) == "2023-11-14T22:13:20.123Z"


def test_every_bad_field_is_named_with_its_reason():
    document = frame_document()
    document["satellite_id"] = "SAT 001;drop"
    document["timestamp"] = "yesterday"
    document["eps"]["battery_voltage"] = "high"
    document["eps"]["battery_soc_percent"] = 140.0
    del document["thermal"]["obc_temp"]
    document["aocs"]["thruster_active"] = 1
    with pytest.raises(FrameError) as caught:
        decode_frame(orjson.dumps(document))
    problems = _fields(caught.value)
    assert set(problems) == {
        "satellite_id",
        "timestamp",
        "eps.battery_voltage",
        "eps.battery_soc_percent",
        "thermal.obc_temp",
        "aocs.thruster_active",
    }
    assert "malformed" in problems["satellite_id"]
    assert "RFC 3339" in problems["timestamp"]
    assert problems["eps.battery_voltage"] == "expected a number, got string"
    assert "out of physical range" in problems["eps.battery_soc_percent"]
    assert problems["thermal.obc_temp"] == "missing"
    assert problems["aocs.thruster_active"] == "expected a boolean, got number"


@pytest.mark.parametrize(
    ("raw", "field", "reason"),
    [
        (b"{not json", "(frame)", "not valid JSON"),
        (b"[1, 2]", "(frame)", "expected a JSON object"),
        (b'{"satellite_id": "SAT-1"}', "timestamp", "missing"),
    ],
)
def test_malformed_documents(raw, field, reason):
    with pytest.raises(FrameError) as caught:
        decode_frame(raw)
    assert reason in _fields(caught.value)[field]


def test_timestamp_without_offset_is_rejected_but_other_offsets_are_utc():
    naive = frame_document()
    naive["timestamp"] = "2026-11-22T12:00:00.000"
    with pytest.raises(FrameError) as caught:
        decode_frame(orjson.dumps(naive))
    assert "no UTC offset" in _fields(caught.value)["timestamp"]
    seoul = frame_document()
    seoul["timestamp"] = "2026-11-22T21:00:00.000+09:00"
    assert (
        decode_frame(orjson.dumps(seoul)).timestamp_ms
        == decode_frame(orjson.dumps(frame_document())).timestamp_ms
    )


def test_huge_and_negative_numbers_are_out_of_range():
    document = frame_document(aocs={"altitude_km": 1e300}, payload={"images_total": -1})
    with pytest.raises(FrameError) as caught:
        decode_frame(orjson.dumps(document))
    problems = _fields(caught.value)
    assert "out of physical range" in problems["aocs.altitude_km"]
    assert "out of physical range" in problems["payload.images_total"]


def test_explain_is_empty_for_a_valid_frame():
    assert explain(orjson.dumps(frame_document())) == []


def test_a_batch_keeps_good_frames_and_rejects_with_original_bytes():
    good = [orjson.dumps(frame_document(seq=i)) for i in range(3)]
    bad = b'{"satellite_id": 5}'
    frames, rejected = decode_frames([good[0], bad, good[1], good[2]])
    assert [f.seq for f in frames] == [0, 1, 2]
    assert [r.raw for r in rejected] == [bad]


def test_samples_cover_every_channel_with_booleans_as_numbers():
    frames = [
        decode_frame(orjson.dumps(frame_document(seq=i, aocs={"thruster_active": i == 1})))
        for i in range(2)
    ]
    batch = frames_to_samples(frames)
    assert len(batch.series) == len(CHANNELS)
    assert len(batch) == 2 * len(CHANNELS)
    thruster = next(p for k, p in batch.series.items() if k.metric == "satellite_thruster_active")
    assert list(thruster.values) == [0.0, 1.0]
    altitude_key = next(k for k in batch.series if k.metric == "satellite_altitude")
    assert altitude_key.subsystem == "aocs"
    assert altitude_key.labels == {"satellite_id": "SAT-001", "subsystem": "aocs"}
    samples = list(batch.samples())
    assert samples[0].timestamp_ms == frames[0].timestamp_ms


def test_null_optional_channels_produce_no_sample():
    frame = decode_frame(
        orjson.dumps(
            frame_document(comm={"link_up": False, "range_km": None, "ground_station": None})
        )
    )
    metrics = {k.metric for k in frames_to_samples([frame]).series}
    assert "satellite_range_km" not in metrics
    assert "satellite_rssi_dbm" in metrics


def test_interleaved_satellites_get_their_own_series_with_values_beside_their_timestamps():
    documents = [
        frame_document(
            satellite,
            seq,
            eps={"battery_soc_percent": 50.0 + seq + (10 if satellite == "SAT-002" else 0)},
            comm={"link_up": seq != 1, "range_km": None if seq == 1 else 1000.0 + seq},
        )
        for seq in range(3)
        for satellite in ("SAT-001", "SAT-002")
    ]
    frames = [decode_frame(orjson.dumps(document)) for document in documents]
    series = frames_to_samples(frames).series

    def points(satellite: str, metric: str) -> list[tuple[int, float]]:
        key = next(k for k in series if k.satellite_id == satellite and k.metric == metric)
        return list(zip(series[key].timestamps_ms, series[key].values, strict=True))

    stamps = [frames[2 * seq].timestamp_ms for seq in range(3)]
    assert points("SAT-001", "satellite_battery_soc_percent") == list(
        zip(stamps, [50.0, 51.0, 52.0], strict=True)
    )
    assert points("SAT-002", "satellite_battery_soc_percent") == list(
        zip(stamps, [60.0, 61.0, 62.0], strict=True)
    )
    assert points("SAT-002", "satellite_range_km") == [(stamps[0], 1000.0), (stamps[2], 1002.0)]
    assert points("SAT-001", "satellite_link_up") == list(zip(stamps, [1.0, 0.0, 1.0], strict=True))
    assert [k.satellite_id for k in series][:: len(CHANNELS)] == ["SAT-001", "SAT-002"]


def test_catalogue_uses_the_seed_metric_names():
    for name in (
        "satellite_temperature",
        "satellite_altitude",
        "satellite_velocity",
        "satellite_battery_voltage",
        "satellite_solar_power",
        "satellite_latitude",
        "satellite_longitude",
        "satellite_power_consumption",
        "satellite_battery_soc_percent",
    ):
        assert name in CHANNELS_BY_METRIC
    assert [c.field for c in model_channels("eps")] == [
        "battery_voltage",
        "battery_soc_percent",
        "battery_current",
        "solar_power",
        "power_consumption",
    ]


def test_limits_classify_states():
    limits = CHANNELS_BY_METRIC["satellite_obc_temp"].limits
    assert limits is not None
    assert limits.state(20.0) == "nominal"
    assert limits.state(47.0) == "warning"
    assert limits.state(55.0) == "alarm"


@pytest.mark.parametrize("bad_id", ["SAT-1\n", "\nSAT-1", "SAT 1", "", "S" * 33, 'SAT"}'])
def test_satellite_ids_are_matched_whole(bad_id):
    with pytest.raises(FrameError) as caught:
        decode_frame(orjson.dumps(frame_document(bad_id)))
    assert "satellite_id" in _fields(caught.value)

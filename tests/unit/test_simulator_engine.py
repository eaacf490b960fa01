"""The simulator as a whole: frames, determinism, and long runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec
import numpy as np
import orjson
import pytest

from satmon.telemetry.codec import decode_frame, format_timestamp
from satmon.telemetry.schema import SECTION_TYPES
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from tests.unit.test_simulator_support import START, config, record

pytestmark = pytest.mark.unit


def test_frames_are_valid_keyed_and_stepped_in_time():
    simulator = Simulator(config(satellites=3, step_s=0.5))
    assert simulator.now == START
    for tick in range(150):  # across several blocks
        pairs = simulator.encoded_tick()
        assert [key for key, _ in pairs] == [b"SAT-001", b"SAT-002", b"SAT-003"]
        for key, value in pairs:
            frame = decode_frame(value)
            assert frame.satellite_id == key.decode()
            assert frame.seq == tick
            assert frame.timestamp == START + timedelta(seconds=0.5 * tick)
            assert orjson.loads(value)["timestamp"] == format_timestamp(frame.timestamp)
    assert simulator.now == START + timedelta(seconds=75)
    assert simulator.ticks == 150


def test_frames_follow_the_schema_layout_field_by_field():
    document = Simulator(config(satellites=1)).tick()[0]
    assert list(document) == ["satellite_id", "timestamp", "seq", *SECTION_TYPES]
    for section, struct in SECTION_TYPES.items():
        assert list(document[section]) == [f.name for f in msgspec.structs.fields(struct)]


def test_plain_frames_and_encoded_frames_are_the_same_frames():
    plain, encoded = Simulator(config(seed=3)), Simulator(config(seed=3))
    mixed = Simulator(config(seed=3))
    for tick in range(200):
        documents = plain.tick()
        assert [orjson.loads(v) for _, v in encoded.encoded_tick()] == documents
        # switching between the two mid-block changes nothing
        got = mixed.tick() if tick % 3 else [orjson.loads(v) for _, v in mixed.encoded_tick()]
        assert got == documents


def test_the_same_seed_gives_the_same_frames_and_another_seed_others():
    def frames(seed: int) -> list[bytes]:
        simulator = Simulator(config(seed=seed, fault_rate_per_day=6.0))
        return [value for _ in range(300) for _, value in simulator.encoded_tick()]

    first, again, other = frames(7), frames(7), frames(8)
    assert first == again
    assert sum(a != b for a, b in zip(first, other, strict=True)) > 0.99 * len(first)


def test_satellites_are_spread_in_node_and_phase():
    orbits = Simulator(config(satellites=8)).orbits
    raan = np.sort(np.degrees(orbits.raan_rad))
    assert np.diff(raan).min() > 5.0 and np.diff(raan).max() < 90.0
    assert np.ptp(orbits.arg_latitude_rad) > 1.0


def test_a_naive_start_is_taken_as_utc_and_bad_settings_are_refused():
    naive = SimulatorConfig(satellites=1, start=datetime(2026, 1, 1))
    assert naive.start == datetime(2026, 1, 1, tzinfo=UTC)
    for bad in ({"satellites": 0}, {"step_s": 0.0}, {"fault_rate_per_day": -1.0}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            SimulatorConfig(**bad)


def test_a_week_of_backfill_at_one_minute_stays_stable():
    days = 7
    run = record(config(satellites=8, seed=21), days * 24 * 60)
    day_ticks = 24 * 60
    nominal = {
        "aocs.altitude_km": (400.0, 450.0),
        "aocs.velocity_kms": (7.6, 7.8),
        "eps.battery_voltage": (3.0, 4.2),
        "eps.solar_power": (0.0, 100.0),
        "eps.battery_soc_percent": (40.0, 100.0),
        "thermal.obc_temp": (-50.0, 50.0),
        "thermal.battery_temp": (-50.0, 50.0),
        "thermal.panel_temp": (-50.0, 50.0),
        "thermal.temperature": (-50.0, 50.0),
    }
    for path, (low, high) in nominal.items():
        values = run.channel(path)
        assert low <= values.min() and values.max() <= high, path
    for path in ("eps.battery_soc_percent", "thermal.battery_temp", "thermal.temperature",
                 "thermal.obc_temp", "eps.power_consumption"):  # fmt: skip
        values = run.channel(path)
        # the beta angle moves the daily means slowly; a numerical instability would jump
        daily = values.reshape(days, day_ticks, -1).mean(axis=1)
        assert np.abs(np.diff(daily, axis=0)).max() < 0.2 * (np.ptp(values) + 1.0), path
    altitude = run.channel("aocs.altitude_km")
    assert np.abs(altitude[-1] - altitude[0]).max() < 1.0
    images = run.channel("payload.images_total")
    assert (np.diff(images, axis=0) >= 0).all()
    assert 5 <= (images[-1] - images[0]).mean() / days <= 60

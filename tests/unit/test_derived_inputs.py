"""Model inputs derived on the ground: the comm networks' station elevation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import orjson
import pytest

from satmon.analysis.windows import SatelliteWindows
from satmon.models.data import from_store
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.derived import (
    POSITION_FIELDS,
    model_inputs,
    next_step,
    station_elevation_deg,
    with_derived,
)
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.telemetry.simulator.comm import CommParams
from tests.conftest import Embedded
from tests.factories import EPOCH, frame_document

pytestmark = pytest.mark.unit


def test_comm_reads_its_channels_then_the_station_elevation() -> None:
    assert model_inputs("comm") == ("rssi_dbm", "snr_db", "station_in_view_next")
    assert model_inputs("eps")[-1] == "power_consumption"  # nothing derived elsewhere


def test_a_satellite_over_a_station_is_at_its_zenith_and_one_over_the_ocean_is_below() -> None:
    daejeon = CommParams().stations[0]
    above = np.array([[daejeon.latitude_deg, daejeon.longitude_deg, 420.0]])
    south_pacific = np.array([[-50.0, -130.0, 420.0]])  # 3,000 km and more from any station
    assert station_elevation_deg(above)[0] == pytest.approx(90.0)
    assert station_elevation_deg(south_pacific)[0] < -15.0


def test_the_elevation_from_reported_positions_says_when_the_simulator_has_a_link() -> None:
    """Nominally the link is up exactly when a station sees the satellite above its
    mask, so the derived elevation must agree with link_up at every step."""
    # a fixed start: the geometry follows the start time, and from the current time
    # this check failed once (2026-12-05)
    start = datetime(2026, 12, 5, 0, 17, tzinfo=UTC)
    simulator = Simulator(SimulatorConfig(satellites=4, seed=3, start=start))
    positions, link_up = [], []
    for _ in range(4000):
        for frame in simulator.tick():
            aocs = frame["aocs"]
            positions.append((aocs["latitude"], aocs["longitude"], aocs["altitude_km"]))
            link_up.append(frame["comm"]["link_up"])
    elevation = station_elevation_deg(np.array(positions))
    assert 0.05 < np.mean(link_up) < 0.5  # there were passes, and time between them
    assert np.array_equal(elevation >= CommParams().elevation_mask_deg, np.array(link_up))


def test_the_elevation_is_the_one_expected_at_the_next_step() -> None:
    """A pass's first contact comes when the elevation at t + 1 crosses the mask;
    the forecasters forecast t + 1 from t, so they read it extrapolated."""
    elevation = np.array([3.8, 4.4, 4.9, 5.3, 5.6])
    np.testing.assert_allclose(next_step(elevation), [4.4, 5.0, 5.4, 5.7, 5.9])
    assert next_step(np.array([7.0])).tolist() == [7.0]


def test_a_window_without_positions_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="comm: its model inputs need the satellite's position"):
        with_derived("comm", np.zeros((20, 2)), None)


def moving_frames(count: int) -> list:
    return [
        decode_frame(
            orjson.dumps(
                frame_document(
                    seq=seq,
                    aocs={
                        "altitude_km": 420.0,
                        "velocity_kms": 7.66,
                        "latitude": 16.0 + 0.3 * seq,  # northwards, towards Daejeon
                        "longitude": 127.36,
                        "roll_rate": 0.0,
                        "pitch_rate": 0.0,
                        "yaw_rate": 0.0,
                        "thruster_active": False,
                    },
                )
            )
        )
        for seq in range(count)
    ]


def test_windows_fed_by_frames_and_restored_from_the_store_carry_the_same_inputs(
    embedded: Embedded,
) -> None:
    history = moving_frames(20)
    fed = SatelliteWindows(20)
    for frame in history:
        fed.add(frame)
    embedded.adapters.tsdb.write(frames_to_samples(history))
    restored = SatelliteWindows(20)
    assert restored.warm_up(embedded.adapters.tsdb, ["SAT-001"]) == 1

    positions = np.array([(f.aocs.latitude, f.aocs.longitude, f.aocs.altitude_km) for f in history])
    for a, b in zip(fed.windows("SAT-001"), restored.windows("SAT-001"), strict=True):
        assert a.channels == b.channels == model_inputs(a.subsystem)
        np.testing.assert_allclose(a.values, b.values)
    comm = next(w for w in fed.windows("SAT-001") if w.subsystem == "comm")
    elevation = next_step(station_elevation_deg(positions))
    np.testing.assert_array_equal(comm.values[:, -1], elevation >= CommParams().elevation_mask_deg)
    assert set(comm.values[:, -1]) == {0.0, 1.0}  # the satellite rose above Daejeon's mask


def test_training_from_the_store_derives_the_flag_from_the_stored_positions(
    embedded: Embedded,
) -> None:
    history = moving_frames(80)
    embedded.adapters.tsdb.write(frames_to_samples(history))
    streams = from_store(
        embedded.adapters.tsdb, timedelta(seconds=100), 1.0, EPOCH + timedelta(seconds=79)
    )

    assert streams.channels["comm"] == list(model_inputs("comm"))
    (comm,) = streams.series["comm"]
    positions = np.array([[getattr(f.aocs, name) for name in POSITION_FIELDS] for f in history])
    np.testing.assert_array_equal(comm, with_derived("comm", comm[:, :2], positions[-len(comm) :]))
    assert len(comm) >= 64 and comm[0, -1] == 0.0 and comm[-1, -1] == 1.0

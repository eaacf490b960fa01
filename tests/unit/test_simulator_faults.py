"""Fault injection: each fault is labelled, shows in its channels, and only while it lasts.

Every check compares a run with faults to a fault-free twin of the same seed:
the physics draws its own random numbers, so the two agree wherever no fault acts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from satmon.telemetry.schema import CHANNELS
from satmon.telemetry.simulator import CATALOGUE, FaultLabel, FaultType, ScheduledFault
from satmon.telemetry.simulator.frames import FLOAT_CHANNELS
from tests.unit.test_simulator_support import START, Recording, config, record

pytestmark = pytest.mark.unit

HOUR = 3600.0
DAY_TICKS = 24 * 60
PATHS = [c.path for c in CHANNELS] + ["comm.ground_station"]
_DECIMALS = dict(FLOAT_CHANNELS)


def visible_threshold(path: str) -> float:
    """A difference well above the reporting resolution of the channel."""
    return 5 * 10.0 ** -_DECIMALS[path] if path in _DECIMALS else 0.5


def difference(run: Recording, twin: Recording, path: str, satellite: int) -> npt.NDArray[Any]:
    """|run - twin| per tick; a null on one side only counts as infinitely different."""
    a, b = run.channel(path)[:, satellite], twin.channel(path)[:, satellite]
    if a.dtype == object:
        return np.where(a == b, 0.0, np.inf)
    both_null = np.isnan(a) & np.isnan(b)
    return np.where(both_null, 0.0, np.nan_to_num(np.abs(a - b), nan=np.inf))


def window(run: Recording, label: FaultLabel) -> slice:
    """The ticks of a fault: start <= t < end."""
    return slice(run.tick_at(label.start), run.tick_at(label.end))


def satellite_of(label: FaultLabel) -> int:
    return int(label.satellite_id.removeprefix("SAT-")) - 1


# --- scheduled faults, one per satellite ----------------------------------------------


def _schedule(pass_start: str) -> list[ScheduledFault]:
    entries = [
        {"satellite": 1, "kind": "solar_array_partial_failure", "start": 2 * HOUR,
         "duration": 4 * HOUR, "magnitude": 0.5},
        {"satellite": "SAT-002", "kind": "battery_capacity_fade", "start": 2 * HOUR,
         "duration": 8 * HOUR, "magnitude": 0.4},
        {"satellite": 3, "kind": "heater_stuck_on", "start": 2 * HOUR, "duration": 4 * HOUR},
        {"satellite": 4, "kind": "thermal_runaway", "start": 2 * HOUR, "duration": 1.5 * HOUR,
         "magnitude": 25.0},
        {"satellite": 5, "kind": "attitude_tumble", "start": 2 * HOUR, "duration": HOUR,
         "magnitude": 5.0},
        {"satellite": 6, "kind": "comm_dropout", "start": pass_start, "duration": 300},
        {"satellite": 7, "kind": "sensor_stuck_at", "start": 3 * HOUR, "duration": 2 * HOUR,
         "channel": "thermal.obc_temp"},
        # off the tick grid on purpose: it covers the one tick at 3 h 01 min
        {"satellite": 8, "kind": "spike", "start": 3 * HOUR + 30, "duration": 60,
         "channel": "battery_voltage", "magnitude": 0.5},
        {"satellite": 9, "kind": "drift", "start": 3 * HOUR, "duration": 4 * HOUR,
         "channel": "thermal.temperature", "magnitude": 5.0},
        {"satellite": 10, "kind": "noise_burst", "start": 3 * HOUR, "duration": 1800,
         "channel": "aocs.roll_rate", "magnitude": 0.5},
    ]  # fmt: skip
    return [ScheduledFault.from_dict(entry) for entry in entries]


@pytest.fixture(scope="module")
def scheduled() -> tuple[Recording, Recording]:
    twin = record(config(satellites=10, seed=4), DAY_TICKS)
    link = twin.channel("comm.link_up")[:, 5].astype(bool)
    after = int(2 * HOUR / 60)
    first_pass = after + int(np.flatnonzero(link[after:] & np.roll(link, -5)[after:])[0])
    pass_start = (START + timedelta(minutes=first_pass)).isoformat()
    run = record(config(satellites=10, seed=4, fault_schedule=_schedule(pass_start)), DAY_TICKS)
    return run, twin


def test_every_scheduled_fault_is_labelled_as_scheduled(scheduled):
    run, _ = scheduled
    faults = run.config.fault_schedule
    assert len(run.labels) == len(faults)
    for label, fault in zip(sorted(run.labels, key=satellite_of), faults, strict=True):
        kind = CATALOGUE[fault.kind]
        assert label.satellite_id == fault.satellite
        assert label.kind == fault.kind
        start = START + timedelta(seconds=fault.start_offset_s(START))
        assert (label.start, label.end) == (start, start + timedelta(seconds=fault.duration_s))
        if kind.sensor:
            assert label.channels == (fault.channel,)
            assert label.subsystem == str(fault.channel).split(".")[0]
        else:
            assert label.channels == kind.channels
            assert label.subsystem == kind.subsystem
        document = label.to_dict()
        assert document["start"].endswith("Z") and len(document["start"]) == 24
        assert document["channels"] == list(label.channels)


def test_a_fault_changes_nothing_before_it_starts(scheduled):
    run, twin = scheduled
    for label in run.labels:
        before = slice(0, run.tick_at(label.start))
        for path in PATHS:
            diff = difference(run, twin, path, satellite_of(label))[before]
            assert (diff == 0).all(), (label.kind, path)


def test_a_fault_shows_in_every_labelled_channel_while_it_lasts(scheduled):
    run, twin = scheduled
    for label in run.labels:
        during = window(run, label)
        for path in label.channels:
            diff = difference(run, twin, path, satellite_of(label))[during]
            assert (diff > visible_threshold(path)).any(), (label.kind, path)


def test_a_fault_touches_only_the_channels_it_labels_or_documents(scheduled):
    run, twin = scheduled
    for label in run.labels:
        kind = CATALOGUE[FaultType(label.kind)]
        allowed = set(label.channels) | set(kind.also_affects)
        if kind.type is FaultType.COMM_DROPOUT:
            allowed.add("comm.ground_station")
        during = window(run, label)
        for path in set(PATHS) - allowed:
            diff = difference(run, twin, path, satellite_of(label))[during]
            assert (diff == 0).all(), (label.kind, path)


def test_labelled_channels_return_to_fault_free_values_after_the_fault(scheduled):
    run, twin = scheduled
    for label in run.labels:
        kind = CATALOGUE[FaultType(label.kind)]
        settled = run.tick_at(label.end + timedelta(seconds=kind.settle_s))
        assert settled < DAY_TICKS - 60, label.kind
        for path in label.channels:
            diff = difference(run, twin, path, satellite_of(label))[settled:]
            tolerance = 0.0 if kind.sensor or kind.settle_s == 0 else 0.1
            assert (diff <= tolerance).all(), (label.kind, path, diff.max())


def _label(run: Recording, kind: str) -> tuple[FaultLabel, int, slice]:
    label = next(label for label in run.labels if label.kind == kind)
    return label, satellite_of(label), window(run, label)


def test_a_failed_solar_array_string_cuts_power_and_so_the_charge(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "solar_array_partial_failure")
    solar, nominal = (
        run.channel("eps.solar_power")[during, s],
        twin.channel("eps.solar_power")[during, s],
    )
    np.testing.assert_allclose(solar, 0.5 * nominal, atol=0.01)
    soc = run.channel("eps.battery_soc_percent")[:, s]
    nominal_soc = twin.channel("eps.battery_soc_percent")[:, s]
    assert (soc <= nominal_soc + 1e-9).all()
    assert (soc[during] < nominal_soc[during] - 1.0).any()


def test_a_capacity_fade_caps_and_deepens_the_charge_cycle(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "battery_capacity_fade")
    soc = run.channel("eps.battery_soc_percent")[during, s]
    assert soc.max() <= 60.0 + 1e-9  # 40 % of the strings are out
    assert np.ptp(soc) > np.ptp(twin.channel("eps.battery_soc_percent")[during, s])


def test_a_heater_stuck_on_loads_the_bus_and_warms_the_battery(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "heater_stuck_on")
    extra = run.channel("eps.power_consumption")[during, s] - twin.channel(
        "eps.power_consumption")[during, s]  # fmt: skip
    heater = run.config.thermal.heater_w
    assert np.isclose(extra, 0.0, atol=0.02).sum() + np.isclose(
        extra, heater, atol=0.02
    ).sum() == len(extra)
    assert np.isclose(extra, heater, atol=0.02).mean() > 0.3
    warmer = (
        run.channel("thermal.battery_temp")[during, s]
        - twin.channel("thermal.battery_temp")[during, s]
    )
    assert warmer[-1] > 5.0


def test_a_thermal_runaway_overheats_the_computer_past_its_limit(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "thermal_runaway")
    assert run.channel("thermal.obc_temp")[during, s].max() > 50.0
    extra = run.channel("eps.power_consumption")[during, s] - twin.channel(
        "eps.power_consumption")[during, s]  # fmt: skip
    assert (extra >= 25.0 - 0.02).all()
    assert extra[-1] > extra[0]  # the latched-up part draws more as it heats


def test_a_tumble_spins_the_body_and_scrambles_the_sun_on_the_panels(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "attitude_tumble")
    rates = np.stack([run.channel(f"aocs.{a}_rate")[during, s] for a in ("roll", "pitch", "yaw")])
    np.testing.assert_allclose(np.linalg.norm(rates, axis=0), 5.0, atol=0.2)
    sunlit = ~run.channel("eps.eclipse")[during, s].astype(bool)
    solar_change = np.abs(
        run.channel("eps.solar_power")[during, s] - twin.channel("eps.solar_power")[during, s]
    )
    assert (solar_change[sunlit] > 1.0).mean() > 0.5


def test_a_dropout_takes_the_link_down_during_a_pass(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "comm_dropout")
    assert twin.channel("comm.link_up")[during, s].all()
    assert not run.channel("comm.link_up")[during, s].any()
    assert np.isnan(run.channel("comm.range_km")[during, s]).all()
    assert (run.channel("comm.ground_station")[during, s] == None).all()  # noqa: E711
    floor = run.config.comm.noise_floor_dbm
    assert np.abs(run.channel("comm.rssi_dbm")[during, s] - floor).max() < 2.0
    assert np.abs(run.channel("comm.snr_db")[during, s]).max() < 2.0


def test_sensor_faults_stick_spike_drift_and_burst_as_specified(scheduled):
    run, twin = scheduled
    _, s, during = _label(run, "sensor_stuck_at")
    stuck = run.channel("thermal.obc_temp")[during, s]
    assert (stuck == twin.channel("thermal.obc_temp")[during.start, s]).all()

    _, s, during = _label(run, "spike")
    assert during.stop - during.start == 1
    jump = run.channel("eps.battery_voltage")[:, s] - twin.channel("eps.battery_voltage")[:, s]
    assert jump[during] == pytest.approx([0.5])

    _, s, during = _label(run, "drift")
    bias = (
        run.channel("thermal.temperature")[during, s]
        - twin.channel("thermal.temperature")[during, s]
    )
    assert (np.diff(bias) >= -0.011).all()
    assert bias[-1] == pytest.approx(5.0, abs=0.01)
    assert bias[0] < 0.1

    _, s, during = _label(run, "noise_burst")
    noise = run.channel("aocs.roll_rate")[during, s] - twin.channel("aocs.roll_rate")[during, s]
    assert 0.3 < noise.std() < 0.7


# --- faults drawn by rate ---------------------------------------------------------------


@pytest.fixture(scope="module")
def by_rate() -> tuple[Recording, Recording]:
    twin = record(config(satellites=40, seed=9), int(1.5 * DAY_TICKS))
    run = record(config(satellites=40, seed=9, fault_rate_per_day=3.0), int(1.5 * DAY_TICKS))
    return run, twin


def test_faults_drawn_by_rate_come_at_the_rate_from_the_whole_catalogue(by_rate):
    run, _ = by_rate
    expected = 40 * 1.5 * 3.0
    assert 0.6 * expected < len(run.labels) < 1.2 * expected  # same-kind overlaps are skipped
    assert {label.kind for label in run.labels} == {str(kind) for kind in CATALOGUE}
    for label in run.labels:
        kind = CATALOGUE[FaultType(label.kind)]
        if kind.sensor:
            (channel,) = label.channels
            assert channel in kind.targets and label.subsystem == channel.split(".")[0]
        else:
            assert label.channels == kind.channels and label.subsystem == kind.subsystem
        assert label.start >= START and label.end > label.start
        low, high = kind.duration_s  # snapped up to whole one-minute steps
        duration = (label.end - label.start).total_seconds()
        assert low <= duration <= max(high, 60) + 60 and duration % 60 == 0


def test_every_fault_drawn_by_rate_shows_in_its_labelled_channels(by_rate):
    run, twin = by_rate
    for label in run.labels:
        during = window(run, label)
        for path in label.channels:
            diff = difference(run, twin, path, satellite_of(label))[during]
            assert (diff > visible_threshold(path)).any(), (label.kind, path)


def test_before_its_first_fault_and_after_it_settles_a_satellite_is_fault_free(by_rate):
    run, twin = by_rate
    first: dict[str, FaultLabel] = {}
    following: dict[str, FaultLabel] = {}
    for label in sorted(run.labels, key=lambda label: label.start):
        if label.satellite_id not in first:
            first[label.satellite_id] = label
        elif label.satellite_id not in following:
            following[label.satellite_id] = label
    checked_after = 0
    for satellite_id, label in first.items():
        s = satellite_of(label)
        for path in PATHS:
            assert (difference(run, twin, path, s)[: run.tick_at(label.start)] == 0).all()
        kind = CATALOGUE[FaultType(label.kind)]
        settled = run.tick_at(label.end + timedelta(seconds=kind.settle_s))
        next_one = following.get(satellite_id)
        quiet_until = run.tick_at(next_one.start) if next_one else len(run.frames)
        if settled >= quiet_until:
            continue
        checked_after += 1
        for path in label.channels:
            diff = difference(run, twin, path, s)[settled:quiet_until]
            tolerance = 0.0 if kind.sensor or kind.settle_s == 0 else 0.1
            assert (diff <= tolerance).all(), (label.kind, path)
    assert checked_after >= 10


def test_a_run_without_faults_has_no_labels(by_rate):
    _, twin = by_rate
    assert twin.labels == []

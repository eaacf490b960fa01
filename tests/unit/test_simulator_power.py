"""Power and thermal: energy balance, battery electrics, temperatures, the link budget."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from satmon.telemetry.simulator.power import open_circuit_voltage
from tests.unit.test_simulator_support import Recording, config, record

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def day() -> Recording:
    return record(config(satellites=12, seed=5), 2 * 24 * 60)


def test_state_of_charge_follows_the_energy_balance_of_the_frames(day):
    power = day.config.power
    soc = day.channel("eps.battery_soc_percent")
    solar = day.channel("eps.solar_power")
    load = day.channel("eps.power_consumption")
    voltage = day.channel("eps.battery_voltage")
    assert soc.min() >= 0.0 and soc.max() <= 100.0

    # percent of the rated capacity gained over each step, from the reported powers
    per_watt = day.config.step_s / 3600.0 / power.capacity_wh * 100.0
    predicted = (solar[:-1] * power.charge_efficiency - load[:-1]) * per_watt
    change = np.diff(soc, axis=0)
    free = voltage[:-1] < power.max_charge_voltage  # below 4.2 V the charge is not limited
    assert free.mean() > 0.3
    np.testing.assert_allclose(change[free], predicted[free], atol=0.003)
    # at the charge limit the battery takes less than the surplus; the rest is shunted
    assert (change[~free] <= predicted[~free] + 0.003).all()
    assert (predicted[~free] > change[~free] + 0.01).any()


def test_current_carries_the_net_power_positive_while_charging(day):
    power = day.config.power
    current = day.channel("eps.battery_current")
    voltage = day.channel("eps.battery_voltage")
    net = day.channel("eps.solar_power") * power.charge_efficiency - day.channel(
        "eps.power_consumption"
    )
    free = voltage < power.max_charge_voltage
    np.testing.assert_allclose((current * voltage)[free], net[free], atol=0.04)
    eclipse = day.channel("eps.eclipse").astype(bool)
    assert (current[eclipse] < 0).all()
    assert (current[~eclipse & free] > 0).mean() > 0.9


def test_voltage_rises_with_state_of_charge_within_the_cell_window(day):
    soc = np.linspace(0.0, 100.0, 1001)
    ocv = open_circuit_voltage(soc)
    assert (np.diff(ocv) > 0).all()
    assert ocv[0] == pytest.approx(3.0) and ocv[-1] == pytest.approx(4.2)

    voltage = day.channel("eps.battery_voltage")
    assert voltage.min() >= 3.0 and voltage.max() <= 4.2
    resistance = day.config.power.internal_resistance_ohm
    resting = voltage - day.channel("eps.battery_current") * resistance
    expected = open_circuit_voltage(day.channel("eps.battery_soc_percent"))
    np.testing.assert_allclose(resting, expected, atol=0.003)


def test_the_energy_balance_keeps_the_battery_healthy(day):
    soc = day.channel("eps.battery_soc_percent")
    assert soc.min() > 40.0  # above the yellow limit
    assert (soc.max(axis=0) > 99.0).all()  # the arrays recharge it every orbit
    orbit_ticks = 93
    # after each eclipse the battery is back where it was an orbit earlier, or fuller
    assert (soc[-1] >= soc[-1 - orbit_ticks] - 1.0).all()


def test_solar_power_is_zero_in_eclipse_and_within_the_array_rating(day):
    solar = day.channel("eps.solar_power")
    eclipse = day.channel("eps.eclipse").astype(bool)
    assert (solar[eclipse] == 0.0).all()
    assert (solar[~eclipse] > 0.0).mean() > 0.99
    assert solar.max() <= day.config.power.array_rating_w


def test_loads_add_up_from_their_causes(day):
    power = day.config.power
    load = day.channel("eps.power_consumption")
    link = day.channel("comm.link_up").astype(bool)
    captured = day.channel("payload.image_captured").astype(bool)
    assert load.min() >= power.base_load_w - 5 * power.load_noise_w
    assert load[link].mean() > load[~link].mean() + 0.8 * power.transmitter_w
    assert load[captured].mean() > load[~captured].mean() + 2.0
    assert load.max() <= 60.0  # the yellow limit of the bus load


def test_temperatures_stay_within_limits_and_follow_the_sun(day):
    for path in ("thermal.obc_temp", "thermal.battery_temp", "thermal.panel_temp",
                 "thermal.temperature"):  # fmt: skip
        values = day.channel(path)
        assert values.min() >= -50.0 and values.max() <= 50.0, path
    panel = day.channel("thermal.panel_temp")
    eclipse = day.channel("eps.eclipse").astype(bool)
    assert panel[eclipse].mean() < panel[~eclipse].mean() - 20.0
    assert panel.max() - panel.min() > 50.0  # the panel swings widest
    structure = day.channel("thermal.temperature")
    assert np.ptp(structure, axis=0).mean() < np.ptp(panel, axis=0).mean() / 2
    battery = day.channel("thermal.battery_temp")
    assert battery.min() > day.config.thermal.heater_on_below_c - 2.0  # the heater keeps it warm


def test_body_rates_are_small_noise_around_zero(day):
    for axis in ("roll", "pitch", "yaw"):
        rate = day.channel(f"aocs.{axis}_rate")
        assert abs(rate.mean()) < 0.005
        assert 0.01 < rate.std() < 0.05
        assert np.abs(rate).max() < 0.5


def test_the_link_is_up_only_with_a_station_above_the_mask(day):
    link = day.channel("comm.link_up").astype(bool)
    slant = day.channel("comm.range_km")
    station = day.channel("comm.ground_station")
    assert link.any() and (~link).any()
    assert np.isnan(slant[~link]).all() and (station[~link] == None).all()  # noqa: E711
    assert not np.isnan(slant[link]).any() and (station[link] != None).all()  # noqa: E711

    names = {s.name: s for s in day.config.comm.stations}
    latitude = np.radians(day.channel("aocs.latitude"))
    longitude = np.radians(day.channel("aocs.longitude"))
    radius = 6371.0 + day.channel("aocs.altitude_km")
    for t, s in zip(*np.nonzero(link), strict=True):
        ground = names[station[t, s]]
        sat = radius[t, s] * _unit(latitude[t, s], longitude[t, s])
        up = _unit(math.radians(ground.latitude_deg), math.radians(ground.longitude_deg))
        line = sat - 6371.0 * up
        assert np.linalg.norm(line) == pytest.approx(slant[t, s], abs=0.1)
        elevation = math.degrees(math.asin(line @ up / np.linalg.norm(line)))
        assert elevation >= 5.0 - 0.01


def test_signal_strength_follows_free_space_loss_and_drops_to_the_floor_without_link(day):
    link = day.channel("comm.link_up").astype(bool)
    rssi = day.channel("comm.rssi_dbm")
    snr = day.channel("comm.snr_db")
    floor = day.config.comm.noise_floor_dbm
    assert np.abs(rssi[~link] - floor).max() < 2.0
    assert np.abs(snr[~link]).max() < 2.0
    path_loss = 20 * np.log10(day.channel("comm.range_km")[link])
    # received power plus path loss is the fixed part of the link budget, give or take fading
    assert np.std(rssi[link] + path_loss) < 1.0
    assert (snr[link] > 5.0).all()
    assert rssi.max() <= -60.0 and rssi.min() >= -125.0


def _unit(latitude: float, longitude: float) -> npt.NDArray[Any]:
    return np.array(
        (math.cos(latitude) * math.cos(longitude), math.cos(latitude) * math.sin(longitude),
         math.sin(latitude))
    )  # fmt: skip

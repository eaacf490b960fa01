"""Orbits, the sun and Earth's shadow, checked against closed-form physics."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from satmon.telemetry.simulator import Simulator
from satmon.telemetry.simulator.orbit import OrbitParams, nodal_precession_rate
from satmon.telemetry.simulator.sun import analytic_eclipse_fraction, julian_date, sun_position
from tests.unit.test_simulator_support import config, record

pytestmark = pytest.mark.unit

MU = 398_600.4418
R_EARTH = 6371.0


def test_altitude_and_speed_stay_in_range_and_match_the_circular_orbit():
    run = record(config(satellites=12), 24 * 60)
    altitude = run.channel("aocs.altitude_km")
    speed = run.channel("aocs.velocity_kms")
    assert altitude.min() >= 400.0 and altitude.max() <= 450.0
    assert speed.min() >= 7.6 and speed.max() <= 7.8
    expected = np.sqrt(MU / (R_EARTH + altitude))
    np.testing.assert_allclose(speed, expected, atol=1.5e-4)


def test_latitude_never_exceeds_the_inclination_and_reaches_it():
    run = record(config(satellites=8), 24 * 60)
    latitude = np.abs(run.channel("aocs.latitude"))
    assert latitude.max() <= 51.6
    assert (latitude.max(axis=0) > 51.0).all()
    longitude = run.channel("aocs.longitude")
    assert longitude.min() >= -180.0 and longitude.max() <= 180.0


def test_the_period_seen_in_the_ground_track_is_the_keplerian_period():
    run = record(config(satellites=4, step_s=10.0), 6 * 360)
    latitude = run.channel("aocs.latitude")
    altitude = run.channel("aocs.altitude_km")
    for s in range(4):
        lat = latitude[:, s]
        rising = np.flatnonzero((lat[:-1] < 0) & (lat[1:] >= 0))
        # interpolate the ascending node crossings between ticks
        crossings = run.seconds[rising] - lat[rising] / (lat[rising + 1] - lat[rising]) * 10.0
        period = np.diff(crossings).mean()
        radius = R_EARTH + altitude[:, s].mean()
        assert period == pytest.approx(2 * math.pi * math.sqrt(radius**3 / MU), rel=2e-3)


def test_j2_regresses_the_node_about_five_degrees_a_day_at_the_station_altitude():
    rate = nodal_precession_rate(np.array([R_EARTH + 420.0]), np.radians(np.array([51.6])))
    assert math.degrees(rate[0]) * 86400 == pytest.approx(-5.0, abs=0.15)


@pytest.mark.parametrize(
    ("moment", "declination"),
    [
        (datetime(2026, 6, 21, 8, 24, tzinfo=UTC), 23.44),
        (datetime(2026, 12, 21, 20, 50, tzinfo=UTC), -23.44),
        (datetime(2026, 3, 20, 14, 46, tzinfo=UTC), 0.0),
    ],
)
def test_the_sun_stands_at_the_solstices_and_equinoxes(moment, declination):
    sun = sun_position(np.array([julian_date(moment)]))
    assert np.linalg.norm(sun.direction_eci[0]) == pytest.approx(1.0)
    assert math.degrees(math.asin(sun.direction_eci[0, 2])) == pytest.approx(declination, abs=0.05)


def _analytic_fraction(altitude_km: float, beta: npt.NDArray[Any]) -> npt.NDArray[Any]:
    radius = R_EARTH + altitude_km
    limit = math.asin(R_EARTH / radius)
    root = math.sqrt(altitude_km**2 + 2 * R_EARTH * altitude_km)
    inside = np.abs(beta) < limit
    fraction = np.zeros_like(beta)
    fraction[inside] = np.arccos(root / (radius * np.cos(beta[inside]))) / math.pi
    return fraction


def test_the_eclipse_fraction_over_a_day_matches_the_beta_angle_formula():
    settings = config(satellites=24, step_s=20.0)
    orbits = Simulator(settings).orbits  # the elements at the start, before any tick
    run = record(settings, 24 * 180)
    eclipse = run.channel("eps.eclipse")

    # the node regresses under J2; beta follows the node and the sun through the day
    inclination = orbits.inclination_rad
    radius = R_EARTH + orbits.altitude_km
    n = np.sqrt(MU / radius**3)
    node_rate = -1.5 * n * 1.08262668e-3 * (6378.137 / radius) ** 2 * np.cos(inclination)
    raan = orbits.raan_rad + node_rate * run.seconds[:, None]
    jd = julian_date(settings.start) + run.seconds / 86400
    sun = sun_position(jd).direction_eci
    normal = np.stack(
        (np.sin(inclination) * np.sin(raan), -np.sin(inclination) * np.cos(raan),
         np.broadcast_to(np.cos(inclination), raan.shape)),
        axis=-1,
    )  # fmt: skip
    beta = np.arcsin(np.einsum("tsk,tk->ts", normal, sun))

    fractions = []
    for s in range(settings.satellites):
        # whole orbits of the day: a leftover part orbit would weigh its eclipse unfairly
        period = 2 * math.pi / n[s]
        ticks = int((len(run.frames) * settings.step_s // period) * period / settings.step_s)
        simulated = eclipse[:ticks, s].mean()
        expected = _analytic_fraction(float(orbits.altitude_km[s]), beta[:ticks, s]).mean()
        assert simulated == pytest.approx(expected, abs=0.005)
        fractions.append(simulated)
    # 400-450 km: at most about 39 % in shadow; at |beta| < 30 deg at least a third
    assert max(fractions) <= 0.392
    low_beta = np.abs(beta).max(axis=0) < math.radians(30)
    assert low_beta.any()
    assert (np.array(fractions)[low_beta] > 0.35).all()


def test_the_analytic_fraction_is_largest_at_zero_beta_and_vanishes_past_the_limit():
    altitude = np.full(4, 420.0)
    beta = np.radians([0.0, 40.0, 69.0, 71.0])
    fraction = analytic_eclipse_fraction(altitude, beta)
    assert fraction[0] == pytest.approx(0.3875, abs=1e-3)
    assert fraction[0] > fraction[1] > fraction[2] > 0.0
    assert fraction[3] == 0.0
    np.testing.assert_allclose(fraction, _analytic_fraction(420.0, beta))


def test_altitude_is_held_near_its_assignment_by_reboosts_against_drag():
    run = record(config(satellites=10), 3 * 24 * 60)
    altitude = run.channel("aocs.altitude_km")
    firing = run.channel("aocs.thruster_active").astype(bool)
    assert np.abs(altitude[-1] - altitude[0]).max() < 0.5
    burns_per_day = firing.sum(axis=0) / 3.0
    assert 0.3 <= burns_per_day.mean() <= 6.0
    climb = np.diff(altitude, axis=0)
    assert (climb[firing[:-1]] > 0).mean() > 0.9  # a firing reboosts
    assert (climb[~firing[:-1]] <= 0).all()  # otherwise drag only lowers the orbit
    assert OrbitParams().altitude_km[0] >= 400.0

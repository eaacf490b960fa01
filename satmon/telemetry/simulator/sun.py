"""The sun seen from Earth, and Earth's shadow.

The ephemeris is the Astronomical Almanac's low-precision formula (about 0.01 deg
until 2050). The shadow is a cylinder of Earth's radius: the penumbra of a LEO
satellite lasts seconds, and the cylinder is the model the analytic eclipse
fraction assumes, so the two can be compared exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray
from satmon.telemetry.simulator.orbit import EARTH_RADIUS_KM, J2000_JD, SECONDS_PER_DAY

UNIX_EPOCH_JD = 2_440_587.5


def julian_date(moment: datetime) -> float:
    return UNIX_EPOCH_JD + moment.timestamp() / SECONDS_PER_DAY


@dataclass(frozen=True, slots=True)
class SunPosition:
    direction_eci: FloatArray
    """Unit vectors from Earth to the sun in the equatorial inertial frame, shape (K, 3)."""
    distance_au: FloatArray


def sun_position(jd: FloatArray) -> SunPosition:
    days = jd - J2000_JD
    mean_longitude = 280.460 + 0.9856474 * days
    anomaly = np.radians(np.remainder(357.528 + 0.9856003 * days, 360.0))
    longitude = np.radians(mean_longitude + 1.915 * np.sin(anomaly) + 0.020 * np.sin(2.0 * anomaly))
    obliquity = np.radians(23.439 - 0.0000004 * days)
    direction = np.stack(
        (
            np.cos(longitude),
            np.cos(obliquity) * np.sin(longitude),
            np.sin(obliquity) * np.sin(longitude),
        ),
        axis=-1,
    )
    distance = 1.00014 - 0.01671 * np.cos(anomaly) - 0.00014 * np.cos(2.0 * anomaly)
    return SunPosition(direction, distance)


def in_shadow(sun_radial: FloatArray, radius_km: FloatArray) -> BoolArray:
    """Behind Earth (sun below the local horizon) and within Earth's radius of the axis."""
    off_axis_sq = radius_km**2 * (1.0 - sun_radial**2)
    result: BoolArray = (sun_radial < 0.0) & (off_axis_sq < EARTH_RADIUS_KM**2)
    return result


def beta_angle_rad(
    raan_rad: FloatArray, inclination_rad: FloatArray, sun_eci: FloatArray
) -> FloatArray:
    """Angle between the sun and the orbit plane."""
    sx, sy, sz = sun_eci
    normal_dot_sun = np.sin(inclination_rad) * (
        sx * np.sin(raan_rad) - sy * np.cos(raan_rad)
    ) + sz * np.cos(inclination_rad)
    beta: FloatArray = np.arcsin(np.clip(normal_dot_sun, -1.0, 1.0))
    return beta


def analytic_eclipse_fraction(altitude_km: FloatArray, beta_rad: FloatArray) -> FloatArray:
    """Fraction of a circular orbit spent in the cylindrical shadow."""
    radius = EARTH_RADIUS_KM + altitude_km
    beta_limit = np.arcsin(EARTH_RADIUS_KM / radius)
    height_term = np.sqrt(altitude_km**2 + 2.0 * EARTH_RADIUS_KM * altitude_km)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = height_term / (radius * np.cos(beta_rad))
    fraction = np.arccos(np.clip(ratio, -1.0, 1.0)) / math.pi
    return np.where(np.abs(beta_rad) < beta_limit, fraction, 0.0)

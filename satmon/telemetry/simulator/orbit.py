"""Circular low Earth orbits: propagation, drag decay and the geometry other models read.

Earth is a sphere of the mean radius for altitude, latitude and visibility; the
equatorial radius enters only the J2 precession rate, where it is defined. Every
function works on arrays with one element per satellite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import FloatArray

MU_KM3_S2 = 398_600.4418
EARTH_RADIUS_KM = 6371.0
EARTH_EQUATORIAL_RADIUS_KM = 6378.137
J2 = 1.08262668e-3
SECONDS_PER_DAY = 86_400.0
J2000_JD = 2_451_545.0
TWO_PI = 2.0 * math.pi


@dataclass(frozen=True, slots=True)
class OrbitParams:
    """The fleet's orbits and the drag acting on them."""

    altitude_km: tuple[float, float] = (405.0, 445.0)
    """Assigned altitudes are drawn from this band; station keeping holds each one."""
    inclination_deg: float = 51.6
    drag_decay_m_per_day: float = 90.0
    """Altitude lost per day at 400 km (moderate solar activity)."""
    drag_scale_height_km: float = 58.0
    """Density scale height of the thermosphere near 400 km."""


@dataclass(slots=True)
class Orbits:
    """Mean elements of the fleet's circular orbits."""

    altitude_km: FloatArray
    assigned_altitude_km: FloatArray
    raan_rad: FloatArray
    arg_latitude_rad: FloatArray
    inclination_rad: FloatArray

    @classmethod
    def spread(cls, count: int, rng: np.random.Generator, params: OrbitParams) -> Orbits:
        """Satellites spread evenly in RAAN (with jitter) and at random phases."""
        low, high = params.altitude_km
        altitude = rng.uniform(low, high, count)
        raan = TWO_PI * (np.arange(count) + rng.random(count)) / count
        return cls(
            altitude_km=altitude,
            assigned_altitude_km=altitude.copy(),
            raan_rad=raan,
            arg_latitude_rad=rng.uniform(0.0, TWO_PI, count),
            inclination_rad=np.full(count, math.radians(params.inclination_deg)),
        )

    @property
    def radius_km(self) -> FloatArray:
        return EARTH_RADIUS_KM + self.altitude_km

    def track(self, altitude_change_km: FloatArray, dt_s: float) -> OrbitTrack:
        """Elements at K ticks dt_s apart from now, given the altitude change over each
        step (shape (K, N)); the orbits then stand at the tick after the last."""
        altitude = self.altitude_km + _exclusive_cumsum(altitude_change_km)
        radius = EARTH_RADIUS_KM + altitude
        turn = mean_motion(radius) * dt_s
        precession = nodal_precession_rate(radius, self.inclination_rad) * dt_s
        arg_latitude = self.arg_latitude_rad + _exclusive_cumsum(turn)
        raan = self.raan_rad + _exclusive_cumsum(precession)
        self.altitude_km = altitude[-1] + altitude_change_km[-1]
        self.arg_latitude_rad = np.remainder(arg_latitude[-1] + turn[-1], TWO_PI)
        self.raan_rad = np.remainder(raan[-1] + precession[-1], TWO_PI)
        return OrbitTrack(altitude, raan, arg_latitude)


@dataclass(frozen=True, slots=True)
class OrbitTrack:
    """Elements of each satellite at each tick of a block, shape (K, N)."""

    altitude_km: FloatArray
    raan_rad: FloatArray
    arg_latitude_rad: FloatArray


def _exclusive_cumsum(steps: FloatArray) -> FloatArray:
    """Sum of the steps before each tick (zero at the first)."""
    total = np.cumsum(steps, axis=0)
    total -= steps
    return total


def mean_motion(radius_km: FloatArray) -> FloatArray:
    """Angular rate of a circular orbit, rad/s."""
    rate: FloatArray = np.sqrt(MU_KM3_S2 / radius_km**3)
    return rate


def circular_speed(radius_km: FloatArray) -> FloatArray:
    """Orbital speed of a circular orbit, km/s."""
    speed: FloatArray = np.sqrt(MU_KM3_S2 / radius_km)
    return speed


def nodal_precession_rate(radius_km: FloatArray, inclination_rad: FloatArray) -> FloatArray:
    """J2 regression of the ascending node, rad/s (about -5 deg/day at 420 km, 51.6 deg)."""
    ratio = EARTH_EQUATORIAL_RADIUS_KM / radius_km
    rate: FloatArray = -1.5 * mean_motion(radius_km) * J2 * ratio**2 * np.cos(inclination_rad)
    return rate


def drag_decay_rate(altitude_km: FloatArray, params: OrbitParams) -> FloatArray:
    """Altitude lost to drag, km/s; density falls off exponentially with height."""
    at_400 = params.drag_decay_m_per_day / 1000.0 / SECONDS_PER_DAY
    rate: FloatArray = at_400 * np.exp((400.0 - altitude_km) / params.drag_scale_height_km)
    return rate


def gmst_rad(julian_date: FloatArray) -> FloatArray:
    """Greenwich mean sidereal time (UT1 taken as UTC), radians."""
    degrees = 280.46061837 + 360.98564736629 * (julian_date - J2000_JD)
    angle: FloatArray = np.radians(np.remainder(degrees, 360.0))
    return angle


@dataclass(frozen=True, slots=True)
class OrbitGeometry:
    """Where each satellite is at each tick, and how the sun lies relative to its orbit.

    Arrays have shape (K, N), positions (K, N, 3).
    """

    radius_km: FloatArray
    speed_kms: FloatArray
    latitude_deg: FloatArray
    longitude_deg: FloatArray
    ecef_km: FloatArray
    sun_radial: FloatArray
    """Cosine between the sun and the zenith (the radial unit vector)."""
    sun_along_track: FloatArray
    """Cosine between the sun and the velocity."""
    sun_normal: FloatArray
    """Cosine between the sun and the orbit normal: sin of the beta angle."""


def geometry(
    track: OrbitTrack, inclination_rad: FloatArray, sun_eci: FloatArray, gmst: FloatArray
) -> OrbitGeometry:
    """Positions and sun angles of the fleet over a block.

    sun_eci has shape (K, 3) and gmst (K,). The radial and along-track unit vectors
    of a circular orbit are r = P cos u + Q sin u and v = -P sin u + Q cos u, with
    P towards the ascending node and Q ninety degrees ahead of it in the orbit
    plane; so every sun angle needs only the sun's components along P, Q and the
    orbit normal.
    """
    radius = EARTH_RADIUS_KM + track.altitude_km
    u, raan = track.arg_latitude_rad, track.raan_rad
    cos_u, sin_u = np.cos(u), np.sin(u)
    cos_i, sin_i = np.cos(inclination_rad), np.sin(inclination_rad)
    cos_raan, sin_raan = np.cos(raan), np.sin(raan)
    sx, sy, sz = (sun_eci[:, axis, None] for axis in range(3))

    sun_p = sx * cos_raan + sy * sin_raan
    sun_q = cos_i * (sy * cos_raan - sx * sin_raan) + sz * sin_i
    sun_normal = sin_i * (sx * sin_raan - sy * cos_raan) + sz * cos_i

    # Earth-fixed position: the same rotation with the node's longitude in place of RAAN.
    node_longitude = raan - gmst[:, None]
    cos_node, sin_node = np.cos(node_longitude), np.sin(node_longitude)
    sin_lat = sin_u * sin_i
    x = cos_u * cos_node - sin_u * cos_i * sin_node
    y = cos_u * sin_node + sin_u * cos_i * cos_node
    ecef = np.stack((x, y, sin_lat), axis=-1) * radius[..., None]

    return OrbitGeometry(
        radius_km=radius,
        speed_kms=circular_speed(radius),
        latitude_deg=np.degrees(np.arcsin(sin_lat)),
        longitude_deg=np.degrees(np.arctan2(y, x)),
        ecef_km=ecef,
        sun_radial=sun_p * cos_u + sun_q * sin_u,
        sun_along_track=sun_q * cos_u - sun_p * sin_u,
        sun_normal=sun_normal,
    )

"""Ground contacts and the S-band link budget.

A station is in view above its elevation mask; of several, the highest one is
used. The received signal follows free-space path loss; the noise floor is
kTB of the ground receiver, and the reported RSSI is the total power in band,
so with no signal it reads the noise floor and the SNR about 0 dB.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray
from satmon.telemetry.simulator.orbit import EARTH_RADIUS_KM


@dataclass(frozen=True, slots=True)
class GroundStation:
    name: str
    latitude_deg: float
    longitude_deg: float


# Kiruna and Svalbard are left out: a 51.6 deg orbit never rises above their 5 deg mask.
DEFAULT_STATIONS: tuple[GroundStation, ...] = (
    GroundStation("Daejeon", 36.37, 127.36),
    GroundStation("Wallops", 37.94, -75.46),
    GroundStation("Weilheim", 47.88, 11.08),
    GroundStation("Hartebeesthoek", -25.89, 27.69),
    GroundStation("Santiago", -33.15, -70.67),
    GroundStation("Dongara", -29.05, 115.35),
    GroundStation("South Point", 19.01, -155.66),
)


@dataclass(frozen=True, slots=True)
class CommParams:
    stations: tuple[GroundStation, ...] = DEFAULT_STATIONS
    elevation_mask_deg: float = 5.0
    frequency_mhz: float = 2245.0
    eirp_dbm: float = 33.0
    """2 W into a near-isotropic patch antenna."""
    ground_gain_dbi: float = 36.0
    """A 3.7 m dish at S-band."""
    losses_db: float = 4.0
    """Atmosphere, polarisation and pointing."""
    system_noise_k: float = 250.0
    bandwidth_hz: float = 2.0e6
    fading_db: float = 0.5
    measurement_noise_db: float = 0.3

    @property
    def noise_floor_dbm(self) -> float:
        return (
            -174.0
            + 10.0 * math.log10(self.bandwidth_hz)
            + 10.0 * math.log10(self.system_noise_k / 290.0)
        )


@dataclass(frozen=True, slots=True)
class StationNetwork:
    names: tuple[str, ...]
    up: FloatArray
    """Unit zenith vector of each station in Earth-fixed axes, shape (S, 3)."""
    sin_mask: float

    @classmethod
    def of(cls, params: CommParams) -> StationNetwork:
        up = unit_vectors(
            np.array([s.latitude_deg for s in params.stations]),
            np.array([s.longitude_deg for s in params.stations]),
        )
        names = tuple(s.name for s in params.stations)
        return cls(names, up, math.sin(math.radians(params.elevation_mask_deg)))


def unit_vectors(latitude_deg: FloatArray, longitude_deg: FloatArray) -> FloatArray:
    """Earth-fixed unit vectors of points on the sphere, shape (..., 3)."""
    lat, lon = np.radians(latitude_deg), np.radians(longitude_deg)
    return np.stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)), axis=-1)


@dataclass(frozen=True, slots=True)
class Contacts:
    in_view: BoolArray
    station: IntArray
    """Index of the station in contact, -1 when none is in view."""
    range_km: FloatArray
    """Slant range to that station (meaningless when none is in view)."""


def station_sightings(
    ecef_km: FloatArray, network: StationNetwork
) -> tuple[FloatArray, FloatArray]:
    """Sine of each station's elevation of each satellite and the slant range to it,
    both (..., S), of positions with shape (..., 3).

    With s the satellite and g = R up the station, s.up - R is the height above
    the station's horizon plane and |s - g|^2 = |s|^2 + R^2 - 2 R s.up.
    """
    height = ecef_km @ network.up.T  # (..., S)
    radius_sq = np.einsum("...j,...j->...", ecef_km, ecef_km)[..., None]
    slant = np.sqrt(radius_sq + EARTH_RADIUS_KM**2 - 2.0 * EARTH_RADIUS_KM * height)
    return (height - EARTH_RADIUS_KM) / slant, slant


def contacts(ecef_km: FloatArray, network: StationNetwork) -> Contacts:
    """The best station in view of each satellite; positions have shape (..., 3)."""
    sin_elevation, slant = station_sightings(ecef_km, network)
    best = np.argmax(sin_elevation, axis=-1)[..., None]
    in_view = np.take_along_axis(sin_elevation, best, axis=-1)[..., 0] >= network.sin_mask
    slant_range = np.take_along_axis(slant, best, axis=-1)[..., 0]
    return Contacts(in_view, np.where(in_view, best[..., 0], -1), slant_range)


@dataclass(frozen=True, slots=True)
class LinkReading:
    link_up: BoolArray
    rssi_dbm: FloatArray
    snr_db: FloatArray


def link_reading(
    view: Contacts,
    link_works: BoolArray,
    fading: FloatArray,
    measurement_noise: FloatArray,
    params: CommParams,
) -> LinkReading:
    free_space_loss = (
        20.0 * np.log10(np.maximum(view.range_km, 1.0))
        + 20.0 * math.log10(params.frequency_mhz)
        + 32.44
    )
    signal = (
        params.eirp_dbm
        + params.ground_gain_dbi
        - params.losses_db
        - free_space_loss
        + params.fading_db * fading
    )
    floor = params.noise_floor_dbm
    link_up = view.in_view & link_works
    in_band = 10.0 * np.log10(10.0 ** (signal / 10.0) + 10.0 ** (floor / 10.0))
    jitter = params.measurement_noise_db * measurement_noise
    rssi = np.where(link_up, in_band, floor) + jitter
    snr = np.where(link_up, signal - floor, 0.0) + jitter
    return LinkReading(link_up, rssi, snr)

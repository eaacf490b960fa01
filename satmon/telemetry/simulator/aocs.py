"""Attitude and orbit control: station-keeping burns, body rates and tumbling.

The spacecraft points its +z face at nadir, +x along the velocity and +y against
the orbit normal. Its controller holds the body rates near zero; what remains is
an Ornstein-Uhlenbeck process per axis (evaluated exactly, so any step is
stable). Thruster firings reboost the orbit and kick the rates through thrust
misalignment; the kick decays once the firing stops.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray
from satmon.telemetry.simulator.orbit import OrbitGeometry, OrbitParams, drag_decay_rate
from satmon.telemetry.simulator.timeline import EpisodeClock, linear_recurrence


@dataclass(frozen=True, slots=True)
class AocsParams:
    rate_noise_deg_s: float = 0.02
    """Standard deviation of the controlled body rates about each axis."""
    rate_correlation_s: float = 30.0
    burn_duration_s: tuple[float, float] = (10.0, 60.0)
    reboost_m_per_burn_s: float = 1.0
    station_keeping_gain_per_km: float = 2.0
    """How much more often burns come per km below the assigned altitude."""
    burn_disturbance_deg_s: tuple[float, float] = (0.05, 0.3)
    disturbance_damping_s: float = 40.0


@dataclass(slots=True)
class AocsState:
    controlled_rates: FloatArray
    """Residual body rates of the attitude controller, shape (N, 3), deg/s."""
    burns: EpisodeClock
    kick: FloatArray
    """Rates induced by the latest firing, shape (N, 3), deg/s."""

    @classmethod
    def initial(cls, count: int, rng: np.random.Generator, params: AocsParams) -> AocsState:
        return cls(
            controlled_rates=rng.normal(0.0, params.rate_noise_deg_s, (count, 3)),
            burns=EpisodeClock.idle(count),
            kick=np.zeros((count, 3)),
        )


@dataclass(frozen=True, slots=True)
class Thrust:
    """Thruster activity over a block, shape (K, N)."""

    firing: BoolArray
    duty: FloatArray
    """Fraction of each step spent firing."""
    altitude_change_km: FloatArray
    """Reboost minus drag over each step."""
    disturbance: FloatArray
    """Body rates induced by firings, shape (K, N, 3)."""


def burn_rate_per_s(
    altitude_km: FloatArray, assigned_km: FloatArray, orbit: OrbitParams, params: AocsParams
) -> FloatArray:
    """Expected burns per second: on average they replace what drag takes.

    Operators hold each satellite near its assigned altitude, so burns come more
    often below it and less often above it; a fixed rate would let drag win.
    """
    mean_burn_s = sum(params.burn_duration_s) / 2.0
    reboost_per_burn_km = params.reboost_m_per_burn_s * mean_burn_s / 1000.0
    balance = drag_decay_rate(altitude_km, orbit) / reboost_per_burn_km
    correction = 1.0 + params.station_keeping_gain_per_km * (assigned_km - altitude_km)
    return balance * np.clip(correction, 0.25, 4.0)


def fire_thrusters(
    state: AocsState,
    t_s: FloatArray,
    dt_s: float,
    altitude_km: FloatArray,
    assigned_km: FloatArray,
    uniforms: FloatArray,
    normals: FloatArray,
    orbit: OrbitParams,
    params: AocsParams,
) -> Thrust:
    """Burns over a block: Poisson starts, one burn at a time per satellite.

    uniforms and normals have shape (K, 3, N). Drag and the burn rate are taken at
    the block's first tick: the altitude moves by metres within a block.
    """
    rate = burn_rate_per_s(altitude_km, assigned_km, orbit, params)
    starts = uniforms[:, 0] < -np.expm1(-rate * dt_s)
    low, high = params.burn_duration_s
    burns = state.burns.schedule(t_s, starts, low + (high - low) * uniforms[:, 1])

    kick_at = np.broadcast_to(state.kick, (*starts.shape, 3)).copy()
    if burns.ticks.size:
        k, s = burns.ticks, burns.satellites
        direction = normals[k, :, s]
        low, high = params.burn_disturbance_deg_s
        magnitude = low + (high - low) * uniforms[k, 2, s]
        kicks = direction / np.linalg.norm(direction, axis=1)[:, None] * magnitude[:, None]
        for tick, satellite, kick in zip(k.tolist(), s.tolist(), kicks, strict=True):
            kick_at[tick:, satellite] = kick
        state.kick[s] = kicks

    since_end = np.maximum(t_s[:, None] - burns.end_s, 0.0)
    disturbance = kick_at * np.exp(-since_end / params.disturbance_damping_s)[..., None]
    burn_s = burns.overlap_s(t_s, dt_s)
    drag_km = drag_decay_rate(altitude_km, orbit) * dt_s
    return Thrust(
        firing=burns.active(t_s),
        duty=burn_s / dt_s,
        altitude_change_km=burn_s * (params.reboost_m_per_burn_s / 1000.0) - drag_km,
        disturbance=disturbance,
    )


def controlled_rates(
    state: AocsState, dt_s: float, normals: FloatArray, params: AocsParams
) -> FloatArray:
    """The controller's residual rates at each tick, shape (K, N, 3); normals (K, N, 3)."""
    keep = math.exp(-dt_s / params.rate_correlation_s)
    innovation = params.rate_noise_deg_s * math.sqrt(1.0 - keep * keep)
    rates, state.controlled_rates = linear_recurrence(
        state.controlled_rates, innovation * normals, keep
    )
    return rates


@dataclass(frozen=True, slots=True)
class Tumble:
    """(tick, satellite) cells whose attitude control has lost the nadir attitude."""

    ticks: IntArray
    satellites: IntArray
    rate_deg_s: FloatArray
    axis: FloatArray
    """Unit rotation axis in body axes, shape (M, 3)."""
    since_s: FloatArray

    @classmethod
    def none(cls) -> Tumble:
        empty = np.zeros(0, dtype=np.int64)
        return cls(empty, empty, np.zeros(0), np.zeros((0, 3)), np.zeros(0))


def sun_in_body(geo: OrbitGeometry, tumble: Tumble, t_s: FloatArray) -> FloatArray:
    """Sun direction in body axes, shape (3, K, N).

    A tumbling body has turned by rate x time about its axis, so the sun's body
    components are the nadir-pointing ones rotated the opposite way (Rodrigues).
    """
    sun = np.stack((geo.sun_along_track, -geo.sun_normal, -geo.sun_radial))
    if not tumble.ticks.size:
        return sun
    cells = (tumble.ticks, tumble.satellites)
    angle = np.radians(tumble.rate_deg_s * (t_s[tumble.ticks] - tumble.since_s))
    vector = sun[:, cells[0], cells[1]].T
    axis = tumble.axis
    cos_a, sin_a = np.cos(angle)[:, None], np.sin(angle)[:, None]
    along_axis = np.sum(axis * vector, axis=1)[:, None]
    rotated = vector * cos_a - np.cross(axis, vector) * sin_a + axis * along_axis * (1.0 - cos_a)
    sun[:, cells[0], cells[1]] = rotated.T
    return sun

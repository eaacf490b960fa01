"""Thermal: four nodes relaxing towards equilibria that follow the sun and the loads.

Each node obeys dT/dt = (T_eq - T) / tau; with T_eq held over a step the exact
solution is T_eq + (T - T_eq) exp(-dt / tau), stable for any step. The panel is
fast and swings widest; the structure follows the absorbed sunlight slowly; the
on-board computer and the battery sit above the structure by their dissipation.
A thermostat with hysteresis runs the battery heater.

Panel and structure depend only on the sun, so a whole block is computed at
once; the computer and the battery feed back on themselves (a latch-up, the
heater) and step tick by tick in `energy`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray
from satmon.telemetry.simulator.timeline import linear_recurrence


@dataclass(frozen=True, slots=True)
class ThermalParams:
    panel_tau_s: float = 480.0
    structure_tau_s: float = 3000.0
    obc_tau_s: float = 900.0
    battery_tau_s: float = 2700.0
    panel_eclipse_c: float = -45.0
    panel_edge_on_c: float = -25.0
    """Panel equilibrium in sunlight with the sun edge-on to the zenith panel."""
    panel_sun_gain_c: float = 70.0
    """Added at normal incidence on the zenith panel."""
    structure_cold_c: float = -10.0
    structure_c_per_w: float = 0.45
    """Structure warming per watt the arrays would deliver (a proxy for absorbed sunlight)."""
    obc_dissipation_w: float = 6.0
    obc_c_per_w: float = 2.0
    battery_offset_c: float = 3.0
    battery_c_per_w: float = 2.5
    heater_w: float = 8.0
    heater_on_below_c: float = 5.0
    heater_off_above_c: float = 10.0
    sensor_noise_c: float = 0.05
    latchup_gain_per_c: float = 0.015
    """A latched-up part draws more as it heats (leakage grows with temperature)."""
    latchup_max_factor: float = 2.0
    initial_c: tuple[float, float, float, float] = (-10.0, 5.0, 17.0, 12.0)
    """Panel, structure, on-board computer and battery at the start."""


@dataclass(slots=True)
class ThermalState:
    panel: FloatArray
    structure: FloatArray
    obc: FloatArray
    battery: FloatArray
    heater_on: BoolArray

    @classmethod
    def initial(cls, count: int, rng: np.random.Generator, params: ThermalParams) -> ThermalState:
        panel, structure, obc, battery = (
            value + rng.normal(0.0, 1.0, count) for value in params.initial_c
        )
        return cls(panel, structure, obc, battery, np.zeros(count, dtype=bool))


def keep_factor(dt_s: float, tau_s: float) -> float:
    """Share of a node's distance from equilibrium left after dt_s."""
    return math.exp(-dt_s / tau_s)


def panel_and_structure(
    state: ThermalState,
    dt_s: float,
    sunlit: BoolArray,
    zenith_incidence: FloatArray,
    array_w: FloatArray,
    params: ThermalParams,
) -> tuple[FloatArray, FloatArray]:
    """Panel and structure temperatures at each tick of a block, shape (K, N)."""
    panel_eq = np.where(
        sunlit,
        params.panel_edge_on_c + params.panel_sun_gain_c * zenith_incidence,
        params.panel_eclipse_c,
    )
    structure_eq = params.structure_cold_c + params.structure_c_per_w * array_w
    panel, state.panel = _relax_series(state.panel, panel_eq, dt_s, params.panel_tau_s)
    structure, state.structure = _relax_series(
        state.structure, structure_eq, dt_s, params.structure_tau_s
    )
    return panel, structure


def _relax_series(
    initial: FloatArray, equilibrium: FloatArray, dt_s: float, tau_s: float
) -> tuple[FloatArray, FloatArray]:
    keep = keep_factor(dt_s, tau_s)
    return linear_recurrence(initial, (1.0 - keep) * equilibrium, keep)


def latchup_power_w(runaway_w: FloatArray, obc_c: FloatArray, params: ThermalParams) -> FloatArray:
    growth = np.clip(
        1.0 + params.latchup_gain_per_c * (obc_c - 20.0), 1.0, params.latchup_max_factor
    )
    return runaway_w * growth


def thermostat(heater_on: BoolArray, battery_c: FloatArray, params: ThermalParams) -> BoolArray:
    """On below the lower set point, off above the upper one, unchanged between."""
    result: BoolArray = (battery_c < params.heater_on_below_c) | (
        heater_on & (battery_c <= params.heater_off_above_c)
    )
    return result

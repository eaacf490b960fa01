"""Power and heat that feed back on each other, stepped tick by tick over a block.

The battery heater follows a thermostat on the battery temperature and loads
the bus; a latched-up part draws more as the computer heats; the battery's
voltage and charge acceptance depend on its state of charge. These are the only
parts of the model that cannot be evaluated for a whole block at once, so each
tick here is a few array operations over the whole fleet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray
from satmon.telemetry.simulator.power import Battery, PowerParams
from satmon.telemetry.simulator.thermal import (
    ThermalParams,
    ThermalState,
    keep_factor,
    latchup_power_w,
    thermostat,
)


@dataclass(frozen=True, slots=True)
class EnergyInputs:
    """What the rest of the model feeds in, shape (K, N)."""

    charge_w: FloatArray
    """Solar power after the charge regulator's efficiency."""
    fixed_load_w: FloatArray
    """Every load but the battery heater and a latched-up part."""
    structure_c: FloatArray
    heater_stuck: BoolArray
    runaway_w: FloatArray
    isolated_fraction: FloatArray


@dataclass(frozen=True, slots=True)
class EnergySeries:
    """The coupled channels at each tick of a block, shape (K, N)."""

    load_w: FloatArray
    soc_percent: FloatArray
    voltage_v: FloatArray
    current_a: FloatArray
    obc_c: FloatArray
    battery_c: FloatArray


def step_energy(
    inputs: EnergyInputs,
    battery: Battery,
    temperatures: ThermalState,
    dt_s: float,
    power: PowerParams,
    heat: ThermalParams,
) -> EnergySeries:
    ticks = inputs.charge_w.shape[0]
    load, soc, voltage, current, obc, battery_c = (np.empty_like(inputs.charge_w) for _ in range(6))
    keep_obc = keep_factor(dt_s, heat.obc_tau_s)
    keep_battery = keep_factor(dt_s, heat.battery_tau_s)
    obc_base_c = heat.obc_c_per_w * heat.obc_dissipation_w
    latching = bool(inputs.runaway_w.any())
    fade_changes = _change_ticks(battery.isolated_fraction, inputs.isolated_fraction)
    heater_on = temperatures.heater_on
    obc_now, battery_now = temperatures.obc, temperatures.battery

    for k in range(ticks):
        heater_w = (heater_on | inputs.heater_stuck[k]) * heat.heater_w
        demand = inputs.fixed_load_w[k] + heater_w
        obc_eq = inputs.structure_c[k] + obc_base_c
        if latching:
            latchup_w = latchup_power_w(inputs.runaway_w[k], obc_now, heat)
            demand = demand + latchup_w
            obc_eq = obc_eq + heat.obc_c_per_w * latchup_w
        demand = np.maximum(demand, 0.0)
        if k in fade_changes:
            battery.isolate(inputs.isolated_fraction[k], power)
        reading = battery.terminal(inputs.charge_w[k] - demand, power)

        load[k] = demand
        soc[k] = battery.soc_percent
        voltage[k] = reading.voltage_v
        current[k] = reading.current_a
        obc[k] = obc_now
        battery_c[k] = battery_now

        battery.charge(reading.accepted_w, dt_s)
        battery_eq = inputs.structure_c[k] + heat.battery_offset_c + heat.battery_c_per_w * heater_w
        obc_now = obc_eq + (obc_now - obc_eq) * keep_obc
        battery_now = battery_eq + (battery_now - battery_eq) * keep_battery
        heater_on = thermostat(heater_on, battery_now, heat)

    temperatures.obc, temperatures.battery, temperatures.heater_on = obc_now, battery_now, heater_on
    return EnergySeries(load, soc, voltage, current, obc, battery_c)


def _change_ticks(current: FloatArray, planned: FloatArray) -> set[int]:
    """Ticks at which the planned isolated share differs from the tick before."""
    previous = np.concatenate((current[None], planned[:-1]))
    return set(np.flatnonzero(np.any(planned != previous, axis=1)).tolist())

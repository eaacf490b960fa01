"""Electrical power: body-mounted solar arrays, the bus load and a Li-ion battery.

Battery power is solar x charge efficiency - load (positive charging). The
battery's terminal voltage is the open-circuit voltage of its state of charge
plus current x internal resistance; the charge regulator caps the voltage at
4.2 V, so charging tapers near full and the excess is shunted.

A cell string can drop out (a capacity fade fault): its energy is isolated,
the remaining strings carry the whole current (higher resistance) and the
reported state of charge, a share of the rated capacity, falls with it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from satmon.telemetry.simulator.arrays import BoolArray, FloatArray


@dataclass(frozen=True, slots=True)
class PowerParams:
    zenith_panel_w: float = 60.0
    ram_panels_w: float = 30.0
    """Each of the +x and -x faces; one of the pair sees the sun."""
    side_panels_w: float = 40.0
    """Each of the +y and -y faces: they see |sin beta| of the sun."""
    array_rating_w: float = 100.0
    charge_efficiency: float = 0.9
    capacity_wh: float = 60.0
    internal_resistance_ohm: float = 0.015
    max_charge_voltage: float = 4.2
    initial_soc_percent: tuple[float, float] = (75.0, 95.0)
    base_load_w: float = 14.0
    transmitter_w: float = 10.0
    thruster_valves_w: float = 6.0
    load_noise_w: float = 0.3


def array_output_w(
    sun_body: FloatArray, sunlit: BoolArray, flux: FloatArray, params: PowerParams
) -> FloatArray:
    """Output of a healthy array: every lit face by its incidence (no cells on nadir)."""
    along, side, nadir = sun_body
    output = (
        params.zenith_panel_w * np.maximum(-nadir, 0.0)
        + params.ram_panels_w * np.abs(along)
        + params.side_panels_w * np.abs(side)
    )
    return np.where(sunlit, output * flux, 0.0)


def solar_power_w(
    healthy_w: FloatArray, lost_fraction: FloatArray, params: PowerParams
) -> FloatArray:
    return np.minimum(healthy_w * (1.0 - lost_fraction), params.array_rating_w)


def bus_load_w(
    params: PowerParams,
    transmitting: BoolArray,
    payload_w: FloatArray,
    valve_duty: FloatArray,
    noise: FloatArray,
) -> FloatArray:
    """Every load but the battery heater and a latched-up part, averaged over each step."""
    load: FloatArray = (
        params.base_load_w
        + np.where(transmitting, params.transmitter_w, 0.0)
        + payload_w
        + params.thruster_valves_w * valve_duty
        + params.load_noise_w * noise
    )
    return load


# Open-circuit voltage of an NMC cell against its state of charge (strictly increasing).
_OCV_SOC = np.array([0.0, 5.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0])
_OCV_V = np.array([3.00, 3.30, 3.45, 3.58, 3.65, 3.70, 3.75, 3.82, 3.90, 3.98, 4.08, 4.20])


def open_circuit_voltage(cell_soc_percent: FloatArray) -> FloatArray:
    return np.interp(cell_soc_percent, _OCV_SOC, _OCV_V)


@dataclass(frozen=True, slots=True)
class BatteryReading:
    current_a: FloatArray
    voltage_v: FloatArray
    accepted_w: FloatArray
    """Power actually flowing into (positive) or out of the battery."""


@dataclass(slots=True)
class Battery:
    rated_wh: float
    connected_wh: FloatArray
    """Energy in the connected cell strings."""
    isolated_wh: FloatArray
    isolated_fraction: FloatArray
    capacity_wh: FloatArray
    """Capacity of the connected strings."""
    resistance_ohm: FloatArray

    @classmethod
    def initial(cls, count: int, rng: np.random.Generator, params: PowerParams) -> Battery:
        low, high = params.initial_soc_percent
        soc = rng.uniform(low, high, count)
        return cls(
            rated_wh=params.capacity_wh,
            connected_wh=soc / 100.0 * params.capacity_wh,
            isolated_wh=np.zeros(count),
            isolated_fraction=np.zeros(count),
            capacity_wh=np.full(count, params.capacity_wh),
            resistance_ohm=np.full(count, params.internal_resistance_ohm),
        )

    @property
    def soc_percent(self) -> FloatArray:
        """Energy available to the bus as a share of the rated capacity."""
        return self.connected_wh * (100.0 / self.rated_wh)

    def isolate(self, fraction: FloatArray, params: PowerParams) -> None:
        """Set the share of cell strings switched out; reconnected strings equalise.

        The remaining strings share the whole current, so the resistance grows.
        """
        changed = fraction != self.isolated_fraction
        total = self.connected_wh + self.isolated_wh
        isolated = total * fraction
        self.connected_wh = np.where(changed, total - isolated, self.connected_wh)
        self.isolated_wh = np.where(changed, isolated, self.isolated_wh)
        self.isolated_fraction = fraction.copy()
        self.capacity_wh = self.rated_wh * (1.0 - fraction)
        self.resistance_ohm = params.internal_resistance_ohm / (1.0 - fraction)

    def terminal(self, battery_power_w: FloatArray, params: PowerParams) -> BatteryReading:
        """Current and voltage that carry the requested power, within the charge limit."""
        ocv = open_circuit_voltage(self.connected_wh * 100.0 / self.capacity_wh)
        resistance = self.resistance_ohm
        # P = (ocv + I R) I. Past the peak power the cells can give (ocv^2 / 4R) the
        # demand is not met; the root below avoids cancellation for small R P.
        ocv_sq = ocv * ocv
        power = np.maximum(battery_power_w, -ocv_sq / (4.0 * resistance))
        current = 2.0 * power / (ocv + np.sqrt(ocv_sq + 4.0 * resistance * power))
        current = np.minimum(current, (params.max_charge_voltage - ocv) / resistance)
        voltage: FloatArray = ocv + current * resistance
        accepted: FloatArray = current * voltage
        return BatteryReading(current, voltage, accepted)

    def charge(self, accepted_w: FloatArray, dt_s: float) -> None:
        stored = self.connected_wh + accepted_w * (dt_s / 3600.0)
        self.connected_wh = np.minimum(np.maximum(stored, 0.0), self.capacity_wh)

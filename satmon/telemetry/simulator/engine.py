"""The simulator: the fleet advanced a block of ticks at a time.

Everything that does not feed back on itself is computed for the whole block
(ticks x satellites) in one go; the power and heat feedback steps tick by tick
over the fleet (see `energy`). Per block:

1. thrusters and drag give the altitude path; the orbits give positions, the sun
   its direction, the shadow the eclipse flags, the stations their contacts;
2. faults start and stop; their physical effects become arrays per cell;
3. attitude, solar power, payload captures, the link; then the energy loop;
4. the measured channels (state plus sensor noise), then sensor faults, then
   clipping to the schema's valid ranges and rounding.

Frames are handed out one tick at a time. The physics draws its random numbers
from its own generator in fixed-shape blocks, so faults never shift them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from satmon.telemetry.codec import format_timestamp
from satmon.telemetry.simulator import aocs, thermal
from satmon.telemetry.simulator.aocs import AocsState
from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray
from satmon.telemetry.simulator.comm import StationNetwork, contacts, link_reading
from satmon.telemetry.simulator.config import SimulatorConfig
from satmon.telemetry.simulator.energy import EnergyInputs, step_energy
from satmon.telemetry.simulator.faults import FaultLabel
from satmon.telemetry.simulator.frames import (
    FLAG_CHANNELS,
    FLOAT_CHANNELS,
    ROW,
    FrameBlock,
    FrameEncoder,
    finish,
)
from satmon.telemetry.simulator.injection import FaultInjector
from satmon.telemetry.simulator.orbit import SECONDS_PER_DAY, Orbits, geometry, gmst_rad
from satmon.telemetry.simulator.payload import PayloadState, capture
from satmon.telemetry.simulator.power import Battery, array_output_w, bus_load_w, solar_power_w
from satmon.telemetry.simulator.sun import in_shadow, julian_date, sun_position

CELLS_PER_BLOCK = 16_384
MAX_BLOCK_TICKS = 64

# Rows of the per-tick random draws.
_NORMAL_ROWS = 13
_N_BURN, _N_LOAD, _N_FADING, _N_RADIO = slice(0, 3), 3, 4, 5
_N_TEMPS, _N_RATES = slice(6, 10), slice(10, 13)
_UNIFORM_ROWS = 4
_U_BURN, _U_CAPTURE = slice(0, 3), 3


class Simulator:
    """A fleet of simulated satellites; see `SimulatorConfig`.

    Frames are computed a block of ticks ahead and handed out one tick at a time;
    `now`, `ticks` and `labels` describe what has been handed out. `orbits` holds
    the fleet's orbital elements as of the end of the last block computed.
    """

    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        count = config.satellites
        self.satellite_ids = [f"SAT-{i:03d}" for i in range(1, count + 1)]
        initial, physics, faults = (
            np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(3)
        )
        self._rng = physics
        self.orbits = Orbits.spread(count, initial, config.orbit)
        self._aocs = AocsState.initial(count, initial, config.aocs)
        self._battery = Battery.initial(count, initial, config.power)
        self._thermal = thermal.ThermalState.initial(count, initial, config.thermal)
        self._payload = PayloadState.initial(count, initial, config.payload)
        self._stations = StationNetwork.of(config.comm)
        self._faults = FaultInjector(
            self.satellite_ids,
            config.start,
            config.step_s,
            config.fault_rate_per_day,
            config.fault_schedule,
            faults,
            ROW,
        )
        self._encoder = FrameEncoder(self.satellite_ids, self._stations.names)
        self._start_jd = julian_date(config.start)
        self._step_us = round(config.step_s * 1e6)
        self._block_ticks = max(1, min(MAX_BLOCK_TICKS, CELLS_PER_BLOCK // count))
        self._simulated_ticks = 0
        self._emitted_ticks = 0
        self._block: FrameBlock | None = None
        self._pairs: list[list[tuple[bytes, bytes]]] | None = None
        self._documents: list[list[dict[str, Any]]] | None = None

    @property
    def now(self) -> datetime:
        """Time of the next tick's frames."""
        return self._time_of(self._emitted_ticks)

    @property
    def ticks(self) -> int:
        """Ticks handed out so far."""
        return self._emitted_ticks

    @property
    def labels(self) -> list[FaultLabel]:
        """Labels of the faults that started by the last tick handed out."""
        return self._faults.labels_before(self._emitted_ticks)

    @property
    def label_count(self) -> int:
        """len(labels), without copying them."""
        return self._faults.count_before(self._emitted_ticks)

    def tick(self) -> list[dict[str, Any]]:
        """The next tick's frames as plain data (one dict per satellite)."""
        block = self._next_block()
        if self._documents is None:
            self._documents = self._encoder.documents(block)
        return self._documents[self._hand_out(block)]

    def encoded_tick(self) -> list[tuple[bytes, bytes]]:
        """The next tick's frames as (satellite id, JSON) byte pairs: the fast path."""
        block = self._next_block()
        if self._pairs is None:
            self._pairs = self._encoder.pairs(block)
        return self._pairs[self._hand_out(block)]

    def _hand_out(self, block: FrameBlock) -> int:
        """Index of the next tick within the block, counted as handed out."""
        index = self._emitted_ticks - block.first_seq
        self._emitted_ticks += 1
        return index

    def _time_of(self, tick: int) -> datetime:
        return self.config.start + timedelta(microseconds=tick * self._step_us)

    def _next_block(self) -> FrameBlock:
        """The block holding the next tick to hand out, simulating it if needed."""
        block = self._block
        if block is None or self._emitted_ticks >= block.first_seq + block.shape[0]:
            block = self._block = self._simulate_block()
            self._pairs = self._documents = None
        return block

    def _simulate_block(self) -> FrameBlock:
        first, ticks = self._simulated_ticks, self._block_ticks
        t = (first + np.arange(ticks)) * self.config.step_s
        readings = self._physics(first, t)
        measured = np.empty((len(FLOAT_CHANNELS), ticks, self.config.satellites))
        for path, values in readings.values.items():
            measured[ROW[path]] = values
        self._faults.apply_sensor_faults(measured, first, t)
        self._simulated_ticks += ticks
        return FrameBlock(
            first_seq=first,
            timestamps=[format_timestamp(self._time_of(first + k)) for k in range(ticks)],
            values=finish(measured),
            flags=np.stack([readings.flags[path] for path in FLAG_CHANNELS]),
            images_total=readings.images_total,
            station=readings.station,
        )

    def _physics(self, first: int, t: FloatArray) -> _Readings:
        """Every channel's reading over a block, before sensor faults."""
        cfg = self.config
        dt, count, ticks = cfg.step_s, cfg.satellites, len(t)
        jd = self._start_jd + t / SECONDS_PER_DAY
        normals = self._rng.standard_normal((ticks, _NORMAL_ROWS, count))
        uniforms = self._rng.random((ticks, _UNIFORM_ROWS, count))

        orbits = self.orbits
        thrust = aocs.fire_thrusters(
            self._aocs, t, dt, orbits.altitude_km, orbits.assigned_altitude_km,
            uniforms[:, _U_BURN], normals[:, _N_BURN], cfg.orbit, cfg.aocs,
        )  # fmt: skip
        track = orbits.track(thrust.altitude_change_km, dt)
        sun = sun_position(jd)
        geo = geometry(track, orbits.inclination_rad, sun.direction_eci, gmst_rad(jd))
        sunlit = ~in_shadow(geo.sun_radial, geo.radius_km)
        view = contacts(geo.ecef_km, self._stations)
        effects = self._faults.plan(first, t, view.in_view)

        tumble = effects.tumble
        sun_body = aocs.sun_in_body(geo, tumble, t)
        flux = (1.0 / sun.distance_au**2)[:, None]
        array_w = array_output_w(sun_body, sunlit, flux, cfg.power)
        solar_w = solar_power_w(array_w, effects.solar_loss, cfg.power)
        pointing = np.ones((ticks, count), dtype=bool)
        pointing[tumble.ticks, tumble.satellites] = False
        images = capture(
            self._payload, t, dt, sunlit & pointing, uniforms[:, _U_CAPTURE], cfg.payload
        )
        panel_c, structure_c = thermal.panel_and_structure(
            self._thermal, dt, sunlit, np.maximum(-sun_body[2], 0.0) * flux, array_w, cfg.thermal
        )
        energy = step_energy(
            EnergyInputs(
                charge_w=solar_w * cfg.power.charge_efficiency,
                fixed_load_w=bus_load_w(
                    cfg.power, view.in_view, images.power_w, thrust.duty, normals[:, _N_LOAD]
                ),
                structure_c=structure_c,
                heater_stuck=effects.heater_stuck,
                runaway_w=effects.runaway_w,
                isolated_fraction=effects.isolated_fraction,
            ),
            self._battery, self._thermal, dt, cfg.power, cfg.thermal,
        )  # fmt: skip
        rates = aocs.controlled_rates(
            self._aocs, dt, normals[:, _N_RATES].transpose(0, 2, 1), cfg.aocs
        )
        rates += thrust.disturbance
        rates[tumble.ticks, tumble.satellites] += tumble.axis * tumble.rate_deg_s[:, None]
        link = link_reading(
            view, ~effects.comm_down, normals[:, _N_FADING], normals[:, _N_RADIO], cfg.comm
        )
        sensor_noise = cfg.thermal.sensor_noise_c * normals[:, _N_TEMPS]
        return _Readings(
            values={
                "eps.battery_voltage": energy.voltage_v,
                "eps.battery_soc_percent": energy.soc_percent,
                "eps.battery_current": energy.current_a,
                "eps.solar_power": solar_w,
                "eps.power_consumption": energy.load_w,
                "thermal.obc_temp": energy.obc_c + sensor_noise[:, 0],
                "thermal.battery_temp": energy.battery_c + sensor_noise[:, 1],
                "thermal.panel_temp": panel_c + sensor_noise[:, 2],
                "thermal.temperature": structure_c + sensor_noise[:, 3],
                "aocs.altitude_km": track.altitude_km,
                "aocs.velocity_kms": geo.speed_kms,
                "aocs.latitude": geo.latitude_deg,
                "aocs.longitude": geo.longitude_deg,
                "aocs.roll_rate": rates[..., 0],
                "aocs.pitch_rate": rates[..., 1],
                "aocs.yaw_rate": rates[..., 2],
                "comm.rssi_dbm": link.rssi_dbm,
                "comm.snr_db": link.snr_db,
                "comm.range_km": view.range_km,
            },
            flags={
                "eps.eclipse": ~sunlit,
                "aocs.thruster_active": thrust.firing,
                "comm.link_up": link.link_up,
                "payload.image_captured": images.captured,
            },
            images_total=images.images_total,
            station=np.where(link.link_up, view.station, -1),
        )


@dataclass(frozen=True, slots=True)
class _Readings:
    """A block's readings by channel path, shape (K, N)."""

    values: dict[str, FloatArray]
    flags: dict[str, BoolArray]
    images_total: IntArray
    station: IntArray

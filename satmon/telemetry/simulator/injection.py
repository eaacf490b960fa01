"""Fault injection: from a schedule and a rate to active faults and their effects.

For each block of ticks the injector retires ended faults, starts due ones in
tick order, and hands the models a `PhysicalEffects` with one cell per tick and
satellite. Sensor faults are applied afterwards to the measured channels. Every
fault gets a `FaultLabel` when it starts.

A fault is active for the ticks t with start <= t < end. The injector draws from
its own random generator, so the physics of a run with faults matches a
fault-free run of the same seed wherever no fault is active.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from satmon.telemetry.simulator.aocs import Tumble
from satmon.telemetry.simulator.arrays import BoolArray, FloatArray
from satmon.telemetry.simulator.faults import (
    CATALOGUE,
    SENSOR_SCALES,
    FaultKind,
    FaultLabel,
    FaultScheduleError,
    FaultType,
    ScheduledFault,
)
from satmon.telemetry.simulator.orbit import SECONDS_PER_DAY

_EPSILON_S = 1e-6
_SIGNED = (FaultType.SPIKE, FaultType.DRIFT)


@dataclass(slots=True)
class ActiveFault:
    kind: FaultKind
    satellite: int
    start_s: float
    end_s: float
    magnitude: float
    channel: str | None = None
    axis: tuple[float, float, float] = (0.0, 0.0, 1.0)
    held: float = math.nan
    """The reading a stuck sensor repeats; NaN until it sticks."""


@dataclass(slots=True)
class PhysicalEffects:
    """What the active physical faults do to the models, shape (K, N)."""

    solar_loss: FloatArray
    isolated_fraction: FloatArray
    heater_stuck: BoolArray
    runaway_w: FloatArray
    comm_down: BoolArray
    tumble: Tumble = field(default_factory=Tumble.none)

    @classmethod
    def nominal(cls, shape: tuple[int, int]) -> PhysicalEffects:
        return cls(
            solar_loss=np.zeros(shape),
            isolated_fraction=np.zeros(shape),
            heater_stuck=np.zeros(shape, dtype=bool),
            runaway_w=np.zeros(shape),
            comm_down=np.zeros(shape, dtype=bool),
        )


class FaultInjector:
    def __init__(
        self,
        satellite_ids: Sequence[str],
        start: datetime,
        step_s: float,
        rate_per_day: float,
        schedule: Sequence[ScheduledFault],
        rng: np.random.Generator,
        channel_rows: Mapping[str, int],
    ) -> None:
        self._ids = list(satellite_ids)
        index = {sid: i for i, sid in enumerate(self._ids)}
        for fault in schedule:
            if fault.satellite not in index:
                raise FaultScheduleError(
                    f"satellite: {fault.satellite!r} is not in the fleet "
                    f"({self._ids[0]} to {self._ids[-1]})"
                )
        self._start = start
        self._step_s = step_s
        self._rng = rng
        self._rows = channel_rows
        self._chance = -math.expm1(-rate_per_day * step_s / SECONDS_PER_DAY)
        self._queue = deque(
            sorted(
                ((f.start_offset_s(start), index[f.satellite], f) for f in schedule),
                key=lambda item: item[0],
            )
        )
        self._waiting_for_pass: dict[int, float] = {}
        self._active: list[ActiveFault] = []
        self._labels: list[FaultLabel] = []
        self._label_ticks: list[int] = []

    def labels_before(self, tick: int) -> list[FaultLabel]:
        """Labels of the faults that started before the given tick."""
        return self._labels[: self.count_before(tick)]

    def count_before(self, tick: int) -> int:
        return bisect.bisect_left(self._label_ticks, tick)

    def plan(self, first_tick: int, t_s: FloatArray, in_view: BoolArray) -> PhysicalEffects:
        """Start and stop faults over a block; in_view has shape (K, N)."""
        self._active = [f for f in self._active if self._tick_of(f.end_s) > first_tick]
        hits: dict[int, list[int]] = defaultdict(list)
        if self._chance > 0.0:
            hit_ticks, hit_satellites = np.nonzero(self._rng.random(in_view.shape) < self._chance)
            for k, s in zip(hit_ticks.tolist(), hit_satellites.tolist(), strict=True):
                hits[k].append(s)
        if self._queue or hits or self._waiting_for_pass:
            for k, t in enumerate(t_s.tolist()):
                self._start_scheduled(first_tick + k, t)
                for satellite in hits.get(k, ()):
                    self._draw(first_tick + k, t, satellite)
                if self._waiting_for_pass:
                    self._start_at_pass(first_tick + k, t, in_view[k])
        ticks, count = in_view.shape
        return self._effects(first_tick, t_s, (ticks, count))

    def apply_sensor_faults(self, measured: FloatArray, first_tick: int, t_s: FloatArray) -> None:
        """Alter the measured channels, shape (channels, K, N), in place."""
        for fault in self._active:
            if not fault.kind.sensor:
                continue
            k0, k1 = self._window(fault, first_tick, len(t_s))
            if k0 >= k1:
                continue
            cells = measured[self._rows[str(fault.channel)], k0:k1, fault.satellite]
            match fault.kind.type:
                case FaultType.SPIKE:
                    cells += fault.magnitude
                case FaultType.DRIFT:
                    elapsed = t_s[k0:k1] - fault.start_s + self._step_s
                    duration = fault.end_s - fault.start_s
                    cells += fault.magnitude * np.clip(elapsed / duration, 0.0, 1.0)
                case FaultType.NOISE_BURST:
                    cells += fault.magnitude * self._rng.standard_normal(k1 - k0)
                case _:
                    if math.isnan(fault.held):
                        fault.held = float(cells[0])  # the first tick is in this block
                    cells[:] = fault.held

    # --- starting faults -----------------------------------------------------------------

    def _start_scheduled(self, tick: int, t: float) -> None:
        while self._queue and self._queue[0][0] <= t + _EPSILON_S:
            start_s, satellite, fault = self._queue.popleft()
            end_s = start_s + fault.duration_s
            if end_s <= t + _EPSILON_S:
                continue  # wholly before this run
            kind = CATALOGUE[fault.kind]
            channel = fault.channel
            if kind.sensor and channel is None:
                channel = kind.targets[self._rng.integers(len(kind.targets))]
            magnitude = fault.magnitude
            if magnitude is None:
                magnitude = self._draw_magnitude(kind, channel)
            self._activate(tick, kind, satellite, start_s, end_s, magnitude, channel)

    def _draw(self, tick: int, t: float, satellite: int) -> None:
        kinds = list(CATALOGUE.values())
        kind = kinds[self._rng.integers(len(kinds))]
        channel = kind.targets[self._rng.integers(len(kind.targets))] if kind.sensor else None
        if self._already_has(satellite, kind, channel, t):
            return
        # whole steps, so a label's end is the time of the first frame after the fault
        steps = max(math.ceil(self._rng.uniform(*kind.duration_s) / self._step_s), 1)
        duration = steps * self._step_s
        if kind.type is FaultType.COMM_DROPOUT:
            self._waiting_for_pass[satellite] = duration
            return
        magnitude = self._draw_magnitude(kind, channel)
        self._activate(tick, kind, satellite, t, t + duration, magnitude, channel)

    def _start_at_pass(self, tick: int, t: float, in_view: BoolArray) -> None:
        for satellite in [s for s in self._waiting_for_pass if in_view[s]]:
            duration = self._waiting_for_pass.pop(satellite)
            kind = CATALOGUE[FaultType.COMM_DROPOUT]
            self._activate(tick, kind, satellite, t, t + duration, math.nan, None)

    def _already_has(self, satellite: int, kind: FaultKind, channel: str | None, t: float) -> bool:
        if kind.type is FaultType.COMM_DROPOUT and satellite in self._waiting_for_pass:
            return True
        return any(
            f.satellite == satellite and f.kind is kind and f.channel == channel and f.end_s > t
            for f in self._active
        )

    def _draw_magnitude(self, kind: FaultKind, channel: str | None) -> float:
        if kind.magnitude is None:
            return math.nan
        magnitude = self._rng.uniform(*kind.magnitude)
        if channel is not None:
            magnitude *= SENSOR_SCALES[channel]
        if kind.type in _SIGNED and self._rng.random() < 0.5:
            magnitude = -magnitude
        return magnitude

    def _activate(
        self,
        tick: int,
        kind: FaultKind,
        satellite: int,
        start_s: float,
        end_s: float,
        magnitude: float,
        channel: str | None,
    ) -> None:
        fault = ActiveFault(kind, satellite, start_s, end_s, magnitude, channel)
        if kind.type is FaultType.SENSOR_STUCK_AT:
            fault.held = magnitude  # NaN (the default) holds the reading when it sticks
        elif kind.type is FaultType.ATTITUDE_TUMBLE:
            axis = self._rng.standard_normal(3)
            x, y, z = (axis / np.linalg.norm(axis)).tolist()
            fault.axis = (x, y, z)
        self._active.append(fault)
        self._labels.append(
            FaultLabel(
                satellite_id=self._ids[satellite],
                subsystem=kind.subsystem or str(channel).split(".", 1)[0],
                channels=kind.channels or (str(channel),),
                kind=str(kind.type),
                start=self._start + timedelta(seconds=start_s),
                end=self._start + timedelta(seconds=end_s),
            )
        )
        self._label_ticks.append(tick)

    # --- effects -------------------------------------------------------------------------

    def _tick_of(self, t_s: float) -> int:
        """The first tick at or after t_s."""
        return math.ceil((t_s - _EPSILON_S) / self._step_s)

    def _window(self, fault: ActiveFault, first_tick: int, ticks: int) -> tuple[int, int]:
        """The fault's active ticks within a block, as a slice of it."""
        begin = min(max(self._tick_of(fault.start_s) - first_tick, 0), ticks)
        end = min(max(self._tick_of(fault.end_s) - first_tick, 0), ticks)
        return begin, end

    def _effects(self, first_tick: int, t_s: FloatArray, shape: tuple[int, int]) -> PhysicalEffects:
        effects = PhysicalEffects.nominal(shape)
        tumbling: list[tuple[int, int, ActiveFault]] = []
        for fault in self._active:
            if fault.kind.sensor:
                continue
            k0, k1 = self._window(fault, first_tick, shape[0])
            if k0 >= k1:
                continue
            s = fault.satellite
            match fault.kind.type:
                case FaultType.SOLAR_ARRAY_PARTIAL_FAILURE:
                    cells = effects.solar_loss[k0:k1, s]
                    np.maximum(cells, min(fault.magnitude, 1.0), out=cells)
                case FaultType.BATTERY_CAPACITY_FADE:
                    cells = effects.isolated_fraction[k0:k1, s]
                    np.maximum(cells, min(fault.magnitude, 0.9), out=cells)
                case FaultType.HEATER_STUCK_ON:
                    effects.heater_stuck[k0:k1, s] = True
                case FaultType.THERMAL_RUNAWAY:
                    effects.runaway_w[k0:k1, s] += fault.magnitude
                case FaultType.COMM_DROPOUT:
                    effects.comm_down[k0:k1, s] = True
                case FaultType.ATTITUDE_TUMBLE:
                    tumbling.append((k0, k1, fault))
        if tumbling:
            effects.tumble = _tumble_cells(tumbling)
        return effects


def _tumble_cells(tumbling: list[tuple[int, int, ActiveFault]]) -> Tumble:
    ticks = np.concatenate([np.arange(k0, k1) for k0, k1, _ in tumbling])
    lengths = [k1 - k0 for k0, k1, _ in tumbling]
    faults = [fault for _, _, fault in tumbling]
    return Tumble(
        ticks=ticks.astype(np.int64),
        satellites=np.repeat([f.satellite for f in faults], lengths).astype(np.int64),
        rate_deg_s=np.repeat([f.magnitude for f in faults], lengths),
        axis=np.repeat(np.array([f.axis for f in faults]), lengths, axis=0),
        since_s=np.repeat([f.start_s for f in faults], lengths),
    )

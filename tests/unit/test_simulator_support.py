"""Recording a simulator run as arrays, for the simulator tests (and its own checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from satmon.telemetry.codec import decode_frame
from satmon.telemetry.schema import TelemetryFrame
from satmon.telemetry.simulator import FaultLabel, Simulator, SimulatorConfig

pytestmark = pytest.mark.unit

START = datetime(2026, 3, 10, 6, 0, tzinfo=UTC)


@dataclass
class Recording:
    """Every frame of a run, decoded and validated; channels as (ticks, satellites) arrays."""

    config: SimulatorConfig
    frames: list[list[TelemetryFrame]]
    labels: list[FaultLabel]
    _columns: dict[str, npt.NDArray[Any]] = field(default_factory=dict)

    def channel(self, path: str) -> npt.NDArray[Any]:
        """Values of a channel; null as NaN, booleans as 0/1, strings as objects."""
        if path not in self._columns:
            section, name = path.split(".")
            raw = [[getattr(getattr(f, section), name) for f in tick] for tick in self.frames]
            if path == "comm.ground_station":
                self._columns[path] = np.array(raw, dtype=object)
            else:
                self._columns[path] = np.array(
                    [[np.nan if v is None else float(v) for v in row] for row in raw]
                )
        return self._columns[path]

    @property
    def seconds(self) -> npt.NDArray[Any]:
        """Simulated seconds since the start of each tick."""
        return np.arange(len(self.frames)) * self.config.step_s

    def tick_at(self, moment: datetime) -> int:
        """Index of the first tick at or after a moment."""
        offset = (moment - self.config.start).total_seconds()
        return int(np.ceil(offset / self.config.step_s - 1e-9))


def record(config: SimulatorConfig, ticks: int) -> Recording:
    simulator = Simulator(config)
    frames = []
    for _ in range(ticks):
        pairs = simulator.encoded_tick()
        assert [key for key, _ in pairs] == [sid.encode() for sid in simulator.satellite_ids]
        frames.append([decode_frame(value) for _, value in pairs])
    return Recording(config, frames, simulator.labels)


def config(**overrides: object) -> SimulatorConfig:
    settings: dict[str, object] = {"satellites": 6, "seed": 11, "start": START, "step_s": 60.0}
    settings.update(overrides)
    return SimulatorConfig(**settings)  # type: ignore[arg-type]


def test_a_recording_holds_every_tick_in_time_order():
    run = record(config(satellites=3), 5)
    assert len(run.frames) == 5
    stamps = [tick[0].timestamp for tick in run.frames]
    assert stamps == [START + timedelta(minutes=m) for m in range(5)]
    assert run.channel("aocs.altitude_km").shape == (5, 3)
    assert run.tick_at(START + timedelta(seconds=61)) == 2

"""Configuration of a simulation run: the fleet, time, faults and the physics knobs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime

from satmon.telemetry.simulator.aocs import AocsParams
from satmon.telemetry.simulator.comm import CommParams
from satmon.telemetry.simulator.faults import ScheduledFault
from satmon.telemetry.simulator.orbit import OrbitParams
from satmon.telemetry.simulator.payload import PayloadParams
from satmon.telemetry.simulator.power import PowerParams
from satmon.telemetry.simulator.thermal import ThermalParams


def _now() -> datetime:
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


@dataclass(frozen=True)
class SimulatorConfig:
    """A simulation run. Same config and seed, same frames and labels.

    `start` is the time of the first frame (a naive time is taken as UTC);
    `step_s` the simulated seconds between frames.
    """

    satellites: int = 10
    seed: int = 0
    start: datetime = field(default_factory=_now)
    step_s: float = 1.0
    fault_rate_per_day: float = 0.0
    """Expected faults per satellite per day, of kinds drawn from the catalogue."""
    fault_schedule: list[ScheduledFault] = field(default_factory=list)
    orbit: OrbitParams = field(default_factory=OrbitParams)
    aocs: AocsParams = field(default_factory=AocsParams)
    power: PowerParams = field(default_factory=PowerParams)
    thermal: ThermalParams = field(default_factory=ThermalParams)
    comm: CommParams = field(default_factory=CommParams)
    payload: PayloadParams = field(default_factory=PayloadParams)

    def __post_init__(self) -> None:
        if self.satellites < 1:
            raise ValueError(f"satellites: must be at least 1, got {self.satellites}")
        if not (math.isfinite(self.step_s) and self.step_s > 0):
            raise ValueError(f"step_s: must be a positive number of seconds, got {self.step_s}")
        if not (math.isfinite(self.fault_rate_per_day) and self.fault_rate_per_day >= 0):
            raise ValueError(
                f"fault_rate_per_day: must be zero or more, got {self.fault_rate_per_day}"
            )
        start = self.start if self.start.tzinfo else self.start.replace(tzinfo=UTC)
        object.__setattr__(self, "start", start.astimezone(UTC))

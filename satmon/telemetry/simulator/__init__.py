"""Physics-based telemetry simulator with fault injection and ground-truth labels.

    sim = Simulator(SimulatorConfig(satellites=10, seed=1, start=start, step_s=60))
    pairs = sim.encoded_tick()   # [(b"SAT-001", b'{"satellite_id":...}'), ...]
    sim.labels                   # FaultLabel of every fault injected so far

Modules by responsibility: orbit, sun, aocs, power, thermal, comm, payload (the
physics); faults and injection (the catalogue, schedules, labels); frames (the
layout and the encoders); engine (the tick); sinks and runner (where frames go
and at what pace).
"""

from satmon.telemetry.simulator.config import SimulatorConfig
from satmon.telemetry.simulator.engine import Simulator
from satmon.telemetry.simulator.faults import (
    CATALOGUE,
    FaultLabel,
    FaultScheduleError,
    FaultType,
    ScheduledFault,
    load_schedule,
)

__all__ = [
    "CATALOGUE",
    "FaultLabel",
    "FaultScheduleError",
    "FaultType",
    "ScheduledFault",
    "Simulator",
    "SimulatorConfig",
    "load_schedule",
]

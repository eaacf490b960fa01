"""Trigger rules: which telemetry frames call for an analysis of their satellite.

The seed's rules are a low battery, an on-board computer out of its temperature
range, a thruster firing, and a periodic check of a random share of frames.
Each rule has a cooldown per satellite so that a condition that persists (a
battery below 30 % for an hour) asks for one analysis per cooldown, not one per
frame.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from satmon.telemetry.schema import CHANNELS_BY_PATH, TelemetryFrame


class Rule(Protocol):
    @property
    def name(self) -> str: ...

    def fires(self, frame: TelemetryFrame) -> bool: ...


def _read(frame: TelemetryFrame, path: str) -> float | bool | None:
    section, field_name = path.split(".", 1)
    value: float | bool | None = getattr(getattr(frame, section), field_name)
    return value


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """Fires when a channel is below `below` or above `above`."""

    name: str
    path: str
    below: float | None = None
    above: float | None = None

    def __post_init__(self) -> None:
        if self.path not in CHANNELS_BY_PATH:
            raise ValueError(f"rule {self.name!r}: unknown channel {self.path!r}")
        if self.below is None and self.above is None:
            raise ValueError(f"rule {self.name!r}: needs `below`, `above` or both")

    def fires(self, frame: TelemetryFrame) -> bool:
        value = _read(frame, self.path)
        if value is None:
            return False
        return (self.below is not None and value < self.below) or (
            self.above is not None and value > self.above
        )


@dataclass(frozen=True, slots=True)
class FlagRule:
    """Fires while a boolean channel is true."""

    name: str
    path: str

    def fires(self, frame: TelemetryFrame) -> bool:
        return _read(frame, self.path) is True


@dataclass(slots=True)
class PeriodicRule:
    """Fires for a random share of frames; reproducible under a seed."""

    rate: float
    seed: int | None = None
    name: str = "periodic_check"
    _random: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def fires(self, frame: TelemetryFrame) -> bool:
        return self._random.random() < self.rate


def seed_rules(periodic_rate: float, seed: int | None) -> list[Rule]:
    return [
        ThresholdRule("low_battery", "eps.battery_soc_percent", below=30.0),
        ThresholdRule("obc_temperature", "thermal.obc_temp", below=-30.0, above=50.0),
        FlagRule("thruster_active", "aocs.thruster_active"),
        PeriodicRule(periodic_rate, seed),
    ]


class Cooldown:
    """Remembers when each (satellite, rule) last fired, in frame time."""

    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._last: dict[tuple[str, str], float] = {}

    def allow(self, satellite_id: str, rule: str, at_s: float) -> bool:
        last = self._last.get((satellite_id, rule))
        if last is not None and at_s - last < self._seconds:
            return False
        self._last[(satellite_id, rule)] = at_s
        return True


def firing_rules(frame: TelemetryFrame, rules: Sequence[Rule], cooldown: Cooldown) -> list[str]:
    """Names of the rules this frame fires, after cooldown."""
    at_s = frame.timestamp.timestamp()
    return [
        rule.name
        for rule in rules
        if rule.fires(frame) and cooldown.allow(frame.satellite_id, rule.name, at_s)
    ]

"""Trigger rules: which telemetry frames call for an analysis of their satellite.

The seed's rules are a low battery, an on-board computer out of its temperature
range, a thruster firing, and a periodic check of a random share of frames.
Each rule has a cooldown per satellite so that a condition that persists (a
battery below 30 % for an hour) asks for one analysis per cooldown, not one per
frame.

More threshold and flag rules come from the SATMON_TRIGGER_RULES setting: a JSON
list such as `[{"name": "hot_battery", "path": "thermal.battery_temp", "above":
40}, {"name": "link_lost", "path": "comm.link_up", "equals": false}]`, or the
path of a file holding one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import msgspec

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
        channel = CHANNELS_BY_PATH.get(self.path)
        if channel is None:
            raise ValueError(f"rule {self.name!r}: unknown channel {self.path!r}")
        if channel.kind == "bool":
            raise ValueError(f"rule {self.name!r}: {self.path} is a flag; give `equals`")
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
    """Fires while a boolean channel equals `equals` (true by default)."""

    name: str
    path: str
    equals: bool = True

    def __post_init__(self) -> None:
        channel = CHANNELS_BY_PATH.get(self.path)
        if channel is None:
            raise ValueError(f"rule {self.name!r}: unknown channel {self.path!r}")
        if channel.kind != "bool":
            raise ValueError(f"rule {self.name!r}: {self.path} is not a flag")

    def fires(self, frame: TelemetryFrame) -> bool:
        return _read(frame, self.path) is self.equals


@dataclass(frozen=True, slots=True)
class PeriodicRule:
    """Fires for a share `rate` of frames, chosen by a hash of the seed, the satellite
    and the frame's time: the same frame is chosen every time it is read, so a
    replay after a restart asks for the analyses the first read asked for."""

    rate: float
    seed: int | None = None
    name: str = "periodic_check"

    def fires(self, frame: TelemetryFrame) -> bool:
        key = f"{self.seed or 0}/{frame.satellite_id}/{frame.timestamp_ms}".encode()
        draw = int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big")
        return draw < self.rate * 2**64


def seed_rules(periodic_rate: float, seed: int | None) -> list[Rule]:
    return [
        ThresholdRule("low_battery", "eps.battery_soc_percent", below=30.0),
        ThresholdRule("obc_temperature", "thermal.obc_temp", below=-30.0, above=50.0),
        FlagRule("thruster_active", "aocs.thruster_active"),
        PeriodicRule(periodic_rate, seed),
    ]


class RuleSpec(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """One configured rule: a threshold (`below` and/or `above`) or a flag (`equals`)."""

    name: str
    path: str
    below: float | None = None
    above: float | None = None
    equals: bool | None = None

    def rule(self) -> Rule:
        if self.equals is not None:
            if self.below is not None or self.above is not None:
                raise ValueError(f"rule {self.name!r}: `equals` or thresholds, not both")
            return FlagRule(self.name, self.path, self.equals)
        return ThresholdRule(self.name, self.path, self.below, self.above)


def parse_rules(setting: str) -> list[Rule]:
    """Rules from SATMON_TRIGGER_RULES: a JSON list, or the path of a JSON file."""
    text = setting.strip()
    source = "SATMON_TRIGGER_RULES"
    if not text.startswith("["):
        path = Path(text).expanduser()
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"{source}: cannot read {path}: {exc.strerror}") from exc
        source = str(path)
    try:
        specs = msgspec.json.decode(text, type=list[RuleSpec])
    except msgspec.ValidationError as exc:
        raise ValueError(f"{source}: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise ValueError(f"{source}: not JSON: {exc}") from exc
    return [spec.rule() for spec in specs]


def trigger_rules(periodic_rate: float, seed: int | None, configured: str | None) -> list[Rule]:
    """The seed's rules and the configured ones; every name once (cooldowns go by name)."""
    rules = seed_rules(periodic_rate, seed) + (parse_rules(configured) if configured else [])
    names = [rule.name for rule in rules]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"trigger rules: each name once; repeated: {', '.join(repeated)}")
    return rules


class Cooldown:
    """Remembers when each (satellite, rule) last fired, in frame time."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[tuple[str, str], float] = {}

    def allow(self, satellite_id: str, rule: str, at_s: float) -> bool:
        last = self._last.get((satellite_id, rule))
        if last is not None and at_s - last < self.seconds:
            return False
        self._last[(satellite_id, rule)] = at_s
        return True

    def restore(self, satellite_id: str, rule: str, at_s: float) -> None:
        """Note a firing from before this process (a job already in the results store)."""
        key = (satellite_id, rule)
        self._last[key] = max(at_s, self._last.get(key, at_s))

    def forget(self, satellite_ids: Iterable[str]) -> None:
        gone = set(satellite_ids)
        self._last = {key: at for key, at in self._last.items() if key[0] not in gone}


def firing_rules(frame: TelemetryFrame, rules: Sequence[Rule], cooldown: Cooldown) -> list[str]:
    """Names of the rules this frame fires, after cooldown."""
    at_s = frame.timestamp.timestamp()
    return [
        rule.name
        for rule in rules
        if rule.fires(frame) and cooldown.allow(frame.satellite_id, rule.name, at_s)
    ]

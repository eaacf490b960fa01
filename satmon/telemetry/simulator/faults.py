"""The fault catalogue, ground-truth labels and fault schedules.

Physical faults change the physical model, so their effects propagate as they
would on board; sensor faults change one measured channel after the physics.
A label names the channels on which a fault is visible throughout its window
(`FaultKind.channels`, or the target channel of a sensor fault); effects that
depend on circumstances (a discharging battery, sunlight) are listed in
`FaultKind.also_affects` but not labelled.

Magnitudes: for physical faults in the unit noted per kind; for sensor faults in
the unit of the target channel (a scheduled fault) or drawn as multiples of the
channel's `SENSOR_SCALES` (a fault drawn by rate).

A schedule is a JSON file: a list of faults, an object with a "faults" list, or
one fault object per line. Each fault has `satellite` ("SAT-003" or 3), `kind`,
`start` (RFC 3339 time, or seconds after the simulation start), `duration`
(seconds), and optionally `channel` (e.g. "thermal.obc_temp") and `magnitude`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson

from satmon.telemetry.codec import format_timestamp

HOUR = 3600.0
MINUTE = 60.0


class FaultType(StrEnum):
    BATTERY_CAPACITY_FADE = "battery_capacity_fade"
    SOLAR_ARRAY_PARTIAL_FAILURE = "solar_array_partial_failure"
    HEATER_STUCK_ON = "heater_stuck_on"
    THERMAL_RUNAWAY = "thermal_runaway"
    ATTITUDE_TUMBLE = "attitude_tumble"
    COMM_DROPOUT = "comm_dropout"
    SENSOR_STUCK_AT = "sensor_stuck_at"
    SPIKE = "spike"
    DRIFT = "drift"
    NOISE_BURST = "noise_burst"


SENSOR_SCALES: dict[str, float] = {
    "eps.battery_voltage": 0.2,
    "eps.battery_soc_percent": 10.0,
    "eps.battery_current": 2.0,
    "eps.solar_power": 15.0,
    "eps.power_consumption": 5.0,
    "thermal.obc_temp": 8.0,
    "thermal.battery_temp": 8.0,
    "thermal.panel_temp": 15.0,
    "thermal.temperature": 8.0,
    "aocs.altitude_km": 2.0,
    "aocs.velocity_kms": 0.02,
    "aocs.roll_rate": 0.3,
    "aocs.pitch_rate": 0.3,
    "aocs.yaw_rate": 0.3,
    "comm.rssi_dbm": 8.0,
    "comm.snr_db": 5.0,
}
"""Typical size of a change on each channel a sensor fault may target."""

# A stuck reading shows only against a channel that keeps moving; these always do
# (measurement noise), unlike solar power in eclipse or the state of charge when full.
_VARYING_CHANNELS = (
    "eps.power_consumption",
    "thermal.obc_temp",
    "thermal.battery_temp",
    "thermal.panel_temp",
    "thermal.temperature",
    "aocs.roll_rate",
    "aocs.pitch_rate",
    "aocs.yaw_rate",
    "comm.rssi_dbm",
    "comm.snr_db",
)

_SOC = "eps.battery_soc_percent"
_RATES = ("aocs.roll_rate", "aocs.pitch_rate", "aocs.yaw_rate")
_BATTERY = (_SOC, "eps.battery_voltage", "eps.battery_current")
_TEMPERATURES = (
    "thermal.obc_temp",
    "thermal.battery_temp",
    "thermal.panel_temp",
    "thermal.temperature",
)


@dataclass(frozen=True, slots=True, kw_only=True)
class FaultKind:
    type: FaultType
    subsystem: str | None
    """None for sensor faults: the subsystem of their target channel."""
    channels: tuple[str, ...] = ()
    """Labelled channels of a physical fault: visible throughout its window."""
    also_affects: tuple[str, ...] = ()
    """Channels that respond too, depending on circumstances (not labelled)."""
    sensor: bool = False
    targets: tuple[str, ...] = ()
    """Channels a sensor fault may target."""
    duration_s: tuple[float, float]
    """Range of durations drawn for faults injected by rate."""
    magnitude: tuple[float, float] | None = None
    """Range of magnitudes drawn by rate; None when the fault has none."""
    settle_s: float = 0.0
    """Time after the end by which the labelled channels are back to fault-free values."""


# A spike or a drift that pushes a reading past its valid range is clipped away, so
# they leave out the channels that sit at a bound in nominal operation.
_SPIKE_TARGETS = tuple(c for c in SENSOR_SCALES if c not in ("eps.solar_power", _SOC))
_DRIFT_TARGETS = tuple(c for c in SENSOR_SCALES if c != _SOC)

CATALOGUE: dict[FaultType, FaultKind] = {
    kind.type: kind
    for kind in (
        FaultKind(
            type=FaultType.BATTERY_CAPACITY_FADE,
            subsystem="eps",
            channels=(_SOC,),
            also_affects=("eps.battery_voltage", "eps.battery_current"),
            duration_s=(6 * HOUR, 24 * HOUR),
            magnitude=(0.25, 0.5),  # share of the cell strings switched out
            settle_s=6 * HOUR,  # until the battery is recharged
        ),
        FaultKind(
            type=FaultType.SOLAR_ARRAY_PARTIAL_FAILURE,
            subsystem="eps",
            channels=("eps.solar_power",),
            also_affects=_BATTERY,
            duration_s=(2 * HOUR, 12 * HOUR),  # long enough to include sunlight
            magnitude=(0.3, 0.7),  # share of the array's output lost
        ),
        FaultKind(
            type=FaultType.HEATER_STUCK_ON,
            subsystem="thermal",
            channels=("thermal.battery_temp", "eps.power_consumption"),
            also_affects=_BATTERY,
            duration_s=(2 * HOUR, 8 * HOUR),
            settle_s=8 * HOUR,  # about ten battery time constants
        ),
        FaultKind(
            type=FaultType.THERMAL_RUNAWAY,
            subsystem="thermal",
            channels=("thermal.obc_temp", "eps.power_consumption"),
            also_affects=_BATTERY,
            duration_s=(30 * MINUTE, 2 * HOUR),
            magnitude=(12.0, 25.0),  # extra dissipation of the latched-up part at onset, W
            settle_s=2 * HOUR,
        ),
        FaultKind(
            type=FaultType.ATTITUDE_TUMBLE,
            subsystem="aocs",
            channels=(*_RATES, "eps.solar_power"),
            also_affects=(
                *_BATTERY,
                *_TEMPERATURES,
                "eps.power_consumption",
                "payload.image_captured",
                "payload.images_total",
            ),
            duration_s=(40 * MINUTE, 2 * HOUR),  # longer than an eclipse: sunlight shows it
            magnitude=(2.0, 8.0),  # tumble rate, deg/s
        ),
        FaultKind(
            type=FaultType.COMM_DROPOUT,
            subsystem="comm",
            channels=("comm.rssi_dbm", "comm.snr_db", "comm.link_up", "comm.range_km"),
            duration_s=(5 * MINUTE, 20 * MINUTE),  # drawn by rate, it waits for a pass
        ),
        FaultKind(
            type=FaultType.SENSOR_STUCK_AT,
            subsystem=None,
            sensor=True,
            targets=_VARYING_CHANNELS,
            duration_s=(30 * MINUTE, 4 * HOUR),  # magnitude: the stuck value, else the reading
        ),
        FaultKind(
            type=FaultType.SPIKE,
            subsystem=None,
            sensor=True,
            targets=_SPIKE_TARGETS,
            duration_s=(1.0, 3.0),  # one or a few samples
            magnitude=(4.0, 8.0),  # offset while it lasts
        ),
        FaultKind(
            type=FaultType.DRIFT,
            subsystem=None,
            sensor=True,
            targets=_DRIFT_TARGETS,
            duration_s=(2 * HOUR, 12 * HOUR),
            magnitude=(1.5, 3.0),  # bias reached at the end, growing linearly from the start
        ),
        FaultKind(
            type=FaultType.NOISE_BURST,
            subsystem=None,
            sensor=True,
            targets=tuple(SENSOR_SCALES),
            duration_s=(10 * MINUTE, HOUR),
            magnitude=(1.0, 2.5),  # standard deviation of the added noise
        ),
    )
}


@dataclass(frozen=True, slots=True)
class FaultLabel:
    """Ground truth of one injected fault; active for frames with start <= t < end."""

    satellite_id: str
    subsystem: str
    channels: tuple[str, ...]
    kind: str
    start: datetime
    end: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "satellite_id": self.satellite_id,
            "subsystem": self.subsystem,
            "channels": list(self.channels),
            "kind": self.kind,
            "start": format_timestamp(self.start),
            "end": format_timestamp(self.end),
        }


class FaultScheduleError(ValueError):
    """A fault schedule that cannot be used; the message names the entry and field."""


@dataclass(frozen=True, slots=True)
class ScheduledFault:
    """A fault to inject at a given time. `start` is a UTC time or seconds after
    the simulation start; `channel` is a channel path such as "thermal.obc_temp"."""

    satellite: str
    kind: FaultType
    start: datetime | float
    duration_s: float
    channel: str | None = None
    magnitude: float | None = None

    def __post_init__(self) -> None:
        try:
            kind = CATALOGUE[FaultType(self.kind)]
        except ValueError:
            known = ", ".join(CATALOGUE)
            raise FaultScheduleError(f"kind: unknown fault {self.kind!r}; known: {known}") from None
        object.__setattr__(self, "kind", kind.type)
        if not (isinstance(self.duration_s, int | float) and self.duration_s > 0):
            raise FaultScheduleError(
                f"duration: must be a positive number of seconds, got {self.duration_s!r}"
            )
        if isinstance(self.start, datetime) and self.start.tzinfo is None:
            object.__setattr__(self, "start", self.start.replace(tzinfo=UTC))
        if self.magnitude is not None and not math.isfinite(self.magnitude):
            raise FaultScheduleError(f"magnitude: must be a finite number, got {self.magnitude!r}")
        if self.channel is not None:
            object.__setattr__(self, "channel", _resolve_channel(self.channel, kind))

    def start_offset_s(self, simulation_start: datetime) -> float:
        if isinstance(self.start, datetime):
            return (self.start - simulation_start).total_seconds()
        return float(self.start)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScheduledFault:
        unknown = set(data) - _SCHEDULE_FIELDS
        if unknown:
            raise FaultScheduleError(f"unknown field(s): {', '.join(sorted(unknown))}")
        for required in ("satellite", "kind", "start"):
            if required not in data:
                raise FaultScheduleError(f"{required}: missing")
        duration = data.get("duration", data.get("duration_s"))
        if duration is None:
            raise FaultScheduleError("duration: missing")
        magnitude = data.get("magnitude")
        if magnitude is not None and (
            isinstance(magnitude, bool) or not isinstance(magnitude, int | float)
        ):
            raise FaultScheduleError(f"magnitude: expected a number, got {magnitude!r}")
        return cls(
            satellite=_satellite_id(data["satellite"]),
            kind=data["kind"],
            start=_start(data["start"]),
            duration_s=duration,
            channel=data.get("channel"),
            magnitude=None if magnitude is None else float(magnitude),
        )


_SCHEDULE_FIELDS = {"satellite", "kind", "start", "duration", "duration_s", "channel", "magnitude"}


def load_schedule(path: Path | str) -> list[ScheduledFault]:
    """Read a fault schedule (JSON list, {"faults": [...]} or JSON lines)."""
    text = Path(path).read_text(encoding="utf-8")
    entries: list[tuple[str, Any]]
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError:
        entries = []
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    entries.append((f"line {number}", orjson.loads(line)))
                except orjson.JSONDecodeError as exc:
                    raise FaultScheduleError(
                        f"{path}: line {number}: not valid JSON: {exc}"
                    ) from None
    else:
        if isinstance(document, dict) and "faults" in document:
            document = document["faults"]
        elif isinstance(document, dict):
            document = [document]
        if not isinstance(document, list):
            raise FaultScheduleError(f"{path}: expected a list of faults")
        entries = [(f"fault {number}", entry) for number, entry in enumerate(document, start=1)]
    faults = []
    for where, entry in entries:
        if not isinstance(entry, dict):
            raise FaultScheduleError(f"{path}: {where}: expected an object")
        try:
            faults.append(ScheduledFault.from_dict(entry))
        except FaultScheduleError as exc:
            raise FaultScheduleError(f"{path}: {where}: {exc}") from None
    return faults


def _resolve_channel(name: str, kind: FaultKind) -> str:
    if not kind.sensor:
        raise FaultScheduleError(f"channel: {kind.type} is a physical fault and takes no channel")
    matches = [path for path in kind.targets if name in (path, path.split(".", 1)[1])]
    if not matches:
        raise FaultScheduleError(
            f"channel: {kind.type} cannot target {name!r}; choose one of {', '.join(kind.targets)}"
        )
    return matches[0]


def _satellite_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return f"SAT-{value:03d}"
    if isinstance(value, str) and value:
        return value
    raise FaultScheduleError(
        f"satellite: expected an id such as 'SAT-003' or a number, got {value!r}"
    )


def _start(value: Any) -> datetime | float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise FaultScheduleError(f"start: {value!r} is neither RFC 3339 nor seconds") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    raise FaultScheduleError(f"start: expected an RFC 3339 time or seconds, got {value!r}")

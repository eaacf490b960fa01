"""The telemetry frame: one JSON object per satellite per tick, grouped by subsystem.

The structs below are the single definition of a frame. Each numeric or boolean
field is a *channel*; its annotation carries the unit, the physically valid range
(a frame outside it is rejected as corrupt) and the operating limits (yellow and
red, as in spacecraft limit checking; values beyond them are valid but alarming).
`CHANNELS` is derived from these annotations, so names, units, metrics and limits
are defined once.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

SATELLITE_ID_CHARS = r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}"
"""1-32 letters, digits, '-' and '_': safe to place inside a PromQL label matcher."""

SATELLITE_ID_PATTERN = rf"\A{SATELLITE_ID_CHARS}\Z"
"""For Python's re (and msgspec): `$` there would also match before a final newline."""

SUBSYSTEMS: tuple[str, ...] = ("eps", "thermal", "aocs", "comm")
"""Subsystems the analysis runs a model for (payload is recorded, not modelled)."""

FRAME_SECTIONS: tuple[str, ...] = (*SUBSYSTEMS, "payload")


@dataclass(frozen=True, slots=True)
class Limits:
    """Operating limits: inside `yellow` is nominal, between yellow and red is a
    warning, outside `red` is an alarm."""

    yellow: tuple[float, float]
    red: tuple[float, float]

    def state(self, value: float) -> Literal["nominal", "warning", "alarm"]:
        if not self.red[0] <= value <= self.red[1]:
            return "alarm"
        if not self.yellow[0] <= value <= self.yellow[1]:
            return "warning"
        return "nominal"


def channel(
    unit: str,
    description: str,
    valid: tuple[float, float] | None = None,
    *,
    yellow: tuple[float, float] | None = None,
    red: tuple[float, float] | None = None,
    metric: str | None = None,
    modelled: bool = True,
) -> Meta:
    """Annotation of one channel: validation bounds plus catalogue metadata."""
    extra = {
        "unit": unit,
        "metric": metric,
        "limits": Limits(yellow=yellow, red=red) if yellow and red else None,
        "modelled": modelled,
    }
    if valid is None:
        return Meta(description=description, extra=extra)
    return Meta(ge=valid[0], le=valid[1], description=description, extra=extra)


def flag(description: str, metric: str | None = None) -> Meta:
    return Meta(
        description=description,
        extra={"unit": "bool", "metric": metric, "limits": None, "modelled": False},
    )


# The frame's structs hold only numbers, strings, datetimes and each other, so they
# can never be part of a reference cycle: gc=False keeps them out of the garbage
# collector, which otherwise ran full collections over every in-flight batch and
# took half of the consumer's decoding time.


class Eps(Struct, frozen=True, kw_only=True, gc=False):
    """Electrical power subsystem."""

    battery_voltage: Annotated[
        float,
        channel("V", "Battery terminal voltage", (0.0, 5.0), yellow=(3.3, 4.2), red=(3.0, 4.25)),
    ]
    battery_soc_percent: Annotated[
        float,
        channel(
            "%", "Battery state of charge", (0.0, 100.0), yellow=(40.0, 100.0), red=(30.0, 100.0)
        ),
    ]
    battery_current: Annotated[
        float,
        channel(
            "A",
            "Battery current, positive while charging",
            (-60.0, 60.0),
            yellow=(-15.0, 15.0),
            red=(-25.0, 25.0),
        ),
    ]
    solar_power: Annotated[
        float,
        channel(
            "W", "Solar array output power", (0.0, 150.0), yellow=(0.0, 100.0), red=(0.0, 105.0)
        ),
    ]
    power_consumption: Annotated[
        float, channel("W", "Total bus load", (0.0, 300.0), yellow=(0.0, 60.0), red=(0.0, 80.0))
    ]
    eclipse: Annotated[bool, flag("Satellite in Earth's shadow")]


class Thermal(Struct, frozen=True, kw_only=True, gc=False):
    """Thermal subsystem."""

    obc_temp: Annotated[
        float,
        channel(
            "°C",
            "On-board computer temperature",
            (-150.0, 200.0),
            yellow=(-20.0, 45.0),
            red=(-30.0, 50.0),
        ),
    ]
    battery_temp: Annotated[
        float,
        channel(
            "°C", "Battery pack temperature", (-150.0, 200.0), yellow=(0.0, 40.0), red=(-10.0, 45.0)
        ),
    ]
    panel_temp: Annotated[
        float,
        channel(
            "°C",
            "Solar panel temperature",
            (-150.0, 200.0),
            yellow=(-45.0, 45.0),
            red=(-50.0, 50.0),
        ),
    ]
    temperature: Annotated[
        float,
        channel(
            "°C", "Structure temperature", (-150.0, 200.0), yellow=(-40.0, 45.0), red=(-50.0, 50.0)
        ),
    ]


class Aocs(Struct, frozen=True, kw_only=True, gc=False):
    """Attitude and orbit control subsystem."""

    altitude_km: Annotated[
        float,
        channel(
            "km",
            "Altitude above the mean Earth radius",
            (100.0, 2000.0),
            yellow=(400.0, 450.0),
            red=(380.0, 470.0),
            metric="satellite_altitude",
        ),
    ]
    velocity_kms: Annotated[
        float,
        channel(
            "km/s",
            "Orbital speed",
            (6.0, 9.0),
            yellow=(7.6, 7.8),
            red=(7.55, 7.85),
            metric="satellite_velocity",
        ),
    ]
    latitude: Annotated[
        float,
        channel(
            "deg", "Geodetic latitude of the sub-satellite point", (-90.0, 90.0), modelled=False
        ),
    ]
    longitude: Annotated[
        float,
        channel("deg", "Longitude of the sub-satellite point", (-180.0, 180.0), modelled=False),
    ]
    roll_rate: Annotated[
        float,
        channel(
            "deg/s",
            "Body rate about the roll axis",
            (-360.0, 360.0),
            yellow=(-0.5, 0.5),
            red=(-2.0, 2.0),
        ),
    ]
    pitch_rate: Annotated[
        float,
        channel(
            "deg/s",
            "Body rate about the pitch axis",
            (-360.0, 360.0),
            yellow=(-0.5, 0.5),
            red=(-2.0, 2.0),
        ),
    ]
    yaw_rate: Annotated[
        float,
        channel(
            "deg/s",
            "Body rate about the yaw axis",
            (-360.0, 360.0),
            yellow=(-0.5, 0.5),
            red=(-2.0, 2.0),
        ),
    ]
    thruster_active: Annotated[bool, flag("A thruster is firing")]


class Comm(Struct, frozen=True, kw_only=True, gc=False):
    """Communications subsystem."""

    rssi_dbm: Annotated[
        float,
        channel(
            "dBm",
            "Received signal strength",
            (-200.0, 0.0),
            yellow=(-115.0, -60.0),
            red=(-125.0, -50.0),
        ),
    ]
    snr_db: Annotated[
        float,
        channel("dB", "Signal-to-noise ratio", (-40.0, 80.0), yellow=(0.0, 60.0), red=(-5.0, 70.0)),
    ]
    link_up: Annotated[bool, flag("A ground station is in view and the link is locked")]
    range_km: (
        Annotated[
            float,
            channel(
                "km", "Slant range to the ground station in contact", (0.0, 50000.0), modelled=False
            ),
        ]
        | None
    ) = None
    ground_station: str | None = None


class Payload(Struct, frozen=True, kw_only=True, gc=False):
    """Imaging payload."""

    image_captured: Annotated[bool, flag("An image was captured during this tick")]
    images_total: Annotated[
        int, channel("count", "Images captured since launch", (0, 2**53), modelled=False)
    ]


Timestamp = Annotated[datetime, Meta(tz=True)]


class TelemetryFrame(Struct, frozen=True, kw_only=True, gc=False):
    """One satellite's telemetry at one instant."""

    satellite_id: Annotated[str, Meta(pattern=SATELLITE_ID_PATTERN)]
    timestamp: Timestamp
    seq: Annotated[int, Meta(ge=0)]
    eps: Eps
    thermal: Thermal
    aocs: Aocs
    comm: Comm
    payload: Payload

    @property
    def timestamp_ms(self) -> int:
        return round(self.timestamp.timestamp() * 1000)


SECTION_TYPES: dict[str, type[Struct]] = {
    "eps": Eps,
    "thermal": Thermal,
    "aocs": Aocs,
    "comm": Comm,
    "payload": Payload,
}


@dataclass(frozen=True, slots=True)
class Channel:
    """One telemetry channel of the catalogue."""

    subsystem: str
    field: str
    metric: str
    unit: str
    kind: Literal["float", "int", "bool"]
    description: str
    valid: tuple[float, float] | None
    limits: Limits | None
    modelled: bool
    optional: bool

    @property
    def path(self) -> str:
        return f"{self.subsystem}.{self.field}"


def _catalogue() -> tuple[Channel, ...]:
    channels: list[Channel] = []
    for subsystem, struct in SECTION_TYPES.items():
        hints = typing.get_type_hints(struct, include_extras=True)
        for field in msgspec.structs.fields(struct):
            annotation = hints[field.name]
            optional = typing.get_origin(annotation) in (typing.Union, types.UnionType)
            if optional:
                annotation = _non_none(annotation)
            if typing.get_origin(annotation) is not Annotated:
                continue  # a plain attribute such as ground_station, not a channel
            base, meta = typing.get_args(annotation)[:2]
            extra: dict[str, Any] = dict(meta.extra or {})
            kind: Literal["float", "int", "bool"] = (
                "bool" if base is bool else "int" if base is int else "float"
            )
            valid = (meta.ge, meta.le) if meta.ge is not None and meta.le is not None else None
            channels.append(
                Channel(
                    subsystem=subsystem,
                    field=field.name,
                    metric=extra["metric"] or f"satellite_{field.name}",
                    unit=extra["unit"],
                    kind=kind,
                    description=meta.description or field.name,
                    valid=valid,
                    limits=extra["limits"],
                    modelled=bool(extra["modelled"]),
                    optional=optional,
                )
            )
    return tuple(channels)


def _non_none(union: Any) -> Any:
    return next(arg for arg in typing.get_args(union) if arg is not type(None))


CHANNELS: tuple[Channel, ...] = _catalogue()
CHANNELS_BY_METRIC: dict[str, Channel] = {c.metric: c for c in CHANNELS}
CHANNELS_BY_PATH: dict[str, Channel] = {c.path: c for c in CHANNELS}


def model_channels(subsystem: str) -> tuple[Channel, ...]:
    """The numeric channels a model of this subsystem reads, in a fixed order."""
    return tuple(c for c in CHANNELS if c.subsystem == subsystem and c.modelled)

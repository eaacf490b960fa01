"""Model inputs the ground derives from a frame's other channels.

The comm subsystem's signal depends on whether a ground station can see the
satellite, which its own channels cannot tell: a link that drops as a pass
begins reads exactly like no pass at all. Whether a station will have the
satellite above its elevation mask at the next step, computed from the reported
position and the station network, tells the two apart: 1 or 0, appended to the
comm windows the models read, after the catalogue's channels. A flag rather
than the elevation itself: a small network learns "the signal appears when the
flag turns 1" from a few thousand pass starts, but not a sharp edge at 5 degrees
of a continuous input, and without it every nominal first and last contact is
a surprise that sets the comm thresholds too high to notice a missing pass.

Earth is the sphere of the mean radius the telemetry's latitude and altitude
are reported on.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from satmon.telemetry.schema import CHANNELS_BY_PATH, model_channels
from satmon.telemetry.simulator.comm import (
    CommParams,
    StationNetwork,
    station_sightings,
    unit_vectors,
)
from satmon.telemetry.simulator.orbit import EARTH_RADIUS_KM

FloatArray = np.ndarray[Any, np.dtype[np.float64]]

STATION_IN_VIEW = "station_in_view_next"
DERIVED_INPUTS: dict[str, tuple[str, ...]] = {"comm": (STATION_IN_VIEW,)}
"""Per subsystem, the derived inputs that follow its catalogue channels."""

POSITION_FIELDS: tuple[str, ...] = ("latitude", "longitude", "altitude_km")
"""The aocs fields a position row holds, in order."""
POSITION_METRICS: tuple[str, ...] = tuple(
    CHANNELS_BY_PATH[f"aocs.{name}"].metric for name in POSITION_FIELDS
)


def model_inputs(subsystem: str) -> tuple[str, ...]:
    """The columns a model of this subsystem reads: its modelled channels, then
    any derived inputs."""
    return (
        *(c.field for c in model_channels(subsystem)),
        *DERIVED_INPUTS.get(subsystem, ()),
    )


def needs_position(subsystem: str) -> bool:
    return subsystem in DERIVED_INPUTS


_STATIONS = StationNetwork.of(CommParams())
ELEVATION_MASK_DEG = CommParams().elevation_mask_deg


def station_elevation_deg(position: FloatArray) -> FloatArray:
    """Elevation of the highest ground station, degrees, of positions (..., 3)
    given as latitude (deg), longitude (deg) and altitude (km); negative when no
    station has the satellite above its horizon."""
    radius = EARTH_RADIUS_KM + position[..., 2]
    ecef = radius[..., None] * unit_vectors(position[..., 0], position[..., 1])
    sin_elevation, _ = station_sightings(ecef, _STATIONS)
    best = np.clip(sin_elevation.max(axis=-1), -1.0, 1.0)
    elevation: FloatArray = np.degrees(np.arcsin(best))
    return elevation


def with_derived(subsystem: str, values: FloatArray, position: FloatArray | None) -> FloatArray:
    """A subsystem's channel values (steps, channels) with its derived inputs
    appended; `position` is (steps, 3) as in POSITION_FIELDS."""
    if not needs_position(subsystem):
        return values
    if position is None:
        raise ValueError(f"{subsystem}: its model inputs need the satellite's position")
    elevation = next_step(station_elevation_deg(np.asarray(position, dtype=np.float64)))
    in_view = (elevation >= ELEVATION_MASK_DEG).astype(np.float64)
    return np.concatenate([values, in_view[:, None]], axis=1)


def next_step(series: FloatArray) -> FloatArray:
    """Each step's value extrapolated one step ahead along its last change (the
    first step along the second's): the forecasters predict step t + 1 from step
    t, and a pass's first and last contact happen when the elevation at t + 1,
    not at t, crosses the station's mask."""
    if len(series) < 2:
        return series.copy()
    change = np.diff(series, prepend=2 * series[0] - series[1])
    extrapolated: FloatArray = series + change
    return extrapolated

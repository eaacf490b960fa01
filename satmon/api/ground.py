"""Where the satellites are over the Earth: positions, the last orbit's track,
day and night, and which ground stations see them.

The stations are the network the telemetry's comm subsystem reports contacts
with. A station sees a satellite when it is above the station's elevation mask,
that is within a great-circle radius of the station that grows with altitude.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np

from satmon.api.schemas.dashboard import (
    GeoPointPublic,
    GroundStationPublic,
    GroundTrackPublic,
    SatelliteTrackPublic,
    TrackPoint,
)
from satmon.telemetry.simulator.comm import CommParams
from satmon.telemetry.simulator.orbit import EARTH_RADIUS_KM, gmst_rad
from satmon.telemetry.simulator.sun import julian_date, sun_position
from satmon.tsdb.base import TimeSeriesStore

TRACK_STEP_MS = 30_000
_POSITION = ("satellite_latitude", "satellite_longitude")
_NOW = (*_POSITION, "satellite_altitude", "satellite_eclipse", "satellite_link_up")


def stations(params: CommParams | None = None) -> list[GroundStationPublic]:
    params = params or CommParams()
    return [
        GroundStationPublic(
            name=s.name,
            latitude=s.latitude_deg,
            longitude=s.longitude_deg,
            elevation_mask_deg=params.elevation_mask_deg,
        )
        for s in params.stations
    ]


def subsolar_point(moment: datetime) -> GeoPointPublic:
    """The point on Earth with the sun at its zenith."""
    jd = np.array([julian_date(moment)])
    x, y, z = sun_position(jd).direction_eci[0]
    right_ascension = math.atan2(y, x)
    longitude = math.degrees(right_ascension - float(gmst_rad(jd)[0]))
    return GeoPointPublic(
        latitude=math.degrees(math.asin(z)), longitude=(longitude + 180.0) % 360.0 - 180.0
    )


def coverage_radius_deg(altitude_km: float, elevation_mask_deg: float) -> float:
    """Earth central angle from a station to a satellite at its elevation mask."""
    mask = math.radians(elevation_mask_deg)
    ratio = EARTH_RADIUS_KM / (EARTH_RADIUS_KM + altitude_km) * math.cos(mask)
    return math.degrees(math.acos(ratio) - mask)


def central_angle_deg(a: GeoPointPublic, b: GeoPointPublic) -> float:
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat, dlon = lat2 - lat1, math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return math.degrees(2 * math.asin(min(1.0, math.sqrt(h))))


def ground_track(
    tsdb: TimeSeriesStore, now_ms: int, minutes: float, satellite_id: str | None = None
) -> GroundTrackPublic:
    network = stations()
    mask = network[0].elevation_mask_deg if network else 0.0
    start_ms = now_ms - round(minutes * 60_000)
    latest: dict[str, dict[str, tuple[int, float]]] = {}
    for value in tsdb.latest(satellite_id, metrics=_NOW):
        latest.setdefault(value.key.satellite_id, {})[value.key.metric] = (
            value.timestamp_ms,
            value.value,
        )
    satellites = []
    for sat_id in sorted(latest):
        now = latest[sat_id]
        if not all(m in now for m in _POSITION):
            continue
        position = GeoPointPublic(
            latitude=now["satellite_latitude"][1], longitude=now["satellite_longitude"][1]
        )
        altitude = now["satellite_altitude"][1] if "satellite_altitude" in now else None
        radius = coverage_radius_deg(altitude, mask) if altitude is not None else None
        in_view = (
            [s.name for s in network if central_angle_deg(position, _at(s)) <= radius]
            if radius is not None
            else []
        )
        satellites.append(
            SatelliteTrackPublic(
                satellite_id=sat_id,
                last_seen_ms=max(t for t, _ in now.values()),
                position=position,
                altitude_km=altitude,
                eclipse=_flag(now.get("satellite_eclipse")),
                link_up=_flag(now.get("satellite_link_up")),
                in_view=in_view,
                coverage_radius_deg=radius,
                track=_track(tsdb, sat_id, start_ms, now_ms),
            )
        )
    return GroundTrackPublic(
        now_ms=now_ms,
        subsolar=subsolar_point(datetime.fromtimestamp(now_ms / 1000, UTC)),
        stations=network,
        satellites=satellites,
    )


def _at(station: GroundStationPublic) -> GeoPointPublic:
    return GeoPointPublic(latitude=station.latitude, longitude=station.longitude)


def _flag(sample: tuple[int, float] | None) -> bool | None:
    return None if sample is None else sample[1] >= 0.5


def _track(
    tsdb: TimeSeriesStore, satellite_id: str, start_ms: int, end_ms: int
) -> list[TrackPoint]:
    """Positions on a 30 s grid. The last sample of each step, never an average:
    the mean of longitudes either side of the antimeridian is on the other side
    of the world."""

    def column(metric: str) -> dict[int, float]:
        found = tsdb.query_range(
            metric, start_ms, end_ms, TRACK_STEP_MS, satellite_id=satellite_id, aggregate="last"
        )
        return {p.timestamp_ms: p.value for s in found for p in s.points}

    lat, lon, eclipse = (
        column(m) for m in ("satellite_latitude", "satellite_longitude", "satellite_eclipse")
    )
    return [(t, lat[t], lon[t], eclipse.get(t, 0.0) >= 0.5) for t in sorted(lat) if t in lon]

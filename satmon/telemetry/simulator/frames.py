"""Frame layout and encoding: from per-channel arrays to dicts or JSON bytes.

The layout follows the schema's structs field by field, so a frame here always
has the schema's shape. The fast path serialises each channel for the whole
fleet in one orjson call, splits the text into per-satellite pieces and fills a
byte template per frame; no per-value Python formatting happens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import msgspec
import numpy as np
import orjson

from satmon.telemetry.schema import CHANNELS_BY_PATH, FRAME_SECTIONS, SECTION_TYPES
from satmon.telemetry.simulator.arrays import BoolArray, FloatArray, IntArray

FLOAT_CHANNELS: tuple[tuple[str, int], ...] = (
    ("eps.battery_voltage", 3),
    ("eps.battery_soc_percent", 3),
    ("eps.battery_current", 3),
    ("eps.solar_power", 2),
    ("eps.power_consumption", 2),
    ("thermal.obc_temp", 2),
    ("thermal.battery_temp", 2),
    ("thermal.panel_temp", 2),
    ("thermal.temperature", 2),
    ("aocs.altitude_km", 3),
    ("aocs.velocity_kms", 4),
    ("aocs.latitude", 4),
    ("aocs.longitude", 4),
    ("aocs.roll_rate", 4),
    ("aocs.pitch_rate", 4),
    ("aocs.yaw_rate", 4),
    ("comm.rssi_dbm", 2),
    ("comm.snr_db", 2),
    ("comm.range_km", 1),
)
"""Numeric channels and the decimals they are reported with."""

ROW: dict[str, int] = {path: row for row, (path, _) in enumerate(FLOAT_CHANNELS)}
FLAG_CHANNELS: tuple[str, ...] = (
    "eps.eclipse",
    "aocs.thruster_active",
    "comm.link_up",
    "payload.image_captured",
)
FLAG: dict[str, int] = {path: row for row, path in enumerate(FLAG_CHANNELS)}
_RANGE = "comm.range_km"
_STATION = "comm.ground_station"
_IMAGES = "payload.images_total"


def _valid(path: str) -> tuple[float, float]:
    valid = CHANNELS_BY_PATH[path].valid
    if valid is None:
        raise RuntimeError(f"{path} has no valid range to clip to")
    return valid


_SCALE = np.array([10.0**decimals for _, decimals in FLOAT_CHANNELS])[:, None, None]
_LOW = np.array([_valid(path)[0] for path, _ in FLOAT_CHANNELS])[:, None, None]
_HIGH = np.array([_valid(path)[1] for path, _ in FLOAT_CHANNELS])[:, None, None]


def finish(measured: FloatArray) -> FloatArray:
    """Clip to the schema's valid ranges and round to the reported decimals.

    measured has shape (len(FLOAT_CHANNELS), K, N).
    """
    clipped = np.clip(measured, _LOW, _HIGH)
    finished: FloatArray = np.rint(clipped * _SCALE) / _SCALE + 0.0  # + 0.0 turns -0.0 into 0.0
    return finished


@dataclass(frozen=True, slots=True)
class FrameBlock:
    """K consecutive ticks of the fleet, every channel as an array (K, N)."""

    first_seq: int
    timestamps: list[str]
    values: FloatArray
    """Finished numeric channels, shape (len(FLOAT_CHANNELS), K, N)."""
    flags: BoolArray
    """Shape (len(FLAG_CHANNELS), K, N)."""
    images_total: IntArray
    station: IntArray
    """Index into the station names, -1 when no link is up."""

    @property
    def shape(self) -> tuple[int, int]:
        ticks, satellites = self.images_total.shape
        return ticks, satellites


def _layout() -> list[tuple[str, tuple[str, ...]]]:
    sections = []
    for section in FRAME_SECTIONS:
        fields = tuple(f.name for f in msgspec.structs.fields(SECTION_TYPES[section]))
        for name in fields:
            path = f"{section}.{name}"
            if path not in ROW and path not in FLAG and path not in (_STATION, _IMAGES):
                raise RuntimeError(f"the simulator does not produce {path}")
        sections.append((section, fields))
    return sections


_LAYOUT = _layout()
_PATHS = [f"{section}.{name}" for section, fields in _LAYOUT for name in fields]


def _spans() -> list[tuple[str, tuple[str, ...], int, int]]:
    spans, start = [], 0
    for section, fields in _LAYOUT:
        spans.append((section, fields, start, start + len(fields)))
        start += len(fields)
    return spans


_SPANS = _spans()
_JSON_BOOL = np.array([b"false", b"true"], dtype=object)


class FrameEncoder:
    """Turns `FrameBlock`s of a fixed fleet into frame dicts or (key, JSON) pairs,
    one list per tick."""

    def __init__(self, satellite_ids: Sequence[str], station_names: Sequence[str]) -> None:
        self._ids = list(satellite_ids)
        self._keys = [sid.encode() for sid in self._ids]
        self._id_json = [orjson.dumps(sid) for sid in self._ids]
        # index -1 (no station) picks the trailing null
        self._station_names = np.array([*station_names, None], dtype=object)
        self._station_json = np.array(
            [*(orjson.dumps(name) for name in station_names), b"null"], dtype=object
        )
        body = ",".join(
            f'"{section}":{{' + ",".join(f'"{name}":%s' for name in fields) + "}"
            for section, fields in _LAYOUT
        )
        # per tick, the timestamp and seq are filled in first (no % in either)
        self._head = b'{"satellite_id":%s,"timestamp":"'
        self._tail = ("," + body + "}").encode()

    def documents(self, block: FrameBlock) -> list[list[dict[str, Any]]]:
        floats = block.values.reshape(len(FLOAT_CHANNELS), -1).tolist()
        flags = block.flags.reshape(len(FLAG_CHANNELS), -1).tolist()
        link = flags[FLAG["comm.link_up"]]
        columns: dict[str, list[Any]] = {path: floats[row] for path, row in ROW.items()}
        columns.update({path: flags[row] for path, row in FLAG.items()})
        columns[_RANGE] = [r if up else None for r, up in zip(columns[_RANGE], link, strict=True)]
        columns[_STATION] = self._station_names[block.station.ravel()].tolist()
        columns[_IMAGES] = block.images_total.ravel().tolist()
        rows = zip(*(columns[path] for path in _PATHS), strict=True)
        documents = []
        for k, timestamp in enumerate(block.timestamps):
            seq = block.first_seq + k
            frames = []
            for satellite_id, row in zip(self._ids, rows, strict=False):
                document: dict[str, Any] = {
                    "satellite_id": satellite_id,
                    "timestamp": timestamp,
                    "seq": seq,
                }
                for section, fields, low, high in _SPANS:
                    document[section] = dict(zip(fields, row[low:high], strict=True))
                frames.append(document)
            documents.append(frames)
        return documents

    def pairs(self, block: FrameBlock) -> list[list[tuple[bytes, bytes]]]:
        ticks, count = block.shape
        text = orjson.dumps(
            block.values.reshape(len(FLOAT_CHANNELS), -1), option=orjson.OPT_SERIALIZE_NUMPY
        )
        floats = [row.split(b",") for row in text[2:-2].split(b"],[")]
        columns: dict[str, list[bytes]] = {path: floats[row] for path, row in ROW.items()}
        flags = _JSON_BOOL[block.flags.reshape(len(FLAG_CHANNELS), -1).view(np.uint8)]
        columns.update({path: flags[row].tolist() for path, row in FLAG.items()})
        ranges = np.array(columns[_RANGE], dtype=object)
        ranges[~block.flags[FLAG["comm.link_up"]].ravel()] = b"null"
        columns[_RANGE] = ranges.tolist()
        columns[_STATION] = self._station_json[block.station.ravel()].tolist()
        images = orjson.dumps(block.images_total.ravel(), option=orjson.OPT_SERIALIZE_NUMPY)
        columns[_IMAGES] = images[1:-1].split(b",")
        rows = zip(self._id_json * ticks, *(columns[path] for path in _PATHS), strict=True)
        pairs = []
        for k, timestamp in enumerate(block.timestamps):
            seq = str(block.first_seq + k)
            template = self._head + f'{timestamp}","seq":{seq}'.encode() + self._tail
            values = [template % row for row in islice(rows, count)]
            pairs.append(list(zip(self._keys, values, strict=True)))
        return pairs

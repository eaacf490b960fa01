"""Plain-function factories of test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from satmon.models.data import SmapChannel
from satmon.telemetry.codec import format_timestamp

EPOCH = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)


def frame_document(
    satellite_id: str = "SAT-001", seq: int = 0, at: datetime | None = None, **sections: Any
) -> dict[str, Any]:
    """A valid frame as plain data; keyword arguments override whole sections' fields,
    e.g. eps={"battery_soc_percent": 25.0}."""
    moment = at or EPOCH + timedelta(seconds=seq)
    document: dict[str, Any] = {
        "satellite_id": satellite_id,
        "timestamp": format_timestamp(moment),
        "seq": seq,
        "eps": {
            "battery_voltage": 3.9,
            "battery_soc_percent": 80.0,
            "battery_current": 1.2,
            "solar_power": 60.0,
            "power_consumption": 25.0,
            "eclipse": False,
        },
        "thermal": {
            "obc_temp": 22.0,
            "battery_temp": 18.0,
            "panel_temp": 35.0,
            "temperature": 15.0,
        },
        "aocs": {
            "altitude_km": 420.0,
            "velocity_kms": 7.66,
            "latitude": 10.0,
            "longitude": 120.0,
            "roll_rate": 0.01,
            "pitch_rate": -0.01,
            "yaw_rate": 0.0,
            "thruster_active": False,
        },
        "comm": {
            "rssi_dbm": -95.0,
            "snr_db": 15.0,
            "link_up": True,
            "range_km": 900.0,
            "ground_station": "Daejeon",
        },
        "payload": {"image_captured": False, "images_total": 12},
    }
    for section, fields in sections.items():
        document[section] = {**document[section], **fields}
    return document


def smap_channel(rng: np.random.Generator) -> SmapChannel:
    """A SMAP-layout channel: a noisy periodic value and one command flag; in the
    test split the value leaves its range for 150 steps (900-1,049)."""

    def split(length: int) -> np.ndarray:
        t = np.arange(length)
        columns = np.zeros((length, 25))
        columns[:, 0] = 0.5 * np.sin(2 * np.pi * t / 40) + 0.02 * rng.standard_normal(length)
        columns[:, 1] = (t % 40 < 4).astype(float)
        return columns

    test = split(1_500)
    test[900:1_050, 0] += 1.5
    return SmapChannel("X-1", split(1_200), test, [(900, 1_049)])

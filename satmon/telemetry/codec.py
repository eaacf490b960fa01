"""JSON codec of telemetry frames.

Decoding takes the fast path (msgspec decodes and validates in one pass, in C).
Only when that fails does `explain` walk the document to name every bad field
and why, so a dead-lettered frame carries a complete reason.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import msgspec
import orjson

from satmon.telemetry.schema import (
    CHANNELS,
    FRAME_SECTIONS,
    SATELLITE_ID_PATTERN,
    Channel,
    TelemetryFrame,
)

_decoder = msgspec.json.Decoder(TelemetryFrame)
_satellite_id = re.compile(SATELLITE_ID_PATTERN)


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class FrameError(ValueError):
    """A frame that cannot be accepted; `errors` names each bad field."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def decode_frame(data: bytes | str) -> TelemetryFrame:
    """Decode and validate one frame, or raise FrameError naming every bad field."""
    try:
        return _decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError):
        raise FrameError(explain(data)) from None


@dataclass(frozen=True, slots=True)
class Rejected:
    """A frame that failed to decode, kept with its original bytes."""

    raw: bytes
    error: FrameError


def decode_frames(payloads: Iterable[bytes]) -> tuple[list[TelemetryFrame], list[Rejected]]:
    """Decode a batch; good frames and rejects come back separately, order kept."""
    raws = payloads if isinstance(payloads, Sequence) else list(payloads)
    frames, failures = decode_batch(raws)
    return frames, [Rejected(raws[index], error) for index, error in failures]


def decode_batch(
    payloads: Sequence[bytes],
) -> tuple[list[TelemetryFrame], list[tuple[int, FrameError]]]:
    """Decode a batch: the good frames in order, and the index and error of each
    frame that failed."""
    decode = _decoder.decode
    try:
        # All good is the common case: one comprehension, no per-frame try block.
        return [decode(raw) for raw in payloads], []
    except (msgspec.ValidationError, msgspec.DecodeError):
        pass
    frames: list[TelemetryFrame] = []
    failures: list[tuple[int, FrameError]] = []
    for index, raw in enumerate(payloads):
        try:
            frames.append(decode(raw))
        except (msgspec.ValidationError, msgspec.DecodeError):
            failures.append((index, FrameError(explain(raw))))
    return frames, failures


def format_timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC with milliseconds, the frame's timestamp format."""
    utc = moment.astimezone(UTC)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def format_timestamp_ms(epoch_ms: int) -> str:
    return format_timestamp(datetime.fromtimestamp(epoch_ms / 1000, tz=UTC))


def frame_to_dict(frame: TelemetryFrame) -> dict[str, Any]:
    document: dict[str, Any] = msgspec.to_builtins(frame)
    document["timestamp"] = format_timestamp(frame.timestamp)
    return document


def encode_frame(frame: TelemetryFrame) -> bytes:
    return orjson.dumps(frame_to_dict(frame))


def encode_document(document: dict[str, Any]) -> bytes:
    """Encode a frame already laid out as plain data (the simulator's fast path)."""
    return orjson.dumps(document)


# --- explaining a bad frame ---------------------------------------------------------

_TOP_LEVEL = ("satellite_id", "timestamp", "seq")


def explain(data: bytes | str) -> list[FieldError]:
    """Every reason a document is not a valid frame (empty only if it is valid)."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        return [FieldError("(frame)", f"not valid JSON: {exc}")]
    if not isinstance(document, dict):
        return [FieldError("(frame)", f"expected a JSON object, got {_json_type(document)}")]

    errors: list[FieldError] = []
    errors += _check_satellite_id(document)
    errors += _check_timestamp(document)
    errors += _check_seq(document)
    for name in FRAME_SECTIONS:
        value = document.get(name)
        if value is None:
            errors.append(FieldError(name, "missing"))
        elif not isinstance(value, dict):
            errors.append(FieldError(name, f"expected an object, got {_json_type(value)}"))
    for ch in CHANNELS:
        section = document.get(ch.subsystem)
        if isinstance(section, dict):
            error = _check_channel(ch, section)
            if error is not None:
                errors.append(error)
    if "comm" in document and isinstance(document["comm"], dict):
        station = document["comm"].get("ground_station")
        if station is not None and not isinstance(station, str):
            errors.append(
                FieldError(
                    "comm.ground_station", f"expected a string or null, got {_json_type(station)}"
                )
            )
    if not errors:  # msgspec saw something this walk does not check; report it verbatim
        try:
            _decoder.decode(data)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            errors.append(FieldError("(frame)", str(exc)))
    return errors


def _check_satellite_id(document: dict[str, Any]) -> list[FieldError]:
    value = document.get("satellite_id")
    if value is None:
        return [FieldError("satellite_id", "missing")]
    if not isinstance(value, str):
        return [FieldError("satellite_id", f"expected a string, got {_json_type(value)}")]
    if not _satellite_id.match(value):
        return [
            FieldError(
                "satellite_id", f"malformed {value[:40]!r}: 1-32 letters, digits, '-' or '_'"
            )
        ]
    return []


def _check_timestamp(document: dict[str, Any]) -> list[FieldError]:
    value = document.get("timestamp")
    if value is None:
        return [FieldError("timestamp", "missing")]
    if not isinstance(value, str):
        return [FieldError("timestamp", f"expected an RFC 3339 string, got {_json_type(value)}")]
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return [FieldError("timestamp", f"malformed {value[:40]!r}: expected RFC 3339")]
    if moment.tzinfo is None:
        return [FieldError("timestamp", f"malformed {value[:40]!r}: no UTC offset")]
    return []


def _check_seq(document: dict[str, Any]) -> list[FieldError]:
    value = document.get("seq")
    if value is None:
        return [FieldError("seq", "missing")]
    if isinstance(value, bool) or not isinstance(value, int):
        return [FieldError("seq", f"expected an integer, got {_json_type(value)}")]
    if value < 0:
        return [FieldError("seq", f"must be >= 0, got {value}")]
    return []


def _check_channel(ch: Channel, section: dict[str, Any]) -> FieldError | None:
    if ch.field not in section or section[ch.field] is None:
        return None if ch.optional else FieldError(ch.path, "missing")
    value = section[ch.field]
    if ch.kind == "bool":
        if not isinstance(value, bool):
            return FieldError(ch.path, f"expected a boolean, got {_json_type(value)}")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        expected = "an integer" if ch.kind == "int" else "a number"
        return FieldError(ch.path, f"expected {expected}, got {_json_type(value)}")
    if ch.kind == "int" and not isinstance(value, int):
        return FieldError(ch.path, f"expected an integer, got {value!r}")
    if not math.isfinite(value):
        return FieldError(ch.path, f"not a finite number: {value!r}")
    if ch.valid is not None and not ch.valid[0] <= value <= ch.valid[1]:
        low, high = ch.valid
        return FieldError(
            ch.path, f"out of physical range: {value!r} {ch.unit} not in [{low:g}, {high:g}]"
        )
    return None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"

"""Time windows of trend queries: a named range or start/end, and a step.

Without a step, the step is the smallest round duration that keeps a series at
about 1,000 points, so a week costs the browser no more than an hour.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from datetime import datetime

from satmon.errors import InvalidRequestError

RANGES_S = {"1h": 3_600, "6h": 21_600, "1d": 86_400, "1w": 604_800}
TARGET_POINTS = 1_000
MAX_POINTS = 11_000
ROUND_STEPS_S = (
    1,
    2,
    5,
    10,
    15,
    30,
    60,
    120,
    300,
    600,
    900,
    1_800,
    3_600,
    7_200,
    10_800,
    21_600,
    43_200,
    86_400,
)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$")
_UNIT_S = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3_600.0, "d": 86_400.0}


@dataclass(frozen=True, slots=True)
class TimeWindow:
    start_ms: int
    end_ms: int
    step_ms: int

    @property
    def step_s(self) -> float:
        return self.step_ms / 1000


def parse_duration_s(text: str, field: str) -> float:
    match = _DURATION.match(text.strip())
    if not match:
        raise InvalidRequestError(field, f"{text!r} is not a duration like 30s, 5m, 1h or 15")
    seconds = float(match.group(1)) * _UNIT_S[match.group(2) or "s"]
    if seconds <= 0:
        raise InvalidRequestError(field, "must be positive")
    return seconds


def auto_step_s(span_s: float) -> int:
    wanted = span_s / TARGET_POINTS
    return next((s for s in ROUND_STEPS_S if s >= wanted), math.ceil(wanted))


def resolve(
    range_name: str | None,
    start: datetime | None,
    end: datetime | None,
    step: str | None,
    now_ms: int | None = None,
) -> TimeWindow:
    now_ms = now_ms if now_ms is not None else int(time.time() * 1000)
    if range_name is not None and start is not None:
        raise InvalidRequestError("range", "give either range or start/end, not both")
    end_ms = int(end.timestamp() * 1000) if end is not None else now_ms
    if start is not None:
        start_ms = int(start.timestamp() * 1000)
    else:
        name = range_name or "1h"
        if name not in RANGES_S:
            raise InvalidRequestError("range", f"{name!r} is not one of {sorted(RANGES_S)}")
        start_ms = end_ms - RANGES_S[name] * 1000
    if start_ms >= end_ms:
        raise InvalidRequestError("start", "must be before end")
    span_s = (end_ms - start_ms) / 1000
    step_s = parse_duration_s(step, "step") if step else auto_step_s(span_s)
    if span_s / step_s > MAX_POINTS:
        raise InvalidRequestError(
            "step",
            f"{step} over {span_s:g}s gives {span_s / step_s:.0f} points; at most {MAX_POINTS}",
        )
    return TimeWindow(start_ms, end_ms, max(1, round(step_s * 1000)))

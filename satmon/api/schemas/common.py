"""Types the API's models share: a satellite id and a finite-number check."""

from __future__ import annotations

import math
from typing import Annotated

from pydantic import Field

from satmon.telemetry.schema import SATELLITE_ID_CHARS

# pydantic matches patterns with Rust's regex, where `$` is the very end of the text.
SatelliteId = Annotated[str, Field(pattern=f"^{SATELLITE_ID_CHARS}$", examples=["SAT-001"])]


def finite_values(values: list[float]) -> list[float]:
    for i, value in enumerate(values):
        if not math.isfinite(value):
            raise ValueError(f"value {i} is not a finite number")
    return values

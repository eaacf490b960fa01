"""The model-serving port.

A model takes a window of a subsystem's channels and returns a forecast with a
band, an anomaly score and the channels that drove it.

anomaly_score is in [0, 1]: s = e / (e + θ), where e is the detector's error
statistic for the window and θ its calibrated threshold. So s = 0.5 is exactly
at the threshold and anomaly_detected is s >= 0.5; s near 1 is far beyond it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class WindowInput:
    """A window of one subsystem: values[t, c] for channel c at step t, oldest first."""

    subsystem: str
    channels: tuple[str, ...]
    values: FloatArray  # (window, channels)
    horizon: int


@dataclass(frozen=True, slots=True)
class Prediction:
    forecast: FloatArray  # (horizon, channels)
    lower: FloatArray  # (horizon, channels)
    upper: FloatArray  # (horizon, channels)
    anomaly_score: float
    anomaly_detected: bool
    channel_scores: dict[str, float] = field(default_factory=dict)
    anomaly_channels: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    version: str
    ready: bool
    description: str


def score_from_ratio(error: float, threshold: float) -> float:
    """The documented anomaly_score: error / (error + threshold), in [0, 1]."""
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    error = max(float(error), 0.0)
    return error / (error + threshold)


class ModelServer(Protocol):
    name: str
    url: str

    def models(self) -> list[ModelInfo]: ...

    def predict(self, model_name: str, inputs: Sequence[WindowInput]) -> list[Prediction]:
        """One prediction per input, in order. Raises NotFoundError for an unknown model."""

    def check_ready(self) -> None: ...

    def close(self) -> None: ...

"""The trained-model artifact: what a version directory of the model repository holds.

    model_repository/<model>/config.pbtxt        Triton: backend, batching, instances
    model_repository/<model>/<version>/
        model.py          Triton python backend entry (imports satmon.serving.triton_backend)
        metadata.json     this file's `Metadata`: data spec, per-subsystem normalisation,
                          residual scales, thresholds, metrics, code version
        <subsystem>.onnx  the exported network of each subsystem (inputs x, outputs
                          forecast and fitted)
        weights.pt        the torch checkpoints (config + state dict) they were exported from

numpy only: the serving side reads these without torch.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

VAE = "vae_timeseries"
TRANSFORMER = "transformer_timeseries"
LSTM = "lstm_timeseries"
MODEL_NAMES: tuple[str, ...] = (VAE, TRANSFORMER, LSTM)

Kind = Literal["forecast", "reconstruction"]
KINDS: dict[str, Kind] = {VAE: "reconstruction", TRANSFORMER: "forecast", LSTM: "forecast"}

SERIES = "series"
"""The univariate model of each architecture, for manual jobs on a bare series:
its windows are normalised by their own mean and spread."""

METADATA = "metadata.json"
WEIGHTS = "weights.pt"


@dataclass(frozen=True, slots=True)
class SubsystemSpec:
    """Everything the pre- and post-processing of one subsystem's network needs."""

    subsystem: str
    channels: list[str]  # inputs, in order
    targets: int  # the first `targets` channels are forecast and scored
    window: int
    horizon: int
    normalisation: Literal["global", "window"]
    mean: list[float]  # per input channel (global normalisation; empty for "window")
    std: list[float]
    residual_scale: list[float]  # per target channel: RMS of nominal residuals, normalised units
    forecast_scale: list[list[float]]  # (horizon, targets): RMS of nominal forecast errors
    thresholds: list[float]  # per target channel, on the residual statistic
    kind: Kind
    span: float  # EWMA span of the forecast residual statistic
    warmup: int  # leading window steps left out of the statistic
    onnx: str  # file name in the version directory
    metrics: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubsystemSpec:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Metadata:
    model: str
    version: int
    kind: Kind
    description: str
    created: str  # RFC 3339
    code_version: str  # git commit (+dirty) and package version
    data: dict[str, Any]  # where the training data came from, and how much
    training: dict[str, Any]  # seed, epochs, early stopping, architecture configs
    subsystems: dict[str, SubsystemSpec]

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1, sort_keys=False) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Metadata:
        subsystems = {k: SubsystemSpec.from_dict(v) for k, v in data["subsystems"].items()}
        return cls(**{**data, "subsystems": subsystems})


def read_metadata(version_dir: Path) -> Metadata:
    return Metadata.from_dict(json.loads((version_dir / METADATA).read_text(encoding="utf-8")))


def versions(model_dir: Path) -> list[int]:
    """The numeric version directories that hold an artifact, ascending."""
    if not model_dir.is_dir():
        return []
    return sorted(
        int(p.name) for p in model_dir.iterdir() if p.name.isdigit() and (p / METADATA).is_file()
    )


def latest_version_dir(model_dir: Path) -> Path | None:
    found = versions(model_dir)
    return model_dir / str(found[-1]) if found else None

"""`satmon train`: data -> normalisation -> fit -> ONNX -> calibration -> a versioned artifact.

For each subsystem of the data (and, unless left out, the univariate `series`
network over all their channels) the architecture is fitted on the first 60 %
of every series, early-stopped on the next 20 % and calibrated on the last 20 %.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]
import torch
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from satmon.models import networks, repository
from satmon.models.artifact import KINDS, SERIES, WEIGHTS, Metadata, SubsystemSpec
from satmon.models.calibration import CalibrationConfig, calibrate
from satmon.models.data import Streams
from satmon.models.training import (
    FitResult,
    Normaliser,
    TrainConfig,
    fit,
    sample_windows,
    seed_everything,
)
from satmon.serving.base import FloatArray

DESCRIPTIONS = {
    "vae_timeseries": "Variational autoencoder (latent 32): reconstruction error vs a "
    "threshold calibrated on nominal data",
    "transformer_timeseries": "Causal Transformer forecaster (d_model 64, 4 heads): smoothed "
    "one-step residuals vs calibrated thresholds",
    "lstm_timeseries": "Causal LSTM forecaster: smoothed one-step residuals vs calibrated "
    "thresholds",
}
SPLIT = (0.6, 0.2, 0.2)


@dataclass(frozen=True, slots=True)
class TrainOptions:
    repository: Path = repository.REPOSITORY
    version: int | None = None  # None: the next free version
    replace: bool = False
    series: bool = True  # also fit the univariate network for bare series
    train: TrainConfig = field(default_factory=TrainConfig)
    network: dict[str, float] = field(default_factory=dict)  # config fields of the architecture
    calibration: CalibrationConfig = field(default_factory=CalibrationConfig)


@dataclass(frozen=True, slots=True)
class Trained:
    """A fitted and calibrated network of one subsystem."""

    spec: SubsystemSpec
    model: networks.Network
    fit: FitResult


def train_model(
    name: str, streams: Streams, options: TrainOptions, console: Console | None = None
) -> Path:
    """Train every subsystem of `name` on `streams`; returns the version directory."""
    model_dir = options.repository / name
    version = options.version or repository.next_version(model_dir)
    staging = repository.staging_dir(model_dir, version)
    trained: dict[str, Trained] = {}
    with _progress(console) as progress:
        for subsystem, channels in streams.channels.items():
            parts = [s.series[subsystem] for s in streams.split(*SPLIT)]
            normaliser = Normaliser.fit(parts[0])
            targets = streams.targets.get(subsystem, len(channels))
            trained[subsystem] = train_subsystem(
                name, subsystem, channels, targets, parts, normaliser, staging, options, progress
            )
        if options.series:
            parts = [
                [
                    s[:, [c]]
                    for arrays in split.series.values()
                    for s in arrays
                    for c in range(s.shape[1])
                ]
                for split in streams.split(*SPLIT)
            ]
            trained[SERIES] = train_subsystem(
                name, SERIES, ["value"], 1, parts, Normaliser.window(), staging, options, progress
            )
    torch.save(
        {sub: networks.checkpoint(name, t.model) for sub, t in trained.items()}, staging / WEIGHTS
    )
    metadata = Metadata(
        model=name,
        version=version,
        kind=KINDS[name],
        description=DESCRIPTIONS[name],
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        code_version=repository.code_version(),
        data={
            **streams.spec,
            "split": "first 60 % train, next 20 % validation, last 20 % calibration",
        },
        training={
            "train": asdict(options.train),
            "network": dict(options.network),
            "calibration": asdict(options.calibration),
            "networks": {sub: _fit_summary(t) for sub, t in trained.items()},
        },
        subsystems={sub: t.spec for sub, t in trained.items()},
    )
    (staging / "metadata.json").write_text(metadata.to_json(), encoding="utf-8")
    return repository.publish(model_dir, name, staging, version, options.replace)


def train_subsystem(
    name: str,
    subsystem: str,
    channels: list[str],
    targets: int,
    parts: list[list[FloatArray]],
    normaliser: Normaliser,
    staging: Path,
    options: TrainOptions,
    progress: Progress | None,
) -> Trained:
    cfg = options.train
    seed_everything(cfg.seed, cfg.threads)
    rng = np.random.default_rng(cfg.seed)
    length = cfg.window + cfg.horizon
    train = normaliser.apply(
        sample_windows(parts[0], length, cfg.train_windows, rng, cfg.transition_share),
        cfg.window,
    )
    val = normaliser.apply(sample_windows(parts[1], length, cfg.val_windows, rng), cfg.window)
    config = networks.make_config(
        name, len(channels), targets, cfg.window, cfg.horizon, options.network
    )
    model = networks.build(name, config)

    task: TaskID | None = None
    if progress is not None:
        task = progress.add_task(f"{name} {subsystem}", total=cfg.epochs, loss="")

    def on_epoch(epoch: int, train_loss: float, val_loss: float) -> None:
        if progress is not None and task is not None:
            loss = f"train {train_loss:.4f}  val {val_loss:.4f}"
            progress.update(task, completed=epoch, loss=loss)

    result = fit(model, train, val, cfg, on_epoch)
    if progress is not None and task is not None:
        progress.update(task, completed=cfg.epochs)

    onnx_file = f"{subsystem}.onnx"
    networks.export_onnx(result.model, staging / onnx_file)
    spec = SubsystemSpec(
        subsystem=subsystem,
        channels=channels,
        targets=targets,
        window=cfg.window,
        horizon=cfg.horizon,
        normalisation="window" if normaliser.per_window else "global",
        mean=normaliser.mean.tolist(),
        std=normaliser.std.tolist(),
        residual_scale=[],
        forecast_scale=[],
        thresholds=[],
        kind=KINDS[name],
        span=options.calibration.span,
        warmup=options.calibration.warmup,
        onnx=onnx_file,
    )
    session = ort.InferenceSession(str(staging / onnx_file), providers=["CPUExecutionProvider"])
    spec = calibrate(spec, session, parts[2], options.calibration)
    spec = SubsystemSpec(
        **{
            **asdict(spec),
            "metrics": {
                **spec.metrics,
                "train_loss": result.train_loss,
                "val_loss": result.val_loss,
                "epochs": float(result.epochs),
            },
        }
    )
    return Trained(spec, result.model, result)


def _fit_summary(trained: Trained) -> dict[str, Any]:
    return {
        "config": asdict(trained.model.config),
        "parameters": sum(p.numel() for p in trained.model.parameters()),
        "epochs": trained.fit.epochs,
        "best_epoch": trained.fit.best_epoch,
        "train_loss": trained.fit.train_loss,
        "val_loss": trained.fit.val_loss,
    }


@contextmanager
def _progress(console: Console | None) -> Iterator[Progress | None]:
    if console is None:
        yield None
        return
    progress = Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("epoch {task.completed:>2.0f}/{task.total:.0f}  {task.fields[loss]}"),
        TimeElapsedColumn(),
        console=console,
    )
    with progress:
        yield progress

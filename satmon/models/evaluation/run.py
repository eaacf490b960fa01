"""Running the evaluations on the repository's models and writing their results."""

from __future__ import annotations

import json
import platform
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from satmon.models import data
from satmon.models.artifact import MODEL_NAMES, latest_version_dir
from satmon.models.baseline import HoltLinearBaseline
from satmon.models.evaluation import faults, forecasting, smap, telemanom
from satmon.models.pipeline import TrainOptions
from satmon.models.repository import REPOSITORY, code_version
from satmon.models.training import TrainConfig
from satmon.serving.base import FloatArray, WindowInput
from satmon.serving.runtime import ModelRunner

EVALUATION_START = datetime(2026, 3, 1, tzinfo=UTC)
"""Held-out simulated data starts here, from a seed training never used."""


@dataclass(frozen=True, slots=True)
class EvaluateRequest:
    parts: list[str]  # simulator, forecast, smap, telemanom
    models: list[str] = field(default_factory=list)
    repository: Path = REPOSITORY
    results: Path = Path("bench/results")
    satellites: int = 4
    days: float = 2.0
    fault_rate: float = 4.0
    seed: int = 7
    dataset: Path | None = None
    channels: list[str] = field(default_factory=list)
    smap_window: int = 32
    smap_epochs: int = 10
    smap_networks: int = smap.NETWORKS
    forecast_windows: int = 300


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )


def _runners(request: EvaluateRequest) -> dict[str, ModelRunner]:
    runners = {}
    for name in request.models or list(MODEL_NAMES):
        version_dir = latest_version_dir(request.repository / name)
        if version_dir is None:
            raise FileNotFoundError(f"{request.repository / name} holds no trained version")
        runners[name] = ModelRunner.load(version_dir, threads=2)
    return runners


def evaluate_faults(request: EvaluateRequest, console: Console) -> dict[str, Any]:
    runners = _runners(request)
    with _progress(console) as progress:
        task = progress.add_task("simulating faulty fleet", total=None)
        streams = data.simulate(
            request.satellites,
            request.days,
            request.seed,
            fault_rate_per_day=request.fault_rate,
            start=EVALUATION_START,
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
        reports = []
        for name, runner in runners.items():
            window = next(iter(runner.runners.values())).spec.window
            total = sum(max(len(s) - window + 1, 0) for a in streams.series.values() for s in a)
            task = progress.add_task(f"{name}: scoring windows", total=total)

            def scorer(subsystem: str, x: FloatArray, runner: ModelRunner = runner) -> FloatArray:
                scores: FloatArray = runner.runners[subsystem].score_windows(x).max(axis=1)
                return scores

            def advance(n: int, task: TaskID = task) -> None:
                progress.advance(task, n)

            alarms = faults.alarm_steps(streams, window, scorer, advance)
            reports.append(faults.score_faults(name, streams, alarms, window).to_dict())
    return {"data": streams.spec, "labels": len(streams.labels), "models": reports}


def evaluate_forecasts(request: EvaluateRequest, console: Console) -> dict[str, Any]:
    runners = _runners(request)
    streams = data.simulate(
        request.satellites, min(request.days, 1.0), request.seed + 1, start=EVALUATION_START
    )
    forecasters: dict[str, forecasting.Forecaster] = {
        "last_value": forecasting.last_value,
        "auto_ets": forecasting.auto_ets,
        "holt_linear_baseline": _holt,
    }
    for name, runner in runners.items():

        def forecast(
            subsystem: str, history: FloatArray, horizon: int, runner: ModelRunner = runner
        ) -> FloatArray:
            outputs = runner.runners[subsystem].run(list(history), [horizon] * len(history))
            return np.stack([o.forecast for o in outputs])

        forecasters[name] = forecast
    spec = next(iter(runners.values())).metadata.subsystems["eps"]
    with _progress(console) as progress:
        task = progress.add_task("forecasting", total=len(forecasters) * len(streams.series))
        results = forecasting.evaluate_forecasts(
            streams,
            forecasters,
            spec.window,
            spec.horizon,
            request.forecast_windows,
            request.seed,
            lambda what: progress.update(task, advance=1, description=what),
        )
    return {
        "data": streams.spec,
        "windows_per_subsystem": request.forecast_windows,
        "results": results,
    }


def _holt(subsystem: str, history: FloatArray, horizon: int) -> FloatArray:
    channels = tuple(f"c{i}" for i in range(history.shape[2]))
    windows = [WindowInput(subsystem, channels, h, horizon) for h in history]
    return np.stack([p.forecast for p in HoltLinearBaseline().predict(windows)])


def _smap_channels(request: EvaluateRequest) -> list[data.SmapChannel]:
    if request.dataset is None or not request.dataset.is_dir():
        raise FileNotFoundError(
            f"SMAP data not found at {request.dataset}: expected ../shared/data/smap "
            "(train/, test/, labeled_anomalies.csv)"
        )
    return data.smap_channels(request.dataset, request.channels or None)


def evaluate_smap(request: EvaluateRequest, console: Console) -> dict[str, Any]:
    channels = _smap_channels(request)
    options = TrainOptions(
        series=False,
        train=TrainConfig(
            window=request.smap_window,
            horizon=10,
            epochs=request.smap_epochs,
            batch_size=256,
            patience=3,
            train_windows=5_000,
            val_windows=1_000,
            seed=request.seed,
        ),
    )
    models = {}
    with _progress(console) as progress:
        for name in request.models or list(MODEL_NAMES):
            task = progress.add_task(f"SMAP {name}", total=len(channels))

            def on_channel(channel: str, task: TaskID = task, name: str = name) -> None:
                done = [c.channel for c in channels].index(channel)
                progress.update(task, completed=done, description=f"SMAP {name} {channel}")

            models[name] = smap.evaluate_smap(
                name, channels, options, on_channel, request.smap_networks
            )
            progress.update(task, completed=len(channels))
    return {
        "dataset": str(request.dataset),
        "train": {
            "window": request.smap_window,
            "epochs": request.smap_epochs,
            "networks_per_channel": request.smap_networks,
            "seeds": [request.seed + k for k in range(request.smap_networks)],
            "nominal_margin": smap.NOMINAL_MARGIN,
            "vae_kl_weight": smap.VAE_KL_WEIGHT,
        },
        "published": PUBLISHED_SMAP,
        "models": models,
    }


def evaluate_telemanom(request: EvaluateRequest, console: Console) -> dict[str, Any]:
    """Telemanom's published method on SMAP, by the same harness (an hour or more on
    two cores: 35 epochs over 250-step windows per channel)."""
    channels = _smap_channels(request)
    config = telemanom.TelemanomConfig()
    results = []
    with _progress(console) as progress:
        task = progress.add_task("Telemanom (channels)", total=len(channels))
        for result in telemanom.evaluate_channels(channels, config, request.seed):
            results.append(result)
            progress.update(task, advance=1, description=f"Telemanom {result.channel}")
    return {
        "dataset": str(request.dataset),
        "train": {"seed": request.seed, "split": smap.SPLIT, **asdict(config)},
        "published": PUBLISHED_SMAP,
        "models": {telemanom.NAME: smap.summarise(telemanom.NAME, results, smap.METHODS)},
    }


PUBLISHED_SMAP = {
    "telemanom_per_sequence": {"precision": 0.855, "recall": 0.855},
    "point_adjusted_f1": {
        "LSTM-NDT": 0.788,
        "OmniAnomaly": 0.873,
        "USAD": 0.842,
        "MTAD-GAT": 0.888,
        "TranAD": 0.892,
        "Anomaly Transformer": 0.967,
    },
}

PARTS: dict[str, Callable[[EvaluateRequest, Console], dict[str, Any]]] = {
    "simulator": evaluate_faults,
    "forecast": evaluate_forecasts,
    "smap": evaluate_smap,
    "telemanom": evaluate_telemanom,
}


def run_evaluation(request: EvaluateRequest, console: Console) -> dict[str, Path]:
    written = {}
    for part in request.parts:
        if part not in PARTS:
            raise ValueError(f"unknown part {part!r}; choose from {list(PARTS)}")
        result = PARTS[part](request, console)
        document = {
            "benchmark": f"evaluate-{part}",
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "code_version": code_version(),
            "machine": {"python": platform.python_version(), "platform": platform.platform()},
            **result,
        }
        request.results.mkdir(parents=True, exist_ok=True)
        path = request.results / f"evaluate-{part}.json"
        path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
        written[part] = path
    return written

"""What `satmon train` does with its flags: pick the data, train, report."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from satmon.config import Settings
from satmon.models.artifact import MODEL_NAMES


@dataclass(frozen=True, slots=True)
class TrainRequest:
    models: list[str]
    source: str = "simulator"
    satellites: int = 4
    days: float = 1.0
    step_s: float = 1.0
    since: str = "7d"
    dataset: Path | None = None
    channels: list[str] = field(default_factory=list)
    seed: int = 0
    window: int = 20
    horizon: int = 10
    epochs: int = 25
    train_windows: int = 32_000
    transition_share: float = 0.5
    version: int | None = None
    replace: bool = False
    repository: Path | None = None


def require_torch() -> None:
    if importlib.util.find_spec("torch") is None:
        raise ValueError(
            "training needs PyTorch, in the optional `train` dependency group: "
            "uv sync --group train (scripts/provision installs every group)"
        )


def run_training(request: TrainRequest, settings: Settings, console: Console) -> list[Path]:
    require_torch()
    from satmon.models import data  # noqa: PLC0415
    from satmon.models.pipeline import TrainOptions, train_model  # noqa: PLC0415
    from satmon.models.repository import REPOSITORY  # noqa: PLC0415
    from satmon.models.training import TrainConfig  # noqa: PLC0415

    names = request.models or list(MODEL_NAMES)
    unknown = [n for n in names if n not in MODEL_NAMES]
    if unknown:
        raise ValueError(f"unknown model(s) {unknown}; choose from {list(MODEL_NAMES)}")
    options = TrainOptions(
        repository=request.repository or REPOSITORY,
        version=request.version,
        replace=request.replace,
        train=TrainConfig(
            window=request.window,
            horizon=request.horizon,
            epochs=request.epochs,
            train_windows=request.train_windows,
            transition_share=request.transition_share,
            seed=request.seed,
        ),
    )
    if request.source == "simulator":
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("simulating nominal data", total=None)
            streams = data.simulate_seasons(
                request.satellites,
                request.days,
                request.seed,
                request.step_s,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    elif request.source == "store":
        from satmon.telemetry.simulate import parse_moment  # noqa: PLC0415
        from satmon.tsdb.factory import open_tsdb  # noqa: PLC0415

        now = datetime.now(UTC)
        start = parse_moment(f"now-{request.since}", "--since", now)
        store = open_tsdb(settings)
        try:
            streams = data.from_store(store, now - start, request.step_s, now)
        finally:
            store.close()
        if not any(streams.series.values()):
            raise ValueError(
                f"the store {store.url} has no complete series in the last {request.since}"
            )
    elif request.source == "smap":
        if request.dataset is None:
            raise ValueError("--source smap needs --dataset FOLDER (the SMAP layout)")
        channels = data.smap_channels(request.dataset, request.channels or None)
        streams = data.merge([data.smap_streams(c) for c in channels])
        options = replace(options, series=False)
    else:
        raise ValueError(f"--source must be simulator, store or smap, not {request.source!r}")

    written = []
    for name in names:
        path = train_model(name, streams, options, console)
        console.print(f"{name}: wrote {path}")
        written.append(path)
    return written

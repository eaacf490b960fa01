"""The model verbs of the satmon command: `satmon train` and `satmon evaluate`.

They parse their flags and hand over to `satmon.models.cli` (training) and
`satmon.models.evaluation` (evaluation), imported only when a verb runs, so the
rest of the command starts without torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from satmon.config import Settings

err = Console(stderr=True)


def train(
    models: Annotated[
        list[str] | None,
        typer.Argument(
            help="Models to train (default: vae_timeseries transformer_timeseries lstm_timeseries)"
        ),
    ] = None,
    source: Annotated[str, typer.Option(help="simulator, store or smap")] = "simulator",
    satellites: Annotated[int, typer.Option(min=1, help="Simulated satellites")] = 4,
    days: Annotated[float, typer.Option(min=0.01, help="Simulated days of nominal data")] = 1.0,
    step: Annotated[float, typer.Option(min=0.001, help="Seconds between steps")] = 1.0,
    since: Annotated[str, typer.Option(help="History to read from the store, e.g. 7d")] = "7d",
    dataset: Annotated[
        Path | None, typer.Option(help="A dataset folder in the SMAP layout (--source smap)")
    ] = None,
    channel: Annotated[
        list[str] | None, typer.Option(help="SMAP channels to train on (default: all)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the data and of training")] = 0,
    window: Annotated[int, typer.Option(min=2, help="Steps a model sees")] = 20,
    horizon: Annotated[int, typer.Option(min=1, help="Steps a model forecasts")] = 10,
    epochs: Annotated[
        int, typer.Option(min=1, help="Most epochs (early stopping may end sooner)")
    ] = 25,
    train_windows: Annotated[
        int, typer.Option(min=100, help="Training windows per network")
    ] = 32_000,
    transitions: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Share of training windows drawn by their largest change"
        ),
    ] = 0.5,
    version: Annotated[
        int | None, typer.Option(min=1, help="Version to write (default: next)")
    ] = None,
    replace: Annotated[bool, typer.Option(help="Overwrite an existing version")] = False,
    repository: Annotated[
        Path | None, typer.Option(help="Triton model repository (default: the project's)")
    ] = None,
) -> None:
    """Train models and write versioned artifacts into the Triton model repository."""
    from satmon.models.cli import TrainRequest, run_training

    request = TrainRequest(
        models=models or [],
        source=source,
        satellites=satellites,
        days=days,
        step_s=step,
        since=since,
        dataset=dataset,
        channels=channel or [],
        seed=seed,
        window=window,
        horizon=horizon,
        epochs=epochs,
        train_windows=train_windows,
        transition_share=transitions,
        version=version,
        replace=replace,
        repository=repository,
    )
    try:
        run_training(request, Settings(), err)
    except (ValueError, FileNotFoundError, FileExistsError) as exc:
        err.print(f"[red]satmon train: {exc}[/red]")
        raise typer.Exit(2) from exc


def evaluate(
    parts: Annotated[
        list[str] | None,
        typer.Argument(
            help="simulator, forecast, smap and/or telemanom (default: the first three)"
        ),
    ] = None,
    model: Annotated[
        list[str] | None, typer.Option(help="Models to evaluate (default: all trained)")
    ] = None,
    satellites: Annotated[int, typer.Option(min=1, help="Simulated satellites")] = 4,
    days: Annotated[float, typer.Option(min=0.01, help="Simulated days with faults")] = 2.0,
    fault_rate: Annotated[
        float, typer.Option(min=0.0, help="Injected faults per satellite-day")
    ] = 4.0,
    seed: Annotated[
        int, typer.Option(help="Seed of the held-out data, and of the SMAP networks' training")
    ] = 7,
    dataset: Annotated[
        Path, typer.Option(help="NASA SMAP folder (train/, test/, labeled_anomalies.csv)")
    ] = Path("../shared/data/smap"),
    channel: Annotated[list[str] | None, typer.Option(help="SMAP channels (default: all)")] = None,
    smap_networks: Annotated[
        int,
        typer.Option(
            min=1, help="Networks per SMAP channel (seeds seed, seed+1, ...), errors averaged"
        ),
    ] = 3,
    results: Annotated[Path, typer.Option(help="Folder of the JSON results")] = Path(
        "bench/results"
    ),
) -> None:
    """Score the models: simulator faults, forecasts, and NASA SMAP against published results."""
    from satmon.models.cli import require_torch

    try:
        require_torch()
        from satmon.models.evaluation.report import summary
        from satmon.models.evaluation.run import EvaluateRequest, run_evaluation

        request = EvaluateRequest(
            parts=parts or ["simulator", "forecast", "smap"],
            models=model or [],
            results=results,
            satellites=satellites,
            days=days,
            fault_rate=fault_rate,
            seed=seed,
            dataset=dataset,
            channels=channel or [],
            smap_networks=smap_networks,
        )
        written = run_evaluation(request, err)
    except (ValueError, FileNotFoundError) as exc:
        err.print(f"[red]satmon evaluate: {exc}[/red]")
        raise typer.Exit(2) from exc
    for path in written.values():
        Console().print(summary(path))
        err.print(f"wrote {path}")

"""The satmon command. Verbs parse their flags and call the package that does the work."""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from satmon.config import Settings
from satmon.models.commands import evaluate, train

if TYPE_CHECKING:
    from fastapi import FastAPI

app = typer.Typer(
    name="satmon",
    help="Satellite telemetry monitoring: simulate, ingest, analyse, serve.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**values)


def _logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)


@app.command()
def config() -> None:
    """Print the effective configuration (secrets masked)."""
    table = Table("setting", "value", title="satmon configuration")
    for name, value in _settings().effective().items():
        table.add_row(name, "" if value is None else str(value))
    Console().print(table)


@app.command()
def simulate(
    satellites: Annotated[int, typer.Option(min=1, help="Number of satellites")] = 3,
    interval: Annotated[float, typer.Option(min=0.001, help="Seconds between frames")] = 1.0,
    duration: Annotated[
        float | None,
        typer.Option(min=0.0, help="Seconds to run (real time); default until interrupted"),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same run")] = 42,
    speedup: Annotated[
        float, typer.Option(min=0.001, help="Simulated seconds per wall-clock second")
    ] = 1.0,
    backfill: Annotated[
        tuple[str, str] | None,
        typer.Option(help="Generate START END as fast as possible (RFC 3339, `now` or `now-7d`)"),
    ] = None,
    fault_rate: Annotated[
        float, typer.Option(min=0.0, help="Injected faults per satellite-day")
    ] = 0.0,
    fault_schedule: Annotated[
        Path | None, typer.Option(exists=True, dir_okay=False, help="JSON file of faults to inject")
    ] = None,
    output: Annotated[str, typer.Option(help="stdout, jsonl, embedded or kafka")] = "stdout",
    kafka: Annotated[
        str | None,
        typer.Option(
            metavar="HOST:PORT",
            help="Send to Kafka's telemetry topic (SATMON_TELEMETRY_TOPIC); implies --output kafka",
        ),
    ] = None,
    file: Annotated[Path | None, typer.Option(help="File of the jsonl output")] = None,
    labels: Annotated[Path | None, typer.Option(help="Where to write fault labels")] = None,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data directory of the embedded output (default SATMON_DATA_DIR)"),
    ] = None,
) -> None:
    """Generate telemetry frames from the physics simulator."""
    from satmon.errors import InvalidRequestError, ServiceUnavailableError
    from satmon.telemetry.simulate import Output, SimulateOptions, parse_moment, run_simulation
    from satmon.telemetry.simulator.faults import load_schedule

    settings = _settings(data_dir=data_dir)
    _logging(settings)
    try:
        window = None
        if backfill is not None:
            now = datetime.now(UTC)  # one `now` for both ends of the window
            window = (
                parse_moment(backfill[0], "--backfill START", now),
                parse_moment(backfill[1], "--backfill END", now),
            )
        options = SimulateOptions(
            satellites=satellites,
            interval_s=interval,
            duration_s=duration,
            seed=seed,
            speedup=speedup,
            backfill=window,
            fault_rate_per_day=fault_rate,
            fault_schedule=load_schedule(fault_schedule) if fault_schedule else [],
            output=Output.KAFKA if kafka else Output(output),
            file=file,
            labels=labels,
            data_dir=settings.data_dir,
            kafka=kafka,
            topic=settings.telemetry_topic,
            partitions=settings.topic_partitions,
            progress=output != "stdout" and sys.stderr.isatty(),
        )
        report = run_simulation(options)
    except (InvalidRequestError, ValueError) as exc:
        err.print(f"[red]satmon simulate: {exc}[/red]")
        raise typer.Exit(2) from exc
    except ServiceUnavailableError as exc:
        err.print(f"[red]satmon simulate: {exc}[/red]")
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    where = f", labels in {report.labels_path}" if report.labels_path else ""
    err.print(f"{report.frames} frames in {report.ticks} ticks, {report.labels} faults{where}")


@app.command()
def consume(
    group: Annotated[str, typer.Option(help="Consumer group; run several to share partitions")] = (
        "satmon-ingest"
    ),
    batch: Annotated[int, typer.Option(min=1, help="Most frames per store write")] = 10_000,
    max_wait: Annotated[
        float, typer.Option(min=0.0, help="Seconds a frame may wait for its batch to fill")
    ] = 0.2,
    in_flight: Annotated[int, typer.Option(min=1, help="Batches written to the store at once")] = 2,
    metrics_host: Annotated[str, typer.Option(help="Address of the /metrics endpoint")] = (
        "127.0.0.1"
    ),
    metrics_port: Annotated[
        int, typer.Option(min=-1, help="Port of /metrics (0: any free port, -1: none)")
    ] = 9108,
) -> None:
    """Ingest telemetry from Kafka into the time-series store (the seed's victoria-consumer)."""
    from satmon.errors import InvalidRequestError, ServiceUnavailableError
    from satmon.ingest.consumer import IngestSettings
    from satmon.ingest.service import ConsumeOptions
    from satmon.ingest.service import consume as run_consume

    settings = _settings()
    _logging(settings)
    options = ConsumeOptions(
        group=group,
        metrics_host=metrics_host,
        metrics_port=metrics_port,
        ingest=IngestSettings(max_batch=batch, max_wait_s=max_wait, max_in_flight=in_flight),
    )
    try:
        run_consume(settings, options)
    except InvalidRequestError as exc:
        err.print(f"[red]satmon consume: {exc}[/red]")
        raise typer.Exit(2) from exc
    except ServiceUnavailableError as exc:
        err.print(f"[red]satmon consume: {exc}[/red]")
        raise typer.Exit(1) from exc


@app.command()
def trigger(
    group: Annotated[str, typer.Option(help="Consumer group; run several to share partitions")] = (
        "satmon-trigger"
    ),
    batch: Annotated[int, typer.Option(min=1, help="Most frames read per poll")] = 1_000,
) -> None:
    """Start analysis jobs from telemetry (the seed's kafka-inference-trigger)."""
    from satmon.analysis.service import TriggerOptions, run_trigger
    from satmon.errors import InvalidRequestError, ServiceUnavailableError

    settings = _settings()
    _logging(settings)
    try:
        run_trigger(settings, TriggerOptions(group=group, max_batch=batch))
    except InvalidRequestError as exc:
        err.print(f"[red]satmon trigger: {exc}[/red]")
        raise typer.Exit(2) from exc
    except ServiceUnavailableError as exc:
        err.print(f"[red]satmon trigger: {exc}[/red]")
        raise typer.Exit(1) from exc


@app.command()
def worker(
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, help="Tasks at once (default: 8 per CPU with threads, 1 with prefork)"),
    ] = None,
    pool: Annotated[str, typer.Option(help="threads, prefork or solo")] = "threads",
    batch: Annotated[
        bool,
        typer.Option(
            help="Run a message's subsystems as one model call and one write"
            " (--no-batch: one at a time, as the seed did)"
        ),
    ] = True,
    hostname: Annotated[str, typer.Option(help="Worker name (%h: this host)")] = "satmon@%h",
) -> None:
    """Run a Celery worker of the inference tasks (the seed's analysis-worker)."""
    from satmon.analysis.celery_app import WorkerOptions, run_worker
    from satmon.errors import ServiceUnavailableError

    settings = _settings()
    _logging(settings)
    if settings.celery_broker_url is None:
        err.print("[red]satmon worker: CELERY_BROKER_URL is not set[/red]")
        raise typer.Exit(2)
    if pool not in ("threads", "prefork", "solo"):
        err.print(f"[red]satmon worker: --pool {pool!r}: expected threads, prefork or solo[/red]")
        raise typer.Exit(2)
    options = WorkerOptions(
        pool=pool,
        concurrency=concurrency,
        batch=batch,
        hostname=hostname,
        loglevel=settings.log_level,
    )
    try:
        run_worker(settings, options)
    except ServiceUnavailableError as exc:
        err.print(f"[red]satmon worker: {exc}[/red]")
        raise typer.Exit(1) from exc


@app.command()
def up(
    host: Annotated[str | None, typer.Option(help="API address (SATMON_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="API port (SATMON_PORT)")] = None,
    satellites: Annotated[int, typer.Option(min=1, help="Simulated satellites")] = 3,
    interval: Annotated[float, typer.Option(min=0.05, help="Seconds between frames")] = 1.0,
    seed: Annotated[int, typer.Option(help="Simulator seed")] = 42,
    fault_rate: Annotated[
        float, typer.Option(min=0.0, help="Injected faults per satellite-day")
    ] = 2.0,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the embedded stores live (SATMON_DATA_DIR)")
    ] = None,
) -> None:
    """Run everything in one process, embedded: simulator, ingest, trigger, analysis, API."""
    from satmon.api.app import create_app
    from satmon.api.deps import ApiState
    from satmon.embedded import EmbeddedSystem, SimulationOptions

    settings = _settings(api_host=host, api_port=port, data_dir=data_dir)
    _logging(settings)
    system = EmbeddedSystem(
        settings,
        SimulationOptions(
            satellites=satellites, interval_s=interval, seed=seed, fault_rate_per_day=fault_rate
        ),
    )
    system.start()
    api = create_app(ApiState(adapters=system.adapters, jobs=system.jobs), on_shutdown=system.stop)
    err.print(f"satmon is up: http://{settings.api_host}:{settings.api_port}/docs")
    _serve(api, settings)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="API address (SATMON_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="API port (SATMON_PORT)")] = None,
) -> None:
    """Run the API alone (the operation server) on the configured stores."""
    from satmon.api.app import create_app
    from satmon.api.deps import ApiState
    from satmon.runtime import job_service, open_adapters, task_queue

    settings = _settings(api_host=host, api_port=port)
    _logging(settings)
    adapters = open_adapters(settings)
    queue = task_queue(adapters)

    def shutdown() -> None:
        queue.close()
        adapters.close()

    api = create_app(
        ApiState(adapters=adapters, jobs=job_service(adapters, queue)), on_shutdown=shutdown
    )
    _serve(api, settings)


def _serve(api: FastAPI, settings: Settings) -> None:
    """Run the API until SIGTERM or Ctrl-C; the app's shutdown hook stops the rest."""
    import signal

    import uvicorn

    # uvicorn raises the signal that stopped it again once it has shut down cleanly;
    # these handlers make that a no-op, so a clean shutdown exits with status 0.
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda *_: None)

    uvicorn.run(
        api, host=settings.api_host, port=settings.api_port, log_config=None, access_log=False
    )


db = typer.Typer(help="The results database.", no_args_is_help=True)
app.add_typer(db, name="db")


@db.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision")] = "head",
) -> None:
    """Run the results database's migrations (tables, indexes and the seed's views)."""
    from satmon.config import mask_url
    from satmon.store.migrate import upgrade

    settings = _settings()
    _logging(settings)
    url = settings.results_database_url
    try:
        upgrade(url, revision)
    except Exception as exc:
        err.print(f"[red]satmon db upgrade: {mask_url(url)}: {exc}[/red]")
        raise typer.Exit(1) from exc
    err.print(f"{mask_url(url)} is at revision {revision}")


app.command()(train)
app.command()(evaluate)

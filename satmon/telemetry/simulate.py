"""`satmon simulate`: run the simulator into one output.

Outputs: `stdout` (JSON lines), `jsonl` (a file, with its fault labels beside it
in <file>.labels.jsonl), `embedded` (the time-series store of a data directory,
for example a week of history before `satmon up`), `kafka` (the telemetry topic
of a Kafka cluster, keyed by satellite id, through the bus's producer).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from satmon.bus.kafka import KafkaBus
from satmon.errors import InvalidRequestError
from satmon.ingest.direct import StoreSink
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.telemetry.simulator.faults import ScheduledFault
from satmon.telemetry.simulator.runner import run_backfill, run_realtime
from satmon.telemetry.simulator.sinks import (
    BusSink,
    FrameSink,
    JsonlSink,
    LabelWriter,
    StdoutSink,
)
from satmon.tsdb.sqlite import SqliteTimeSeriesStore


class Output(StrEnum):
    STDOUT = "stdout"
    JSONL = "jsonl"
    EMBEDDED = "embedded"
    KAFKA = "kafka"


@dataclass(frozen=True, slots=True)
class SimulateOptions:
    satellites: int
    interval_s: float
    duration_s: float | None
    seed: int
    speedup: float
    backfill: tuple[datetime, datetime] | None
    fault_rate_per_day: float
    fault_schedule: list[ScheduledFault] = field(default_factory=list)
    output: Output = Output.STDOUT
    file: Path | None = None
    labels: Path | None = None
    data_dir: Path | None = None
    kafka: str | None = None
    """Bootstrap servers of the kafka output."""
    topic: str = "satellite-telemetry"
    """Topic of the kafka output."""
    partitions: int = 4
    """Partitions of the topic, should the kafka output create it."""
    progress: bool = True


@dataclass(frozen=True, slots=True)
class SimulateReport:
    frames: int
    ticks: int
    labels: int
    labels_path: Path | None


_RELATIVE = re.compile(r"^now(?:-(\d+)([smhd]))?$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_moment(text: str, field_name: str, now: datetime | None = None) -> datetime:
    """An RFC 3339 time, `now`, or `now-<n><s|m|h|d>` such as now-7d."""
    now = now or datetime.now(UTC)
    relative = _RELATIVE.match(text.strip())
    if relative:
        if relative.group(1) is None:
            return now
        return now - timedelta(**{_UNITS[relative.group(2)]: int(relative.group(1))})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequestError(
            field_name, f"{text!r} is not RFC 3339, `now` or `now-7d`"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_simulation(options: SimulateOptions, stop: threading.Event | None = None) -> SimulateReport:
    start = options.backfill[0] if options.backfill else datetime.now(UTC)
    simulator = Simulator(
        SimulatorConfig(
            satellites=options.satellites,
            seed=options.seed,
            start=start,
            step_s=options.interval_s,
            fault_rate_per_day=options.fault_rate_per_day,
            fault_schedule=options.fault_schedule,
        )
    )
    labels_path = _labels_path(options)
    labels = LabelWriter(labels_path) if labels_path else None
    sink = _open_sink(options)
    try:
        if options.backfill:
            frames, ticks = run_backfill(
                simulator, sink, options.backfill[1], progress=options.progress
            )
        else:
            frames, ticks = run_realtime(
                simulator,
                sink,
                options.interval_s,
                options.duration_s,
                speedup=options.speedup,
                stop=stop,
            )
    finally:
        sink.close()
        if labels is not None:
            labels.write_all(simulator.labels)
            labels.close()
    return SimulateReport(
        frames=frames, ticks=ticks, labels=len(simulator.labels), labels_path=labels_path
    )


def _labels_path(options: SimulateOptions) -> Path | None:
    if options.labels is not None:
        return options.labels
    if options.output is Output.JSONL and options.file is not None:
        return options.file.with_name(options.file.name + ".labels.jsonl")
    if options.output is Output.EMBEDDED and options.data_dir is not None:
        return options.data_dir / "fault_labels.jsonl"
    return None


def _open_sink(options: SimulateOptions) -> FrameSink:
    if options.output is Output.JSONL:
        if options.file is None:
            raise InvalidRequestError("--file", "the jsonl output needs --file PATH")
        return JsonlSink(options.file)
    if options.output is Output.EMBEDDED:
        if options.data_dir is None:
            raise InvalidRequestError("--data-dir", "the embedded output needs a data directory")
        options.data_dir.mkdir(parents=True, exist_ok=True)
        return _ClosingStoreSink(SqliteTimeSeriesStore(options.data_dir / "tsdb.sqlite"))
    if options.output is Output.KAFKA:
        if not options.kafka:
            raise InvalidRequestError("--kafka", "the kafka output needs --kafka HOST:PORT")
        return _KafkaSink(options.kafka, options.topic, options.partitions)
    return StdoutSink()


class _ClosingStoreSink(StoreSink):
    """A StoreSink that owns its store and closes it with itself."""

    def __init__(self, store: SqliteTimeSeriesStore) -> None:
        super().__init__(store)
        self._owned = store

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._owned.close()


class _KafkaSink(BusSink):
    """A BusSink on a Kafka bus of its own, closed with it once every frame is acknowledged."""

    def __init__(self, bootstrap_servers: str, topic: str, partitions: int) -> None:
        self._bus = KafkaBus(bootstrap_servers, topics=[topic], partitions=partitions)
        try:
            super().__init__(self._bus.producer(), topic)
        except BaseException:
            self._bus.close()
            raise

    def close(self) -> None:
        try:
            super().close()  # flushes: raises if a frame was not delivered
        finally:
            self._bus.close()

"""Simulator throughput, and ingestion of its frames into the embedded SQLite store.

    python bench/simulate.py [--quick] [--repeats N]

For 10, 100 and 1,000 satellites it generates one-minute frames as JSON bytes
(the path that feeds the bus) and, in the same run, the baseline: one satellite
object at a time, random values per field and json.dumps, producing frames of
the same layout.

Then it ingests the generated frames into a fresh SQLite time-series store the
way `satmon simulate --output embedded` does (batched decode, validation,
conversion to samples, one transaction per batch), against the per-message way
(json.loads of one frame, its samples inserted and committed, then the next).
Prints tables and writes bench/results/simulate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import orjson
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from satmon.ingest.direct import StoreSink
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.schema import CHANNELS
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.telemetry.simulator.runner import run_backfill

FLEETS = (10, 100, 1000)
START = datetime(2026, 3, 20, tzinfo=UTC)
STEP_S = 60.0
RESULTS = Path(__file__).parent / "results" / "simulate.json"


class CountingSink:
    """Keeps nothing; counts frames and bytes so the work cannot be skipped."""

    def __init__(self) -> None:
        self.frames = 0
        self.bytes = 0
        self.last = b""

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        self.frames += len(pairs)
        self.bytes += sum(len(value) for _, value in pairs)
        self.last = pairs[-1][1]

    def close(self) -> None:
        pass


# --- the baseline: one satellite at a time -------------------------------------------


class NaiveSatellite:
    """A satellite the way the original simulator made one: random values per field."""

    def __init__(self, satellite_id: str) -> None:
        self.satellite_id = satellite_id
        self.seq = 0
        self.images_total = random.randint(1_000, 20_000)

    def frame(self, moment: datetime) -> dict[str, Any]:
        link = random.random() < 0.17
        captured = random.random() < 0.02
        self.images_total += captured
        frame = {
            "satellite_id": self.satellite_id,
            "timestamp": f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z",
            "seq": self.seq,
            "eps": {
                "battery_voltage": round(random.uniform(3.0, 4.2), 3),
                "battery_soc_percent": round(random.uniform(60.0, 100.0), 3),
                "battery_current": round(random.uniform(-8.0, 8.0), 3),
                "solar_power": round(random.uniform(0.0, 100.0), 2),
                "power_consumption": round(random.uniform(12.0, 30.0), 2),
                "eclipse": random.random() < 0.35,
            },
            "thermal": {
                "obc_temp": round(random.uniform(-50.0, 50.0), 2),
                "battery_temp": round(random.uniform(-50.0, 50.0), 2),
                "panel_temp": round(random.uniform(-50.0, 50.0), 2),
                "temperature": round(random.uniform(-50.0, 50.0), 2),
            },
            "aocs": {
                "altitude_km": round(random.uniform(400.0, 450.0), 3),
                "velocity_kms": round(random.uniform(7.6, 7.8), 4),
                "latitude": round(random.uniform(-51.6, 51.6), 4),
                "longitude": round(random.uniform(-180.0, 180.0), 4),
                "roll_rate": round(random.gauss(0.0, 0.02), 4),
                "pitch_rate": round(random.gauss(0.0, 0.02), 4),
                "yaw_rate": round(random.gauss(0.0, 0.02), 4),
                "thruster_active": random.random() < 0.01,
            },
            "comm": {
                "rssi_dbm": round(random.uniform(-112.0, -85.0), 2),
                "snr_db": round(random.uniform(0.0, 25.0), 2),
                "link_up": link,
                "range_km": round(random.uniform(400.0, 1900.0), 1) if link else None,
                "ground_station": "Wallops" if link else None,
            },
            "payload": {"image_captured": captured, "images_total": self.images_total},
        }
        self.seq += 1
        return frame


def naive_backfill(satellites: int, ticks: int, sink: CountingSink) -> None:
    fleet = [NaiveSatellite(f"SAT-{i:03d}") for i in range(1, satellites + 1)]
    moment = START
    for _ in range(ticks):
        pairs = [(s.satellite_id.encode(), json.dumps(s.frame(moment)).encode()) for s in fleet]
        sink.write(pairs)
        moment += timedelta(seconds=STEP_S)


def engine_backfill(satellites: int, ticks: int, sink: CountingSink) -> None:
    simulator = Simulator(
        SimulatorConfig(satellites=satellites, seed=1, start=START, step_s=STEP_S)
    )
    run_backfill(simulator, sink, START + timedelta(seconds=ticks * STEP_S))


def engine_dicts(satellites: int, ticks: int, sink: CountingSink) -> None:
    simulator = Simulator(
        SimulatorConfig(satellites=satellites, seed=1, start=START, step_s=STEP_S)
    )
    for _ in range(ticks):
        frames = simulator.tick()
        sink.frames += len(frames)
        sink.last = orjson.dumps(frames[-1])


# --- measuring --------------------------------------------------------------------------


@dataclass
class Result:
    satellites: int
    engine_frames_per_s: float
    dicts_frames_per_s: float
    baseline_frames_per_s: float
    speedup: float
    engine_frames: int
    baseline_frames: int
    bytes_per_frame: float


def measure(
    generate: Callable[[int, int, CountingSink], None], satellites: int, frames: int, repeats: int
) -> tuple[float, CountingSink]:
    """Best frames/s over the repeats (the least disturbed by other work on the machine)."""
    ticks = max(1, frames // satellites)
    best, sink = 0.0, CountingSink()
    for _ in range(repeats):
        sink = CountingSink()
        began = time.perf_counter()
        generate(satellites, ticks, sink)
        best = max(best, sink.frames / (time.perf_counter() - began))
    decode_frame(sink.last)  # both produce valid frames
    return best, sink


# --- ingesting into the embedded store --------------------------------------------------


@dataclass
class IngestResult:
    satellites: int
    frames: int
    samples: int
    batched_frames_per_s: float
    batched_samples_per_s: float
    per_message_frames_per_s: float
    speedup: float


class CollectingSink(CountingSink):
    """Keeps the frames, to ingest them afterwards."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[bytes, bytes]] = []

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        super().write(pairs)
        self.pairs.extend(pairs)


def generated_frames(satellites: int, frames: int) -> list[tuple[bytes, bytes]]:
    sink = CollectingSink()
    engine_backfill(satellites, max(1, frames // satellites), sink)
    return sink.pairs


def ingest_batched(pairs: list[tuple[bytes, bytes]], folder: Path) -> tuple[float, int]:
    from satmon.tsdb.sqlite import SqliteTimeSeriesStore

    store = SqliteTimeSeriesStore(folder / "batched.sqlite")
    sink = StoreSink(store)
    began = time.perf_counter()
    for start in range(0, len(pairs), 1_000):
        sink.write(pairs[start : start + 1_000])
    sink.close()
    elapsed = time.perf_counter() - began
    store.close()
    return elapsed, sink.samples_written


_PER_MESSAGE_FIELDS = [(c.subsystem, c.field, c.metric) for c in CHANNELS]


def ingest_per_message(pairs: list[tuple[bytes, bytes]], folder: Path) -> float:
    """The seed's shape: parse one message, write its samples, commit, next message."""
    db = sqlite3.connect(folder / "per_message.sqlite")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(
        "CREATE TABLE samples (metric TEXT, satellite_id TEXT, subsystem TEXT, ts INTEGER,"
        " value REAL, PRIMARY KEY (metric, satellite_id, ts))"
    )
    began = time.perf_counter()
    for _, value in pairs:
        frame = json.loads(value)
        ts = int(datetime.fromisoformat(frame["timestamp"]).timestamp() * 1000)
        rows = [
            (metric, frame["satellite_id"], section, ts, float(frame[section][name]))
            for section, name, metric in _PER_MESSAGE_FIELDS
            if frame[section].get(name) is not None
        ]
        db.executemany("INSERT OR REPLACE INTO samples VALUES (?, ?, ?, ?, ?)", rows)
        db.commit()
    elapsed = time.perf_counter() - began
    db.close()
    return elapsed


def measure_ingest(satellites: int, frames: int, baseline_frames: int) -> IngestResult:
    pairs = generated_frames(satellites, frames)
    with tempfile.TemporaryDirectory() as folder:
        batched_s, samples = ingest_batched(pairs, Path(folder))
        per_message_s = ingest_per_message(pairs[:baseline_frames], Path(folder))
    batched = len(pairs) / batched_s
    per_message = min(baseline_frames, len(pairs)) / per_message_s
    return IngestResult(
        satellites=satellites,
        frames=len(pairs),
        samples=samples,
        batched_frames_per_s=round(batched),
        batched_samples_per_s=round(samples / batched_s),
        per_message_frames_per_s=round(per_message),
        speedup=round(batched / per_message, 1),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames, for a smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    engine_frames, baseline_frames = (30_000, 6_000) if args.quick else (300_000, 60_000)
    random.seed(1)

    console = Console(stderr=True)
    results: list[Result] = []
    ingest_results: list[IngestResult] = []
    ingest_frames, ingest_baseline = (20_000, 2_000) if args.quick else (100_000, 10_000)
    steps = len(FLEETS) * 4
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("simulate", total=steps)
        for satellites in FLEETS:
            progress.update(task, description=f"{satellites:>5} satellites: engine")
            engine, sink = measure(engine_backfill, satellites, engine_frames, args.repeats)
            progress.advance(task)
            progress.update(task, description=f"{satellites:>5} satellites: engine, dicts")
            dicts, _ = measure(engine_dicts, satellites, engine_frames // 3, args.repeats)
            progress.advance(task)
            progress.update(task, description=f"{satellites:>5} satellites: naive loop")
            baseline, _ = measure(naive_backfill, satellites, baseline_frames, args.repeats)
            progress.advance(task)
            progress.update(task, description=f"{satellites:>5} satellites: SQLite ingest")
            ingest_results.append(measure_ingest(satellites, ingest_frames, ingest_baseline))
            progress.advance(task)
            results.append(
                Result(
                    satellites=satellites,
                    engine_frames_per_s=round(engine),
                    dicts_frames_per_s=round(dicts),
                    baseline_frames_per_s=round(baseline),
                    speedup=round(engine / baseline, 2),
                    engine_frames=sink.frames,
                    baseline_frames=baseline_frames,
                    bytes_per_frame=round(sink.bytes / sink.frames, 1),
                )
            )

    table = Table(title="Simulator backfill, one-minute frames as JSON bytes (frames/s)")
    for column in ("satellites", "engine", "engine, dicts", "naive loop", "engine / naive"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            f"{r.satellites:,}",
            f"{r.engine_frames_per_s:,.0f}",
            f"{r.dicts_frames_per_s:,.0f}",
            f"{r.baseline_frames_per_s:,.0f}",
            f"{r.speedup:.1f}x",
        )
    Console().print(table)

    ingest_table = Table(title="Ingest into the embedded SQLite store")
    for column in ("satellites", "frames/s", "samples/s", "per-message frames/s", "ratio"):
        ingest_table.add_column(column, justify="right")
    for i in ingest_results:
        ingest_table.add_row(
            f"{i.satellites:,}",
            f"{i.batched_frames_per_s:,.0f}",
            f"{i.batched_samples_per_s:,.0f}",
            f"{i.per_message_frames_per_s:,.0f}",
            f"{i.speedup:.1f}x",
        )
    Console().print(ingest_table)

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "simulate",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": {
                    "python": sys.version.split()[0],
                    "numpy": np.__version__,
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                },
                "step_s": STEP_S,
                "repeats": args.repeats,
                "results": [asdict(r) for r in results],
                "ingest_embedded": [asdict(i) for i in ingest_results],
            },
            indent=2,
        )
        + "\n"
    )
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

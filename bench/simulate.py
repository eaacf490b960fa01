"""Simulator throughput: frames/s in backfill, fleet-vectorised engine vs a naive loop.

    python bench/simulate.py [--quick] [--repeats N]

For 10, 100 and 1,000 satellites it generates one-minute frames as JSON bytes
(the path that feeds the bus) and, in the same run, the baseline: one satellite
object at a time, random values per field and json.dumps, producing frames of
the same layout. Prints a table and writes bench/results/simulate.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
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

from satmon.telemetry.codec import decode_frame
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer frames, for a smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    engine_frames, baseline_frames = (30_000, 6_000) if args.quick else (300_000, 60_000)
    random.seed(1)

    console = Console(stderr=True)
    results: list[Result] = []
    steps = len(FLEETS) * 3
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
            },
            indent=2,
        )
        + "\n"
    )
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

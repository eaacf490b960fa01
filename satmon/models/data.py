"""Training and evaluation data: simulator runs, the time-series store, SMAP folders.

Every source yields `Streams`: per subsystem, one array (time, channels) per
satellite (or per SMAP channel), evenly stepped, oldest first. numpy only.
"""

from __future__ import annotations

import csv
import gzip
import itertools
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from satmon.serving.base import FloatArray
from satmon.telemetry.derived import (
    POSITION_FIELDS,
    POSITION_METRICS,
    model_inputs,
    needs_position,
    with_derived,
)
from satmon.telemetry.schema import SUBSYSTEMS, model_channels
from satmon.telemetry.simulator import FaultLabel, Simulator, SimulatorConfig

TRAINING_START = datetime(2026, 1, 1, tzinfo=UTC)
"""Fixed start of simulated training data, so a seed fixes the data."""


@dataclass(frozen=True, slots=True)
class Streams:
    """Per subsystem, one (time, channels) array per satellite, all on one clock."""

    channels: dict[str, list[str]]
    series: dict[str, list[FloatArray]]
    step_s: float
    spec: dict[str, Any]  # where the data came from, for the artifact's metadata
    start: datetime = TRAINING_START
    labels: list[FaultLabel] = field(default_factory=list)
    targets: dict[str, int] = field(default_factory=dict)  # forecast channels, if not all

    def split(self, *fractions: float) -> list[Streams]:
        """Consecutive time slices of every series, e.g. split(0.7, 0.15, 0.15)."""
        edges = np.cumsum((0.0, *fractions))
        parts = []
        for lo, hi in itertools.pairwise(edges):
            series = {
                sub: [s[int(lo * len(s)) : int(hi * len(s))] for s in arrays]
                for sub, arrays in self.series.items()
            }
            parts.append(
                Streams(self.channels, series, self.step_s, self.spec, self.start, [], self.targets)
            )
        return parts


ProgressCallback = Callable[[int, int], None]


def simulate_seasons(
    satellites: int,
    days: float,
    seed: int,
    step_s: float = 1.0,
    runs: int = 12,
    on_progress: ProgressCallback | None = None,
) -> Streams:
    """Nominal data from `runs` simulations spread over a year (each days / runs
    long, its own seed and start), so the sun's angle to the orbits, and with
    it the thermal and power states, cover the seasons rather than one day's."""
    rng = np.random.default_rng(seed)
    parts = []
    for i in range(runs):
        offset = timedelta(seconds=round(86_400 * (365 * i / runs + rng.uniform(0, 365 / runs))))

        def progress(done: int, total: int, i: int = i) -> None:
            if on_progress is not None:
                on_progress(i * total + done, runs * total)

        parts.append(
            simulate(
                satellites, days / runs, seed * 1000 + i, step_s,
                start=TRAINING_START + offset, on_progress=progress,
            )
        )  # fmt: skip
    return Streams(
        channels=parts[0].channels,
        series={sub: [s for p in parts for s in p.series[sub]] for sub in parts[0].channels},
        step_s=step_s,
        spec={
            "source": "simulator",
            "satellites": satellites,
            "days": days,
            "runs": runs,
            "starts": [p.start.isoformat() for p in parts],
            "step_s": step_s,
            "seed": seed,
            "fault_rate_per_day": 0.0,
        },
    )


def simulate(
    satellites: int,
    days: float,
    seed: int,
    step_s: float = 1.0,
    fault_rate_per_day: float = 0.0,
    start: datetime = TRAINING_START,
    on_progress: ProgressCallback | None = None,
) -> Streams:
    """Run the physics simulator and keep every subsystem's model inputs."""
    sim = Simulator(
        SimulatorConfig(
            satellites=satellites,
            seed=seed,
            start=start,
            step_s=step_s,
            fault_rate_per_day=fault_rate_per_day,
        )
    )
    ticks = math.ceil(days * 86_400 / step_s)
    fields = {sub: [c.field for c in model_channels(sub)] for sub in SUBSYSTEMS}
    arrays = {sub: np.empty((satellites, ticks, len(f))) for sub, f in fields.items()}
    position = np.empty((satellites, ticks, len(POSITION_FIELDS)))
    for t in range(ticks):
        frames = sim.tick()
        for sub, names in fields.items():
            arrays[sub][:, t] = [[frame[sub][name] for name in names] for frame in frames]
        position[:, t] = [[frame["aocs"][name] for name in POSITION_FIELDS] for frame in frames]
        if on_progress is not None and (t % 2000 == 0 or t == ticks - 1):
            on_progress(t + 1, ticks)
    return Streams(
        channels={sub: list(model_inputs(sub)) for sub in SUBSYSTEMS},
        series={
            sub: [with_derived(sub, a[k], position[k]) for k in range(satellites)]
            for sub, a in arrays.items()
        },
        step_s=step_s,
        spec={
            "source": "simulator",
            "satellites": satellites,
            "days": days,
            "step_s": step_s,
            "seed": seed,
            "fault_rate_per_day": fault_rate_per_day,
            "start": start.isoformat(),
        },
        start=start,
        labels=sim.labels,
    )


def from_store(store: Any, since: timedelta, step_s: float, now: datetime | None = None) -> Streams:
    """Every satellite's model inputs over the last `since`, on a `step_s` grid,
    from a time-series store. Steps missing any channel or the position (which the
    derived inputs need) split a series in two."""
    end = now or datetime.now(UTC)
    end_ms = int(end.timestamp() * 1000)
    start_ms = end_ms - int(since.total_seconds() * 1000)
    step_ms = max(1, round(step_s * 1000))
    grid = np.arange(start_ms + step_ms, end_ms + 1, step_ms)
    series: dict[str, list[FloatArray]] = {sub: [] for sub in SUBSYSTEMS}
    satellites = store.label_values("satellite_id")

    def table(satellite: str, metrics: list[str]) -> FloatArray:
        values = np.full((len(grid), len(metrics)), np.nan)
        for c, metric in enumerate(metrics):
            for found in store.query_range(
                metric, start_ms, end_ms, step_ms, satellite_id=satellite
            ):
                for point in found.points:
                    values[(point.timestamp_ms - grid[0]) // step_ms, c] = point.value
        return values

    for satellite in satellites:
        position = table(satellite, list(POSITION_METRICS))
        for sub in SUBSYSTEMS:
            values = table(satellite, [c.metric for c in model_channels(sub)])
            if needs_position(sub):  # a step without a position is NaN and splits the series
                values = with_derived(sub, values, position)
            series[sub].extend(_complete_runs(values))
    return Streams(
        channels={sub: list(model_inputs(sub)) for sub in SUBSYSTEMS},
        series=series,
        step_s=step_s,
        spec={
            "source": "time-series store",
            "store": getattr(store, "url", "?"),
            "since_s": since.total_seconds(),
            "until": end.isoformat(),
            "step_s": step_s,
            "satellites": len(satellites),
        },
        start=end - since,
    )


def _complete_runs(table: FloatArray, minimum: int = 64) -> Iterator[FloatArray]:
    complete = np.all(np.isfinite(table), axis=1)
    padded = np.concatenate(([False], complete, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        if b - a >= minimum:
            yield table[a:b]


# --- SMAP (Telemanom's layout) -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SmapChannel:
    channel: str
    train: FloatArray  # (time, 25): telemetry value, then 24 command flags
    test: FloatArray
    anomalies: list[tuple[int, int]]  # inclusive index spans into test


def smap_channels(folder: Path, only: list[str] | None = None) -> list[SmapChannel]:
    """The channels of a SMAP-layout folder (train/, test/, labeled_anomalies.csv)."""
    labels = folder / "labeled_anomalies.csv"
    if not labels.is_file():
        raise FileNotFoundError(f"{labels} is missing: not a SMAP-layout dataset folder")
    rows: dict[str, list[tuple[int, int]]] = {}
    with labels.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["spacecraft"] != "SMAP":
                continue
            spans = [(int(a), int(b)) for a, b in json.loads(row["anomaly_sequences"])]
            rows.setdefault(row["chan_id"], spans)  # P-2 is listed twice, identically
    channels = []
    for name in sorted(rows):
        if only and name not in only:
            continue
        channels.append(
            SmapChannel(
                channel=name,
                train=_load(folder / "train" / f"{name}.npy.gz", folder / "train" / f"{name}.npy"),
                test=_load(folder / "test" / f"{name}.npy.gz", folder / "test" / f"{name}.npy"),
                anomalies=rows[name],
            )
        )
    return channels


def _load(gz: Path, plain: Path) -> FloatArray:
    if gz.is_file():
        with gzip.open(gz) as handle:
            return np.asarray(np.load(handle), dtype=np.float64)
    return np.asarray(np.load(plain), dtype=np.float64)


def merge(parts: list[Streams]) -> Streams:
    """Streams of several sources side by side (e.g. one per SMAP channel)."""
    if not parts:
        raise ValueError("no data")
    return Streams(
        channels={k: v for p in parts for k, v in p.channels.items()},
        series={k: v for p in parts for k, v in p.series.items()},
        step_s=parts[0].step_s,
        spec={"sources": [p.spec for p in parts]},
        targets={k: v for p in parts for k, v in p.targets.items()},
    )


def smap_streams(channel: SmapChannel) -> Streams:
    """One SMAP channel's train split as training data (all 25 columns in)."""
    names = ["value", *(f"command_{i}" for i in range(1, channel.train.shape[1]))]
    return Streams(
        channels={channel.channel: names},
        series={channel.channel: [channel.train]},
        step_s=1.0,
        spec={"source": "smap", "channel": channel.channel, "steps": len(channel.train)},
        targets={channel.channel: 1},
    )

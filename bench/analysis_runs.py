"""The measured runs of bench/analysis.py and what they submit.

`window_sets`: four-subsystem windows of simulated satellites, `shifted` to a
new end so each job gets an id of its own. `run`: jobs submitted at a fixed rate
for a time, for submit-to-completed latency; `drain`: a backlog queued while the
workers are paused, then let go, for the jobs/s they sustain. Each returns a
`Run`, one row of the report.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from analysis_harness import Completions, Pausing, workers_cpu_seconds
from rich.progress import Progress

from satmon.analysis.jobs import JobService
from satmon.analysis.windows import SatelliteWindows, Window
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.simulator import Simulator, SimulatorConfig


@dataclass
class Run:
    way: str
    workers: int
    kind: str  # "rate" or "backlog"
    offered_per_s: float | None
    submitted: int
    completed: int
    failed: int
    seconds: float
    jobs_per_s: float
    p50_ms: float | None
    p99_ms: float | None
    worker_cpu_ms_per_job: float | None


# --- the jobs ------------------------------------------------------------------------


def window_sets(count: int) -> list[list[Window]]:
    """Four-subsystem windows of simulated satellites at successive moments."""
    sim = Simulator(SimulatorConfig(satellites=8, seed=3, start=datetime(2026, 3, 1, tzinfo=UTC)))
    windows = SatelliteWindows(20)
    found: list[list[Window]] = []
    while len(found) < count:
        for _, value in sim.encoded_tick():
            frame = decode_frame(value)
            windows.add(frame)
            if windows.is_full(frame.satellite_id):
                found.append(windows.windows(frame.satellite_id))
    return found[:count]


def shifted(windows: list[Window], end_ms: int) -> list[Window]:
    """The same windows ending at end_ms, so each job gets an id of its own."""
    offset = end_ms - windows[0].timestamps_ms[-1]
    stamps = [t + offset for t in windows[0].timestamps_ms]
    return [replace(w, timestamps_ms=stamps) for w in windows]


# --- runs ----------------------------------------------------------------------------


def run(
    jobs: JobService,
    sets: list[list[Window]],
    done: Completions,
    procs: list[subprocess.Popen[bytes]],
    label: tuple[str, int, str],
    seconds: float,
    rate: float,
    progress: Progress,
) -> Run:
    """Submit for `seconds` at `rate` jobs/s, then wait for the stragglers."""
    submitted: dict[str, float] = {}
    base_ms = int(time.time() * 1000) * 10  # far from other runs' ids
    task = progress.add_task(f"{label[0]} x{label[1]} {label[2]}", total=None)
    arrived_before = done.total  # every earlier job has arrived (or timed out)
    cpu_before = workers_cpu_seconds(procs)
    started = time.perf_counter()
    deadline = started + seconds
    n = 0
    while (now := time.perf_counter()) < deadline:
        due = started + n / rate
        if now < due:
            time.sleep(due - now)
        windows = shifted(sets[n % len(sets)], base_ms + n * 1000)
        before = time.perf_counter()
        job_id = jobs.submit_triggered(f"BENCH-{n % 64}", ["bench"], windows)
        assert job_id is not None
        submitted[job_id] = before
        progress.update(task, completed=done.total - arrived_before)
        n += 1
    submit_end = time.perf_counter()
    wait_until = time.perf_counter() + 120
    while done.count(submitted) < len(submitted) and time.perf_counter() < wait_until:
        progress.update(task, completed=done.count(submitted))
        time.sleep(0.05)
    cpu = workers_cpu_seconds(procs) - cpu_before
    progress.remove_task(task)
    latencies = [done.arrived[j][0] - t for j, t in submitted.items() if j in done.arrived]
    failed = sum(1 for j in submitted if j in done.arrived and done.arrived[j][1] != "completed")
    finished = len(latencies)
    elapsed = submit_end - started
    return Run(
        way=label[0],
        workers=label[1],
        kind=label[2],
        offered_per_s=rate,
        submitted=len(submitted),
        completed=finished,
        failed=failed,
        seconds=round(elapsed, 2),
        jobs_per_s=round(finished / elapsed, 1),
        p50_ms=round(float(np.percentile(latencies, 50)) * 1000, 1) if latencies else None,
        p99_ms=round(float(np.percentile(latencies, 99)) * 1000, 1) if latencies else None,
        worker_cpu_ms_per_job=round(cpu / finished * 1000, 2) if finished else None,
    )


def drain(
    jobs: JobService,
    sets: list[list[Window]],
    done: Completions,
    procs: list[subprocess.Popen[bytes]],
    label: tuple[str, int, str],
    backlog: int,
    pause: Pausing,
    progress: Progress,
) -> Run:
    """Queue `backlog` jobs while the workers take none, then let them go: jobs/s is the
    backlog over the time until its last job arrived. Nothing is submitted meanwhile,
    so the figure is the workers' alone, whatever the submitting costs."""
    base_ms = int(time.time() * 1000) * 10 + 5_000_000  # far from other runs' ids
    task = progress.add_task(f"{label[0]} x{label[1]} {label[2]}", total=backlog)
    submitted: dict[str, float] = {}
    with pause:
        for n in range(backlog):
            windows = shifted(sets[n % len(sets)], base_ms + n * 1000)
            job_id = jobs.submit_triggered(f"BENCH-{n % 64}", ["bench"], windows)
            assert job_id is not None
            submitted[job_id] = 0.0
        arrived_before = done.total
        cpu_before = workers_cpu_seconds(procs)
        started = time.perf_counter()
    wait_until = started + 600
    while done.total - arrived_before < backlog and time.perf_counter() < wait_until:
        progress.update(task, completed=done.total - arrived_before)
        time.sleep(0.05)
    cpu = workers_cpu_seconds(procs) - cpu_before
    progress.remove_task(task)
    arrivals = [done.arrived[j] for j in submitted if j in done.arrived]
    finished = len(arrivals)
    elapsed = max((at for at, _ in arrivals), default=started) - started
    return Run(
        way=label[0],
        workers=label[1],
        kind=label[2],
        offered_per_s=None,
        submitted=backlog,
        completed=finished,
        failed=sum(1 for _, status in arrivals if status != "completed"),
        seconds=round(elapsed, 2),
        jobs_per_s=round(finished / elapsed, 1) if elapsed > 0 else 0.0,
        p50_ms=None,
        p99_ms=None,
        worker_cpu_ms_per_job=round(cpu / finished * 1000, 2) if finished else None,
    )

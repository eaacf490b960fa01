"""Inference throughput and latency: Triton (gRPC and HTTP, dynamic batching) against
ONNX Runtime in this process, measured in one run.

    .venv/bin/python bench/inference.py [--model NAME] [--seconds S]

Needs Triton running with the model repository loaded (scripts/services up triton;
the benchmark reloads the model through Triton's repository API, so the backend
runs the current code). Windows come from the simulator, cycling through the
four subsystems.

Baselines, same windows, same process, the in-process adapter's predict (the same
Predictions the Triton adapter returns; ONNX Runtime on one thread):
- in-process, batch 64: 64 windows per call (the limit: no network, no
  per-request overhead);
- in-process, one job: the four subsystem windows of a job per call;
- in-process, one at a time: one window per call (how the seed served).
Triton: a pool of 1, 8 or 64 client threads of one TritonModelServer, each
calling predict with 1 window (the seed's way), 4 windows (one job's subsystems,
what the worker sends) or 64 windows (a client that batches itself), for a
fixed time; p50/p99 are per-call latencies. Calls of 1 and 4 windows run twice:
through satmon's adapter, which merges concurrent calls into fewer requests
(`satmon.serving.coalesce`), and with each call sent as its own request
(`in_flight=0`), which leaves the batching to Triton's dynamic batcher.
"windows per request" and "per execution" are Triton's own counters. The client
threads share the machine with Triton: on a small machine their CPU is part of
the cost.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from satmon.config import Settings
from satmon.models.artifact import latest_version_dir
from satmon.models.data import simulate
from satmon.models.repository import INSTANCES, MAX_QUEUE_DELAY_US, REPOSITORY
from satmon.serving.base import WindowInput
from satmon.serving.runtime import OnnxModel
from satmon.serving.triton import TritonModelServer

RESULTS = Path(__file__).parent / "results" / "inference.json"
ENDPOINTS = {"grpc": "127.0.0.1:8501", "http": "http://127.0.0.1:8500"}
METRICS = "http://127.0.0.1:8502/metrics"
CONCURRENCY = (1, 8, 64)
# (windows per call, merged by the adapter): 64-window calls are one request either way
CALLS = ((1, False), (1, True), (4, False), (4, True), (64, True))


def windows(count: int) -> list[WindowInput]:
    streams = simulate(satellites=4, days=600 / 86_400, seed=21)
    found = []
    rng = np.random.default_rng(0)
    subsystems = list(streams.series)
    for i in range(count):
        subsystem = subsystems[i % len(subsystems)]
        series = streams.series[subsystem][i % 4]
        end = int(rng.integers(20, len(series)))
        found.append(
            WindowInput(subsystem, tuple(streams.channels[subsystem]), series[end - 20 : end], 10)
        )
    return found


def in_process(
    model: OnnxModel, inputs: list[WindowInput], batch: int, seconds: float
) -> dict[str, Any]:
    done, latencies = 0, []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for i in range(0, len(inputs), batch):
            chunk = inputs[i : i + batch]
            t0 = time.perf_counter()
            model.predict(chunk)
            latencies.append(time.perf_counter() - t0)
            done += len(chunk)
    elapsed = time.perf_counter() - started
    return _figures(done, elapsed, latencies)


def triton(
    model: str,
    url: str,
    inputs: list[WindowInput],
    concurrency: int,
    seconds: float,
    per_request: int = 1,
    coalesce: bool = True,
) -> dict[str, Any]:
    server = TritonModelServer(url, timeout_s=30.0, in_flight=4 if coalesce else 0)
    server.predict(model, inputs[:per_request])  # connect and warm up
    latencies: list[float] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    requests = [inputs[i : i + per_request] for i in range(0, len(inputs), per_request)]
    counts_before, cpu_before = _batch_counts(model), time.process_time()

    def client(offset: int) -> None:
        mine, i = [], offset
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            server.predict(model, requests[i % len(requests)])
            mine.append(time.perf_counter() - t0)
            i += concurrency
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(k,)) for k in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    client_cpu = time.process_time() - cpu_before
    server.close()
    counts_after = _batch_counts(model)
    windows_done, executions, sent = (
        a - b for a, b in zip(counts_after, counts_before, strict=True)
    )
    return {
        **_figures(len(latencies) * per_request, elapsed, latencies),
        "windows_per_request": round(windows_done / max(sent, 1), 1),
        "windows_per_execution": round(windows_done / max(executions, 1), 1),
        "client_cpu_share": round(client_cpu / elapsed, 2),
    }


def _batch_counts(model: str) -> tuple[float, float, float]:
    """Triton's own counters of the model: windows inferred, executions and requests."""
    text = httpx.get(METRICS, timeout=10).text

    def total(metric: str) -> float:
        pattern = rf'^{metric}{{model="{model}",version="\d+"}} (\S+)$'
        return sum(float(v) for v in re.findall(pattern, text, flags=re.MULTILINE))

    return (
        total("nv_inference_count"),
        total("nv_inference_exec_count"),
        total("nv_inference_request_success"),
    )


def _figures(done: int, elapsed: float, latencies: list[float]) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "windows": done,
        "seconds": round(elapsed, 3),
        "windows_per_s": round(done / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=Settings().default_model)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    console = Console()
    version_dir = latest_version_dir(REPOSITORY / args.model)
    if version_dir is None:
        raise SystemExit(f"{args.model}: no trained version in {REPOSITORY}")
    # Triton reloads a loaded model only when its files changed; the backend's code
    # lives in the satmon package, so mark the version changed to run the current code.
    (version_dir / "model.py").touch()
    loaded = httpx.post(f"{ENDPOINTS['http']}/v2/repository/models/{args.model}/load", timeout=120)
    if loaded.status_code != 200:
        raise SystemExit(f"Triton did not load {args.model}: {loaded.text}")
    inputs = windows(640)
    local = OnnxModel.load(version_dir, threads=1)
    runs: list[tuple[str, object]] = [
        ("in-process, batch 64", lambda: in_process(local, inputs, 64, args.seconds)),
        ("in-process, one job", lambda: in_process(local, inputs, 4, args.seconds)),
        ("in-process, one at a time", lambda: in_process(local, inputs, 1, args.seconds)),
    ]
    for per, coalesce in CALLS:
        for protocol, url in ENDPOINTS.items():
            for c in CONCURRENCY:
                how = "" if coalesce else ", a request per call"
                runs.append(
                    (
                        f"triton {protocol}, {per} per call{how}, concurrency {c}",
                        lambda url=url, c=c, per=per, coalesce=coalesce: triton(
                            args.model, url, inputs, c, args.seconds, per, coalesce
                        ),
                    )
                )
    results = {}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("benchmark", total=len(runs))
        for name, run in runs:
            progress.update(task, description=name)
            results[name] = run()  # type: ignore[operator]
            progress.advance(task)

    limit = results["in-process, batch 64"]["windows_per_s"]
    table = Table(
        "configuration",
        "windows/s",
        "share of limit",
        "p50 ms",
        "p99 ms",
        "per request",
        "per execution",
        "client CPU",
    )
    for name, figures in results.items():
        share = figures["windows_per_s"] / limit
        table.add_row(
            name,
            f"{figures['windows_per_s']:,.0f}",
            f"{share:.0%}",
            f"{figures['p50_ms']:.2f}",
            f"{figures['p99_ms']:.2f}",
            str(figures.get("windows_per_request", "")),
            str(figures.get("windows_per_execution", "")),
            f"{figures['client_cpu_share']:.0%}" if "client_cpu_share" in figures else "",
        )
    console.print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "inference",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "model": args.model,
                "version": version_dir.name,
                "seconds_per_configuration": args.seconds,
                "triton_instances": INSTANCES,
                "max_queue_delay_us": MAX_QUEUE_DELAY_US,
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "results": results,
            },
            indent=1,
        )
        + "\n"
    )
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

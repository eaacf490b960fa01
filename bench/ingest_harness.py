"""The harness of bench/ingest.py: what its phases are built from.

Where Kafka and VictoriaMetrics are, the topic's partitions and the consumer's
batch; the simulator fleet renamed to satellite ids of the run's own; queries
and topic deletion against the services; `satmon consume` as a subprocess
(partitions assigned, peak RSS, stop); the load average, the services' pids and
the machine's busy fraction; the progress bar.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path

import httpx
import orjson
from common import ROOT, console
from confluent_kafka.admin import AdminClient
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from satmon.telemetry.simulator import Simulator, SimulatorConfig

KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
VM = os.environ.get("VICTORIA_METRICS_URL", "http://127.0.0.1:8428")
PARTITIONS = 4
BATCH = 10_000  # satmon consume's default


def renamed(pairs: list[tuple[bytes, bytes]], prefix: str) -> list[tuple[bytes, bytes]]:
    """The simulator's SAT-001... as <prefix>-001..., so each run has series of its own."""
    ours = f'"satellite_id":"{prefix}-'.encode()
    return [
        (prefix.encode() + key[3:], value.replace(b'"satellite_id":"SAT-', ours, 1))
        for key, value in pairs
    ]


def fleet_ticks(
    satellites: int, ticks: int, start: datetime
) -> Iterator[list[tuple[bytes, bytes]]]:
    simulator = Simulator(SimulatorConfig(satellites=satellites, seed=5, start=start))
    for _ in range(ticks):
        yield simulator.encoded_tick()


def progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def load() -> dict[str, float]:
    one, five, fifteen = os.getloadavg()
    return {"load1": one, "load5": five, "load15": fifteen}


def service_pid(name: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        return int((ROOT / "var" / "run" / f"{name}.pid").read_text())
    return None


def busy_fraction() -> Callable[[], float]:
    """A function returning the machine's busy CPU fraction since this call."""

    def snapshot() -> tuple[int, int]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    busy0, total0 = snapshot()

    def since() -> float:
        busy1, total1 = snapshot()
        return (busy1 - busy0) / max(1, total1 - total0)

    return since


def vm_query(query: str, at: float) -> float:
    response = httpx.post(
        f"{VM}/api/v1/query", data={"query": query, "time": f"{at:.3f}", "nocache": "1"}, timeout=60
    )
    response.raise_for_status()
    result = orjson.loads(response.content)["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


def wait_queryable(prefix: str, at: float, expected: int) -> None:
    """Until a query at `at` counts `expected` series of the run's satellites.

    VictoriaMetrics answers a repeated query from its cache of which series match
    the filters, and it refreshes that cache for series registered since only after
    several seconds (about 10 s here, measured on 1,000,000 frames: a probe that
    repeated one query waited 9 s for the last 6 series, one that varied it saw them
    1.6 s after the last write). So each probe carries a no-op matcher of its own and
    asks the index afresh, as a new dashboard query would.
    """
    for probe in itertools.count():
        selector = (
            f'{{__name__=~"satellite_.+",satellite_id=~"{prefix}-.+",'
            f'satellite_id!="probe-{probe}"}}'
        )
        if vm_query(f"count(last_over_time({selector}[1s]))", at) >= expected:
            return
        time.sleep(0.05)


def stored_points(prefix: str, start: datetime, end: datetime) -> int:
    window = int((end - start).total_seconds()) + 120
    selector = f'{{__name__=~"satellite_.+",satellite_id=~"{prefix}-.+"}}'
    return int(vm_query(f"sum(count_over_time({selector}[{window}s]))", end.timestamp() + 60))


def delete_series(prefix: str) -> None:
    """Deletes the run's series from VictoriaMetrics and waits until none is found."""
    selector = f'{{__name__=~"satellite_.+",satellite_id=~"{prefix}-.+"}}'
    httpx.post(
        f"{VM}/api/v1/admin/tsdb/delete_series", data={"match[]": selector}, timeout=120
    ).raise_for_status()
    for probe in itertools.count():
        # a label matcher that changes every probe, so no answer comes from the query cache
        probed = f'{selector[:-1]},satellite_id!="probe-{probe}"}}'
        if vm_query(f"count(last_over_time({probed}[1d]))", time.time()) == 0:
            return
        time.sleep(0.1)


def delete_topics(topics: list[str]) -> None:
    admin = AdminClient({"bootstrap.servers": KAFKA})
    for future in admin.delete_topics(topics, request_timeout=10).values():
        with contextlib.suppress(Exception):
            future.result()


class ConsumerProcess:
    """`satmon consume` as a subprocess on a topic; `assigned` once it has partitions."""

    def __init__(self, topic: str, dlq: str, group: str, options: Sequence[str] = ()) -> None:
        env = {
            **os.environ,
            "KAFKA_BOOTSTRAP_SERVERS": KAFKA,
            "VICTORIA_METRICS_URL": VM,
            "SATMON_TELEMETRY_TOPIC": topic,
            "SATMON_DLQ_TOPIC": dlq,
            "SATMON_TOPIC_PARTITIONS": str(PARTITIONS),
        }
        command = [sys.executable, "-m", "satmon", "consume", "--group", group]
        self.process = subprocess.Popen(
            [*command, "--metrics-port=-1", *options], env=env, stderr=subprocess.PIPE, text=True
        )
        self.assigned = threading.Event()
        self.assigned_at = 0.0
        self.log: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)
            if ": assigned " in line and not self.assigned.is_set():
                self.assigned_at = time.perf_counter()
                self.assigned.set()

    def peak_rss_mib(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        kib = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        return kib / 1024

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=120)

"""Ingestion from Kafka into VictoriaMetrics: `satmon consume` against its limits.

    python bench/ingest.py [--frames 2000000] [--satellites 1000] [--quick]

Needs Kafka and VictoriaMetrics (`scripts/services up kafka victoriametrics`).
Fills a topic of its own first (simulator frames, satellite ids unique to the
run), then measures in the same run:

- ingest: `satmon consume` as a subprocess reading the whole topic, from the
  moment it has its partitions until every sample is queryable; its peak RSS;
  the CPU seconds per million samples of the consumer, VictoriaMetrics and Kafka.
- (a) the seed's approach on a slice: per message json.loads, Prometheus text,
  one HTTP request on a new connection (as requests.post without a session).
- (b) the bus limit: the same topic read with confluent-kafka and nothing else,
  and through the bus adapter's poll_batch.
- (c) the store limit: the same samples (under other satellite ids), encoded
  beforehand, written with the same batching as the consumer.
- freshness: simulator frames sent at 1,000 and 10,000 frames/s while
  `satmon consume` runs; time from a probe satellite's send to its sample being
  queryable, against the store's own floor (one sample written directly).
- a profile (cProfile) of the ingest loop in-process on a slice.

Prints tables and writes bench/results/ingest.json. Other work on the machine
changes the absolute figures; the load is recorded, and the ratios matter more.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import os
import platform
import pstats
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import orjson
from confluent_kafka import Consumer as RdConsumer
from confluent_kafka.admin import AdminClient
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from satmon.bus.kafka import KafkaBus
from satmon.ingest.consumer import Ingestor, IngestSettings
from satmon.telemetry.codec import decode_frames
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.tsdb.victoria import VictoriaMetricsStore
from satmon.tsdb.vm_import import ImportEncoder

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "ingest.json"
KAFKA = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
VM = os.environ.get("VICTORIA_METRICS_URL", "http://127.0.0.1:8428")
PARTITIONS = 4
BATCH = 10_000  # satmon consume's default
console = Console(stderr=True)


# --- helpers -----------------------------------------------------------------------------


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


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


def stored_points(prefix: str, start: datetime, end: datetime) -> int:
    window = int((end - start).total_seconds()) + 120
    selector = f'{{__name__=~"satellite_.+",satellite_id=~"{prefix}-.+"}}'
    return int(vm_query(f"sum(count_over_time({selector}[{window}s]))", end.timestamp() + 60))


def delete_topics(topics: list[str]) -> None:
    admin = AdminClient({"bootstrap.servers": KAFKA})
    for future in admin.delete_topics(topics, request_timeout=10).values():
        with contextlib.suppress(Exception):
            future.result()


class ConsumerProcess:
    """`satmon consume` as a subprocess on a topic; `assigned` once it has partitions."""

    def __init__(self, topic: str, dlq: str, group: str) -> None:
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
            [*command, "--metrics-port=-1"], env=env, stderr=subprocess.PIPE, text=True
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


# --- the run -----------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.tag = uuid.uuid4().hex[:8]
        self.prefix = f"B{self.tag}"
        self.topic = f"bench-ingest-{self.tag}"
        self.dlq = f"bench-ingest-dlq-{self.tag}"
        self.ticks = args.frames // args.satellites
        self.frames = self.ticks * args.satellites
        self.start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=self.ticks + 120)
        self.end = self.start + timedelta(seconds=self.ticks)
        self.samples = 0
        self.last_tick_samples = 0
        self.bus = KafkaBus(KAFKA, topics=[self.topic, self.dlq], partitions=PARTITIONS)
        self.results: dict[str, Any] = {}

    def close(self) -> None:
        self.bus.close()
        delete_topics([self.topic, self.dlq])

    # --- filling the topic ---------------------------------------------------------

    def fill(self) -> None:
        producer = self.bus.producer()
        began = time.perf_counter()
        with progress() as bar:
            task = bar.add_task("filling the topic", total=self.frames)
            for index, tick in enumerate(fleet_ticks(self.args.satellites, self.ticks, self.start)):
                pairs = renamed(tick, self.prefix)
                frames, _ = decode_frames([value for _, value in pairs])
                count = len(frames_to_samples(frames))
                self.samples += count
                if index == self.ticks - 1:
                    self.last_tick_samples = count
                for key, value in pairs:
                    producer.send(self.topic, value, key=key)
                bar.advance(task, len(pairs))
        producer.flush(120)
        producer.close()
        elapsed = time.perf_counter() - began
        self.results["fill"] = {
            "frames": self.frames,
            "samples": self.samples,
            "satellites": self.args.satellites,
            "seconds": round(elapsed, 1),
        }
        console.print(
            f"filled {self.topic}: {self.frames:,} frames, {self.samples:,} samples"
            f" in {elapsed:.1f}s"
        )

    # --- satmon consume ---------------------------------------------------------------

    def ingest(self) -> None:
        group = f"bench-ingest-{self.tag}"
        pids = {"victoriametrics": service_pid("victoriametrics"), "kafka": service_pid("kafka")}
        consumer = ConsumerProcess(self.topic, self.dlq, group)
        if not consumer.assigned.wait(60):
            raise RuntimeError("satmon consume got no partitions:\n" + "".join(consumer.log))
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items() if pid}
        consumer_cpu0 = cpu_seconds(consumer.process.pid)
        machine = busy_fraction()
        load_before = load()
        last = f'{{__name__=~"satellite_.+",satellite_id=~"{self.prefix}-.+"}}'
        with progress() as bar:
            task = bar.add_task("satmon consume", total=self.frames)
            while (lag := self.bus.lag(group, self.topic)) > 0:
                bar.update(task, completed=self.frames - lag)
                time.sleep(0.25)
            bar.update(task, completed=self.frames)
        at = self.end.timestamp() - 0.5  # the last tick's samples, and only those
        while vm_query(f"count(last_over_time({last}[1s]))", at) < self.last_tick_samples:
            time.sleep(0.05)
        elapsed = time.perf_counter() - consumer.assigned_at
        busy = machine()
        cpu = {name: cpu_seconds(pid) - cpu0[name] for name, pid in pids.items() if pid}
        cpu["consumer"] = cpu_seconds(consumer.process.pid) - consumer_cpu0
        rss = consumer.peak_rss_mib()
        code = consumer.stop()
        stored = stored_points(self.prefix, self.start, self.end)
        per_million = {k: round(v / (self.samples / 1e6), 3) for k, v in cpu.items()}
        self.results["ingest"] = {
            "frames_per_s": round(self.frames / elapsed),
            "samples_per_s": round(self.samples / elapsed),
            "seconds": round(elapsed, 2),
            "peak_rss_mib": round(rss, 1),
            "cpu_s_per_million_samples": per_million,
            "machine_busy_fraction": round(busy, 3),
            "load_before": load_before,
            "stored_points": stored,
            "expected_points": self.samples,
            "exit_code": code,
        }
        console.print(
            f"satmon consume: {self.frames / elapsed:,.0f} frames/s,"
            f" {self.samples / elapsed:,.0f} samples/s, peak RSS {rss:.0f} MiB,"
            f" stored {stored:,} of {self.samples:,} points"
        )

    # --- (b) the bus limit --------------------------------------------------------------

    def bus_limit(self) -> None:
        consumer = RdConsumer(
            {
                "bootstrap.servers": KAFKA,
                "group.id": f"bench-bus-{self.tag}",
                "auto.offset.reset": "earliest",
                "enable.auto.commit": False,
            }
        )
        consumer.subscribe([self.topic])
        count = 0
        began = None
        while count < self.frames:
            messages = consumer.consume(10_000, 1.0)
            if messages and began is None:
                began = time.perf_counter()
            count += len(messages)
        raw = self.frames / (time.perf_counter() - (began or 0))
        consumer.close()

        adapter = self.bus.consumer(f"bench-bus-adapter-{self.tag}", [self.topic])
        count = 0
        began = None
        while count < self.frames:
            batch = adapter.poll_batch(BATCH, 1.0)
            if len(batch) and began is None:
                began = time.perf_counter()
            count += len(batch)
        through_adapter = self.frames / (time.perf_counter() - (began or 0))
        adapter.close()
        self.results["bus_limit"] = {
            "librdkafka_frames_per_s": round(raw),
            "adapter_poll_batch_frames_per_s": round(through_adapter),
        }
        console.print(
            f"bus limit: {raw:,.0f} frames/s (librdkafka), {through_adapter:,.0f} (poll_batch)"
        )

    # --- (c) the store limit ------------------------------------------------------------

    def store_limit(self) -> None:
        """The same frames' samples under other satellite ids, encoded beforehand, in
        batches of BATCH frames, each split in two requests sent at once (as the
        store adapter does)."""
        prefix = f"S{self.tag}"
        encoder = ImportEncoder()
        bodies: list[list[bytes]] = []
        pending: list[bytes] = []
        with progress() as bar:
            task = bar.add_task("encoding the store's batches", total=self.frames)
            for pairs in fleet_ticks(self.args.satellites, self.ticks, self.start):
                pending += [value for _, value in renamed(pairs, prefix)]
                if len(pending) >= BATCH:
                    bodies.append(_encoded(encoder, pending))
                    bar.advance(task, len(pending))
                    pending = []
            if pending:
                bodies.append(_encoded(encoder, pending))
        client = httpx.Client(base_url=VM, timeout=120)
        pool = ThreadPoolExecutor(2)
        began = time.perf_counter()
        for parts in bodies:
            list(pool.map(lambda body: client.post("/api/v1/import", content=body), parts))
        at = self.end.timestamp() - 0.5
        selector = f'{{__name__=~"satellite_.+",satellite_id=~"{prefix}-.+"}}'
        while vm_query(f"count(last_over_time({selector}[1s]))", at) < self.last_tick_samples:
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
        pool.shutdown()
        client.close()
        self.results["store_limit"] = {
            "frames_per_s": round(self.frames / elapsed),
            "samples_per_s": round(self.samples / elapsed),
            "seconds": round(elapsed, 2),
        }
        console.print(
            f"store limit: {self.frames / elapsed:,.0f} frames/s,"
            f" {self.samples / elapsed:,.0f} samples/s"
        )

    # --- (a) the seed's approach ----------------------------------------------------------

    def seed_approach(self) -> None:
        """One HTTP request per message, on a new connection, Prometheus text built
        with the json module; measured on a slice of the topic, under other ids."""
        prefix = f"A{self.tag}"
        consumer = RdConsumer(
            {
                "bootstrap.servers": KAFKA,
                "group.id": f"bench-seed-{self.tag}",
                "auto.offset.reset": "earliest",
            }
        )
        consumer.subscribe([self.topic])
        count = 0
        began = None
        url = f"{VM}/api/v1/import/prometheus"
        while count < self.args.seed_slice:
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            if began is None:
                began = time.perf_counter()
            frame = json.loads(message.value() or b"")
            satellite = frame["satellite_id"].replace("B" + self.tag, prefix)
            ts = int(datetime.fromisoformat(frame["timestamp"]).timestamp() * 1000)
            lines = []
            for subsystem in ("eps", "thermal", "aocs", "comm", "payload"):
                for name, value in frame[subsystem].items():
                    if isinstance(value, bool | int | float):
                        lines.append(
                            f'satellite_{name}{{satellite_id="{satellite}",'
                            f'subsystem="{subsystem}"}} {float(value)} {ts}'
                        )
            request = urllib.request.Request(url, data="\n".join(lines).encode(), method="POST")
            with urllib.request.urlopen(request, timeout=10) as response:
                response.read()
            count += 1
        elapsed = time.perf_counter() - (began or 0)
        consumer.close()
        self.results["seed_approach"] = {
            "frames": count,
            "frames_per_s": round(count / elapsed),
            "samples_per_s": round(count * self.samples / self.frames / elapsed),
        }
        console.print(f"seed's approach: {count / elapsed:,.0f} frames/s on {count:,} frames")

    # --- freshness ------------------------------------------------------------------------

    def freshness(self, rate: int, seconds: float) -> dict[str, Any]:
        tag = uuid.uuid4().hex[:6]
        topic, dlq, prefix = f"bench-fresh-{tag}", f"bench-fresh-dlq-{tag}", f"F{tag}"
        bus = KafkaBus(KAFKA, topics=[topic, dlq], partitions=PARTITIONS)
        consumer = ConsumerProcess(topic, dlq, f"bench-fresh-{tag}")
        try:
            if not consumer.assigned.wait(60):
                raise RuntimeError("satmon consume got no partitions:\n" + "".join(consumer.log))
            interval = self.args.satellites / rate
            simulator = Simulator(
                SimulatorConfig(satellites=self.args.satellites, seed=9, step_s=interval)
            )
            probes = _probes(prefix, self.args.satellites)
            sent: dict[int, float] = {}
            seen: dict[tuple[str, int], float] = {}
            stop = threading.Event()
            prober = threading.Thread(target=_probe, args=(probes, sent, seen, stop), daemon=True)
            producer = bus.producer()
            prober.start()
            # New series become queryable only after ~10 s on this server (its index);
            # warm up until every probe series is, then measure.
            warm_until: float | None = None
            began = time.perf_counter()
            ticks = 0
            measured_from = 0
            sent_before: set[int] = set()
            while warm_until is None or time.perf_counter() - warm_until < seconds:
                if warm_until is None and time.perf_counter() - began > 90:
                    raise RuntimeError("the probe series did not become queryable in 90 s")
                if warm_until is None and len({s for s, _ in seen}) == len(probes):
                    warm_until = time.perf_counter()
                    measured_from = ticks
                    sent_before = set(sent)
                pairs = renamed(simulator.encoded_tick(), prefix)
                ts = _timestamp_ms(pairs[0][1])
                for key, value in pairs:
                    producer.send(topic, value, key=key)
                sent[ts] = time.time()
                ticks += 1
                delay = began + ticks * interval - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            producer.flush(60)
            achieved = (ticks - measured_from) * self.args.satellites / seconds
            time.sleep(3)
            stop.set()
            prober.join()
            producer.close()
            rss = consumer.peak_rss_mib()
        finally:
            consumer.stop()
            bus.close()
            delete_topics([topic, dlq])
        measured = {ts: at for ts, at in sent.items() if ts not in sent_before}
        delays = sorted(seen[key] - measured[key[1]] for key in seen if key[1] in measured)
        return {
            "rate_frames_per_s": rate,
            "achieved_frames_per_s": round(achieved),
            "probes_seen": len(delays),
            "probes_sent": len(measured) * len(probes),
            **_spread(delays),
            "consumer_peak_rss_mib": round(rss, 1),
        }

    def store_floor(self, samples: int = 20) -> dict[str, float]:
        """One sample written straight to the store, until a query sees it."""
        client = httpx.Client(base_url=VM, timeout=10)
        satellite = f"P{uuid.uuid4().hex[:8]}"
        selector = f'satellite_probe{{satellite_id="{satellite}"}}'
        warm = {"metric": {"__name__": "satellite_probe", "satellite_id": satellite}}
        client.post(
            "/api/v1/import",
            content=orjson.dumps(
                {**warm, "values": [0.0], "timestamps": [int(time.time() * 1000) - 60_000]}
            ),
        )
        while not _exported(client, selector):  # a new series takes ~10 s to be searchable
            time.sleep(0.1)
        delays = []
        for i in range(samples):
            now = int(time.time() * 1000)
            body = orjson.dumps(
                {
                    "metric": {"__name__": "satellite_probe", "satellite_id": satellite},
                    "values": [float(i)],
                    "timestamps": [now],
                }
            )
            began = time.perf_counter()
            client.post("/api/v1/import", content=body)
            while now not in _exported(client, selector):
                time.sleep(0.01)
            delays.append(time.perf_counter() - began)
            time.sleep(0.137 * (i % 7))
        client.close()
        delays.sort()
        return {
            "p50_s": round(_quantile(delays, 0.5), 3),
            "p99_s": round(_quantile(delays, 0.99), 3),
        }

    # --- profile ------------------------------------------------------------------------

    def profile(self, frames: int) -> list[dict[str, Any]]:
        group = f"bench-profile-{self.tag}"
        consumer = self.bus.consumer(group, [self.topic])
        producer = self.bus.producer()
        store = VictoriaMetricsStore(VM, gzip_level=None)
        ingestor = Ingestor(consumer, store, producer, self.dlq, IngestSettings())
        stop = threading.Event()

        def stop_after() -> None:
            while ingestor.frames_stored < frames:
                time.sleep(0.05)
            stop.set()

        threading.Thread(target=stop_after, daemon=True).start()
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.runcall(ingestor.run, stop)
        elapsed = time.perf_counter() - began
        consumer.close()
        producer.close()
        store.close()
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats("tottime")
        rows = []
        for (file, line, name), (_, calls, tottime, _cumtime, _) in sorted(
            stats.stats.items(),  # type: ignore[attr-defined]
            key=lambda item: -item[1][2],
        )[:15]:
            rows.append(
                {
                    "function": f"{Path(file).name}:{line}({name})",
                    "calls": calls,
                    "tottime_s": round(tottime, 3),
                    "us_per_frame": round(tottime / ingestor.frames_stored * 1e6, 2),
                }
            )
        console.print(
            f"profile: {ingestor.frames_stored:,} frames in {elapsed:.1f}s on the consumer"
            " thread (the writer thread is not profiled)"
        )
        return rows


def _encoded(encoder: ImportEncoder, values: list[bytes]) -> list[bytes]:
    frames, _ = decode_frames(values)
    items = list(frames_to_samples(frames).series.items())
    half = len(items) // 2
    return [encoder.encode(items[:half])[0], encoder.encode(items[half:])[0]]


def _timestamp_ms(value: bytes) -> int:
    text = orjson.loads(value)["timestamp"]
    return round(datetime.fromisoformat(text).timestamp() * 1000)


def _exported(client: httpx.Client, selector: str) -> set[int]:
    response = client.post(
        "/api/v1/export", data={"match[]": selector, "start": str(time.time() - 600)}
    )
    found: set[int] = set()
    for line in response.content.splitlines():
        if line:
            found.update(orjson.loads(line)["timestamps"])
    return found


def _probe(
    probes: list[str],
    sent: dict[int, float],
    seen: dict[tuple[str, int], float],
    stop: threading.Event,
) -> None:
    client = httpx.Client(base_url=VM, timeout=10)
    selector = 'satellite_battery_voltage{satellite_id=~"' + "|".join(probes) + '"}'
    while not stop.is_set():
        response = client.post(
            "/api/v1/export", data={"match[]": selector, "start": str(time.time() - 600)}
        )
        now = time.time()
        for line in response.content.splitlines():
            if line:
                row = orjson.loads(line)
                satellite = row["metric"]["satellite_id"]
                for ts in row["timestamps"]:
                    seen.setdefault((satellite, ts), now)
        time.sleep(0.02)
    client.close()


def _probes(prefix: str, satellites: int) -> list[str]:
    """Up to five satellites spread over the fleet (and so over the partitions)."""
    count = max(1, min(5, satellites // 200))
    return [f"{prefix}-{1 + i * (satellites - 1) // max(1, count - 1):03d}" for i in range(count)]


def _spread(delays: list[float]) -> dict[str, float | None]:
    return {
        "p50_s": round(_quantile(delays, 0.5), 3),
        "p99_s": round(_quantile(delays, 0.99), 3),
        "max_s": round(delays[-1], 3) if delays else None,
    }


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=2_000_000)
    parser.add_argument("--satellites", type=int, default=1_000)
    parser.add_argument("--seed-slice", type=int, default=3_000, help="frames for (a)")
    parser.add_argument("--fresh-seconds", type=float, default=20.0)
    parser.add_argument("--profile-frames", type=int, default=200_000)
    parser.add_argument("--quick", action="store_true", help="200,000 frames, shorter phases")
    args = parser.parse_args()
    if args.quick:
        args.frames, args.seed_slice, args.fresh_seconds = 200_000, 1_000, 8.0
        args.profile_frames = 100_000

    bench = Bench(args)
    started = load()
    try:
        bench.fill()
        bench.bus_limit()
        bench.ingest()
        bench.store_limit()
        bench.seed_approach()
        bench.results["store_floor"] = bench.store_floor()
        bench.results["freshness"] = [
            bench.freshness(rate, args.fresh_seconds) for rate in (1_000, 10_000)
        ]
        bench.results["profile"] = bench.profile(args.profile_frames)
    finally:
        bench.close()
    report(bench, started)


def report(bench: Bench, started: dict[str, float]) -> None:
    r = bench.results
    ingest, bus, store, seed = r["ingest"], r["bus_limit"], r["store_limit"], r["seed_approach"]
    store_frames = store["frames_per_s"]
    limit = min(bus["librdkafka_frames_per_s"], store_frames)
    summary = {
        "speedup_over_seed": round(ingest["frames_per_s"] / seed["frames_per_s"], 1),
        "fraction_of_min_limit": round(ingest["frames_per_s"] / limit, 3),
        "fraction_of_store_limit": round(ingest["frames_per_s"] / store_frames, 3),
    }
    table = Table("measure", "frames/s", "samples/s", "note", title="ingest from Kafka")
    table.add_row(
        "satmon consume",
        f"{ingest['frames_per_s']:,}",
        f"{ingest['samples_per_s']:,}",
        f"peak RSS {ingest['peak_rss_mib']} MiB",
    )
    table.add_row(
        "(a) seed's approach",
        f"{seed['frames_per_s']:,}",
        f"{seed['samples_per_s']:,}",
        f"on {seed['frames']:,} frames",
    )
    table.add_row(
        "(b) bus limit",
        f"{bus['librdkafka_frames_per_s']:,}",
        "",
        f"poll_batch {bus['adapter_poll_batch_frames_per_s']:,}",
    )
    table.add_row("(c) store limit", f"{store_frames:,}", f"{store['samples_per_s']:,}", "")
    Console().print(table)
    fresh = Table(
        "rate", "achieved", "p50 s", "p99 s", "max s", title="freshness: send to queryable"
    )
    for row in r["freshness"]:
        fresh.add_row(
            f"{row['rate_frames_per_s']:,}",
            f"{row['achieved_frames_per_s']:,}",
            str(row["p50_s"]),
            str(row["p99_s"]),
            str(row["max_s"]),
        )
    fresh.add_row(
        "store floor",
        "1 sample",
        str(r["store_floor"]["p50_s"]),
        str(r["store_floor"]["p99_s"]),
        "",
    )
    Console().print(fresh)
    prof = Table("function", "calls", "tottime s", "us/frame", title="profile (consumer thread)")
    for row in r["profile"][:12]:
        prof.add_row(
            row["function"], f"{row['calls']:,}", str(row["tottime_s"]), str(row["us_per_frame"])
        )
    Console().print(prof)
    Console().print(
        f"{summary['speedup_over_seed']}x the seed's approach; "
        f"{summary['fraction_of_min_limit']:.0%} of min(bus, store) limit; "
        f"CPU s per million samples: {ingest['cpu_s_per_million_samples']}; "
        f"machine busy {ingest['machine_busy_fraction']:.0%} during ingest; load at start {started}"
    )
    document = {
        "benchmark": "ingest",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python bench/ingest.py " + " ".join(sys.argv[1:]),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_at_start": started,
            "load_at_end": load(),
        },
        "batch_frames": BATCH,
        "partitions": PARTITIONS,
        **r,
        "summary": summary,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(document, indent=2) + "\n")
    console.print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

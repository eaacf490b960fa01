"""The measured phases of bench/ingest.py on the run's own topic: `Bench`.

fill (the topic, from the simulator), ingest (`satmon consume` as one or more
subprocesses in one group, until every sample is queryable; their RSS and the
CPU of them, VictoriaMetrics and Kafka), (b) the bus limit, (c) the store
limit, (a) the seed's approach on a slice, and a cProfile of the ingest loop
in-process. Each phase leaves its figures in `Bench.results`; `close` deletes
the topics.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from common import console, cpu_seconds
from confluent_kafka import Consumer as RdConsumer
from ingest_harness import (
    BATCH,
    KAFKA,
    PARTITIONS,
    VM,
    ConsumerProcess,
    busy_fraction,
    delete_series,
    delete_topics,
    fleet_ticks,
    load,
    progress,
    renamed,
    service_pid,
    stored_points,
    wait_queryable,
)

from satmon.bus.kafka import KafkaBus
from satmon.ingest.consumer import Ingestor, IngestSettings
from satmon.telemetry.codec import decode_frames
from satmon.telemetry.samples import frames_to_samples
from satmon.tsdb.victoria import VictoriaMetricsStore
from satmon.tsdb.vm_import import ImportEncoder


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

    def ingest(self, processes: int = 1) -> None:
        """`processes` consumers in one group, from the first one's assignment until
        every sample is queryable. A run after the first deletes the run's series
        from VictoriaMetrics first, so they are new to the store again."""
        group = f"bench-ingest-{self.tag}-{processes}"
        if "ingest" in self.results:
            delete_series(self.prefix)
        pids = {"victoriametrics": service_pid("victoriametrics"), "kafka": service_pid("kafka")}
        options = [f"--in-flight={self.args.in_flight}"]
        consumers = [
            ConsumerProcess(self.topic, self.dlq, group, options) for _ in range(processes)
        ]
        for consumer in consumers:
            if not consumer.assigned.wait(60):
                raise RuntimeError("satmon consume got no partitions:\n" + "".join(consumer.log))
        began = min(c.assigned_at for c in consumers)
        cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items() if pid}
        consumers_cpu0 = sum(cpu_seconds(c.process.pid) for c in consumers)
        machine = busy_fraction()
        load_before = load()
        title = "satmon consume" + (f" x{processes}" if processes > 1 else "")
        with progress() as bar:
            task = bar.add_task(title, total=self.frames)
            while (lag := self.bus.lag(group, self.topic)) > 0:
                bar.update(task, completed=self.frames - lag)
                time.sleep(0.25)
            bar.update(task, completed=self.frames)
        at = self.end.timestamp() - 0.5  # the last tick's samples, and only those
        wait_queryable(self.prefix, at, self.last_tick_samples)
        elapsed = time.perf_counter() - began
        busy = machine()
        cpu = {name: cpu_seconds(pid) - cpu0[name] for name, pid in pids.items() if pid}
        cpu["consumer"] = sum(cpu_seconds(c.process.pid) for c in consumers) - consumers_cpu0
        rss = max(c.peak_rss_mib() for c in consumers)
        codes = [c.stop() for c in consumers]
        stored = stored_points(self.prefix, self.start, self.end)
        per_million = {k: round(v / (self.samples / 1e6), 3) for k, v in cpu.items()}
        figures = {
            "processes": processes,
            "frames_per_s": round(self.frames / elapsed),
            "samples_per_s": round(self.samples / elapsed),
            "seconds": round(elapsed, 2),
            "peak_rss_mib": round(rss, 1),
            "writes_in_flight": self.args.in_flight,
            "cpu_s_per_million_samples": per_million,
            "machine_busy_fraction": round(busy, 3),
            "load_before": load_before,
            "stored_points": stored,
            "expected_points": self.samples,
            "exit_codes": codes,
        }
        self.results.setdefault("ingest", figures)  # the one-process run, as before
        self.results.setdefault("ingest_by_processes", {})[str(processes)] = figures
        console.print(
            f"{title}: {self.frames / elapsed:,.0f} frames/s,"
            f" {self.samples / elapsed:,.0f} samples/s, peak RSS {rss:.0f} MiB"
            f" (per process), stored {stored:,} of {self.samples:,} points"
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
        wait_queryable(prefix, at, self.last_tick_samples)
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

    # --- profile ------------------------------------------------------------------------

    def profile(self, frames: int) -> list[dict[str, Any]]:
        group = f"bench-profile-{self.tag}"
        consumer = self.bus.consumer(group, [self.topic])
        producer = self.bus.producer()
        store = VictoriaMetricsStore(VM, gzip_level=None)
        settings = IngestSettings(max_in_flight=self.args.in_flight)
        ingestor = Ingestor(consumer, store, producer, self.dlq, settings)
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

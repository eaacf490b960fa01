"""The freshness phases of bench/ingest.py: time from send to queryable.

`freshness`: simulator frames sent at a given rate to a topic of its own while
`satmon consume` runs; a thread polls VictoriaMetrics for a few probe
satellites' samples and records when each first appears. `store_floor`: the
store's own floor, one sample written straight to VictoriaMetrics until a query
sees it. Both return p50/p99 figures for the report.
"""

from __future__ import annotations

import threading
import time
import uuid
from datetime import datetime
from typing import Any

import httpx
import orjson
from ingest_harness import KAFKA, PARTITIONS, VM, ConsumerProcess, delete_topics, renamed

from satmon.bus.kafka import KafkaBus
from satmon.telemetry.simulator import Simulator, SimulatorConfig


def freshness(satellites: int, rate: int, seconds: float) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    topic, dlq, prefix = f"bench-fresh-{tag}", f"bench-fresh-dlq-{tag}", f"F{tag}"
    bus = KafkaBus(KAFKA, topics=[topic, dlq], partitions=PARTITIONS)
    consumer = ConsumerProcess(topic, dlq, f"bench-fresh-{tag}")
    try:
        if not consumer.assigned.wait(60):
            raise RuntimeError("satmon consume got no partitions:\n" + "".join(consumer.log))
        interval = satellites / rate
        simulator = Simulator(SimulatorConfig(satellites=satellites, seed=9, step_s=interval))
        probes = _probes(prefix, satellites)
        sent: dict[int, float] = {}
        seen: dict[tuple[str, int], float] = {}
        stop = threading.Event()
        prober = threading.Thread(target=_probe, args=(probes, sent, seen, stop), daemon=True)
        producer = bus.producer()
        prober.start()
        # The probe repeats one query, which sees a new series only once
        # VictoriaMetrics refreshes its cache of matching series (~10 s here; see
        # ingest_harness.wait_queryable): warm up until every probe series is seen,
        # then measure samples of series that exist.
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
        achieved = (ticks - measured_from) * satellites / seconds
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


def store_floor(samples: int = 20) -> dict[str, float]:
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
    while not _exported(client, selector):  # a repeated query sees a new series after ~10 s
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

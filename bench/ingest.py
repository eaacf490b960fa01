"""Ingestion from Kafka into VictoriaMetrics: `satmon consume` against its limits.

    python bench/ingest.py [--frames 2000000] [--satellites 1000] [--quick]

Needs Kafka and VictoriaMetrics (`scripts/services up kafka victoriametrics`).
Fills a topic of its own first (simulator frames, satellite ids unique to the
run), then measures in the same run:

- ingest: `satmon consume` as a subprocess reading the whole topic, from the
  moment it has its partitions until every sample is queryable; its peak RSS;
  the CPU seconds per million samples of the consumer, VictoriaMetrics and Kafka.
  Then again with two processes in one consumer group (`--processes`, how
  `satmon consume` scales), on the same topic, the run's series deleted from
  VictoriaMetrics in between so that they are new to the store again.
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
import json
import os
import platform
import sys
from datetime import UTC, datetime
from typing import Any

from common import ROOT, console
from ingest_freshness import freshness, store_floor
from ingest_harness import BATCH, PARTITIONS, load
from ingest_phases import Bench
from rich.console import Console
from rich.table import Table

RESULTS = ROOT / "bench" / "results" / "ingest.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=2_000_000)
    parser.add_argument("--satellites", type=int, default=1_000)
    parser.add_argument("--seed-slice", type=int, default=3_000, help="frames for (a)")
    parser.add_argument("--fresh-seconds", type=float, default=20.0)
    parser.add_argument("--profile-frames", type=int, default=200_000)
    parser.add_argument(
        "--in-flight",
        type=int,
        default=2,
        help="satmon consume --in-flight",
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="+",
        default=[1, 2],
        help="satmon consume processes in one group, one ingest run per count",
    )
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
        for processes in args.processes:
            bench.ingest(processes)
        bench.store_limit()
        bench.seed_approach()
        bench.results["store_floor"] = store_floor()
        bench.results["freshness"] = [
            freshness(args.satellites, rate, args.fresh_seconds) for rate in (1_000, 10_000)
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

    def against_limits(figures: dict[str, Any]) -> dict[str, float]:
        return {
            "speedup_over_seed": round(figures["frames_per_s"] / seed["frames_per_s"], 1),
            "fraction_of_min_limit": round(figures["frames_per_s"] / limit, 3),
            "fraction_of_store_limit": round(figures["frames_per_s"] / store_frames, 3),
        }

    by_processes = r["ingest_by_processes"]
    summary: dict[str, Any] = {
        **against_limits(ingest),
        "by_processes": {n: against_limits(f) for n, f in by_processes.items()},
    }
    table = Table("measure", "frames/s", "samples/s", "note", title="ingest from Kafka")
    for n, figures in by_processes.items():
        shares = summary["by_processes"][n]
        table.add_row(
            "satmon consume" + (f", {n} processes" if n != "1" else ""),
            f"{figures['frames_per_s']:,}",
            f"{figures['samples_per_s']:,}",
            f"{shares['speedup_over_seed']}x seed, {shares['fraction_of_min_limit']:.0%} of"
            f" min(b, c); peak RSS {figures['peak_rss_mib']} MiB per process; machine busy"
            f" {figures['machine_busy_fraction']:.0%}",
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

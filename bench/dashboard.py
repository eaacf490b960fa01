"""The dashboard in a browser: time to first chart, and time to render a week of
four metrics, against the same page fetching the week at the finest step the API
allows (one point a minute, 10,080 per series: close to the raw data the seed's
client drew).

    python bench/dashboard.py [--repeats N] [--satellites N] [--interval S]

Backfills a week of telemetry into a fresh data directory with `satmon simulate`,
starts `satmon up` on it, and drives Debian's Chromium with Playwright (no browser
download). Each figure is the median of the repeats, each in a fresh browser
context (cold cache). Prints a table and writes bench/results/dashboard.json.
Targets: first chart under 1 s, the week under 500 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright

from satmon.api.web import DIST, build_is_current

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
METRICS = (
    "satellite_battery_voltage",
    "satellite_solar_power",
    "satellite_temperature",
    "satellite_altitude",
)

# Runs in the page: from now until every chart of the wanted step has drawn its line.
RENDER_UNTIL_DRAWN = """
async ([step, click]) => {
  const t0 = performance.now();
  if (click) {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent === click);
    button.click();
  }
  for (;;) {
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const charts = document.querySelector('[data-testid=charts]');
    const drawn = document.querySelectorAll('[data-testid=metric-chart] path.recharts-curve');
    if (charts && charts.dataset.step === step && drawn.length >= 4) return performance.now() - t0;
    if (performance.now() - t0 > 60000) return -1;
  }
}
"""

FIRST_CHART = """
() => new Promise((resolve) => {
  const check = () => {
    const drawn = document.querySelector('[data-testid=metric-chart] path.recharts-curve');
    if (drawn) resolve(performance.now());
    else requestAnimationFrame(check);
  };
  check();
})
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build() -> None:
    if not build_is_current(DIST):
        print("building the dashboard…", file=sys.stderr)
        subprocess.run(["npm", "run", "build"], cwd=ROOT / "frontend", check=True)


def backfill(data_dir: Path, satellites: int, interval_s: float) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "satmon",
            "simulate",
            "--backfill",
            "now-7d",
            "now",
            "--interval",
            str(interval_s),
            "--satellites",
            str(satellites),
            "--output",
            "embedded",
            "--data-dir",
            str(data_dir),
        ],
        check=True,
    )
    return time.perf_counter() - started


def start(data_dir: Path, satellites: int, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "satmon",
            "up",
            "--port",
            str(port),
            "--satellites",
            str(satellites),
        ],
        env={**os.environ, "SATMON_DATA_DIR": str(data_dir)},
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/health", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("satmon up did not answer /health within 60 s")


def first_chart_ms(browser: Browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    elapsed = float(page.evaluate(FIRST_CHART))  # ms since the navigation started
    context.close()
    return elapsed


def week_render_ms(browser: Browser, base: str, step: str | None) -> tuple[float, int]:
    """From the click on "1w" (on a page showing 1 h) to four drawn charts."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    query = "&".join(f"metric={m}" for m in METRICS)
    page.goto(f"{base}/trends?sat=SAT-001&range=1h&{query}" + (f"&step={step}" if step else ""))
    page.wait_for_selector("[data-testid=metric-chart] path.recharts-curve")
    wanted = "60" if step else "900"
    elapsed = float(page.evaluate(RENDER_UNTIL_DRAWN, [wanted, "1w"]))
    points = int(page.locator("[data-testid=metric-chart]").first.get_attribute("data-points") or 0)
    context.close()
    if elapsed < 0:
        raise SystemExit(f"the week at step {wanted} s did not render within 60 s")
    return elapsed, points


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--satellites", type=int, default=3)
    parser.add_argument(
        "--interval", type=float, default=30.0, help="backfill seconds between frames"
    )
    args = parser.parse_args()

    build()
    with tempfile.TemporaryDirectory(prefix="satmon-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        backfill_s = backfill(data_dir, args.satellites, args.interval)
        process, base = start(data_dir, args.satellites, Path(tmp) / "satmon.log")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                first_chart_ms(browser, base + "/trends")  # warm the server's caches once
                first = [first_chart_ms(browser, base + "/trends") for _ in range(args.repeats)]
                stepped = [week_render_ms(browser, base, None) for _ in range(args.repeats)]
                finest = [week_render_ms(browser, base, "60s") for _ in range(args.repeats)]
                browser.close()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)

    result: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "setup": {
            "satellites": args.satellites,
            "backfill_interval_s": args.interval,
            "backfill_s": round(backfill_s, 1),
            "repeats": args.repeats,
            "metrics": list(METRICS),
        },
        "first_chart_ms": {"median": statistics.median(first), "runs": first, "target": 1000},
        "week_four_metrics_ms": {
            "median": statistics.median(t for t, _ in stepped),
            "runs": [t for t, _ in stepped],
            "points_per_series": stepped[0][1],
            "target": 500,
        },
        "baseline_week_at_60s_ms": {
            "median": statistics.median(t for t, _ in finest),
            "runs": [t for t, _ in finest],
            "points_per_series": finest[0][1],
        },
    }
    week = result["week_four_metrics_ms"]
    base_week = result["baseline_week_at_60s_ms"]
    first_ms = result["first_chart_ms"]["median"]
    print(f"time to first chart (1 h, cold cache): {first_ms:8.0f} ms  (target < 1000)")
    print(
        f"1 week, 4 metrics, {week['points_per_series']} points a series:"
        f" {week['median']:8.0f} ms  (target < 500)"
    )
    print(
        f"baseline, 1 week at a 60 s step, {base_week['points_per_series']} points a series:"
        f" {base_week['median']:8.0f} ms"
    )
    print(f"speed-up of the week: {base_week['median'] / week['median']:.1f}x")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()

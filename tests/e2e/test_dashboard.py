"""The dashboard in a real browser (Debian's Chromium driven by Playwright) against
a running `satmon up`: every view loads with data and without console errors,
the trend charts follow the range and the satellite, an alert is acknowledged,
a manual inference is submitted, shown, and found by search. Screenshots of each
view go to tests/artifacts/ on every run."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from satmon.api.web import DIST, build_is_current
from tests.processes import SatmonProcess, wait_for

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def ensure_built() -> None:
    """Build the dashboard if its sources changed since the last build."""
    if build_is_current(DIST):
        return
    run = subprocess.run(
        ["npm", "run", "build"],
        cwd=ROOT / "frontend",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]


def start_up(data_dir: Path, log_path: Path) -> SatmonProcess:
    """`satmon up` with a temporary data directory, faults frequent enough that
    anomalies (and so alerts) appear within a minute or two."""
    return SatmonProcess(
        "up",
        ["--interval", "0.5", "--satellites", "3", "--fault-rate", "2000"],
        {
            "SATMON_DATA_DIR": str(data_dir),
            "SATMON_TRIGGER_COOLDOWN_S": "5",
            "SATMON_TRIGGER_PERIODIC_RATE": "0.3",
            "SATMON_TRIGGER_SEED": "7",
        },
        log_path,
    )


@pytest.fixture(scope="module")
def satmon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SatmonProcess]:
    ensure_built()
    base = tmp_path_factory.mktemp("dashboard")
    running = start_up(base / "data", base / "satmon.log")
    try:
        wait_for(lambda: len(running.get("/api/v1/trends/satellites")) == 3, 30, "three satellites")
        yield running
    finally:
        running.stop_if_running()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Console:
    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", self._message)
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _message(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    yield opened
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


VIEWS = [
    ("trends", "/trends", "metric-chart"),
    ("fleet", "/fleet", "fleet-row"),
    ("ground", "/ground", "satellite-marker"),
    ("jobs", "/jobs", "job-row"),
]


@pytest.mark.parametrize(("name", "path", "marker"), VIEWS)
def test_every_view_loads_with_data_and_no_console_errors(
    satmon: SatmonProcess, page: Page, name: str, path: str, marker: str
) -> None:
    if name == "jobs":
        wait_for(lambda: satmon.get("/api/v1/query/jobs")["total"] > 0, 60, "a job")
    console = Console(page)
    page.goto(satmon.base + path)
    expect(page.get_by_test_id(marker).first).to_be_visible()
    if name == "trends":
        expect(page.get_by_test_id("metric-card")).to_have_count(4)
        expect(page.get_by_test_id("live-indicator")).to_contain_text("Live")
    if name == "fleet":
        expect(page.get_by_test_id("fleet-row")).to_have_count(3)
    if name == "ground":
        expect(page.get_by_test_id("satellite-marker")).to_have_count(3)
        expect(page.get_by_test_id("land")).to_be_attached()  # the offline world map
    page.wait_for_timeout(1500)  # let refreshes and the live stream run for a moment
    screenshot(page, name)
    assert console.errors == []


def test_switching_range_and_satellite_updates_the_charts(
    satmon: SatmonProcess, page: Page
) -> None:
    console = Console(page)
    page.goto(satmon.base + "/trends")
    charts = page.get_by_test_id("charts")
    expect(charts).to_have_attribute("data-satellite", "SAT-001")
    expect(charts).to_have_attribute("data-step", "5")  # 1 h at about 1,000 points

    page.get_by_role("button", name="6h", exact=True).click()
    expect(charts).to_have_attribute("data-step", "30")
    assert "range=6h" in page.url

    page.get_by_test_id("satellite-select").select_option("SAT-002")
    expect(charts).to_have_attribute("data-satellite", "SAT-002")
    expect(charts).to_have_attribute("data-step", "30")
    expect(
        page.get_by_test_id("metric-chart").first.locator("svg path.recharts-curve").first
    ).to_be_attached()
    assert console.errors == []


def test_an_alert_can_be_acknowledged(satmon: SatmonProcess, page: Page) -> None:
    alerts = wait_for(
        lambda: satmon.get("/api/v1/alerts", acknowledged="false"), 150, "an anomaly alert"
    )
    console = Console(page)
    page.goto(satmon.base + "/alerts")
    rows = page.get_by_test_id("alert-row")
    expect(rows.first).to_be_visible()
    screenshot(page, "alerts")
    page.get_by_test_id("operator").fill("e2e-operator")
    first = rows.first
    key = first.get_attribute("data-key")
    assert key is not None
    first.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(f'[data-key="{key}"]')).to_have_count(0)  # gone from the open alerts

    job_id, subsystem = key.rsplit("/", 1)
    done = satmon.get("/api/v1/alerts", acknowledged="true")
    acknowledged = [a for a in done if (a["job_id"], a["subsystem"]) == (job_id, subsystem)]
    assert acknowledged[0]["acknowledgement"]["acknowledged_by"] == "e2e-operator"
    assert len(alerts) >= 1

    page.get_by_role("button", name="Acknowledged", exact=True).click()
    expect(page.locator(f'[data-key="{key}"]')).to_contain_text("e2e-operator")
    page.locator(f'[data-key="{key}"]').get_by_role("link", name="Open job").click()
    expect(page.get_by_test_id("job-view")).to_have_attribute("data-status", "completed")
    expect(page.get_by_test_id("subsystem-result").first).to_be_visible()
    assert console.errors == []


def test_a_manual_inference_completes_is_shown_and_found(satmon: SatmonProcess, page: Page) -> None:
    console = Console(page)
    page.goto(satmon.base + "/jobs")
    series = ", ".join(f"{25 + 0.3 * i:.1f}" for i in range(30))
    page.get_by_test_id("series-input").fill(series)
    page.get_by_test_id("form-satellite").select_option("SAT-001")
    page.get_by_test_id("submit-inference").click()

    page.wait_for_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    job_id = page.url.rsplit("/", 1)[1]
    expect(page.get_by_test_id("job-view")).to_have_attribute("data-status", "completed")
    expect(page.get_by_test_id("series-result")).to_be_visible()
    screenshot(page, "job")
    assert satmon.get(f"/api/v1/inference/result/{job_id}")["job"]["source"] == "manual"

    wait_for(lambda: satmon.get("/api/v1/search/results", q=job_id)["total"], 10, "the index")
    page.goto(satmon.base + "/jobs")
    page.get_by_test_id("search-input").fill(job_id)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_test_id("search-hit")).to_have_count(1)
    expect(page.get_by_test_id("search-hit")).to_contain_text(job_id)
    screenshot(page, "search")
    assert console.errors == []

"""The routes the dashboard adds: alerts and their acknowledgement, the trend view,
the ground track, the live stream, and the built app served at /."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from satmon.api.app import create_app
from satmon.api.deps import ApiState
from satmon.api.web import install_web
from satmon.store.records import JobStatus, NewJob, SubsystemOutcome
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.samples import frames_to_samples
from tests.conftest import Embedded
from tests.factories import frame_document

pytestmark = pytest.mark.unit

# The history ends at the moment the test starts: routes such as the ground track look
# back from the real clock, and a module-level time would go stale in a long run.
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _history_ends_now() -> None:
    global NOW  # noqa: PLW0603
    NOW = datetime.now(UTC).replace(microsecond=0)


def write_history(embedded: Embedded, satellite_id: str, seconds: int = 120) -> None:
    """One frame a second up to now; the longitude crosses the antimeridian."""
    frames = []
    for seq in range(seconds):
        document = frame_document(
            satellite_id,
            seq=seq,
            at=NOW - timedelta(seconds=seconds - 1 - seq),
            eps={"battery_voltage": 3.8 + 0.001 * seq, "eclipse": seq >= 60},
            aocs={"latitude": 0.1 * seq, "longitude": (170.0 + 0.2 * seq + 180) % 360 - 180},
        )
        frames.append(decode_frame(orjson.dumps(document)))
    embedded.adapters.tsdb.write(frames_to_samples(frames))


def anomalous_job(embedded: Embedded, job_id: str, satellite_id: str, subsystem: str) -> None:
    results = embedded.adapters.results
    results.create_job(
        NewJob(
            job_id=job_id,
            source="kafka_auto_trigger",
            model_name="holt_linear_baseline",
            satellite_id=satellite_id,
            trigger_reason="low_battery",
            subsystems=(subsystem,),
        )
    )
    results.record_subsystem(
        SubsystemOutcome(
            job_id=job_id,
            subsystem=subsystem,
            model_name="holt_linear_baseline",
            status=JobStatus.COMPLETED,
            anomaly_detected=True,
            anomaly_score=0.87,
            anomaly_channels=["battery_voltage"],
        )
    )
    assert results.finish_job(job_id) is not None


@pytest.fixture
def api(embedded: Embedded) -> Iterator[TestClient]:
    write_history(embedded, "SAT-001")
    write_history(embedded, "SAT-002")
    anomalous_job(embedded, "kafka-SAT-001-1", "SAT-001", "eps")
    anomalous_job(embedded, "kafka-SAT-002-1", "SAT-002", "thermal")
    with TestClient(create_app(ApiState(embedded.adapters, embedded.jobs))) as client:
        yield client


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def test_alerts_are_listed_and_acknowledged_once(api: TestClient):
    alerts = ok(api.get("/api/v1/alerts"))
    assert [(a["job_id"], a["acknowledgement"]) for a in alerts] == [
        ("kafka-SAT-002-1", None),
        ("kafka-SAT-001-1", None),
    ]

    first = ok(
        api.post(
            "/api/v1/alerts/kafka-SAT-001-1/eps/acknowledge",
            json={"acknowledged_by": "ops", "note": "battery swap planned"},
        )
    )
    again = ok(
        api.post("/api/v1/alerts/kafka-SAT-001-1/eps/acknowledge", json={"acknowledged_by": "x"})
    )

    assert first["acknowledged_by"] == "ops"
    assert again == first  # the first acknowledgement stands
    open_alerts = ok(api.get("/api/v1/alerts", params={"acknowledged": "false"}))
    assert [a["job_id"] for a in open_alerts] == ["kafka-SAT-002-1"]
    done = ok(api.get("/api/v1/alerts", params={"acknowledged": "true"}))
    assert done[0]["acknowledgement"]["note"] == "battery swap planned"
    # The seed's route and view are unchanged by acknowledgements.
    assert len(ok(api.get("/api/v1/query/alerts"))) == 2


@pytest.mark.parametrize(
    ("path", "body", "status", "field"),
    [
        ("/api/v1/alerts/kafka-SAT-001-1/comm/acknowledge", {"acknowledged_by": "ops"}, 404, None),
        ("/api/v1/alerts/nope/eps/acknowledge", {"acknowledged_by": "ops"}, 404, None),
        (
            "/api/v1/alerts/kafka-SAT-001-1/power/acknowledge",
            {"acknowledged_by": "ops"},
            422,
            "subsystem",
        ),
        (
            "/api/v1/alerts/kafka-SAT-001-1/eps/acknowledge",
            {"acknowledged_by": ""},
            422,
            "acknowledged_by",
        ),
        ("/api/v1/alerts/kafka-SAT-001-1/eps/acknowledge", {}, 422, "acknowledged_by"),
    ],
)
def test_acknowledging_what_is_no_alert_is_refused(api: TestClient, path, body, status, field):
    response = api.post(path, json=body)

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status
    if field:
        assert field in [f["field"] for f in error["fields"]]


def test_trend_view_has_points_envelope_stats_and_alerts(api: TestClient):
    view = ok(
        api.get(
            "/api/v1/dashboard/trends",
            params=[
                ("satellite_id", "SAT-001"),
                ("metric", "satellite_battery_voltage"),
                ("metric", "satellite_temperature"),
                ("range", "1h"),
                ("step", "10s"),
            ],
        )
    )

    assert view["step_s"] == 10
    voltage, temperature = view["metrics"]
    assert (voltage["unit"], voltage["subsystem"], temperature["unit"]) == ("V", "eps", "°C")
    assert voltage["limits"] == {"yellow": [3.3, 4.2], "red": [3.0, 4.25]}
    assert 12 <= len(voltage["points"]) <= 13  # 120 one-second samples on a 10 s grid
    assert len(voltage["envelope"]) == len(voltage["points"])
    assert all(
        lo <= avg <= hi
        for (_, avg), (_, lo, hi) in zip(voltage["points"], voltage["envelope"], strict=True)
    )
    stats = voltage["stats"]
    assert stats["min"] == pytest.approx(3.8)  # the raw minimum, not a step's average
    assert stats["max"] == pytest.approx(3.8 + 0.119)
    assert stats["min"] < stats["mean"] < stats["max"]
    assert stats["change"] == pytest.approx(stats["last"] - stats["first"])
    assert (voltage["anomalies"], temperature["anomalies"]) == (1, 0)
    assert [a["job_id"] for a in view["alerts"]] == ["kafka-SAT-001-1"]
    assert view["last_seen_ms"] == int(NOW.timestamp() * 1000)


def test_a_week_of_four_metrics_stays_near_a_thousand_points(api: TestClient):
    view = ok(
        api.get(
            "/api/v1/dashboard/trends",
            params=[("satellite_id", "SAT-001"), ("range", "1w")]
            + [
                ("metric", m)
                for m in (
                    "satellite_battery_voltage",
                    "satellite_solar_power",
                    "satellite_temperature",
                    "satellite_altitude",
                )
            ],
        )
    )
    assert view["step_s"] == 900  # 604,800 s / 1,000 points, rounded up to a round step
    assert all(len(m["points"]) <= 1_000 for m in view["metrics"])


def test_trend_view_of_a_silent_satellite_is_empty_not_an_error(api: TestClient):
    view = ok(
        api.get(
            "/api/v1/dashboard/trends",
            params={"satellite_id": "SAT-404", "metric": "satellite_temperature"},
        )
    )
    assert view["last_seen_ms"] is None
    assert view["metrics"][0]["points"] == []
    assert view["metrics"][0]["stats"]["mean"] is None


def test_trend_view_names_a_bad_metric(api: TestClient):
    response = api.get(
        "/api/v1/dashboard/trends", params={"satellite_id": "SAT-001", "metric": "nope"}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "metric"


def test_ground_track_positions_stations_and_daylight(api: TestClient):
    body = ok(api.get("/api/v1/dashboard/ground-track", params={"minutes": 5}))

    assert [s["name"] for s in body["stations"]][:2] == ["Daejeon", "Wallops"]
    sat = body["satellites"][0]
    assert sat["satellite_id"] == "SAT-001"
    assert sat["position"] == {"latitude": pytest.approx(11.9), "longitude": pytest.approx(-166.2)}
    assert sat["eclipse"] is True and sat["link_up"] is True
    assert 15 < sat["coverage_radius_deg"] < 17  # 420 km, 5 deg mask
    assert sat["in_view"] == ["South Point"]  # Hawaii, about 12.5 deg away
    longitudes = [lon for _, _, lon, _ in sat["track"]]
    assert 4 <= len(longitudes) <= 5  # two minutes of data on a 30 s grid
    assert all(abs(lon) > 160 for lon in longitudes)  # never averaged across the antimeridian
    assert [eclipse for *_, eclipse in sat["track"]][-1] is True
    assert -23.5 <= body["subsolar"]["latitude"] <= 23.5


def test_live_stream_sends_current_values_then_alerts(api: TestClient):
    since = (NOW - timedelta(hours=1)).isoformat()
    with api.stream(
        "GET",
        "/api/v1/live",
        params={"satellite_id": "SAT-001", "duration_s": 1, "alerts_since": since},
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        data = [
            orjson.loads(line.removeprefix("data: "))
            for line in response.iter_lines()
            if line.startswith("data: ")
        ]

    telemetry = [e for e in data if e["type"] == "telemetry"]
    alerts = [e for e in data if e["type"] == "alert"]
    assert len(telemetry) == 1  # one report: sent once, not on every poll
    assert telemetry[0]["satellite_id"] == "SAT-001"
    assert telemetry[0]["values"]["satellite_battery_voltage"]["state"] == "nominal"
    assert [a["alert"]["job_id"] for a in alerts] == ["kafka-SAT-001-1"]


def test_the_built_app_is_served_without_shadowing_the_api(tmp_path: Path, api: TestClient):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>satmon</title>")
    (dist / "assets" / "app-1234.js").write_text("console.log(1)")
    app = FastAPI()
    app.get("/api/v1/thing")(lambda: {"ok": True})
    assert install_web(app, dist)
    client = TestClient(app)

    assert "satmon" in client.get("/").text
    assert "satmon" in client.get("/fleet").text  # a client route
    assert "satmon" in client.get("/jobs/abc").text
    asset = client.get("/assets/app-1234.js")
    assert "immutable" in asset.headers["cache-control"]
    assert client.get("/assets/missing.js").status_code == 404
    assert client.get("/api/v1/thing").json() == {"ok": True}
    for path in ("/api/v1/nowhere", "/health/x", "/metrics/x"):
        assert client.get(path).status_code == 404, path
    assert "root:" not in client.get("/assets/../../../../etc/passwd").text
    assert not install_web(FastAPI(), tmp_path / "not-built")


def test_the_api_keeps_its_own_paths_when_the_app_is_built(api: TestClient):
    assert ok(api.get("/health"))["status"] == "ok"
    assert api.get("/openapi.json").json()["info"]["title"] == "satmon"
    missing = api.get("/api/v1/nowhere")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"

"""Every route of the API on the embedded adapters, through FastAPI's test client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import orjson
import pytest
from fastapi.testclient import TestClient

from satmon.analysis.rules import Cooldown, seed_rules
from satmon.analysis.trigger import Trigger
from satmon.analysis.windows import SatelliteWindows
from satmon.api.app import create_app
from satmon.api.deps import ApiState
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.samples import frames_to_samples
from satmon.telemetry.schema import CHANNELS
from tests.conftest import Embedded
from tests.factories import frame_document

pytestmark = pytest.mark.unit

NOW = datetime.now(UTC).replace(microsecond=0)


def recent_frames(satellite_id: str, count: int = 30, low_battery_at: int | None = None):
    start = NOW - timedelta(seconds=count)
    out = []
    for seq in range(count):
        eps = {"battery_voltage": 3.80 + 0.002 * seq}
        if seq == low_battery_at:
            eps["battery_soc_percent"] = 20.0
        document = frame_document(
            satellite_id,
            seq=seq,
            at=start + timedelta(seconds=seq),
            eps=eps,
            thermal={"obc_temp": 20.0 + seq % 4},
        )
        out.append(decode_frame(orjson.dumps(document)))
    return out


@pytest.fixture
def api(embedded: Embedded) -> Iterator[TestClient]:
    for satellite in ("SAT-001", "SAT-002"):
        history = recent_frames(satellite, low_battery_at=25 if satellite == "SAT-001" else None)
        embedded.adapters.tsdb.write(frames_to_samples(history))
        Trigger(embedded.jobs, seed_rules(0.0, 1), Cooldown(300), SatelliteWindows(20)).on_frames(
            history
        )
    assert embedded.executor.wait_idle(30)
    with TestClient(create_app(ApiState(embedded.adapters, embedded.jobs))) as client:
        yield client


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


def test_satellites_with_latest_values_and_limit_states(api: TestClient):
    fleet = ok(api.get("/api/v1/trends/satellites"))
    assert [s["satellite_id"] for s in fleet] == ["SAT-001", "SAT-002"]
    latest = fleet[0]["latest"]
    assert latest["satellite_battery_voltage"]["value"] == pytest.approx(3.80 + 0.002 * 29)
    assert latest["satellite_battery_voltage"]["state"] == "nominal"
    assert latest["satellite_eclipse"]["state"] == "none"


def test_raw_trends_of_several_metrics_on_a_step(api: TestClient):
    body = ok(
        api.get(
            "/api/v1/trends/raw",
            params=[
                ("metric", "satellite_battery_voltage"),
                ("metric", "satellite_obc_temp"),
                ("satellite_id", "SAT-001"),
                ("range", "1h"),
                ("step", "10s"),
            ],
        )
    )
    assert body["step_s"] == 10
    assert [m["metric"] for m in body["metrics"]] == [
        "satellite_battery_voltage",
        "satellite_obc_temp",
    ]
    voltage = body["metrics"][0]["series"][0]
    assert voltage["satellite_id"] == "SAT-001"
    assert voltage["subsystem"] == "eps"
    total = sum(1 for _ in voltage["points"])
    assert 3 <= total <= 5  # 30 one-second samples on a 10 s grid
    values = [v for _, v in voltage["points"]]
    assert values == sorted(values)  # the voltage rises through the history


def test_raw_trends_are_cached_briefly(api: TestClient):
    params = {"metric": "satellite_temperature", "range": "1h"}
    first = api.get("/api/v1/trends/raw", params=params)
    second = api.get("/api/v1/trends/raw", params=params)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert first.content == second.content


def test_metric_catalogue(api: TestClient):
    metrics = ok(api.get("/api/v1/trends/metrics"))
    assert len(metrics) == len(CHANNELS)
    temperature = next(m for m in metrics if m["metric"] == "satellite_temperature")
    assert temperature["unit"] == "°C"
    assert temperature["limits"]["red"] == [-50.0, 50.0]


def test_predictions_and_compare_after_a_triggered_job(api: TestClient):
    jobs = ok(api.get("/api/v1/query/jobs", params={"satellite_id": "SAT-001"}))
    assert jobs["total"] == 1
    result = ok(api.get(f"/api/v1/inference/result/{jobs['items'][0]['job_id']}"))
    eps = next(s for s in result["subsystems"] if s["subsystem"] == "eps")
    assert len(eps["forecast"]["channels"]["battery_voltage"]["mean"]) == 10
    assert result["result"] is None
    end = (NOW + timedelta(minutes=5)).isoformat()
    start = (NOW - timedelta(minutes=5)).isoformat()
    predicted = ok(
        api.get(
            "/api/v1/trends/prediction",
            params={
                "metric": "satellite_battery_voltage",
                "satellite_id": "SAT-001",
                "start": start,
                "end": end,
            },
        )
    )
    assert len(predicted["points"]) == 10
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in predicted["points"])
    compared = ok(
        api.get(
            "/api/v1/trends/compare",
            params={
                "metric": "satellite_battery_voltage",
                "satellite_id": "SAT-001",
                "start": start,
                "end": end,
                "step": "1s",
            },
        )
    )
    assert len(compared["raw"]) == 30
    assert compared["stats"]["matched_points"] == 4  # forecast steps 26..29 have raw data
    assert compared["stats"]["mae"] < 0.01


def test_jobs_filters_paging_and_stats(api: TestClient):
    for i in range(3):
        assert (
            api.post(
                "/api/v1/inference/submit",
                json={"data": [float(i)] * 5, "metadata": {"source": "test"}},
            ).status_code
            == 202
        )
    page = ok(api.get("/api/v1/query/jobs", params={"limit": 2}))
    assert (page["total"], len(page["items"])) == (4, 2)
    tests = ok(api.get("/api/v1/query/jobs", params={"source": "test"}))
    assert tests["total"] == 3
    stats = ok(api.get("/api/v1/query/stats"))
    assert stats["total_jobs"] == 4
    assert {s["subsystem"] for s in stats["by_subsystem"]} == {"aocs", "comm", "eps", "thermal"}


def test_manual_submit_status_and_result(api: TestClient, embedded: Embedded):
    submitted = api.post(
        "/api/v1/inference/submit",
        json={
            "model_name": "holt_linear_baseline",
            "data": [25.0, 26.1, 27.3, 28.5, 29.2, 30.1, 31.0, 32.4, 33.1, 34.5],
            "config": {"forecast_horizon": 5, "window_size": 10},
            "metadata": {"satellite_id": "SAT-001", "source": "manual"},
        },
    )
    assert submitted.status_code == 202
    body = submitted.json()
    assert body["status"] == "pending"
    job_id = body["job_id"]
    embedded.executor.wait_idle(30)
    status = ok(api.get(f"/api/v1/inference/status/{job_id}"))
    assert status["status"] == "completed"
    assert status["progress"] == {"completed": 1, "total": 1}
    result = ok(api.get(f"/api/v1/inference/result/{job_id}"))
    assert len(result["result"]["forecast"]) == 5
    assert result["job"]["satellite_id"] == "SAT-001"


def test_models_are_listed_with_the_default(api: TestClient):
    models = ok(api.get("/api/v1/inference/models"))
    listed = {m["name"]: m["default"] for m in models}
    assert "holt_linear_baseline" in listed  # kept as a named baseline
    assert sum(listed.values()) == 1


def test_alerts_and_search(api: TestClient):
    alerts = ok(api.get("/api/v1/query/alerts"))
    assert all(0.5 <= a["anomaly_score"] <= 1 for a in alerts)
    found = ok(api.get("/api/v1/search/results", params={"q": "low_battery"}))
    assert [h["satellite_id"] for h in found["hits"]] == ["SAT-001"]
    prefix = ok(api.get("/api/v1/search/results", params={"q": "kafka-SAT-00*"}))
    assert prefix["total"] == 1


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "field"),
    [
        ("post", "/api/v1/inference/submit", {"json": {"data": [1, 2, "x"]}}, 422, "data.2"),
        (
            "post",
            "/api/v1/inference/submit",
            {"json": {"data": [1, 2, 3], "extra": 1}},
            422,
            "extra",
        ),
        (
            "post",
            "/api/v1/inference/submit",
            {"json": {"data": [1, 2, 3], "metadata": {"satellite_id": "SAT 1"}}},
            422,
            "metadata.satellite_id",
        ),
        (
            "post",
            "/api/v1/inference/submit",
            {"json": {"model_name": "x", "data": [1, 2, 3]}},
            422,
            "model_name",
        ),
        (
            "get",
            "/api/v1/trends/raw",
            {"params": {"metric": "satellite_temperature", "range": "2y"}},
            422,
            "range",
        ),
        ("get", "/api/v1/trends/raw", {"params": {"metric": "nope"}}, 422, "metric"),
        ("get", "/api/v1/trends/raw", {"params": {}}, 422, "metric"),
        (
            "get",
            "/api/v1/trends/raw",
            {"params": {"metric": "satellite_temperature", "satellite_id": 'a"}or{'}},
            422,
            "satellite_id",
        ),
        ("get", "/api/v1/query/jobs", {"params": {"status": "lost"}}, 422, "status"),
        ("get", "/api/v1/query/jobs", {"params": {"limit": 0}}, 422, "limit"),
        ("get", "/api/v1/search/results", {"params": {"q": ""}}, 422, "q"),
    ],
)
def test_bad_requests_get_a_4xx_naming_the_field(
    api: TestClient, method, path, kwargs, status, field
):
    response = getattr(api, method)(path, **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["status"] == status
    assert field in [f["field"] for f in error["fields"]]


def test_unknown_jobs_and_routes_are_404_in_the_same_shape(api: TestClient):
    for path in (
        "/api/v1/inference/status/nope",
        "/api/v1/inference/result/nope",
        "/api/v1/nowhere",
    ):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_health_ready_and_metrics(api: TestClient, embedded: Embedded):
    assert ok(api.get("/health"))["status"] == "ok"
    ready = ok(api.get("/api/v1/ready"))
    assert ready["status"] == "ready"
    assert set(ready["checks"]) == {"bus", "tsdb", "results", "search", "cache", "models"}
    exposition = api.get("/metrics").text
    assert 'satmon_api_requests_total{method="GET",route="/api/v1/ready",status="200"}' in (
        exposition
    )
    embedded.adapters.bus.close()
    broken = api.get("/ready")
    assert broken.status_code == 503
    assert broken.json()["checks"]["bus"]["ok"] is False
    assert broken.json()["checks"]["tsdb"]["ok"] is True


def test_openapi_documents_every_seed_route(api: TestClient):
    paths = set(ok(api.get("/openapi.json"))["paths"])
    for route in (
        "/inference/submit",
        "/inference/status/{job_id}",
        "/inference/result/{job_id}",
        "/trends/raw",
        "/trends/prediction",
        "/trends/compare",
        "/trends/metrics",
        "/trends/satellites",
        "/query/jobs",
        "/query/stats",
        "/search/results",
    ):
        assert f"/api/v1{route}" in paths

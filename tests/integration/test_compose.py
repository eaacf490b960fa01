"""deploy/docker-compose.yml, as `docker compose config` resolves it (no engine needed):
the seed's services on `webnet` with named volumes and its ports, satmon's services
run by their verbs from one image, health checks, and a start order by health."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "deploy" / "docker-compose.yml"

SEED_SERVICES = {
    "kafka",
    "victoria-metrics",
    "victoria-consumer",
    "kafka-inference-trigger",
    "operation-server",
    "triton-server",
    "analysis-worker",
    "postgres",
    "redis",
    "rabbitmq",
    "elasticsearch",
    "kafka-ui",
    "flower",
    "web_frontend",
    "web_server",
}
SATMON_VERBS = {
    "victoria-consumer": ["consume"],
    "kafka-inference-trigger": ["trigger"],
    "operation-server": ["serve"],
    "analysis-worker": ["worker"],
    "db-migrate": ["db", "upgrade"],
}
# The seed's published ports: host port -> (service, container port).
SEED_PORTS = {
    9092: "kafka",
    8428: "victoria-metrics",
    8000: "operation-server",
    8500: "triton-server",
    8501: "triton-server",
    8502: "triton-server",
    5432: "postgres",
    6379: "redis",
    8001: "redis",
    9200: "elasticsearch",
    8080: "kafka-ui",
    5555: "flower",
    5672: "rabbitmq",
    15672: "rabbitmq",
    80: "web_server",
}
SEED_VARIABLES = {
    "KAFKA_BOOTSTRAP_SERVERS",
    "VICTORIA_METRICS_URL",
    "POSTGRES_HOST",
    "POSTGRES_PORT",
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "TRITON_SERVER_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
}


def compose_config(*profiles: str) -> dict[str, Any]:
    args = [f"--profile={p}" for p in profiles]
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE_FILE), *args, "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, (
        f"docker compose config failed (this needs the Compose v2 CLI plugin):\n{result.stderr}"
    )
    config: dict[str, Any] = json.loads(result.stdout)
    return config


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    return compose_config()


@pytest.fixture(scope="module")
def services(config: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = config["services"]
    return found


def test_has_the_seed_services_and_the_migration(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == SEED_SERVICES | {"db-migrate"}


def test_every_service_is_on_webnet(config: dict[str, Any]) -> None:
    assert config["networks"]["webnet"]["driver"] == "bridge"
    for name, service in config["services"].items():
        assert set(service["networks"]) == {"webnet"}, name


def test_data_lives_in_named_volumes(config: dict[str, Any]) -> None:
    mounts = {
        (name, m["source"], m["target"])
        for name, service in config["services"].items()
        for m in service.get("volumes", [])
        if m["type"] == "volume"
    }
    declared = set(config["volumes"])

    assert {"kafka_data", "postgres_data", "victoria_data"} <= declared  # the seed's
    assert {
        ("kafka", "kafka_data", "/var/lib/kafka/data"),
        ("postgres", "postgres_data", "/var/lib/postgresql/data"),
        ("victoria-metrics", "victoria_data", "/victoria-metrics-data"),
        ("redis", "redis_data", "/data"),
        ("rabbitmq", "rabbitmq_data", "/var/lib/rabbitmq"),
        ("elasticsearch", "elasticsearch_data", "/usr/share/elasticsearch/data"),
    } <= mounts
    assert {source for _, source, _ in mounts} == declared


def test_publishes_the_seed_ports(services: dict[str, dict[str, Any]]) -> None:
    published = {
        int(port["published"]): (name, port.get("host_ip"))
        for name, service in services.items()
        for port in service.get("ports", [])
    }

    assert {port: owner for port, (owner, _) in published.items()} == SEED_PORTS
    # Only the web server is reachable from other hosts.
    assert {port for port, (_, ip) in published.items() if ip != "127.0.0.1"} == {80}


def test_start_order_follows_health(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        for dependency, how in service.get("depends_on", {}).items():
            if dependency == "db-migrate":
                assert how["condition"] == "service_completed_successfully", name
            else:
                assert how["condition"] == "service_healthy", (name, dependency)
                assert "healthcheck" in services[dependency], dependency

    infrastructure = {
        "kafka",
        "victoria-metrics",
        "postgres",
        "redis",
        "rabbitmq",
        "elasticsearch",
        "triton-server",
    }
    for name in SATMON_VERBS.keys() - {"db-migrate"}:
        assert set(services[name]["depends_on"]) == infrastructure | {"db-migrate"}, name
    assert set(services["db-migrate"]["depends_on"]) == {"postgres"}
    assert set(services["kafka-ui"]["depends_on"]) == {"kafka"}
    assert set(services["flower"]["depends_on"]) == {"rabbitmq"}
    assert set(services["web_server"]["depends_on"]) == {"web_frontend", "operation-server"}


def test_long_running_services_have_health_checks(services: dict[str, dict[str, Any]]) -> None:
    checked = {name for name, s in services.items() if "healthcheck" in s}
    # Kafka consumers and the Celery worker expose no endpoint to probe.
    assert checked == SEED_SERVICES - {
        "victoria-consumer",
        "kafka-inference-trigger",
        "analysis-worker",
    }


def test_satmon_services_run_the_satmon_image_by_their_verbs(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, verb in SATMON_VERBS.items():
        service = services[name]
        assert service["image"] == "satmon:latest", name
        assert service["build"]["dockerfile"] == "deploy/docker/satmon.Dockerfile", name
        assert Path(service["build"]["context"]) == ROOT, name
        assert service["command"] == verb, name
        assert set(service["environment"]) >= SEED_VARIABLES, name
    api = services["operation-server"]["environment"]
    assert (api["SATMON_HOST"], api["SATMON_PORT"]) == ("0.0.0.0", "8000")
    assert services["analysis-worker"]["environment"]["TRITON_SERVER_URL"] == "triton-server:8001"


def test_the_seed_variables_feed_postgres_and_satmon_alike(
    services: dict[str, dict[str, Any]],
) -> None:
    postgres = services["postgres"]["environment"]
    satmon = services["operation-server"]["environment"]

    for variable in ("POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_DB"):
        assert postgres[variable] == satmon[variable]
    assert satmon["POSTGRES_HOST"] == "postgres"
    assert satmon["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


def test_the_simulator_is_an_optional_profile(services: dict[str, dict[str, Any]]) -> None:
    assert "satellite-simulator" not in services

    with_simulator = compose_config("simulator")["services"]

    simulator = with_simulator["satellite-simulator"]
    assert simulator["image"] == "satmon:latest"
    assert simulator["command"][:3] == ["simulate", "--kafka", "kafka:9092"]
    assert set(simulator["depends_on"]) == {"kafka"}


def test_the_images_are_built_from_files_in_the_repository(
    services: dict[str, dict[str, Any]],
) -> None:
    for name in ("operation-server", "triton-server", "web_frontend"):
        dockerfile = ROOT / services[name]["build"]["dockerfile"]
        assert dockerfile.is_file(), dockerfile
    satmon = (ROOT / "deploy/docker/satmon.Dockerfile").read_text()
    web = (ROOT / "deploy/docker/web_frontend.Dockerfile").read_text()
    assert "FROM python:3.11-slim" in satmon
    assert "uv sync --frozen" in satmon
    assert "\nUSER satmon\n" in satmon
    assert "COPY deploy/nginx.conf" in web
    assert (ROOT / "deploy" / "nginx.conf").is_file()
    [mount] = services["web_server"]["volumes"]
    assert Path(mount["source"]).is_file()


def test_env_example_names_every_seed_variable() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    names = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    commented = {
        line[2:].split("=", 1)[0] for line in lines if line.startswith("# ") and "=" in line
    }

    assert names >= SEED_VARIABLES
    assert "KAFKA_CLUSTER_ID" in names
    assert "DATABASE_URL" in commented
    # Every variable has a comment line right above it.
    for i, line in enumerate(lines):
        if line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), line

"""The native services started by scripts/services: each one is up, answers its
own protocol with the project's defaults, and survives being stopped, started
and restarted on its own.

The probes below talk to each service directly (not through scripts/services),
so they check what the application will see. A service that is missing or does
not come up fails these tests; none is ever skipped.
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest
import redis
from confluent_kafka.admin import AdminClient

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
SERVICES_SCRIPT = ROOT / "scripts" / "services"
RUN_DIR = ROOT / "var" / "run"

SERVICES = [
    "postgres",
    "redis",
    "rabbitmq",
    "victoriametrics",
    "kafka",
    "elasticsearch",
    "triton",
    "nginx",
]
PROBE_TIMEOUT_S = 5.0


def run_services(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SERVICES_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def recorded_pid(name: str) -> int:
    return int((RUN_DIR / f"{name}.pid").read_text().strip())


# ---------------------------------------------------------------- AMQP 0-9-1 login

AMQP_FRAME_METHOD = 1
AMQP_FRAME_END = 0xCE


def _shortstr(value: bytes) -> bytes:
    return struct.pack(">B", len(value)) + value


def _longstr(value: bytes) -> bytes:
    return struct.pack(">I", len(value)) + value


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        chunks.extend(chunk)
    return bytes(chunks)


def _send_method(sock: socket.socket, class_id: int, method_id: int, arguments: bytes) -> None:
    payload = struct.pack(">HH", class_id, method_id) + arguments
    header = struct.pack(">BHI", AMQP_FRAME_METHOD, 0, len(payload))
    sock.sendall(header + payload + bytes([AMQP_FRAME_END]))


def _read_method(sock: socket.socket) -> tuple[int, int, bytes]:
    frame_type, _channel, size = struct.unpack(">BHI", _recv_exactly(sock, 7))
    payload = _recv_exactly(sock, size)
    assert _recv_exactly(sock, 1) == bytes([AMQP_FRAME_END])
    assert frame_type == AMQP_FRAME_METHOD, f"unexpected frame type {frame_type}"
    class_id, method_id = struct.unpack(">HH", payload[:4])
    return class_id, method_id, payload[4:]


def amqp_login(port: int, user: str, password: str) -> None:
    """Opens and closes an AMQP connection to vhost "/" (the handshake Celery does)."""
    with socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S) as sock:
        sock.sendall(b"AMQP\x00\x00\x09\x01")
        assert _read_method(sock)[:2] == (10, 10)  # connection.start
        credentials = b"\x00" + user.encode() + b"\x00" + password.encode()
        start_ok = (
            struct.pack(">I", 0) + _shortstr(b"PLAIN") + _longstr(credentials) + _shortstr(b"en_US")
        )
        _send_method(sock, 10, 11, start_ok)
        class_id, method_id, arguments = _read_method(sock)
        assert (class_id, method_id) == (10, 30), "expected connection.tune (login refused?)"
        channel_max, frame_max, _heartbeat = struct.unpack(">HIH", arguments[:8])
        _send_method(sock, 10, 31, struct.pack(">HIH", channel_max, frame_max, 0))
        _send_method(sock, 10, 40, _shortstr(b"/") + _shortstr(b"") + b"\x00")
        assert _read_method(sock)[:2] == (10, 41)  # connection.open-ok
        _send_method(sock, 10, 50, struct.pack(">H", 200) + _shortstr(b"bye") + b"\x00" * 4)
        assert _read_method(sock)[:2] == (10, 51)  # connection.close-ok


# ---------------------------------------------------------------- probes


def probe_postgres() -> None:
    with psycopg.connect(
        host="127.0.0.1",
        port=5432,
        user="satmon",
        password="satmon",
        dbname="satmon",
        connect_timeout=int(PROBE_TIMEOUT_S),
    ) as connection:
        assert connection.execute("SELECT 1").fetchone() == (1,)


def probe_redis() -> None:
    client = redis.Redis(host="127.0.0.1", port=6379, socket_timeout=PROBE_TIMEOUT_S)
    try:
        assert client.ping() is True
    finally:
        client.close()


def probe_rabbitmq() -> None:
    amqp_login(5672, "guest", "guest")


def probe_victoriametrics() -> None:
    response = httpx.get("http://127.0.0.1:8428/health", timeout=PROBE_TIMEOUT_S)
    assert response.status_code == 200
    assert response.text.strip() == "OK"


def probe_kafka() -> None:
    admin = AdminClient({"bootstrap.servers": "127.0.0.1:9092"})
    metadata = admin.list_topics(timeout=PROBE_TIMEOUT_S)
    assert set(metadata.brokers) == {1}


def probe_elasticsearch() -> None:
    response = httpx.get("http://127.0.0.1:9200/_cluster/health", timeout=PROBE_TIMEOUT_S)
    assert response.status_code == 200
    assert response.json()["status"] in {"green", "yellow"}


def probe_triton() -> None:
    for port_path in ("8500/v2/health/ready", "8502/metrics"):
        response = httpx.get(f"http://127.0.0.1:{port_path}", timeout=PROBE_TIMEOUT_S)
        assert response.status_code == 200, port_path
    with socket.create_connection(("127.0.0.1", 8501), timeout=PROBE_TIMEOUT_S):
        pass  # gRPC


def probe_nginx() -> None:
    response = httpx.get("http://127.0.0.1:8088/nginx-health", timeout=PROBE_TIMEOUT_S)
    assert response.status_code == 200
    page = httpx.get("http://127.0.0.1:8088/", timeout=PROBE_TIMEOUT_S)
    assert page.status_code == 200
    assert "<html" in page.text.lower()


PROBES: dict[str, Callable[[], None]] = {
    "postgres": probe_postgres,
    "redis": probe_redis,
    "rabbitmq": probe_rabbitmq,
    "victoriametrics": probe_victoriametrics,
    "kafka": probe_kafka,
    "elasticsearch": probe_elasticsearch,
    "triton": probe_triton,
    "nginx": probe_nginx,
}


def probe_fails(name: str) -> bool:
    try:
        PROBES[name]()
    except Exception:
        return True
    return False


# ---------------------------------------------------------------- tests


@pytest.fixture(scope="module", autouse=True)
def services_up() -> None:
    result = run_services("up")
    assert result.returncode == 0, "scripts/services up failed:\n" + describe(result)


def test_probes_cover_every_service() -> None:
    assert set(PROBES) == set(SERVICES)


def test_status_reports_every_service_healthy() -> None:
    result = run_services("status")
    assert result.returncode == 0, describe(result)
    for name in SERVICES:
        assert any(line.split()[:2] == [name, "healthy"] for line in result.stdout.splitlines()), (
            describe(result)
        )


def test_up_leaves_running_services_alone() -> None:
    pids = {name: recorded_pid(name) for name in SERVICES}
    result = run_services("up")
    assert result.returncode == 0, describe(result)
    assert {name: recorded_pid(name) for name in SERVICES} == pids
    assert result.stdout.count("already running and healthy") == len(SERVICES)


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_up(name: str) -> None:
    PROBES[name]()


@pytest.mark.parametrize("name", SERVICES)
def test_service_survives_stop_start_and_restart(name: str) -> None:
    PROBES[name]()

    stopped = run_services("down", name)
    assert stopped.returncode == 0, describe(stopped)
    assert probe_fails(name), f"{name} still answers after scripts/services down {name}"
    status = run_services("status", name)
    assert status.returncode != 0, describe(status)
    others = run_services("status", *(other for other in SERVICES if other != name))
    assert others.returncode == 0, f"another service went down with {name}:\n" + describe(others)

    started = run_services("up", name)
    assert started.returncode == 0, describe(started)
    PROBES[name]()

    pid_before = recorded_pid(name)
    restarted = run_services("restart", name)
    assert restarted.returncode == 0, describe(restarted)
    assert recorded_pid(name) != pid_before
    PROBES[name]()


PROBE_MODEL = """
import numpy as np
import triton_python_backend_utils as pb_utils

import satmon


class TritonPythonModel:
    def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            y = pb_utils.Tensor("Y", (x + 1).astype(np.float32))
            responses.append(pb_utils.InferenceResponse([y]))
        return responses
"""


def test_triton_python_backend_imports_from_the_project_venv() -> None:
    """A python-backend model that imports numpy and satmon loads and answers:
    the stub finds the venv (PATH) and its libraries (LD_LIBRARY_PATH)."""
    name = "services_lifecycle_probe"
    config = {
        "backend": "python",
        "max_batch_size": 8,
        "input": [{"name": "X", "data_type": "TYPE_FP32", "dims": [4]}],
        "output": [{"name": "Y", "data_type": "TYPE_FP32", "dims": [4]}],
        "instance_group": [{"kind": "KIND_CPU", "count": 1}],
    }
    # Model files sent with the load request: nothing is written to model_repository/.
    load = httpx.post(
        f"http://127.0.0.1:8500/v2/repository/models/{name}/load",
        json={
            "parameters": {
                "config": json.dumps(config),
                "file:1/model.py": base64.b64encode(PROBE_MODEL.encode()).decode(),
            }
        },
        timeout=120,
    )
    assert load.status_code == 200, load.text
    try:
        infer = httpx.post(
            f"http://127.0.0.1:8500/v2/models/{name}/infer",
            json={
                "inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [1, 2, 3, 4]}]
            },
            timeout=30,
        )
        assert infer.status_code == 200, infer.text
        assert infer.json()["outputs"][0]["data"] == [2.0, 3.0, 4.0, 5.0]
    finally:
        httpx.post(f"http://127.0.0.1:8500/v2/repository/models/{name}/unload", json={}, timeout=60)


def test_unknown_service_is_an_error_naming_it() -> None:
    result = run_services("up", "no-such-service")
    assert result.returncode != 0
    assert "no-such-service" in result.stderr

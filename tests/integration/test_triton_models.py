"""The trained models served by a real Triton (started by scripts/services).

Triton loads the project's model repository; the tests load the three models
through Triton's repository API (the repository may have changed since the
server started), then check health and metadata, serve every subsystem over
gRPC and HTTP, compare with the in-process runner (parity within 1e-5), and
send concurrent requests that Triton's own metrics must show batched. A call
with several windows sends those of one length as one request, padded.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest

from satmon.errors import InvalidRequestError, NotFoundError, ServiceUnavailableError
from satmon.models.artifact import MODEL_NAMES, latest_version_dir
from satmon.models.data import simulate
from satmon.models.repository import REPOSITORY
from satmon.serving.base import WindowInput
from satmon.serving.runtime import OnnxModel
from satmon.serving.triton import TritonModelServer
from satmon.serving.triton_http import Tensor, TritonHttpInference, bytes_tensor

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
HTTP = "http://127.0.0.1:8500"
GRPC = "127.0.0.1:8501"
METRICS = "http://127.0.0.1:8502/metrics"


@pytest.fixture(scope="module")
def triton() -> str:
    started = subprocess.run(
        [str(ROOT / "scripts" / "services"), "up", "triton"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert started.returncode == 0, started.stdout + started.stderr
    with httpx.Client(base_url=HTTP, timeout=120) as client:
        for name in MODEL_NAMES:
            # Triton reloads a loaded model only when its files changed; the backend's
            # code lives in the satmon package, so mark the version changed.
            version_dir = latest_version_dir(REPOSITORY / name)
            assert version_dir is not None
            (version_dir / "model.py").touch()
            loaded = client.post(f"/v2/repository/models/{name}/load")
            assert loaded.status_code == 200, f"{name}: {loaded.text}"
    return HTTP


@pytest.fixture(scope="module")
def windows() -> list[WindowInput]:
    streams = simulate(satellites=2, days=120 / 86_400, seed=5)
    found = []
    for subsystem, arrays in streams.series.items():
        channels = tuple(streams.channels[subsystem])
        for k, series in enumerate(arrays):
            found.append(WindowInput(subsystem, channels, series[-20 - k :], 10))
    spiked = streams.series["thermal"][0][-20:].copy()
    spiked[-1, 0] += 40.0  # an OBC temperature jump no nominal window has
    found.append(WindowInput("thermal", tuple(streams.channels["thermal"]), spiked, 10))
    found.append(WindowInput("series", ("value",), streams.series["eps"][0][-30:, :1], 12))
    return found


def test_server_is_ready_and_describes_each_model(triton: str) -> None:
    with httpx.Client(base_url=triton, timeout=10) as client:
        assert client.get("/v2/health/ready").status_code == 200
        for name in MODEL_NAMES:
            assert client.get(f"/v2/models/{name}/ready").status_code == 200
            metadata = client.get(f"/v2/models/{name}").json()
            assert {i["name"] for i in metadata["inputs"]} == {"SUBSYSTEM", "WINDOW", "HORIZON"}
            assert {o["name"] for o in metadata["outputs"]} == {
                "FORECAST",
                "LOWER",
                "UPPER",
                "CHANNEL_SCORES",
            }


@pytest.mark.parametrize("url", [GRPC, f"grpc://{GRPC}", HTTP])
def test_every_model_matches_the_in_process_runner(
    triton: str, windows: list[WindowInput], url: str
) -> None:
    server = TritonModelServer(url)
    try:
        server.check_ready()
        listed = {m.name: m for m in server.models()}
        for name in MODEL_NAMES:
            assert listed[name].ready
            local = OnnxModel.load(latest_version_dir(REPOSITORY / name))
            remote = server.predict(name, windows)
            expected = local.predict(windows)
            for got, want, window in zip(remote, expected, windows, strict=True):
                assert got.forecast.shape == (window.horizon, len(window.channels))
                np.testing.assert_allclose(got.forecast, want.forecast, rtol=0, atol=1e-5)
                np.testing.assert_allclose(got.lower, want.lower, rtol=0, atol=1e-5)
                np.testing.assert_allclose(got.upper, want.upper, rtol=0, atol=1e-5)
                assert abs(got.anomaly_score - want.anomaly_score) <= 1e-5
                assert got.anomaly_detected == want.anomaly_detected
                assert got.anomaly_channels == want.anomaly_channels
            assert remote[-2].anomaly_detected, f"{name} missed a 40 °C jump"
            assert "obc_temp" in remote[-2].anomaly_channels
    finally:
        server.close()


@pytest.mark.parametrize("url", [GRPC, HTTP])
def test_an_unknown_model_is_not_found_a_bad_window_is_refused_and_a_dead_server_is_unavailable(
    triton: str, url: str
) -> None:
    one_channel = [WindowInput("eps", ("a",), np.zeros((20, 1)), 10)]
    server = TritonModelServer(url)
    try:
        with pytest.raises(NotFoundError):
            server.predict("no_such_model", one_channel)
        with pytest.raises(InvalidRequestError):  # the eps model reads five channels
            server.predict(MODEL_NAMES[0], one_channel)
    finally:
        server.close()
    dead_url = "127.0.0.1:1" if url == GRPC else "http://127.0.0.1:1"
    dead = TritonModelServer(dead_url, timeout_s=1.0, retries=1, backoff_s=0.01)
    with pytest.raises(ServiceUnavailableError) as raised:
        dead.check_ready()
    assert raised.value.service == "triton"
    with pytest.raises(ServiceUnavailableError):
        dead.predict(MODEL_NAMES[0], one_channel)
    dead.close()


def test_http_inference_sends_again_on_a_new_connection_when_the_kept_one_was_closed(
    triton: str, windows: list[WindowInput]
) -> None:
    """A kept-alive connection the server closed meanwhile costs a resend, not an error."""
    inference = TritonHttpInference(HTTP.removeprefix("http://"), timeout_s=10.0)
    tensors = [
        bytes_tensor("SUBSYSTEM", [windows[0].subsystem.encode()], (1, 1)),
        Tensor("WINDOW", "FP64", (1, *windows[0].values.shape), windows[0].values.tobytes()),
        Tensor("HORIZON", "INT32", (1, 1), np.int32(windows[0].horizon).tobytes()),
    ]
    try:
        first = inference.infer(MODEL_NAMES[0], tensors, ["FORECAST"])
        kept = inference._connection()
        kept.socket.shutdown(socket.SHUT_RDWR)  # as if the server had closed it
        again = inference.infer(MODEL_NAMES[0], tensors, ["FORECAST"])
        assert inference._connection() is not kept
        np.testing.assert_array_equal(again["FORECAST"], first["FORECAST"])
        assert first["FORECAST"].shape == (1, windows[0].horizon, len(windows[0].channels))
    finally:
        inference.close()


def _counts(model: str) -> tuple[float, float, float]:
    """Triton's counters of the model: windows inferred, executions, requests."""
    text = httpx.get(METRICS, timeout=10).text

    def value(metric: str) -> float:
        pattern = rf'^{metric}{{model="{model}",version="\d+"}} (\S+)$'
        return sum(float(m) for m in re.findall(pattern, text, flags=re.MULTILINE))

    return (
        value("nv_inference_count"),
        value("nv_inference_exec_count"),
        value("nv_inference_request_success"),
    )


def _in_threads(calls: list[Callable[[], object]]) -> list[object]:
    """Each call in a thread of its own, all started together; results or exceptions."""
    outcomes: list[object] = [None] * len(calls)
    start = threading.Barrier(len(calls))

    def run(i: int) -> None:
        start.wait()
        try:
            outcomes[i] = calls[i]()
        except Exception as exc:
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


@pytest.mark.parametrize("url", [GRPC, HTTP])
def test_concurrent_calls_share_requests_and_each_gets_its_own_answers(
    triton: str, windows: list[WindowInput], url: str
) -> None:
    name = "vae_timeseries"
    same_length = [w for w in windows if len(w.values) == 20]
    jobs = [[same_length[(i + k) % len(same_length)] for k in range(4)] for i in range(24)]
    server = TritonModelServer(url, in_flight=2)
    try:
        alone = [server.predict(name, job) for job in jobs]  # one after another: one each
        windows_before, _, requests_before = _counts(name)
        together = _in_threads([lambda job=job: server.predict(name, job) for job in jobs])
        windows_after, _, requests_after = _counts(name)
    finally:
        server.close()
    assert windows_after - windows_before == 4 * len(jobs)
    assert requests_after - requests_before < len(jobs), "no call shared a request"
    for got, want in zip(together, alone, strict=True):
        assert isinstance(got, list), got
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g.forecast, w.forecast, rtol=0, atol=1e-5)
            assert abs(g.anomaly_score - w.anomaly_score) <= 1e-5


def test_a_refused_window_among_concurrent_calls_fails_only_its_own_call(
    triton: str, windows: list[WindowInput]
) -> None:
    name = MODEL_NAMES[0]
    one_channel = WindowInput("eps", ("a",), np.zeros((20, 1)), 10)
    good = [w for w in windows if len(w.values) == 20][:4]
    calls = [[good[i % 4]] for i in range(12)]
    calls.insert(5, [one_channel])
    server = TritonModelServer(HTTP, in_flight=1)
    try:
        outcomes = _in_threads([lambda call=call: server.predict(name, call) for call in calls])
    finally:
        server.close()
    assert isinstance(outcomes[5], InvalidRequestError), outcomes[5]
    answered = [o for i, o in enumerate(outcomes) if i != 5]
    assert all(isinstance(o, list) and len(o) == 1 for o in answered), answered


def test_concurrent_requests_are_batched(triton: str, windows: list[WindowInput]) -> None:
    name = "lstm_timeseries"
    inferences_before, executions_before, _ = _counts(name)
    server = TritonModelServer(GRPC, in_flight=0)  # Triton's batcher, not the client
    requests = [windows[i % (len(windows) - 1)] for i in range(64)]
    errors: list[BaseException] = []

    def send(chunk: list[WindowInput]) -> None:
        try:
            for window in chunk:
                server.predict(name, [window])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(requests[i::32],)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.close()
    assert not errors, errors
    inferences, executions, _ = _counts(name)
    served, executed = inferences - inferences_before, executions - executions_before
    assert served == 64
    assert executed < served, f"{served} requests in {executed} executions: no batch above 1"

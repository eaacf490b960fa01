"""The Triton adapter of the serving port: tritonclient over gRPC; over HTTP, our own
inference client (`satmon.serving.triton_http`) and tritonclient for the rest.

TRITON_SERVER_URL is `host:port` of Triton's gRPC endpoint (the seed's form, e.g.
127.0.0.1:8501), or a URL whose scheme picks the protocol: `grpc://host:port`
or `http://host:port` (Triton's HTTP/REST endpoint, e.g. 127.0.0.1:8500).

A call's windows travel together: one request for up to 64 windows of the same
length, of any subsystems (`satmon.serving.packing`), so a job's four subsystem
windows cost one round trip, and Triton's dynamic batcher gathers the requests
of many workers into one execution. Concurrent calls in one process are merged
into fewer requests while the requests in flight are busy
(`satmon.serving.coalesce`); `in_flight=0` sends each call as it comes. Each
request has a timeout; transport failures
are retried with a short backoff and then raise ServiceUnavailableError. Models are
listed from Triton's repository index and readiness is Triton's own health endpoint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

from satmon.errors import InvalidRequestError, NotFoundError, ServiceUnavailableError
from satmon.models.repository import MAX_BATCH_SIZE
from satmon.serving.base import FloatArray, ModelInfo, Prediction, WindowInput
from satmon.serving.coalesce import CallCoalescer
from satmon.serving.packing import pad_stack, width
from satmon.serving.runtime import Output, to_prediction
from satmon.serving.triton_http import Tensor, TritonHttpInference, bytes_tensor

OUTPUTS = ("FORECAST", "LOWER", "UPPER", "CHANNEL_SCORES")
T = TypeVar("T")
IntArray = npt.NDArray[np.int32]


def parse_url(url: str) -> tuple[str, str]:
    """(protocol, host:port) of a TRITON_SERVER_URL."""
    parts = urlsplit(url if "://" in url else f"grpc://{url}")
    if parts.scheme not in ("grpc", "http") or not parts.hostname or parts.port is None:
        raise ValueError(
            f"TRITON_SERVER_URL {url!r}: expected host:port (gRPC), grpc://host:port "
            "or http://host:port"
        )
    return parts.scheme, f"{parts.hostname}:{parts.port}"


class TritonModelServer:
    name = "triton"

    def __init__(
        self,
        url: str,
        timeout_s: float = 10.0,
        retries: int = 2,
        backoff_s: float = 0.2,
        concurrency: int = 64,
        in_flight: int = 4,
    ) -> None:
        self.url = url
        self.protocol, self._address = parse_url(url)
        self._timeout_s = timeout_s
        self._retries = retries
        self._backoff_s = backoff_s
        self._concurrency = concurrency
        if self.protocol == "grpc":
            import tritonclient.grpc as client_module  # type: ignore[import-untyped]  # noqa: PLC0415

            shared = client_module.InferenceServerClient(self._address)
            self._grpc: Any = shared
        else:
            import tritonclient.http as client_module  # type: ignore[import-untyped]  # noqa: PLC0415
        self._module: Any = client_module
        # Inference over HTTP skips tritonclient: see satmon.serving.triton_http.
        self._http = (
            TritonHttpInference(self._address, timeout_s) if self.protocol == "http" else None
        )
        # The HTTP client runs on gevent, whose sockets belong to one thread: each
        # calling thread gets its own client. The gRPC client is thread-safe.
        self._local = threading.local()
        self._http_clients: list[Any] = []
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._coalescer = (
            CallCoalescer(self._predict_chunk, MAX_BATCH_SIZE, in_flight) if in_flight else None
        )
        from tritonclient.utils import (  # type: ignore[import-untyped]  # noqa: PLC0415
            InferenceServerException,
        )

        self._exception: type[Exception] = InferenceServerException

    @property
    def _client(self) -> Any:
        if self.protocol == "grpc":
            return self._grpc
        client = getattr(self._local, "client", None)
        if client is None:
            client = self._module.InferenceServerClient(
                self._address,
                connection_timeout=self._timeout_s,
                network_timeout=self._timeout_s,
            )
            self._local.client = client
            with self._lock:
                self._http_clients.append(client)
        return client

    # --- the port ---------------------------------------------------------------------

    def models(self) -> list[ModelInfo]:
        if self.protocol == "grpc":
            index = self._call(lambda: self._client.get_model_repository_index(as_json=True))
            entries: list[dict[str, Any]] = index.get("models", [])
        else:
            entries = self._call(self._client.get_model_repository_index)
        return [
            ModelInfo(
                name=entry["name"],
                version=str(entry.get("version", "")),
                ready=entry.get("state") == "READY",
                description=f"served by Triton at {self.url}",
            )
            for entry in entries
            if entry.get("name")
        ]

    def predict(self, model_name: str, inputs: Sequence[WindowInput]) -> list[Prediction]:
        by_length: dict[int, list[int]] = {}
        for i, window in enumerate(inputs):
            by_length.setdefault(len(window.values), []).append(i)
        chunks = [
            indices[k : k + MAX_BATCH_SIZE]
            for indices in by_length.values()
            for k in range(0, len(indices), MAX_BATCH_SIZE)
        ]
        if self._coalescer is not None:
            coalescer = self._coalescer
            if len(chunks) == 1:
                return coalescer.call(model_name, inputs)
            futures = [coalescer.submit(model_name, [inputs[i] for i in c]) for c in chunks]
            return _in_call_order(len(inputs), chunks, [f.result() for f in futures])
        if len(chunks) <= 1:
            return self._predict_chunk(model_name, inputs)
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self._concurrency, "triton-client")
            pool = self._pool
        futures = [
            pool.submit(self._predict_chunk, model_name, [inputs[i] for i in chunk])
            for chunk in chunks
        ]
        return _in_call_order(len(inputs), chunks, [f.result() for f in futures])

    @property
    def in_flight(self) -> int | None:
        """Requests kept out at once while concurrent calls share them; None: one
        request per call."""
        return self._coalescer.limit if self._coalescer is not None else None

    def check_ready(self) -> None:
        timeout = {"client_timeout": self._timeout_s} if self.protocol == "grpc" else {}
        try:
            ready = bool(self._client.is_server_live(**timeout)) and bool(
                self._client.is_server_ready(**timeout)
            )
        except Exception as exc:
            raise ServiceUnavailableError("triton", self.url, _reason(exc)) from exc
        if not ready:
            raise ServiceUnavailableError("triton", self.url, "the server is not ready")

    def close(self) -> None:
        if self._coalescer is not None:
            self._coalescer.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self.protocol == "grpc":
            self._grpc.close()
        if self._http is not None:
            self._http.close()
        with self._lock:
            for client in self._http_clients:
                client.close()
            self._http_clients.clear()

    # --- requests ---------------------------------------------------------------------

    def _predict_chunk(self, model_name: str, windows: Sequence[WindowInput]) -> list[Prediction]:
        """Windows of one length in one request."""
        if not windows:
            return []
        values = pad_stack([np.asarray(w.values, dtype=np.float64) for w in windows])
        subsystems = [w.subsystem.encode() for w in windows]
        horizons = np.array([[w.horizon] for w in windows], dtype=np.int32)
        infer = self._infer_http if self._http is not None else self._infer_grpc
        forecast, lower, upper, scores = infer(model_name, subsystems, values, horizons)
        predictions = []
        for j, window in enumerate(windows):
            t = width(scores[j])
            h = window.horizon
            output = Output(forecast[j, :h, :t], lower[j, :h, :t], upper[j, :h, :t], scores[j, :t])
            predictions.append(to_prediction(output, window.channels))
        return predictions

    def _infer_http(
        self, model_name: str, subsystems: list[bytes], values: FloatArray, horizons: IntArray
    ) -> list[FloatArray]:
        """FORECAST, LOWER, UPPER and CHANNEL_SCORES of one request over HTTP."""
        http = self._http
        assert http is not None
        k = len(subsystems)
        tensors = [
            bytes_tensor("SUBSYSTEM", subsystems, (k, 1)),
            Tensor("WINDOW", "FP64", values.shape, values.tobytes()),
            Tensor("HORIZON", "INT32", (k, 1), horizons.tobytes()),
        ]
        found = self._call(lambda: http.infer(model_name, tensors, OUTPUTS), model_name)
        return [found[name] for name in OUTPUTS]

    def _infer_grpc(
        self, model_name: str, subsystems: list[bytes], values: FloatArray, horizons: IntArray
    ) -> list[FloatArray]:
        """The same over gRPC, through tritonclient."""
        m = self._module
        k = len(subsystems)
        subsystem = m.InferInput("SUBSYSTEM", [k, 1], "BYTES")
        subsystem.set_data_from_numpy(np.array([[s] for s in subsystems], dtype=object))
        data = m.InferInput("WINDOW", list(values.shape), "FP64")
        data.set_data_from_numpy(values)
        horizon = m.InferInput("HORIZON", [k, 1], "INT32")
        horizon.set_data_from_numpy(horizons)
        outputs = [m.InferRequestedOutput(name) for name in OUTPUTS]
        result = self._call(
            lambda: self._grpc.infer(
                model_name,
                [subsystem, data, horizon],
                outputs=outputs,
                client_timeout=self._timeout_s,
            ),
            model_name,
        )
        return [result.as_numpy(name) for name in OUTPUTS]

    def _call(self, request: Callable[[], T], model_name: str | None = None) -> T:
        for attempt in range(self._retries + 1):
            try:
                return request()
            except self._exception as exc:
                message = str(exc)
                if model_name and ("unknown model" in message or "not found" in message.lower()):
                    raise NotFoundError(f"model {model_name!r} is not served by Triton") from exc
                if not _transient(exc):
                    raise InvalidRequestError("window", message) from exc
                failure: Exception = exc
            except (OSError, TimeoutError) as exc:
                failure = exc
            if attempt < self._retries:
                time.sleep(self._backoff_s * 2**attempt)
        raise ServiceUnavailableError("triton", self.url, _reason(failure)) from failure


def _in_call_order(
    count: int, chunks: list[list[int]], answers: list[list[Prediction]]
) -> list[Prediction]:
    found: list[Prediction | None] = [None] * count
    for chunk, predictions in zip(chunks, answers, strict=True):
        for i, prediction in zip(chunk, predictions, strict=True):
            found[i] = prediction
    return [p for p in found if p is not None]


def _transient(exc: Exception) -> bool:
    status = str(getattr(exc, "status", lambda: "")() or "")
    message = str(exc).lower()
    return (
        any(s in status for s in ("UNAVAILABLE", "DEADLINE_EXCEEDED", "503", "504"))
        or "deadline" in message
        or "timed out" in message
        or "connection" in message
        or "unavailable" in message
    )


def _reason(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".strip()

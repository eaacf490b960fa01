"""Inference over Triton's HTTP/REST endpoint, on one persistent connection per thread.

The request is the KServe v2 inference protocol with Triton's binary tensor
extension: a JSON header naming the inputs (shape, datatype, byte size) and the
outputs wanted as binary, then the raw bytes of each input;
`Inference-Header-Content-Length` says where the JSON ends, and the answer is
laid out the same way. With tritonclient's HTTP client (geventhttpclient) the
adapter spent 0.46 ms of CPU per four-window request, with this one 0.21-0.23 ms,
on the same two cores that serve (docs/models.md, Serving throughput), so
inference goes through it; listing models and health checks stay on tritonclient.

A connection kept alive between requests may have been closed by the server in
the meantime: a request that fails on a reused connection before any answer
arrived is sent once more on a new one (inference has no side effects). Any
other failure closes the connection and raises: `OSError` or `TimeoutError`
for the transport, `InferenceServerException` with the HTTP status for an
answer that is an error.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import numpy as np
import orjson
from tritonclient.utils import InferenceServerException  # type: ignore[import-untyped]

from satmon.serving.base import FloatArray

_DTYPES = {"FP64": np.float64, "FP32": np.float32, "INT32": np.int32, "INT64": np.int64}
_READ_SIZE = 65_536


@dataclass(frozen=True, slots=True)
class Tensor:
    name: str
    datatype: str  # Triton's name: FP64, INT32, BYTES, ...
    shape: tuple[int, ...]
    data: bytes  # raw little-endian values; BYTES: each element as 4-byte length + bytes


def bytes_tensor(name: str, values: Sequence[bytes], shape: tuple[int, ...]) -> Tensor:
    data = b"".join(len(v).to_bytes(4, "little") + v for v in values)
    return Tensor(name, "BYTES", shape, data)


class _Connection:
    def __init__(self, host: str, port: int, timeout_s: float) -> None:
        self.socket = socket.create_connection((host, port), timeout=timeout_s)
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.pending = b""  # bytes read past the end of the last answer
        self.used = False

    def close(self) -> None:
        self.socket.close()


class TritonHttpInference:
    """`infer` on Triton's HTTP endpoint `host:port`; safe to share between threads."""

    def __init__(self, address: str, timeout_s: float) -> None:
        host, _, port = address.rpartition(":")
        self._host, self._port = host, int(port)
        self._timeout_s = timeout_s
        self._local = threading.local()
        self._open: set[_Connection] = set()
        self._lock = threading.Lock()

    def infer(
        self, model: str, inputs: Sequence[Tensor], outputs: Sequence[str]
    ) -> dict[str, FloatArray]:
        request = self._request(model, inputs, outputs)
        connection = self._connection()
        reused = connection.used
        try:
            status, headers, body = self._exchange(connection, request)
        except ConnectionError:  # broken pipe, reset, or closed before an answer
            self._drop(connection)
            if not reused:
                raise
            connection = self._connection()
            try:
                status, headers, body = self._exchange(connection, request)
            except OSError as exc:
                self._drop(connection)
                raise ConnectionError(f"triton at {self._host}:{self._port}: {exc}") from exc
        except OSError:
            self._drop(connection)
            raise
        if headers.get(b"connection", b"").lower() == b"close":
            self._drop(connection)
        if status != 200:
            raise InferenceServerException(msg=_error_message(body), status=str(status))
        return _outputs(headers, body)

    def close(self) -> None:
        with self._lock:
            for connection in self._open:
                connection.close()
            self._open.clear()

    # --- the exchange -------------------------------------------------------------------

    def _request(self, model: str, inputs: Sequence[Tensor], outputs: Sequence[str]) -> bytes:
        header = orjson.dumps(
            {
                "inputs": [
                    {
                        "name": t.name,
                        "shape": list(t.shape),
                        "datatype": t.datatype,
                        "parameters": {"binary_data_size": len(t.data)},
                    }
                    for t in inputs
                ],
                "outputs": [
                    {"name": name, "parameters": {"binary_data": True}} for name in outputs
                ],
            }
        )
        length = len(header) + sum(len(t.data) for t in inputs)
        head = (
            f"POST /v2/models/{quote(model, safe='')}/infer HTTP/1.1\r\n"
            f"Host: {self._host}:{self._port}\r\n"
            "Content-Type: application/octet-stream\r\n"
            f"Inference-Header-Content-Length: {len(header)}\r\n"
            f"Content-Length: {length}\r\n\r\n"
        ).encode()
        return b"".join([head, header, *(t.data for t in inputs)])

    def _exchange(
        self, connection: _Connection, request: bytes
    ) -> tuple[int, dict[bytes, bytes], bytes]:
        connection.used = True
        connection.socket.sendall(request)
        received = connection.pending
        while b"\r\n\r\n" not in received:
            chunk = connection.socket.recv(_READ_SIZE)
            if not chunk:
                raise _ClosedBeforeAnswerError("the server closed the connection")
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        status_line, *lines = head.split(b"\r\n")
        headers = {}
        for line in lines:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        try:
            status = int(status_line.split(b" ", 2)[1])
            length = int(headers[b"content-length"])
        except (IndexError, KeyError, ValueError) as exc:
            raise ConnectionError(
                f"not an HTTP answer with a Content-Length: {head[:200]!r}"
            ) from exc
        while len(body) < length:
            chunk = connection.socket.recv(max(_READ_SIZE, length - len(body)))
            if not chunk:
                raise ConnectionError("the server closed the connection inside an answer")
            body += chunk
        connection.pending = body[length:]
        return status, headers, body[:length]

    def _connection(self) -> _Connection:
        connection: _Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = _Connection(self._host, self._port, self._timeout_s)
            self._local.connection = connection
            with self._lock:
                self._open.add(connection)
        return connection

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self._local.connection = None
        with self._lock:
            self._open.discard(connection)


class _ClosedBeforeAnswerError(ConnectionError):
    """EOF before any byte of an answer: a kept-alive connection the server had closed."""


def _outputs(headers: dict[bytes, bytes], body: bytes) -> dict[str, FloatArray]:
    json_length = int(headers.get(b"inference-header-content-length", len(body)))
    described = orjson.loads(body[:json_length])
    found: dict[str, FloatArray] = {}
    offset = json_length
    for output in described.get("outputs", []):
        size = output.get("parameters", {}).get("binary_data_size")
        dtype = _DTYPES.get(output["datatype"])
        if size is None or dtype is None:
            raise InferenceServerException(
                msg=f"output {output['name']}: expected binary {list(_DTYPES)}, got {output}"
            )
        count = size // np.dtype(dtype).itemsize
        found[output["name"]] = np.frombuffer(body, dtype, count, offset).reshape(output["shape"])
        offset += size
    return found


def _error_message(body: bytes) -> str:
    try:
        return str(orjson.loads(body).get("error", body[:500].decode(errors="replace")))
    except orjson.JSONDecodeError:
        return body[:500].decode(errors="replace")

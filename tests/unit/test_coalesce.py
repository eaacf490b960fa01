"""CallCoalescer: which calls share a request, and who gets which answer or error.

`send` here stands for one Triton request: it records the windows it was given
and answers each window with a prediction whose score is the window's first
value, so a caller can tell its own answers from another's. The real adapter
over real Triton is in tests/integration/test_triton_models.py.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future

import numpy as np
import pytest

from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.serving.base import Prediction, WindowInput
from satmon.serving.coalesce import CallCoalescer


def window(tag: float, steps: int = 20) -> WindowInput:
    return WindowInput("eps", ("a",), np.full((steps, 1), tag), 10)


def tags(predictions: Sequence[Prediction]) -> list[float]:
    return [p.anomaly_score for p in predictions]


class Requests:
    """A stand-in request: records each one, can be held, and refuses NaN windows."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, list[float], str]] = []
        self.release = threading.Event()
        self.release.set()
        self.failure: Exception | None = None
        self._lock = threading.Lock()

    def __call__(self, model: str, windows: Sequence[WindowInput]) -> list[Prediction]:
        with self._lock:
            self.sent.append(
                (model, [float(w.values[0, 0]) for w in windows], threading.current_thread().name)
            )
        self.release.wait(10)
        if self.failure is not None:
            raise self.failure
        if any(np.isnan(w.values).any() for w in windows):
            raise InvalidRequestError("window", "NaN in a window")
        empty = np.zeros((10, 1))
        return [Prediction(empty, empty, empty, float(w.values[0, 0]), False) for w in windows]


def held(max_windows: int = 64) -> tuple[Requests, CallCoalescer, Callable[[], None]]:
    """A coalescer with one place, taken by a call that waits for `release` (that
    call's own outcome is not what these tests look at)."""
    requests = Requests()
    coalescer = CallCoalescer(requests, max_windows=max_windows, in_flight=1)
    requests.release.clear()

    def hold() -> None:
        with contextlib.suppress(ServiceUnavailableError):
            coalescer.call("m", [window(0.0)])

    first = threading.Thread(target=hold)
    first.start()
    _until(lambda: len(requests.sent) == 1)

    def release() -> None:
        requests.release.set()
        first.join(10)

    return requests, coalescer, release


def _until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def test_a_lone_call_is_sent_at_once_by_its_own_thread() -> None:
    requests = Requests()
    coalescer = CallCoalescer(requests, max_windows=64, in_flight=2)
    try:
        assert tags(coalescer.call("m", [window(1.0), window(2.0)])) == [1.0, 2.0]
        assert requests.sent == [("m", [1.0, 2.0], threading.current_thread().name)]
    finally:
        coalescer.close()


def test_calls_waiting_for_a_place_go_together_and_each_gets_its_own_answers() -> None:
    requests, coalescer, release = held()
    futures = [coalescer.submit("m", [window(k), window(k + 0.5)]) for k in (1.0, 2.0, 3.0)]
    assert len(requests.sent) == 1  # nothing else goes while the place is taken
    release()
    assert [tags(f.result(10)) for f in futures] == [[1.0, 1.5], [2.0, 2.5], [3.0, 3.5]]
    assert [sent[1] for sent in requests.sent] == [[0.0], [1.0, 1.5, 2.0, 2.5, 3.0, 3.5]]
    coalescer.close()


def test_only_calls_of_one_model_and_window_length_share_a_request_up_to_its_size() -> None:
    requests, coalescer, release = held(max_windows=4)
    futures: list[Future[list[Prediction]]] = [
        coalescer.submit("m", [window(1.0), window(1.1)]),
        coalescer.submit("m", [window(2.0, steps=30)]),
        coalescer.submit("other", [window(3.0)]),
        coalescer.submit("m", [window(4.0), window(4.1)]),
        coalescer.submit("m", [window(5.0)]),  # no room left beside 1 and 4
    ]
    release()
    assert [tags(f.result(10)) for f in futures] == [[1.0, 1.1], [2.0], [3.0], [4.0, 4.1], [5.0]]
    assert [(model, sent) for model, sent, _ in requests.sent] == [
        ("m", [0.0]),
        ("m", [1.0, 1.1, 4.0, 4.1]),
        ("m", [2.0]),
        ("other", [3.0]),
        ("m", [5.0]),
    ]
    coalescer.close()


def test_a_refused_window_fails_only_its_own_call() -> None:
    requests, coalescer, release = held()
    good = coalescer.submit("m", [window(1.0)])
    bad = coalescer.submit("m", [window(float("nan"))])
    other = coalescer.submit("m", [window(3.0)])
    release()
    assert tags(good.result(10)) == [1.0]
    assert tags(other.result(10)) == [3.0]
    with pytest.raises(InvalidRequestError):
        bad.result(10)
    # the merged request, then each call on its own
    assert [len(sent) for _, sent, _ in requests.sent] == [1, 3, 1, 1, 1]
    coalescer.close()


def test_any_other_failure_reaches_every_call_of_the_request() -> None:
    requests, coalescer, release = held()
    futures = [coalescer.submit("m", [window(k)]) for k in (1.0, 2.0)]
    requests.failure = ServiceUnavailableError("triton", "http://x", "down")
    release()
    for future in futures:
        with pytest.raises(ServiceUnavailableError):
            future.result(10)
    assert len(requests.sent) == 2
    coalescer.close()


def test_close_sends_what_waits_and_then_refuses_calls() -> None:
    _, coalescer, release = held()
    waiting = coalescer.submit("m", [window(1.0)])
    closing = threading.Thread(target=coalescer.close)
    closing.start()
    release()
    closing.join(10)
    assert tags(waiting.result(0)) == [1.0]
    with pytest.raises(RuntimeError, match="closed"):
        coalescer.call("m", [window(2.0)])
    with pytest.raises(ValueError, match="1 to 64 windows"):
        coalescer.submit("m", [])

"""Concurrent predict calls of one process merged into fewer Triton requests.

Triton's cost is per request, not per window: the HTTP or gRPC frontend, the
python backend's exchange with its stub and our client each spend about as much
on a four-window request as on a 64-window one (docs/models.md, Serving
throughput). A worker runs many tasks at once, each calling `predict` with its
job's four windows; sent as they come, every call is a request of its own.

Here at most `in_flight` requests are out at once. A call that finds a place
free and no call waiting is sent at once by its own thread. Otherwise it waits
in a queue, and a sender thread, as soon as a place frees, takes the oldest
waiting call and every other waiting call of the same model and window length,
up to one request's windows, sends them as one request and gives each caller
its own predictions. Nothing waits on a timer: calls merge only while every
place is taken, so merging grows with load and costs a lone call nothing.

A failure of the merged request reaches every caller in it, except a refused
window (`InvalidRequestError`): then each call is sent again on its own, so only
the call with the bad window fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field

from satmon.errors import InvalidRequestError
from satmon.serving.base import Prediction, WindowInput

Send = Callable[[str, Sequence[WindowInput]], list[Prediction]]


@dataclass(slots=True)
class _Call:
    model: str
    length: int  # every window of a request has the same number of steps
    windows: Sequence[WindowInput]
    future: Future[list[Prediction]] = field(default_factory=Future)


class CallCoalescer:
    """`call` or `submit` a call's windows; `send(model, windows)` makes one request."""

    def __init__(self, send: Send, max_windows: int, in_flight: int) -> None:
        if max_windows < 1 or in_flight < 1:
            raise ValueError(
                f"max_windows and in_flight must be >= 1, got {max_windows}, {in_flight}"
            )
        self._send = send
        self._max_windows = max_windows
        self._in_flight_limit = in_flight
        self._in_flight = 0
        self._waiting: list[_Call] = []
        self._changed = threading.Condition()
        self._senders: list[threading.Thread] = []
        self._closed = False

    @property
    def limit(self) -> int:
        """Requests out at once at most."""
        return self._in_flight_limit

    def call(self, model: str, windows: Sequence[WindowInput]) -> list[Prediction]:
        """The windows' predictions: sent by this thread when a place is free and no
        call waits, else merged with the waiting calls."""
        self._check(windows)
        with self._changed:
            direct = (
                not self._closed and not self._waiting and self._in_flight < self._in_flight_limit
            )
            if direct:
                self._in_flight += 1
        if not direct:
            return self.submit(model, windows).result()
        try:
            return self._send(model, windows)
        finally:
            self._release()

    def submit(self, model: str, windows: Sequence[WindowInput]) -> Future[list[Prediction]]:
        """Queue the windows; the future gives their predictions in order, or the
        request's error."""
        self._check(windows)
        call = _Call(model, len(windows[0].values), windows)
        with self._changed:
            if self._closed:
                raise RuntimeError("the model server is closed")
            self._waiting.append(call)
            if len(self._senders) < self._in_flight_limit:
                sender = threading.Thread(
                    target=self._serve, name=f"triton-sender-{len(self._senders)}", daemon=True
                )
                self._senders.append(sender)
                sender.start()
            self._changed.notify()
        return call.future

    def close(self) -> None:
        """Sends what is waiting, then stops the senders."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            senders = list(self._senders)
        for sender in senders:
            sender.join()

    def _check(self, windows: Sequence[WindowInput]) -> None:
        if not 0 < len(windows) <= self._max_windows:
            raise ValueError(f"a call takes 1 to {self._max_windows} windows, got {len(windows)}")

    def _serve(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(self._can_send_or_stop)
                if not self._waiting:
                    return
                calls = self._take()
                self._in_flight += 1
            try:
                self._run(calls)
            finally:
                self._release()

    def _release(self) -> None:
        """A request is answered: its place is free for a waiting call."""
        with self._changed:
            self._in_flight -= 1
            self._changed.notify()

    def _can_send_or_stop(self) -> bool:
        """A call waits and a place is free, or closed with nothing left to send."""
        if self._waiting:
            return self._in_flight < self._in_flight_limit
        return self._closed

    def _take(self) -> list[_Call]:
        """The oldest call and the waiting calls that can share its request, in order."""
        head = self._waiting[0]
        taken: list[_Call] = []
        kept: list[_Call] = []
        room = self._max_windows
        for call in self._waiting:
            fits = call.model == head.model and call.length == head.length
            if fits and len(call.windows) <= room:
                taken.append(call)
                room -= len(call.windows)
            else:
                kept.append(call)
        self._waiting = kept
        return taken

    def _run(self, calls: list[_Call]) -> None:
        try:
            predictions = self._send(calls[0].model, [w for c in calls for w in c.windows])
        except InvalidRequestError as exc:
            if len(calls) == 1:
                calls[0].future.set_exception(exc)
                return
            for call in calls:  # find the call with the bad window
                self._run([call])
            return
        except Exception as exc:
            for call in calls:
                call.future.set_exception(exc)
            return
        start = 0
        for call in calls:
            call.future.set_result(predictions[start : start + len(call.windows)])
            start += len(call.windows)

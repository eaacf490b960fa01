"""Graceful stops of the long-running verbs (consume, trigger): the first SIGTERM or
Ctrl-C asks the loop to finish what it holds; a second one stops at once."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType


def stop_on_signals(stop: threading.Event, log: logging.Logger, verb: str, finishing: str) -> None:
    """Set `stop` on SIGTERM or SIGINT, logging `finishing` (what the loop does before
    it exits); the same signal again re-raises it with the default handler."""

    def handle(signum: int, _: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if stop.is_set():
            log.warning("%s: %s again; stopping at once", verb, name)
            signal.signal(signum, signal.SIG_DFL)
            signal.raise_signal(signum)
            return
        log.info("%s: %s; %s", verb, name, finishing)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)

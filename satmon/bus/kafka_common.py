"""What the Kafka producer, consumer and admin client share: the service name,
client settings, and logging of librdkafka's lines and error callbacks."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from confluent_kafka import KafkaError

from satmon.errors import ServiceUnavailableError

SERVICE = "kafka"

log = logging.getLogger("satmon.bus.kafka")


class _RepeatFilter(logging.Filter):
    """Lets a librdkafka line through once per `quiet_s`: with a broker down, every
    reconnect attempt of every client logs the same failure."""

    def __init__(self, quiet_s: float) -> None:
        super().__init__()
        self._quiet_s = quiet_s
        self._last_seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        text = record.getMessage()
        now = time.monotonic()
        with self._lock:
            if now - self._last_seen.get(text, -self._quiet_s) < self._quiet_s:
                return False
            if len(self._last_seen) > 1_000:
                self._last_seen.clear()
            self._last_seen[text] = now
        return True


_librdkafka_log = logging.getLogger("satmon.bus.kafka.librdkafka")
_errors_log = logging.getLogger("satmon.bus.kafka.errors")  # librdkafka's error callbacks
_quiet = _RepeatFilter(30.0)
_librdkafka_log.addFilter(_quiet)
_errors_log.addFilter(_quiet)


def client_config(bootstrap_servers: str, client_id: str) -> dict[str, Any]:
    """Settings every client shares."""
    return {
        "bootstrap.servers": bootstrap_servers,
        "client.id": client_id,
        "socket.connection.setup.timeout.ms": 5_000,
        # A restarted broker is found again within two seconds, not ten.
        "reconnect.backoff.max.ms": 2_000,
        "log.connection.close": False,
        "logger": _librdkafka_log,
    }


class ErrorWatch:
    """Keeps a client's fatal error (it cannot be used afterwards) and logs the rest."""

    def __init__(self, url: str, what: str) -> None:
        self.url = url
        self.what = what
        self.fatal: KafkaError | None = None

    def __call__(self, error: KafkaError) -> None:
        if error.fatal():
            self.fatal = error
            log.error("%s: fatal Kafka error: %s", self.what, error.str())
        else:  # transient (a broker down, a timeout): librdkafka retries by itself
            _errors_log.warning("%s: %s", self.what, error.str())

    def raise_fatal(self) -> None:
        if self.fatal is not None:
            raise ServiceUnavailableError(
                SERVICE, self.url, f"{self.what} failed fatally: {self.fatal.str()}; open a new one"
            )

"""Which bus a process gets: Kafka when KAFKA_BOOTSTRAP_SERVERS is set, else in-process."""

from __future__ import annotations

from satmon.bus.base import Bus
from satmon.bus.memory import InProcessBus
from satmon.config import Settings
from satmon.errors import ServiceUnavailableError


def open_bus(settings: Settings) -> Bus:
    if settings.kafka_bootstrap_servers:
        raise ServiceUnavailableError(
            "kafka", settings.kafka_bootstrap_servers, "this build has no Kafka adapter"
        )
    return InProcessBus()

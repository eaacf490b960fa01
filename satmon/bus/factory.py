"""Which bus a process gets: Kafka when KAFKA_BOOTSTRAP_SERVERS is set, else in-process."""

from __future__ import annotations

from satmon.bus.base import Bus
from satmon.bus.kafka import KafkaBus
from satmon.bus.memory import InProcessBus
from satmon.config import Settings


def open_bus(settings: Settings) -> Bus:
    """A configured Kafka must answer now (ServiceUnavailableError names the brokers);
    opening creates satmon's topics where they are missing."""
    if settings.kafka_bootstrap_servers:
        return KafkaBus.from_settings(settings)
    return InProcessBus()

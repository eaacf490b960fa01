"""`satmon consume`: one member of the ingest group, Kafka to the time-series store.

Run several with the same group to share the topic's partitions. SIGTERM or
Ctrl-C stops it gracefully (the buffered batch is written and committed, then
the member leaves the group); a second one stops it at once, and the messages
not committed are read again by the group.
"""

from __future__ import annotations

import gc
import logging
import threading
from dataclasses import dataclass, field

from satmon.bus.kafka import KafkaBus
from satmon.config import Settings
from satmon.errors import InvalidRequestError
from satmon.ingest import metrics
from satmon.ingest.consumer import Ingestor, IngestSettings
from satmon.signals import stop_on_signals
from satmon.tsdb.factory import open_tsdb

log = logging.getLogger("satmon.ingest")

DEFAULT_GROUP = "satmon-ingest"

# librdkafka prefetches up to this much per consumer (its default is 64 MiB); a
# batch of 10,000 frames is 6 MiB, so more only costs memory.
_CONSUMER_CONFIG = {"queued.max.messages.kbytes": 16_384, "fetch.max.bytes": 8_388_608}
# A batch allocates some 100,000 container objects (decoded frames, per-series lists)
# that die together; with the default threshold (700) the cyclic collector ran
# hundreds of times per batch and took a third of the process's CPU. Nothing on
# the ingest path makes cycles, so collections can be rare.
_GC_THRESHOLDS = (50_000, 20, 50)


@dataclass(frozen=True, slots=True)
class ConsumeOptions:
    group: str = DEFAULT_GROUP
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 9108
    """0 picks a free port (logged); -1 serves no metrics."""
    ingest: IngestSettings = field(default_factory=IngestSettings)


def consume(
    settings: Settings, options: ConsumeOptions, stop: threading.Event | None = None
) -> None:
    """Ingest until `stop` is set or the process gets SIGTERM or SIGINT."""
    if not settings.kafka_bootstrap_servers:
        raise InvalidRequestError(
            "KAFKA_BOOTSTRAP_SERVERS", "satmon consume reads Kafka; set the brokers' address"
        )
    stop = stop or threading.Event()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    gc.freeze()  # what start-up made lives as long as the process: never scan it again
    gc.set_threshold(*_GC_THRESHOLDS)
    if threading.current_thread() is threading.main_thread():
        stop_on_signals(stop, log, "ingest", "writing and committing what was read, then leaving")
    bus = KafkaBus(
        settings.kafka_bootstrap_servers,
        topics=(settings.telemetry_topic, settings.dead_letter_topic),
        partitions=settings.topic_partitions,
        consumer_config=_CONSUMER_CONFIG,
    )
    try:
        store = open_tsdb(settings)
        try:
            if options.metrics_port >= 0:
                port = metrics.serve(options.metrics_host, options.metrics_port)
                log.info("ingest: metrics on http://%s:%d/metrics", options.metrics_host, port)
            consumer = bus.consumer(options.group, [settings.telemetry_topic])
            producer = bus.producer()
            log.info(
                "ingest: group %s reads %s from %s; dead letters to %s",
                options.group,
                settings.telemetry_topic,
                bus.url,
                settings.dead_letter_topic,
            )
            try:
                Ingestor(consumer, store, producer, settings.dead_letter_topic, options.ingest).run(
                    stop
                )
            finally:
                consumer.close()  # leaves the group now rather than at the session timeout
                producer.close()
        finally:
            store.close()
    finally:
        bus.close()

"""`satmon trigger`: one member of the trigger group, telemetry to analysis jobs.

It reads the telemetry topic in a consumer group of its own (so it sees every
frame whatever ingest does), creates jobs and enqueues their tasks on the task
queue the settings select (Celery when CELERY_BROKER_URL is set), and commits
each batch once its jobs are queued. Run several with the same group to share
the partitions. SIGTERM or Ctrl-C stops it gracefully (the batch in hand is
finished and committed, then the member leaves the group); a second one stops
it at once, and what was not committed is read again by the group.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from satmon.analysis.rules import Cooldown, trigger_rules
from satmon.analysis.trigger import Trigger
from satmon.analysis.windows import SatelliteWindows
from satmon.config import Settings
from satmon.errors import InvalidRequestError
from satmon.runtime import job_service, open_adapters, task_queue
from satmon.signals import stop_on_signals

log = logging.getLogger("satmon.analysis.trigger")

DEFAULT_GROUP = "satmon-trigger"


@dataclass(frozen=True, slots=True)
class TriggerOptions:
    group: str = DEFAULT_GROUP
    max_batch: int = 1_000


def run_trigger(
    settings: Settings, options: TriggerOptions, stop: threading.Event | None = None
) -> None:
    """Trigger jobs until `stop` is set or the process gets SIGTERM or SIGINT."""
    if not settings.kafka_bootstrap_servers:
        raise InvalidRequestError(
            "KAFKA_BOOTSTRAP_SERVERS", "satmon trigger reads Kafka; set the brokers' address"
        )
    try:
        rules = trigger_rules(
            settings.trigger_periodic_rate, settings.trigger_seed, settings.trigger_rules
        )
    except ValueError as exc:
        raise InvalidRequestError("SATMON_TRIGGER_RULES", str(exc)) from exc
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        stop_on_signals(stop, log, "trigger", "finishing the batch in hand, then leaving")
    with open_adapters(settings) as adapters:
        queue = task_queue(adapters)
        try:
            trigger = Trigger(
                job_service(adapters, queue),
                rules,
                Cooldown(settings.trigger_cooldown_s),
                SatelliteWindows(settings.window_size),
                tsdb=adapters.tsdb,
                results=adapters.results,
            )
            consumer = adapters.bus.consumer(options.group, [settings.telemetry_topic])
            log.info(
                "trigger: group %s reads %s; jobs of %s go to %s at %s",
                options.group,
                settings.telemetry_topic,
                settings.default_model,
                queue.name,
                queue.url,
            )
            try:
                trigger.run(consumer, stop, options.max_batch)
            finally:
                consumer.close()  # leaves the group now rather than at the session timeout
        finally:
            queue.close()

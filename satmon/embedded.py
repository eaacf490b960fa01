"""`satmon up`: the whole flow in one process.

simulator -> bus -> ingest -> time-series store
                 -> trigger -> jobs -> local executor -> models -> results store
                                                                -> results topic, search
and the API on top of the same adapters. Each loop runs on its own thread and
stops on one event; shutdown stops the simulator first and lets ingest drain
what was already sent before closing the stores.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from satmon.analysis.executor import LocalExecutor
from satmon.analysis.jobs import JobService
from satmon.analysis.rules import Cooldown, seed_rules
from satmon.analysis.trigger import Trigger
from satmon.analysis.windows import SatelliteWindows
from satmon.config import Settings
from satmon.ingest.consumer import Ingestor
from satmon.runtime import Adapters, job_service, local_executor, open_adapters
from satmon.telemetry.simulator import Simulator, SimulatorConfig
from satmon.telemetry.simulator.runner import run_realtime
from satmon.telemetry.simulator.sinks import BusSink, LabelWriter

log = logging.getLogger(__name__)

INGEST_GROUP = "satmon-ingest"
TRIGGER_GROUP = "satmon-trigger"
DRAIN_TIMEOUT_S = 10.0


@dataclass(frozen=True, slots=True)
class SimulationOptions:
    satellites: int = 3
    interval_s: float = 1.0
    seed: int = 42
    fault_rate_per_day: float = 2.0


class EmbeddedSystem:
    """Starts and stops the background loops of an embedded satmon."""

    def __init__(self, settings: Settings, simulation: SimulationOptions) -> None:
        self.settings = settings
        self.simulation = simulation
        self.adapters: Adapters = open_adapters(settings)
        self.executor: LocalExecutor = local_executor(self.adapters)
        self.jobs: JobService = job_service(self.adapters, self.executor)
        self._stop_simulator = threading.Event()
        self._stop_consumers = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sink: BusSink | None = None

    def start(self) -> None:
        settings, adapters = self.settings, self.adapters
        topic = settings.telemetry_topic
        ingestor = Ingestor(
            adapters.bus.consumer(INGEST_GROUP, [topic]),
            adapters.tsdb,
            adapters.producer,
            settings.dead_letter_topic,
        )
        windows = SatelliteWindows(settings.window_size)
        known = adapters.tsdb.label_values("satellite_id")
        warmed = windows.warm_up(adapters.tsdb, known)
        log.info("trigger: %d of %d known satellites warmed up from the store", warmed, len(known))
        trigger = Trigger(
            self.jobs,
            seed_rules(settings.trigger_periodic_rate, settings.trigger_seed),
            Cooldown(settings.trigger_cooldown_s),
            windows,
        )
        trigger_consumer = adapters.bus.consumer(TRIGGER_GROUP, [topic])
        simulator = Simulator(
            SimulatorConfig(
                satellites=self.simulation.satellites,
                seed=self.simulation.seed,
                start=datetime.now(UTC),
                step_s=self.simulation.interval_s,
                fault_rate_per_day=self.simulation.fault_rate_per_day,
            )
        )
        labels = LabelWriter(settings.data_dir / "fault_labels.jsonl")
        sink = self._sink = BusSink(adapters.producer, topic, labels=labels)

        self._spawn("ingest", ingestor.run, self._stop_consumers)
        self._spawn(
            "trigger", lambda stop: trigger.run(trigger_consumer, stop), self._stop_consumers
        )
        self._spawn(
            "simulator",
            lambda stop: run_realtime(simulator, sink, self.simulation.interval_s, None, stop=stop),
            self._stop_simulator,
        )
        log.info(
            "embedded satmon: %d satellites every %gs, data in %s",
            self.simulation.satellites,
            self.simulation.interval_s,
            settings.data_dir,
        )

    def _spawn(
        self, name: str, target: Callable[[threading.Event], object], stop: threading.Event
    ) -> None:
        def run() -> None:
            try:
                target(stop)
            except Exception:
                log.exception("%s loop crashed", name)

        thread = threading.Thread(target=run, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        log.info("embedded satmon: stopping")
        self._stop_simulator.set()
        self._join("simulator")
        if self._sink is not None:
            self._sink.close()
        self._drain()
        self._stop_consumers.set()
        for thread in self._threads:
            thread.join(timeout=DRAIN_TIMEOUT_S)
        self.executor.close()
        self.adapters.close()
        log.info("embedded satmon: stopped")

    def _join(self, name: str) -> None:
        for thread in self._threads:
            if thread.name == name:
                thread.join(timeout=DRAIN_TIMEOUT_S)

    def _drain(self) -> None:
        bus = self.adapters.bus
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        topic = self.settings.telemetry_topic
        while time.monotonic() < deadline and bus.lag(INGEST_GROUP, topic) > 0:
            time.sleep(0.05)

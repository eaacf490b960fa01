"""Fault schedules, sinks and runners."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import orjson
import pytest

from satmon.bus.memory import InProcessBus
from satmon.telemetry.codec import decode_frame
from satmon.telemetry.simulator import (
    FaultScheduleError,
    FaultType,
    ScheduledFault,
    Simulator,
    SimulatorConfig,
    load_schedule,
)
from satmon.telemetry.simulator.runner import RunCounts, run_backfill, run_realtime
from satmon.telemetry.simulator.sinks import (
    BusSink,
    JsonlSink,
    LabelWriter,
    StdoutSink,
    labels_path_for,
)
from tests.unit.test_simulator_support import START, config

pytestmark = pytest.mark.unit

ENTRIES = [
    {"satellite": "SAT-002", "kind": "thermal_runaway", "start": "2026-03-10T07:00:00Z",
     "duration": 1800, "magnitude": 20},
    {"satellite": 1, "kind": "spike", "start": 90, "duration_s": 60, "channel": "obc_temp"},
]  # fmt: skip


@pytest.mark.parametrize("layout", ["list", "object", "lines"])
def test_a_schedule_reads_from_a_list_an_object_or_json_lines(tmp_path, layout):
    path = tmp_path / "faults.json"
    if layout == "list":
        path.write_bytes(orjson.dumps(ENTRIES))
    elif layout == "object":
        path.write_bytes(orjson.dumps({"faults": ENTRIES}))
    else:
        path.write_bytes(b"\n".join(orjson.dumps(e) for e in ENTRIES) + b"\n\n")
    runaway, spike = load_schedule(path)
    assert runaway.satellite == "SAT-002" and runaway.kind is FaultType.THERMAL_RUNAWAY
    assert runaway.start_offset_s(START) == 3600.0
    assert runaway.magnitude == 20.0 and runaway.channel is None
    assert spike.satellite == "SAT-001" and spike.start == 90.0 and spike.duration_s == 60
    assert spike.channel == "thermal.obc_temp"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"kind": "spike", "start": 0, "duration": 1}, "satellite: missing"),
        ({"satellite": 1, "kind": "meteor", "start": 0, "duration": 1}, "unknown fault 'meteor'"),
        ({"satellite": 1, "kind": "spike", "start": "soon", "duration": 1}, "start:"),
        ({"satellite": 1, "kind": "spike", "start": 0, "duration": -5}, "duration:"),
        ({"satellite": 1, "kind": "spike", "start": 0}, "duration: missing"),
        ({"satellite": 1, "kind": "heater_stuck_on", "start": 0, "duration": 9,
          "channel": "obc_temp"}, "takes no channel"),
        ({"satellite": 1, "kind": "spike", "start": 0, "duration": 9, "channel": "latitude"},
         "cannot target 'latitude'"),
        ({"satellite": 1, "kind": "spike", "start": 0, "duration": 9, "magnitude": "big"},
         "magnitude:"),
        ({"satellite": 1, "kind": "spike", "start": 0, "duration": 9, "when": 3},
         "unknown field"),
    ],
)  # fmt: skip
def test_a_bad_schedule_entry_is_refused_naming_the_entry_and_field(tmp_path, entry, message):
    path = tmp_path / "faults.json"
    path.write_bytes(orjson.dumps([ENTRIES[0], entry]))
    with pytest.raises(FaultScheduleError, match="fault 2") as caught:
        load_schedule(path)
    assert message in str(caught.value)


def test_a_schedule_naming_a_satellite_outside_the_fleet_is_refused():
    fault = ScheduledFault(satellite="SAT-009", kind=FaultType.SPIKE, start=0.0, duration_s=60)
    with pytest.raises(FaultScheduleError, match="SAT-009"):
        Simulator(config(satellites=3, fault_schedule=[fault]))


def test_labels_are_only_those_of_faults_already_handed_out():
    fault = ScheduledFault(satellite="SAT-001", kind=FaultType.SPIKE, start=600.0, duration_s=60)
    simulator = Simulator(config(satellites=2, fault_schedule=[fault]))
    for _ in range(10):  # the block simulated ahead already holds the fault
        simulator.encoded_tick()
    assert simulator.labels == [] and simulator.label_count == 0
    simulator.encoded_tick()
    assert [label.kind for label in simulator.labels] == ["spike"]


def test_backfill_writes_every_tick_up_to_the_end_and_streams_labels(tmp_path):
    simulator = Simulator(config(satellites=4, fault_rate_per_day=200.0))
    end = START + timedelta(hours=2)
    frames_path = tmp_path / "run.jsonl"
    labels_path = labels_path_for(frames_path)
    assert labels_path.name == "run.jsonl.labels.jsonl"
    with JsonlSink(frames_path, labels=LabelWriter(labels_path)) as sink:
        counts = run_backfill(simulator, sink, end, progress=True)
    assert counts == RunCounts(frames=4 * 120, ticks=120)
    assert simulator.now == end
    lines = frames_path.read_bytes().splitlines()
    assert len(lines) == 4 * 120
    assert decode_frame(lines[-1]).timestamp == end - timedelta(minutes=1)
    labels = [orjson.loads(line) for line in labels_path.read_bytes().splitlines()]
    assert labels == [label.to_dict() for label in simulator.labels]
    assert len(labels) > 5


def test_labels_written_at_the_end_match_the_simulator(tmp_path):
    simulator = Simulator(config(satellites=3, fault_rate_per_day=100.0))
    run_backfill(simulator, StdoutSink(io.BytesIO()), START + timedelta(hours=3))
    with LabelWriter(tmp_path / "labels.jsonl") as writer:
        writer.write_all(simulator.labels)
    lines = (tmp_path / "labels.jsonl").read_bytes().splitlines()
    assert [orjson.loads(line) for line in lines] == [l.to_dict() for l in simulator.labels]  # noqa: E741


def test_stdout_sink_writes_one_json_line_per_frame():
    stream = io.BytesIO()
    simulator = Simulator(config(satellites=2))
    sink = StdoutSink(stream)
    sink.write(simulator.encoded_tick())
    sink.write(simulator.encoded_tick())
    lines = stream.getvalue().splitlines()
    assert [decode_frame(line).seq for line in lines] == [0, 0, 1, 1]


def test_bus_sink_keys_frames_by_satellite_on_the_topic():
    bus = InProcessBus(partitions=3)
    consumer = bus.consumer("test", ["satellite-telemetry"])
    simulator = Simulator(config(satellites=5))
    with BusSink(bus.producer(), "satellite-telemetry") as sink:
        run_backfill(simulator, sink, START + timedelta(minutes=4))
    messages = consumer.poll(100, 0.5)
    assert len(messages) == 20
    for message in messages:
        assert decode_frame(message.value).satellite_id.encode() == message.key
    for satellite in {m.key for m in messages}:  # one satellite's frames stay in order
        seqs = [decode_frame(m.value).seq for m in messages if m.key == satellite]
        assert seqs == [0, 1, 2, 3]
        assert len({m.partition for m in messages if m.key == satellite}) == 1


def test_realtime_paces_ticks_in_wall_clock_and_stamps_simulated_time():
    simulator = Simulator(config(satellites=2, step_s=2.0))
    stream = io.BytesIO()
    seen: list[RunCounts] = []
    began = time.monotonic()
    counts = run_realtime(  # 0.25 s of wall clock at 40 simulated seconds per second
        simulator, StdoutSink(stream), 2.0, duration_s=0.25, speedup=40.0, on_tick=seen.append
    )
    elapsed = time.monotonic() - began
    assert counts == RunCounts(frames=10, ticks=5)
    assert seen == [RunCounts(2 * n, n) for n in range(1, 6)]
    assert elapsed >= 4 * 2.0 / 40.0 * 0.9  # four waits of 50 ms between five ticks
    frames = [decode_frame(line) for line in stream.getvalue().splitlines()]
    assert [f.timestamp - START for f in frames[::2]] == [
        timedelta(seconds=2 * n) for n in range(5)
    ]


def test_realtime_runs_until_stopped_when_no_duration_is_given():
    simulator = Simulator(SimulatorConfig(satellites=1, step_s=0.01))
    stop = threading.Event()
    counts: list[RunCounts] = []

    def stop_after_a_few(progress: RunCounts) -> None:
        if progress.ticks == 7:
            stop.set()

    result = threading.Thread(
        target=lambda: counts.append(
            run_realtime(simulator, StdoutSink(io.BytesIO()), 0.01, None, stop=stop,
                         on_tick=stop_after_a_few)
        )
    )  # fmt: skip
    result.start()
    result.join(timeout=5)
    assert counts == [RunCounts(frames=7, ticks=7)]

"""Where frames go (stdout, a JSON-lines file, a bus topic) and where labels go.

A sink takes one tick's (key, value) pairs per `write`. Fault labels are written
by a `LabelWriter`, in one of two ways: the caller writes `simulator.labels`
when the run ends (`write_all`), or hands the writer to a sink (`labels=`), and
the runners then write each label as its fault starts; a sink closes the writer
it was given. The labels of a JSON-lines file `<file>` belong in
`<file>.labels.jsonl` (`labels_path_for`) unless the caller chooses otherwise.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Protocol, Self

import orjson

from satmon.bus.base import Producer
from satmon.telemetry.simulator.faults import FaultLabel


class FrameSink(Protocol):
    def write(self, pairs: list[tuple[bytes, bytes]]) -> None: ...

    def close(self) -> None: ...


def labels_path_for(frames_path: Path) -> Path:
    """Where the labels of a JSON-lines file of frames go: `<file>.labels.jsonl`."""
    return frames_path.with_name(frames_path.name + ".labels.jsonl")


class _Closing:
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class LabelWriter(_Closing):
    """Fault labels as JSON lines, flushed as they are written."""

    def __init__(self, path: Path | str, append: bool = False) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("ab" if append else "wb")
        self.written = 0

    def write(self, label: FaultLabel) -> None:
        self.write_all((label,))

    def write_all(self, labels: Iterable[FaultLabel]) -> None:
        lines = [orjson.dumps(label.to_dict()) for label in labels]
        if lines:
            self._file.write(b"\n".join(lines) + b"\n")
            self._file.flush()
            self.written += len(lines)

    def close(self) -> None:
        self._file.close()


class StdoutSink(_Closing):
    """Frames as JSON lines on standard output (or another binary stream)."""

    def __init__(self, stream: BinaryIO | None = None, labels: LabelWriter | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout.buffer
        self.labels = labels

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        if pairs:
            self._stream.write(b"\n".join([value for _, value in pairs]) + b"\n")
            self._stream.flush()

    def close(self) -> None:
        self._stream.flush()
        if self.labels is not None:
            self.labels.close()


class JsonlSink(_Closing):
    """Frames as JSON lines in a file, one write per tick."""

    def __init__(
        self, path: Path | str, append: bool = False, labels: LabelWriter | None = None
    ) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("ab" if append else "wb")
        self.labels = labels

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        if pairs:
            self._file.write(b"\n".join([value for _, value in pairs]) + b"\n")
            self._file.flush()

    def close(self) -> None:
        self._file.close()
        if self.labels is not None:
            self.labels.close()


class BusSink(_Closing):
    """Frames to a bus topic keyed by satellite id, so each satellite stays ordered.

    `close` flushes (waits for every frame to be acknowledged); the producer
    belongs to the caller and stays open.
    """

    def __init__(self, producer: Producer, topic: str, labels: LabelWriter | None = None) -> None:
        self._producer = producer
        self._topic = topic
        self.labels = labels

    def write(self, pairs: list[tuple[bytes, bytes]]) -> None:
        send, topic = self._producer.send, self._topic
        for key, value in pairs:
            send(topic, value, key=key)

    def close(self) -> None:
        self._producer.flush()
        if self.labels is not None:
            self.labels.close()

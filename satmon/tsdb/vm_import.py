"""Request bodies of VictoriaMetrics' JSON-lines import, one line per series:

    {"metric":{"__name__":"m","satellite_id":"s","subsystem":"x"},"values":[..],"timestamps":[..]}

The whole batch is one orjson call over small per-series dicts that point at
the batch's own value and timestamp lists (nothing is copied) and at a cached
label dict; the JSON array it returns becomes lines by one replace of the
separator `},{"metric"` (inside a JSON string a quote is escaped, so that
sequence only occurs between elements). On this machine that encodes 4 M
samples/s at 5 samples per series and 7 M at 20, against 2 M and 5 M for one
orjson call per array joined per series. Series that share one timestamps
object (a satellite's channels, from `frames_to_samples`) get it written once
and inserted as an `orjson.Fragment` in each of their lines.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import orjson

from satmon.telemetry.samples import SeriesKey, SeriesPoints

log = logging.getLogger(__name__)

Items = Sequence[tuple[SeriesKey, SeriesPoints]]

_MAX_CACHED_LABELS = 1_000_000


class ImportEncoder:
    """Encodes batches; safe to share between threads."""

    def __init__(self) -> None:
        self._labels: dict[SeriesKey, dict[str, str]] = {}

    def encode(self, items: Items) -> tuple[bytes, int]:
        """The body and the number of samples in it.

        NaN and infinities cannot be imported (orjson writes null, and the server
        then drops the whole line), so such samples are left out and logged.
        """
        if len(self._labels) > _MAX_CACHED_LABELS:
            self._labels = {}
        labels = self._labels
        # id() of a timestamps object -> its JSON; the objects live as long as `items`
        shared: dict[int, orjson.Fragment] = {}
        documents: list[dict[str, Any]] = []
        count = 0
        for key, points in items:
            values, timestamps = points.values, points.timestamps_ms
            if len(values) != len(timestamps):
                raise ValueError(f"{key}: {len(values)} values but {len(timestamps)} timestamps")
            if not values:
                continue
            metric = labels.get(key)
            if metric is None:
                metric = labels[key] = {"__name__": key.metric, **key.labels}
            written = shared.get(id(timestamps))
            if written is None:
                written = shared[id(timestamps)] = orjson.Fragment(orjson.dumps(timestamps))
            documents.append({"metric": metric, "values": values, "timestamps": written})
            count += len(values)
        text = orjson.dumps(documents)
        if b"null" in text:  # rare: take the slow path
            documents, count = _finite_documents(items, labels)
            text = orjson.dumps(documents)
        if not documents:
            return b"", 0
        return text[1:-1].replace(b'},{"metric"', b'}\n{"metric"') + b"\n", count


def _finite_documents(
    items: Items, labels: dict[SeriesKey, dict[str, str]]
) -> tuple[list[dict[str, Any]], int]:
    """The documents without NaN and infinite samples, and how many samples are left."""
    documents: list[dict[str, Any]] = []
    count = 0
    for key, points in items:
        pairs = [
            (t, v)
            for t, v in zip(points.timestamps_ms, points.values, strict=True)
            if math.isfinite(v)
        ]
        if dropped := len(points.values) - len(pairs):
            log.warning("%s: left out %d NaN or infinite samples", key, dropped)
        if pairs:
            documents.append(
                {
                    "metric": labels[key],
                    "values": [v for _, v in pairs],
                    "timestamps": [t for t, _ in pairs],
                }
            )
            count += len(pairs)
    return documents, count

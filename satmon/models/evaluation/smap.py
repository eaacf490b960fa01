"""NASA SMAP: each channel's model trained on its train split, its test split scored.

As Telemanom did: one model per channel, all 25 columns in (the telemetry value
and 24 command flags), the value forecast. Errors are taken on the value:
for the forecasters the one-step forecast error, for the VAE the reconstruction
error of the newest step. Each error stream is thresholded two ways:

- "dynamic": Telemanom's nonparametric dynamic thresholding (EWMA smoothing,
  threshold search over z, pruning), unsupervised on the test errors;
- "nominal": a fixed threshold calibrated on the channel's nominal data (the
  last 15 % of its train split, not used for fitting): the largest smoothed
  calibration error times a margin.

Scored per anomaly sequence (Telemanom's protocol) and per point with point
adjustment. No test label is used by either detector.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

from satmon.models.data import SmapChannel
from satmon.models.pipeline import TrainOptions, train_subsystem
from satmon.models.scoring import (
    DynamicThresholdConfig,
    PointCounts,
    SequenceCounts,
    Span,
    dynamic_threshold,
    point_adjusted_counts,
    runs,
    sequence_counts,
    smooth_errors,
    spans_to_mask,
)
from satmon.models.training import Normaliser
from satmon.serving.base import FloatArray
from satmon.serving.runtime import SubsystemRunner

SPLIT = (0.7, 0.15, 0.15)
NOMINAL_MARGIN = 1.2
BATCH = 2048
METHODS = ("dynamic", "nominal")


@dataclass(frozen=True, slots=True)
class ChannelResult:
    channel: str
    labelled: list[Span]
    predicted: dict[str, list[Span]]  # by thresholding method
    sequences: dict[str, SequenceCounts]
    points: dict[str, PointCounts]


def evaluate_channel(
    name: str, channel: SmapChannel, options: TrainOptions, workdir: Path
) -> ChannelResult:
    window = options.train.window
    train = channel.train
    cut = np.cumsum([int(f * len(train)) for f in SPLIT])
    parts = [[train[: cut[0]]], [train[cut[0] : cut[1]]], [train[cut[1] :]]]
    names = ["value", *(f"command_{i}" for i in range(1, train.shape[1]))]
    trained = train_subsystem(
        name, channel.channel, names, 1, parts, Normaliser.fit(parts[0]), workdir, options, None
    )
    session = ort.InferenceSession(
        str(workdir / trained.spec.onnx), providers=["CPUExecutionProvider"]
    )
    runner = SubsystemRunner(trained.spec, session)
    config = DynamicThresholdConfig(warmup=window)

    test_errors = value_errors(runner, channel.test)
    nominal_errors = value_errors(runner, parts[2][0])
    e_s = smooth_errors(test_errors, config)
    offset = window - 1  # error i belongs to test step i + window - 1
    dynamic = [
        (a + offset, b + offset)
        for a, b in dynamic_threshold(e_s, channel.test[offset:, 0], config)
    ]

    theta = float(smooth_errors(nominal_errors, config).max()) * NOMINAL_MARGIN
    above = runs(e_s > theta)
    nominal = [(a + offset, b + offset) for a, b in _join(above, config.error_buffer)]

    predicted = {"dynamic": dynamic, "nominal": nominal}
    labels = spans_to_mask(channel.anomalies, len(channel.test))
    return ChannelResult(
        channel=channel.channel,
        labelled=channel.anomalies,
        predicted=predicted,
        sequences={m: sequence_counts(p, channel.anomalies) for m, p in predicted.items()},
        points={
            m: point_adjusted_counts(spans_to_mask(p, len(channel.test)), labels)
            for m, p in predicted.items()
        },
    )


def value_errors(runner: SubsystemRunner, series: FloatArray) -> FloatArray:
    """|value - model's value| for each step that ends a full window, in the value's unit."""
    spec = runner.spec
    views = np.lib.stride_tricks.sliding_window_view(series, spec.window, axis=0)
    views = views.transpose(0, 2, 1)  # (N, W, 25)
    errors = []
    for i in range(0, len(views), BATCH):
        x = np.ascontiguousarray(views[i : i + BATCH])
        centre, spread = runner.normalisation(x)
        _, fitted_z = runner.infer((x - centre) / spread)
        fitted = fitted_z[:, -1, 0] * spread[:, 0, 0] + centre[:, 0, 0]
        errors.append(np.abs(x[:, -1, 0] - fitted))
    return np.concatenate(errors)


def _join(spans: list[Span], gap: int) -> list[Span]:
    joined: list[Span] = []
    for a, b in spans:
        if joined and a - joined[-1][1] <= gap:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    return [s for s in joined if s[1] > s[0]]


def evaluate_smap(
    name: str,
    channels: list[SmapChannel],
    options: TrainOptions,
    on_channel: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every channel, then the totals, for one architecture."""
    results = []
    with tempfile.TemporaryDirectory(prefix="satmon-smap-") as tmp:
        for channel in channels:
            if on_channel is not None:
                on_channel(channel.channel)
            results.append(evaluate_channel(name, channel, options, Path(tmp)))
    overall: dict[str, Any] = {}
    for method in METHODS:
        seq = sum((r.sequences[method] for r in results), SequenceCounts(0, 0, 0))
        pts = sum((r.points[method] for r in results), PointCounts(0, 0, 0))
        overall[method] = {
            "precision": seq.precision,
            "recall": seq.recall,
            "f0_5": seq.f_beta(0.5),
            "true_positives": seq.true_positives,
            "false_positives": seq.false_positives,
            "false_negatives": seq.false_negatives,
            "point_adjusted_f1": pts.f1,
        }
    return {
        "model": name,
        "channels": len(results),
        "overall": overall,
        "per_channel": {
            r.channel: {
                "labelled": r.labelled,
                **{
                    m: {
                        "predicted": r.predicted[m],
                        "true_positives": r.sequences[m].true_positives,
                        "false_positives": r.sequences[m].false_positives,
                        "false_negatives": r.sequences[m].false_negatives,
                        "point_adjusted_f1": r.points[m].f1,
                    }
                    for m in METHODS
                },
            }
            for r in results
        },
    }

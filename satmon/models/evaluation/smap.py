"""NASA SMAP: each channel's model trained on its train split, its test split scored.

As Telemanom did: one model per channel, all 25 columns in (the telemetry value
and 24 command flags), the value forecast. Errors are taken on the value (see
`error_streams`): every model's mean error of the forecasts made for each step,
and for the VAE also the reconstruction error of the newest step. Each error
stream is thresholded three ways, and a channel's detections by a method are the
union of its streams':

- "dynamic": Telemanom's nonparametric dynamic thresholding (EWMA smoothing,
  threshold search over z, pruning), unsupervised on the test errors, with its
  absolute floors (errors under 0.05 of the value's unit, or of its range, never
  flag), which were sized for the errors of Telemanom's own networks;
- "floored": the same search with the channel's nominal thresholds (below) as
  the bounds instead: errors no larger than the model makes on nominal data
  never flag, however small or large that is, and errors count as anomalously low
  (a channel that stops moving is easy to predict) only below the smallest it
  makes there, divided by the margin;
- "nominal": a fixed threshold calibrated on the channel's nominal data (the
  last 15 % of its train split, not used for fitting): the largest smoothed
  calibration error times a margin.

Each channel's errors are the mean of those of `NETWORKS` networks of the same
architecture trained with consecutive seeds: a single network's errors, and with
them its false alarms, vary with its seed more than the thresholds can absorb.

Scored per anomaly sequence (Telemanom's protocol) and per point with point
adjustment. No test label is used by any of the detectors.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort  # type: ignore[import-untyped]

from satmon.models.artifact import VAE
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
NOMINAL_MARGIN = 1.1
NETWORKS = 3
"""Networks per channel whose errors are averaged (seeds seed .. seed + NETWORKS - 1)."""
BATCH = 2048
METHODS = ("dynamic", "floored", "nominal")
VAE_KL_WEIGHT = 0.01
"""The VAE's KL weight on SMAP (`VAEConfig.beta`; 0.001 on the simulator). With
0.001 its false alarms on SMAP varied with the training seed far more than with
0.01 (docs/models.md, NASA SMAP)."""


@dataclass(frozen=True, slots=True)
class ChannelResult:
    channel: str
    labelled: list[Span]
    predicted: dict[str, list[Span]]  # by thresholding method
    sequences: dict[str, SequenceCounts]
    points: dict[str, PointCounts]

    @classmethod
    def scored(cls, channel: SmapChannel, predicted: dict[str, list[Span]]) -> ChannelResult:
        """The channel's detections by method, scored against its labels."""
        length = len(channel.test)
        labels = spans_to_mask(channel.anomalies, length)
        return cls(
            channel=channel.channel,
            labelled=channel.anomalies,
            predicted=predicted,
            sequences={m: sequence_counts(p, channel.anomalies) for m, p in predicted.items()},
            points={
                m: point_adjusted_counts(spans_to_mask(p, length), labels)
                for m, p in predicted.items()
            },
        )


def evaluate_channel(
    name: str,
    channel: SmapChannel,
    options: TrainOptions,
    workdir: Path,
    networks: int = NETWORKS,
) -> ChannelResult:
    parts = split_train(channel.train)
    members = [
        member_errors(name, channel, parts, options, options.train.seed + k, workdir)
        for k in range(networks)
    ]
    window = options.train.window
    config = DynamicThresholdConfig(warmup=window)
    offset = window - 1  # error i belongs to test step i + window - 1
    values = channel.test[offset:, 0]

    nominal = averaged([nominal for _, nominal in members])
    found: dict[str, list[Span]] = {m: [] for m in METHODS}
    for statistic, test_errors in averaged([test for test, _ in members]).items():
        detected = detect(test_errors, nominal[statistic], values, config)
        for method in METHODS:
            found[method] += detected[method]
    predicted = {
        m: [(a + offset, b + offset) for a, b in united(spans)] for m, spans in found.items()
    }
    return ChannelResult.scored(channel, predicted)


def member_errors(
    name: str,
    channel: SmapChannel,
    parts: list[FloatArray],
    options: TrainOptions,
    seed: int,
    workdir: Path,
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """One network trained on the channel's first part with `seed`: its error streams
    on the test split and on the nominal calibration part."""
    names = ["value", *(f"command_{i}" for i in range(1, channel.train.shape[1]))]
    seeded = replace(options, train=replace(options.train, seed=seed))
    trained = train_subsystem(
        name,
        channel.channel,
        names,
        1,
        [[part] for part in parts],
        Normaliser.fit([parts[0]]),
        workdir,  # the next member's ONNX file replaces this one once it is loaded
        training_options(name, seeded),
        None,
    )
    session = ort.InferenceSession(
        str(workdir / trained.spec.onnx), providers=["CPUExecutionProvider"]
    )
    runner = SubsystemRunner(trained.spec, session)
    return error_streams(runner, channel.test), error_streams(runner, parts[2])


def averaged(streams: list[dict[str, FloatArray]]) -> dict[str, FloatArray]:
    """The stepwise mean of several networks' error streams, by statistic."""
    return {
        statistic: np.mean([member[statistic] for member in streams], axis=0)
        for statistic in streams[0]
    }


def split_train(train: FloatArray) -> list[FloatArray]:
    """A channel's train split cut by `SPLIT`: fitting, validation (early stopping)
    and nominal calibration, in time order."""
    cut = np.cumsum([int(f * len(train)) for f in SPLIT])
    return [train[: cut[0]], train[cut[0] : cut[1]], train[cut[1] :]]


def training_options(name: str, options: TrainOptions) -> TrainOptions:
    """The options a channel's network of architecture `name` is trained with."""
    if name == VAE:
        return replace(options, network={**options.network, "beta": VAE_KL_WEIGHT})
    return options


def detect(
    test_errors: FloatArray,
    nominal_errors: FloatArray,
    values: FloatArray,
    config: DynamicThresholdConfig,
) -> dict[str, list[Span]]:
    """One error stream's anomalous sequences by each thresholding method (indices
    into the stream); `nominal_errors` are the same statistic on nominal data."""
    e_s = smooth_errors(test_errors, config)
    nominal = smooth_errors(nominal_errors, config)
    theta = float(nominal.max()) * NOMINAL_MARGIN
    floored = replace(
        config,
        min_error=0.0,
        min_error_share=0.0,
        error_floor=theta,
        quiet_ceiling=float(nominal.min()) / NOMINAL_MARGIN,
    )
    return {
        "dynamic": dynamic_threshold(e_s, values, config),
        "floored": dynamic_threshold(e_s, values, floored),
        "nominal": _join(runs(e_s > theta), config.error_buffer),
    }


def error_streams(runner: SubsystemRunner, series: FloatArray) -> dict[str, FloatArray]:
    """The model's absolute errors on the value at each step that ends a full
    window, in the value's unit, by statistic.

    "forecast": the mean absolute error of every forecast made for the step, 1 to
    `horizon` steps ahead (Telemanom's "mean" aggregation): after a jump a one-step
    forecaster catches up at once, its forecasts from before the jump stay wrong
    for the whole horizon. The VAE forecasts too, so it has this stream as well.
    "reconstruction" (the VAE only): the error of its reconstruction of the newest
    step. The two see different things: a window of an unusual shape or level
    reconstructs badly, a change the window did not announce is forecast badly.
    """
    spec = runner.spec
    views = np.lib.stride_tricks.sliding_window_view(series, spec.window, axis=0)
    views = views.transpose(0, 2, 1)  # (N, W, 25)
    fitted, forecasts = [], []
    for i in range(0, len(views), BATCH):
        x = np.ascontiguousarray(views[i : i + BATCH])
        centre, spread = runner.normalisation(x)
        forecast_z, fitted_z = runner.infer((x - centre) / spread)
        fitted.append(fitted_z[:, -1, 0] * spread[:, 0, 0] + centre[:, 0, 0])
        forecasts.append(forecast_z[:, :, 0] * spread[:, :, 0] + centre[:, :, 0])
    values: FloatArray = series[spec.window - 1 :, 0]
    newest: FloatArray = np.abs(values - np.concatenate(fitted))
    streams = {"forecast": mean_forecast_errors(values, np.concatenate(forecasts), newest)}
    if spec.kind != "forecast":
        streams["reconstruction"] = newest
    return streams


def mean_forecast_errors(values: FloatArray, forecast: FloatArray, first: FloatArray) -> FloatArray:
    """Per step i, the mean of |values[i] - forecast[i - k, k - 1]| over the forecasts
    made for it, k = 1 .. H steps ahead; `forecast` (N, H): row i forecasts steps
    i+1 .. i+H. Step 0 has none and takes `first`."""
    total, count = np.zeros(len(values)), np.zeros(len(values))
    for ahead in range(1, min(forecast.shape[1], len(values) - 1) + 1):
        total[ahead:] += np.abs(values[ahead:] - forecast[:-ahead, ahead - 1])
        count[ahead:] += 1
    errors: FloatArray = np.where(count > 0, total / np.maximum(count, 1), first)
    return errors


def united(spans: list[Span]) -> list[Span]:
    """The union of spans: overlapping or touching ones merged, in order."""
    merged: list[Span] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


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
    networks: int = NETWORKS,
) -> dict[str, Any]:
    """Every channel, then the totals, for one architecture."""
    results = []
    with tempfile.TemporaryDirectory(prefix="satmon-smap-") as tmp:
        for channel in channels:
            if on_channel is not None:
                on_channel(channel.channel)
            results.append(evaluate_channel(name, channel, options, Path(tmp), networks))
    return summarise(name, results, METHODS)


def summarise(name: str, results: list[ChannelResult], methods: tuple[str, ...]) -> dict[str, Any]:
    """A detector's totals over its channels by thresholding method, then each channel's."""
    overall: dict[str, Any] = {}
    for method in methods:
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
                    for m in methods
                },
            }
            for r in results
        },
    }

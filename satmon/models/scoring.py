"""Anomaly scoring: from model residuals to anomaly_score, numpy only.

Two uses, one meaning of the score (see satmon.serving.base):

- On a stream (evaluation, Telemanom's protocol): the errors of a forecasting
  model are smoothed with an EWMA and thresholded with nonparametric dynamic
  thresholding (Hundman et al., KDD 2018): a threshold ε = μ + zσ is searched
  over z per window of errors, sequences above it become anomalies, and minor
  peaks are pruned. `dynamic_threshold` returns the anomalous sequences.
- On one window (serving): each channel's residual statistic e is compared with
  a threshold θ calibrated on nominal data (`calibrate_thresholds`), giving the
  channel score e / (e + θ); the window's score is the largest channel score,
  and the channels at or above 0.5 are the ones that drove it (`attribute`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Span = tuple[int, int]  # inclusive [start, end] indices


def ewma(x: npt.ArrayLike, span: float, axis: int = 0) -> FloatArray:
    """Exponentially weighted mean along `axis`, as pandas' ewm(span).mean()
    (adjust=True: early values are weighted averages of what came before)."""
    values = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    decay = 1.0 - 2.0 / (span + 1.0)
    out = np.empty_like(values)
    numerator = np.zeros_like(values[0])
    denominator = 0.0
    for t in range(values.shape[0]):
        numerator = values[t] + decay * numerator
        denominator = 1.0 + decay * denominator
        out[t] = numerator / denominator
    return np.moveaxis(out, 0, axis)


def scores_from_ratio(error: npt.ArrayLike, threshold: npt.ArrayLike) -> FloatArray:
    """The documented anomaly_score e / (e + θ), elementwise; 0.5 is the threshold."""
    e = np.maximum(np.asarray(error, dtype=np.float64), 0.0)
    theta = np.asarray(threshold, dtype=np.float64)
    if np.any(theta <= 0):
        raise ValueError("thresholds must be positive")
    scores: FloatArray = e / (e + theta)
    return scores


# --- one window (serving) -------------------------------------------------------------


def window_statistic(residuals: FloatArray, kind: str, span: float, warmup: int) -> FloatArray:
    """Per-channel statistic of standardised residuals (..., W, C) -> (..., C).

    kind "forecast": the EWMA of |r| over the window's one-step residuals, at its
    last step (sustained error counts more than one noisy step).
    kind "reconstruction": the root mean square of r over the window.
    The first `warmup` steps are left out (a forecast there has little history).
    """
    r = residuals[..., warmup:, :]
    if kind == "forecast":
        # ewma(|r|)[-1] in closed form: weights decay^age over the weights' sum.
        decay = 1.0 - 2.0 / (span + 1.0)
        weights = decay ** np.arange(r.shape[-2] - 1, -1, -1, dtype=np.float64)
        smoothed: FloatArray = np.einsum("...tc,t->...c", np.abs(r), weights / weights.sum())
        return smoothed
    if kind == "reconstruction":
        rms: FloatArray = np.sqrt(np.einsum("...tc,...tc->...c", r, r) / r.shape[-2])
        return rms
    raise ValueError(f"unknown residual kind {kind!r}")


def calibrate_thresholds(
    statistics: FloatArray, quantile: float = 0.9999, margin: float = 1.25
) -> FloatArray:
    """Thresholds θ per channel from nominal window statistics (N, C).

    θ is the `quantile` of the nominal statistic times `margin`: nominal windows
    score below 0.5 with that probability and a little room, since the nominal
    data seen in training never covers every nominal state.
    """
    theta: FloatArray = np.quantile(statistics, quantile, axis=0) * margin
    return np.maximum(theta, 1e-6)


@dataclass(frozen=True, slots=True)
class Attribution:
    score: float
    detected: bool
    channel_scores: dict[str, float]
    anomaly_channels: list[str]  # channels at or above 0.5, highest score first


def attribute(channel_scores: FloatArray, channels: Sequence[str]) -> Attribution:
    """The window's score (the largest channel score) and the channels that drove it."""
    scores = {name: float(s) for name, s in zip(channels, channel_scores, strict=True)}
    top = max(scores.values()) if scores else 0.0
    driving = sorted((c for c, s in scores.items() if s >= 0.5), key=lambda c: -scores[c])
    return Attribution(
        score=top, detected=top >= 0.5, channel_scores=scores, anomaly_channels=driving
    )


# --- a stream: Telemanom's nonparametric dynamic thresholding -------------------------


@dataclass(frozen=True, slots=True)
class DynamicThresholdConfig:
    """Telemanom's published settings (config.yaml of the KDD 2018 release)."""

    batch_size: int = 70  # errors added per step of the threshold window
    window_size: int = 30  # batches of history a threshold is fitted on
    smoothing_perc: float = 0.05  # EWMA span, as a share of the history
    error_buffer: int = 100  # steps around an anomalous error joined to its sequence
    p: float = 0.13  # minimum relative drop between peaks kept by pruning
    sd_lim: float = 12.0  # largest z searched
    warmup: int = 250  # leading errors ignored in the first window (Telemanom's l_s)
    min_error: float = 0.05  # a window whose largest smoothed error is below it is skipped
    min_error_share: float = 0.05  # of the values' 5-95 % range: smaller errors never flag
    error_floor: float = 0.0  # smoothed errors at or below it never flag
    # Smoothed errors at or above it never flag as unusually low. Unset (inf), the
    # inverted errors are held to the floors above, as in Telemanom.
    quiet_ceiling: float = math.inf

    @property
    def smoothing_span(self) -> int:
        return int(self.batch_size * self.window_size * self.smoothing_perc)


def smooth_errors(errors: FloatArray, config: DynamicThresholdConfig) -> FloatArray:
    """EWMA-smoothed absolute errors; the first `warmup` set to their early mean."""
    e_s = ewma(np.abs(errors), config.smoothing_span)
    head = min(config.warmup, len(e_s))
    if head:
        e_s[:head] = np.mean(e_s[: 2 * head])
    return e_s


def dynamic_threshold(
    e_s: FloatArray, values: FloatArray, config: DynamicThresholdConfig | None = None
) -> list[Span]:
    """Anomalous sequences of a smoothed error stream e_s, aligned with `values`
    (the true values of the forecast channel, for Telemanom's scale checks).

    Each window of `window_size` batches fits ε (and ε of the inverted errors,
    since an unusually low error is anomalous too) and flags the sequences of
    its newest batch; flagged sequences whose peak is within p of the next lower
    peak are pruned. Sequences of a single index are dropped, as in Telemanom.
    """
    cfg = config or DynamicThresholdConfig()
    n = len(e_s)
    window_batches = cfg.window_size
    n_windows = (n - cfg.batch_size * window_batches) // cfg.batch_size
    while n_windows < 0 and window_batches > 1:
        window_batches -= 1
        n_windows = (n - cfg.batch_size * window_batches) // cfg.batch_size
    n_windows = max(n_windows, 0)
    ignore = cfg.warmup * 2 if n >= 2500 else cfg.warmup if n >= 1800 else 0

    flagged: BoolArray = np.zeros(n, dtype=bool)
    for w in range(n_windows + 1):
        start = w * cfg.batch_size
        end = n if w == n_windows else start + cfg.batch_size * window_batches
        window = e_s[start:end]
        y = values[start:end]
        found = _window_anomalies(window, y, w, ignore, flagged[start:end], cfg)
        flagged[start:end] |= found
    return [s for s in runs(flagged) if s[1] > s[0]]


def _window_anomalies(
    e_s: FloatArray,
    y: FloatArray,
    number: int,
    ignore: int,
    known: BoolArray,
    cfg: DynamicThresholdConfig,
) -> BoolArray:
    mean, sd = float(np.mean(e_s)), float(np.std(e_s))
    inverse = mean + (mean - e_s)
    found: BoolArray = np.zeros(len(e_s), dtype=bool)
    if sd == 0:
        return found
    p95, p5 = np.percentile(y, [95, 5])
    inter_range, sd_values = float(p95 - p5), float(np.std(y))
    # Telemanom skips a window whose errors are tiny next to the values' scale.
    share = cfg.min_error_share
    if not (sd > share * sd_values or e_s.max() > share * inter_range):
        return found
    floor = max(share * inter_range, cfg.error_floor)
    candidates: list[tuple[FloatArray, BoolArray]] = []
    if e_s.max() > max(cfg.min_error, cfg.error_floor):
        candidates.append((e_s, e_s > floor))
        if math.isinf(cfg.quiet_ceiling):
            candidates.append((inverse, inverse > floor))
    if not math.isinf(cfg.quiet_ceiling):
        candidates.append((inverse, (e_s < cfg.quiet_ceiling) & (inverse > share * inter_range)))
    for errors, allowed in candidates:
        epsilon = mean + sd * _best_z(errors, mean, sd, cfg)
        hits = (errors >= epsilon) & allowed
        if not hits.any():
            continue
        marked = _dilate(hits, cfg.error_buffer)
        newest: BoolArray = np.zeros_like(marked)
        if number == 0:
            newest[ignore:] = True
        else:
            newest[max(len(errors) - cfg.batch_size, 0) :] = True
        marked &= newest
        below = ~(marked | known)
        non_anomalous_max = float(errors[below].max()) if below.any() else 0.0
        found |= _prune(marked, errors, non_anomalous_max, cfg.p)
    return found


def _best_z(errors: FloatArray, mean: float, sd: float, cfg: DynamicThresholdConfig) -> float:
    """The z maximising Telemanom's (Δμ/μ + Δσ/σ) / (|sequences|² + |anomalous points|)."""
    best_z, best = cfg.sd_lim, -np.inf
    for z in np.arange(2.5, cfg.sd_lim, 0.5):
        epsilon = mean + sd * z
        above = errors >= epsilon
        if not above.any():
            continue
        kept = errors[~above]
        marked = _dilate(above, cfg.error_buffer - 1)
        points = int(marked.sum())
        sequences = sum(1 for s in runs(marked) if s[1] > s[0])
        mean_drop = (mean - kept.mean()) / mean if kept.size else 1.0
        sd_drop = (sd - kept.std()) / sd if kept.size else 1.0
        score = (mean_drop + sd_drop) / (sequences**2 + points)
        if score >= best and sequences <= 5 and points < len(errors) * 0.5:
            best, best_z = score, float(z)
    return best_z


def _prune(marked: BoolArray, errors: FloatArray, floor: float, p: float) -> BoolArray:
    """Drop sequences whose peak is within p (relative) of the next lower peak,
    counting down from the highest; the last peak is compared with `floor`, the
    highest error not flagged."""
    spans = [s for s in runs(marked) if s[1] > s[0]]
    if not spans:
        return np.zeros_like(marked)
    peaks = np.array([errors[a : b + 1].max() for a, b in spans])
    order = np.argsort(-peaks, kind="stable")
    ladder = np.append(peaks[order], floor)
    remove: list[int] = []
    for i in range(len(order)):
        if ladder[i] > 0 and (ladder[i] - ladder[i + 1]) / ladder[i] < p:
            remove.append(int(order[i]))
        else:
            remove = []
    keep: BoolArray = np.zeros_like(marked)
    for index, (a, b) in enumerate(spans):
        if index not in remove:
            keep[a : b + 1] = marked[a : b + 1]
    return keep


def _dilate(mask: BoolArray, radius: int) -> BoolArray:
    """Each True also marks the `radius` positions on either side."""
    if radius <= 0:
        return mask.copy()
    counts = np.convolve(mask.astype(np.int32), np.ones(2 * radius + 1, dtype=np.int32), "same")
    dilated: BoolArray = counts > 0
    return dilated


def runs(mask: BoolArray) -> list[Span]:
    """The [start, end] (inclusive) of each run of True."""
    padded = np.concatenate(([False], np.asarray(mask, dtype=bool), [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


# --- scoring detections against labels -------------------------------------------------


@dataclass(frozen=True, slots=True)
class SequenceCounts:
    """Telemanom's per-sequence counts: a label is found if any predicted sequence
    overlaps it; a predicted sequence overlapping no label is a false positive."""

    true_positives: int
    false_positives: int
    false_negatives: int

    def __add__(self, other: SequenceCounts) -> SequenceCounts:
        return SequenceCounts(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        labelled = self.true_positives + self.false_negatives
        return self.true_positives / labelled if labelled else 0.0

    def f_beta(self, beta: float) -> float:
        p, r = self.precision, self.recall
        if p + r == 0:
            return 0.0
        return (1 + beta**2) * p * r / (beta**2 * p + r)


def sequence_counts(predicted: Sequence[Span], labelled: Sequence[Span]) -> SequenceCounts:
    matched: set[int] = set()
    false_positives = 0
    for a, b in predicted:
        hits = [i for i, (la, lb) in enumerate(labelled) if a <= lb and la <= b]
        matched.update(hits)
        false_positives += not hits
    return SequenceCounts(len(matched), false_positives, len(labelled) - len(matched))


@dataclass(frozen=True, slots=True)
class PointCounts:
    true_positives: int
    false_positives: int
    false_negatives: int

    def __add__(self, other: PointCounts) -> PointCounts:
        return PointCounts(
            self.true_positives + other.true_positives,
            self.false_positives + other.false_positives,
            self.false_negatives + other.false_negatives,
        )

    @property
    def f1(self) -> float:
        tp = self.true_positives
        denominator = 2 * tp + self.false_positives + self.false_negatives
        return 2 * tp / denominator if denominator else 0.0


def point_adjusted_counts(predicted: BoolArray, labels: BoolArray) -> PointCounts:
    """Point-wise counts after point adjustment: a labelled segment with any
    flagged point counts as wholly flagged (known to inflate scores)."""
    adjusted = predicted.copy()
    for a, b in runs(labels):
        if predicted[a : b + 1].any():
            adjusted[a : b + 1] = True
    tp = int(np.sum(adjusted & labels))
    return PointCounts(tp, int(np.sum(adjusted & ~labels)), int(np.sum(~adjusted & labels)))


def spans_to_mask(spans: Sequence[Span], length: int) -> BoolArray:
    mask: BoolArray = np.zeros(length, dtype=bool)
    for a, b in spans:
        mask[max(a, 0) : min(b, length - 1) + 1] = True
    return mask

"""holt_linear_baseline: Holt's linear-trend smoothing with a robust residual test.

A statistical reference point, not one of the deep models: each channel is
smoothed with Holt's method (level + trend), its smoothing constants picked from
a small grid by one-step-ahead error on the window; the forecast carries Holt's
prediction interval. The anomaly statistic of a channel is the largest recent
one-step error in units of the robust spread (MAD) of the earlier errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from satmon.serving.base import FloatArray, ModelInfo, Prediction, WindowInput, score_from_ratio

NAME = "holt_linear_baseline"


@dataclass(frozen=True, slots=True)
class HoltBaselineConfig:
    alphas: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0)
    betas: tuple[float, ...] = (0.0, 0.1, 0.3)
    recent_steps: int = 3  # errors tested against the spread of the ones before
    threshold: float = 6.0  # robust z of a recent error at which a channel is anomalous
    band_z: float = 1.96  # 95 % prediction interval
    relative_floor: float = 1e-3  # spread floor, relative to the channel's magnitude


class HoltLinearBaseline:
    """Stateless: every call fits the window it is given."""

    name = NAME

    def __init__(self, config: HoltBaselineConfig | None = None) -> None:
        self.config = config or HoltBaselineConfig()
        grid = np.array([(a, b) for a in self.config.alphas for b in self.config.betas])
        self._alpha = grid[:, 0][:, None]  # (grid, 1)
        self._beta = grid[:, 1][:, None]

    def info(self) -> ModelInfo:
        return ModelInfo(
            name=NAME,
            version="1",
            ready=True,
            description="Holt linear-trend smoothing with a robust one-step residual test",
        )

    def predict(self, inputs: Sequence[WindowInput]) -> list[Prediction]:
        return [self._predict_one(window) for window in inputs]

    def _predict_one(self, window: WindowInput) -> Prediction:
        values = np.asarray(window.values, dtype=np.float64)  # (steps, channels)
        if values.ndim != 2 or values.shape[0] < 3:
            raise ValueError("a window needs at least 3 steps of (steps, channels) values")
        forecasts, lowers, uppers, scores = [], [], [], {}
        for c, channel in enumerate(window.channels):
            mean, lower, upper, statistic = self._channel(values[:, c], window.horizon)
            forecasts.append(mean)
            lowers.append(lower)
            uppers.append(upper)
            scores[channel] = score_from_ratio(statistic, self.config.threshold)
        anomalous = sorted((ch for ch, s in scores.items() if s >= 0.5), key=lambda ch: -scores[ch])
        subsystem_score = max(scores.values()) if scores else 0.0
        return Prediction(
            forecast=np.stack(forecasts, axis=1),
            lower=np.stack(lowers, axis=1),
            upper=np.stack(uppers, axis=1),
            anomaly_score=subsystem_score,
            anomaly_detected=subsystem_score >= 0.5,
            channel_scores=scores,
            anomaly_channels=anomalous,
        )

    def _channel(
        self, series: FloatArray, horizon: int
    ) -> tuple[FloatArray, FloatArray, FloatArray, float]:
        alpha, beta = self._alpha, self._beta
        n = series.shape[0]
        level = np.full((alpha.shape[0], 1), series[0])
        trend = np.full_like(level, series[1] - series[0])
        errors = np.empty((alpha.shape[0], n - 1))
        for t in range(1, n):  # all grid points at once, one time step per iteration
            predicted = level + trend
            errors[:, t - 1] = series[t] - predicted[:, 0]
            new_level = alpha * series[t] + (1 - alpha) * predicted
            trend = beta * (new_level - level) + (1 - beta) * trend
            level = new_level
        best = int(np.argmin(np.sum(errors[:, 1:] ** 2, axis=1)))
        a, b = float(alpha[best, 0]), float(beta[best, 0])
        residuals = errors[best]

        steps = np.arange(1, horizon + 1, dtype=np.float64)
        mean = level[best, 0] + steps * trend[best, 0]
        sigma = self._spread(residuals, series)
        # Holt's h-step variance factor (Hyndman & Athanasopoulos, ETS(A,A,N)).
        growth = 1 + (steps - 1) * a**2 * (1 + steps * b + steps * (2 * steps - 1) * b**2 / 6)
        half_width = self.config.band_z * sigma * np.sqrt(growth)

        recent = self.config.recent_steps
        reference = residuals[:-recent] if residuals.shape[0] > recent + 2 else residuals
        scale = self._spread(reference, series)
        statistic = float(np.max(np.abs(residuals[-recent:]))) / scale
        return mean, mean - half_width, mean + half_width, statistic

    def _spread(self, residuals: FloatArray, series: FloatArray) -> float:
        mad = float(np.median(np.abs(residuals - np.median(residuals)))) * 1.4826
        floor = self.config.relative_floor * (float(np.mean(np.abs(series))) + 1.0)
        return max(mad, floor)

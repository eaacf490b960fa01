"""Forecast accuracy on held-out nominal simulator data: MAE, RMSE and MASE.

Windows of `window` steps of history and `horizon` steps to forecast are drawn
from data the models never saw. Every forecaster gets the same history: the
trained models, the last value (the naive forecast), and statsforecast's
AutoETS fitted per channel on the window. MASE divides a channel's MAE by the
mean absolute one-step change of that channel over the whole held-out series
(the naive forecast's in-sample error); a subsystem's figure is the mean over
its channels, so MASE < 1 beats the one-step naive forecast's typical error.
A channel that does not change at its reported precision in most steps
(altitude to the metre and speed to 0.1 m/s, at 1 s steps) has no meaningful
naive scale: it is left out of MASE and reported by its MAE in its unit only.
So are inputs derived on the ground (the comm networks' station flag):
they are not telemetry.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from statsforecast.models import AutoETS

from satmon.models.data import Streams
from satmon.models.training import sample_windows
from satmon.serving.base import FloatArray
from satmon.telemetry.derived import DERIVED_INPUTS

Forecaster = Callable[[str, FloatArray, int], FloatArray]
"""(subsystem, histories (N, W, C), horizon) -> forecasts (N, H, C)."""


@dataclass(frozen=True, slots=True)
class ForecastScores:
    mase: float  # mean over channels of MAE / naive scale
    rmsse: float  # mean over channels of RMSE / naive scale
    mae: dict[str, float]  # per channel, in the channel's unit
    rmse: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        return {"mase": self.mase, "rmsse": self.rmsse, "mae": self.mae, "rmse": self.rmse}


def naive_scale(streams: Streams, subsystem: str) -> FloatArray:
    """Mean absolute one-step change per channel over all of a subsystem's series;
    NaN for a channel that stays unchanged in most steps or is derived."""
    diffs = np.concatenate([np.abs(np.diff(s, axis=0)) for s in streams.series[subsystem]])
    derived = np.isin(streams.channels[subsystem], DERIVED_INPUTS.get(subsystem, ()))
    moving = (np.mean(diffs > 0, axis=0) >= 0.5) & ~derived
    scale: FloatArray = np.where(moving, diffs.mean(axis=0), np.nan)
    return scale


def scores(
    forecast: FloatArray, truth: FloatArray, scale: FloatArray, channels: list[str]
) -> ForecastScores:
    error = forecast - truth  # (N, H, C)
    mae = np.mean(np.abs(error), axis=(0, 1))
    rmse = np.sqrt(np.mean(error**2, axis=(0, 1)))
    return ForecastScores(
        mase=float(np.nanmean(mae / scale)),
        rmsse=float(np.nanmean(rmse / scale)),
        mae=dict(zip(channels, mae.tolist(), strict=True)),
        rmse=dict(zip(channels, rmse.tolist(), strict=True)),
    )


def last_value(_: str, history: FloatArray, horizon: int) -> FloatArray:
    return np.repeat(history[:, -1:], horizon, axis=1)


def auto_ets(_: str, history: FloatArray, horizon: int) -> FloatArray:
    """statsforecast's AutoETS per window and channel (non-seasonal); a fit that
    fails falls back to the last value."""
    out = np.empty((history.shape[0], horizon, history.shape[2]))
    for i in range(history.shape[0]):
        for c in range(history.shape[2]):
            y = history[i, :, c]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    fitted = AutoETS(season_length=1).fit(y)
                    out[i, :, c] = fitted.predict(h=horizon)["mean"]
            except Exception:
                out[i, :, c] = y[-1]
    return out


def evaluate_forecasts(
    streams: Streams,
    forecasters: dict[str, Forecaster],
    window: int,
    horizon: int,
    windows_per_subsystem: int,
    seed: int,
    on_progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Per subsystem, each forecaster's scores on the same held-out windows."""
    rng = np.random.default_rng(seed)
    results: dict[str, Any] = {}
    for subsystem, series in streams.series.items():
        sample = sample_windows(series, window + horizon, windows_per_subsystem, rng)
        history, truth = sample[:, :window], sample[:, window:]
        scale = naive_scale(streams, subsystem)
        results[subsystem] = {}
        for name, forecaster in forecasters.items():
            if on_progress is not None:
                on_progress(f"{subsystem}: {name}")
            forecast = forecaster(subsystem, history, horizon)
            results[subsystem][name] = scores(
                forecast, truth, scale, streams.channels[subsystem]
            ).to_dict()
    return results

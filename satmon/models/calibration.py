"""Calibration of an exported network on nominal data it was not trained on.

Runs the ONNX session through the serving runtime's own normalisation, so the
scales and thresholds fit exactly what serving computes:
- residual_scale: RMS of the residuals (one-step forecast or reconstruction) per
  channel, so residuals are in units of their nominal size;
- forecast_scale: RMS of the forecast error per horizon step and channel (the band);
- thresholds: per channel, from the nominal distribution of the window statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from satmon.models.artifact import SubsystemSpec
from satmon.models.scoring import calibrate_thresholds, window_statistic
from satmon.models.training import CLIP, sliding_windows
from satmon.serving.base import FloatArray
from satmon.serving.runtime import SubsystemRunner

BATCH = 4096


@dataclass(frozen=True, slots=True)
class CalibrationConfig:
    quantile: float = 1.0  # of the nominal statistic; 1.0 is its maximum
    margin: float = 1.2
    stride: int = 1
    span: float = 5.0  # EWMA span of the forecast statistic
    warmup: int = 4


def calibrate(
    spec: SubsystemSpec,
    session: object,
    series: Sequence[FloatArray],
    config: CalibrationConfig,
) -> SubsystemSpec:
    """The spec with residual and forecast scales, thresholds and metrics filled in."""
    ones, t = spec.targets, spec.targets
    provisional = replace(
        spec,
        residual_scale=[1.0] * ones,
        forecast_scale=[[1.0] * ones] * spec.horizon,
        thresholds=[1.0] * ones,
        span=config.span,
        warmup=config.warmup if spec.kind == "forecast" else 0,
    )
    runner = SubsystemRunner(provisional, session)
    windows = sliding_windows(series, spec.window + spec.horizon, config.stride)
    residuals, errors = [], []
    for i in range(0, len(windows), BATCH):
        chunk = windows[i : i + BATCH]
        history, future = chunk[:, : spec.window], chunk[:, spec.window :]
        centre, spread = runner.normalisation(history)
        forecast_z, fitted_z = runner.infer((history - centre) / spread)
        residuals.append(((history - centre) / spread)[..., :t] - fitted_z)
        errors.append(((future - centre) / spread)[..., :t] - forecast_z)
    if spec.normalisation == "window":
        # As in training: a flat history scaled by its tiny spread must not let one
        # jump (sunrise on a solar array) dominate the scales.
        residuals = [np.clip(r, -CLIP, CLIP) for r in residuals]
        errors = [np.clip(e, -CLIP, CLIP) for e in errors]
    r = np.concatenate(residuals)  # (N, W, C)
    e = np.concatenate(errors)  # (N, H, C)
    warm = provisional.warmup
    residual_scale = np.maximum(np.sqrt(np.mean(r[:, warm:] ** 2, axis=(0, 1))), 1e-3)
    forecast_scale = np.sqrt(np.mean(e**2, axis=0))  # (H, C)
    statistic = window_statistic(r / residual_scale, spec.kind, config.span, warm)
    thresholds = calibrate_thresholds(statistic, config.quantile, config.margin)
    return replace(
        provisional,
        residual_scale=residual_scale.tolist(),
        forecast_scale=forecast_scale.tolist(),
        thresholds=thresholds.tolist(),
        metrics={
            "calibration_windows": float(len(windows)),
            "forecast_rmse_normalised": float(np.sqrt(np.mean(e**2))),
            "one_step_rmse_normalised": float(np.sqrt(np.mean(r[:, warm:] ** 2))),
            "statistic_p99": float(np.quantile(statistic, 0.99)),
            "statistic_max": float(statistic.max()),
        },
    )

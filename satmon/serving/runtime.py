"""Running an exported model: pre-processing, ONNX Runtime, post-processing.

The one implementation both servers use: the in-process `OnnxModel` and
Triton's python backend (`triton_backend`), so the same window gives the same
forecast and score on either. Needs numpy and onnxruntime only.

Per window: fitted to the trained length (the newest `window` steps; a shorter
window is extended backwards along its straight-line trend), normalised (the
training mean and spread, or the window's own for the univariate `series`
model), run,
then the forecast is de-normalised with a band of ±1.96 nominal forecast errors,
and each channel's residual statistic is scored against its calibrated
threshold: score = e / (e + θ). A horizon longer than the trained one is
forecast recursively, the forecast fed back as history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort  # type: ignore[import-untyped]

from satmon.models.artifact import SERIES, Metadata, SubsystemSpec, read_metadata
from satmon.models.scoring import attribute, window_statistic
from satmon.serving.base import FloatArray, ModelInfo, Prediction, WindowInput

BAND_Z = 1.96
_MIN_SPREAD = 1e-6

Float32Array = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Output:
    """One window's result in plain arrays (what Triton returns)."""

    forecast: FloatArray  # (horizon, targets)
    lower: FloatArray
    upper: FloatArray
    channel_scores: FloatArray  # (targets,)


class SubsystemRunner:
    """One subsystem's ONNX session with its pre- and post-processing."""

    def __init__(self, spec: SubsystemSpec, session: object) -> None:
        self.spec = spec
        self._session = session
        self._mean = np.asarray(spec.mean, dtype=np.float64)
        self._std = np.asarray(spec.std, dtype=np.float64)
        self._residual_scale = np.asarray(spec.residual_scale, dtype=np.float64)
        self._forecast_scale = np.asarray(spec.forecast_scale, dtype=np.float64)  # (H, C)
        self._thresholds = np.asarray(spec.thresholds, dtype=np.float64)
        if np.any(self._thresholds <= 0):
            raise ValueError(f"{spec.subsystem}: thresholds must be positive")

    def run(self, windows: Sequence[FloatArray], horizons: Sequence[int]) -> list[Output]:
        spec = self.spec
        if min(horizons) < 1:
            raise ValueError("horizon must be at least 1")
        x = np.stack([self._fit_length(np.asarray(w, dtype=np.float64)) for w in windows])
        centre, spread = self.normalisation(x)  # 2 x (N, 1, C)
        z = (x - centre) / spread  # (N, W, C)
        forecast_z, fitted_z = self.infer(z)  # (N, H, T), (N, W, T): T targets
        scores = self.channel_scores(z, fitted_z)  # (N, T)

        t = spec.targets
        longest = max(horizons)
        forecast_z, scale_z = self._extend(z, forecast_z, longest)  # (N, h, T), (h, T)
        forecast = forecast_z * spread[..., :t] + centre[..., :t]
        half_band = BAND_Z * scale_z * spread[..., :t]  # (N or 1, h, T)
        lower, upper = forecast - half_band, forecast + half_band
        return [
            Output(
                forecast=forecast[i, :h],
                lower=lower[i, :h],
                upper=upper[i, :h],
                channel_scores=scores[i],
            )
            for i, h in enumerate(horizons)
        ]

    def channel_scores(self, z: FloatArray, fitted_z: FloatArray) -> FloatArray:
        """Scores e / (e + θ) per window and target channel (N, T), from the
        normalised windows (N, W, C) and the network's fitted values (N, W, T)."""
        spec = self.spec
        residuals = (z[..., : spec.targets] - fitted_z) / self._residual_scale  # (N, W, T)
        statistic = window_statistic(residuals, spec.kind, spec.span, spec.warmup)  # (N, T)
        e = np.maximum(statistic, 0.0)
        scores: FloatArray = e / (e + self._thresholds)  # scores_from_ratio, θ checked once
        return scores

    def score_windows(self, x: FloatArray) -> FloatArray:
        """Channel scores of windows already of the trained length (N, W, C) -> (N, T):
        the anomaly part of `run` alone, for evaluating long streams."""
        centre, spread = self.normalisation(x)
        z = (x - centre) / spread
        return self.channel_scores(z, self.infer(z)[1])

    def _fit_length(self, window: FloatArray) -> FloatArray:
        spec = self.spec
        if window.ndim != 2 or window.shape[1] != len(spec.channels):
            raise ValueError(
                f"{spec.subsystem}: expected a window of shape (steps, {len(spec.channels)}) "
                f"for channels {spec.channels}, got {window.shape}"
            )
        if window.shape[0] == 0 or not np.isfinite(window).all():
            raise ValueError(f"{spec.subsystem}: the window is empty or not finite")
        steps = window.shape[0]
        if steps >= spec.window:
            return window[-spec.window :]
        # Padded by the window's own straight-line trend run backwards: a flat pad in
        # front of a ramp would look like a kink no nominal window has.
        t = np.arange(steps, dtype=np.float64)
        slope = np.polyfit(t, window, 1)[0] if steps > 1 else np.zeros(window.shape[1])
        level = window.mean(axis=0) - slope * t.mean()
        before = np.arange(steps - spec.window, 0, dtype=np.float64)[:, None]
        return np.concatenate([level + slope * before, window])

    def normalisation(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.spec.normalisation == "global":
            return self._mean[None, None], self._std[None, None]
        centre = x.mean(axis=1, keepdims=True)
        spread = x.std(axis=1, keepdims=True)
        floor = 1e-3 * np.abs(centre) + _MIN_SPREAD
        return centre, np.maximum(spread, floor)

    def infer(self, z: FloatArray) -> tuple[FloatArray, FloatArray]:
        forecast, fitted = self._session.run(  # type: ignore[attr-defined]
            ["forecast", "fitted"], {"x": z.astype(np.float32)}
        )
        return forecast.astype(np.float64), fitted.astype(np.float64)

    def _extend(
        self, z: FloatArray, forecast_z: FloatArray, steps: int
    ) -> tuple[FloatArray, FloatArray]:
        """The forecast (and its error scale) out to `steps`, recursively if needed."""
        trained = self.spec.horizon
        scale = self._forecast_scale
        if steps <= trained:
            return forecast_z[:, :steps], scale[:steps]
        parts, history, produced = [forecast_z], z, trained
        if produced < steps and self.spec.targets < len(self.spec.channels):
            raise ValueError(
                f"{self.spec.subsystem}: forecasts only {trained} steps (its inputs include "
                "channels it does not forecast)"
            )
        while produced < steps:
            history = np.concatenate([history, parts[-1]], axis=1)[:, -self.spec.window :]
            parts.append(self.infer(history)[0])
            produced += trained
        if produced > trained:
            # Errors of fed-back forecasts grow like a random walk of the last step's error.
            k = np.arange(trained + 1, produced + 1, dtype=np.float64)[:, None]
            scale = np.concatenate([scale, scale[-1:] * np.sqrt(k / trained)])
        return np.concatenate(parts, axis=1)[:, :steps], scale[:steps]


class ModelRunner:
    """All subsystems of one model version; runs a batch grouped by subsystem."""

    def __init__(self, metadata: Metadata, runners: dict[str, SubsystemRunner]) -> None:
        self.metadata = metadata
        self.runners = runners

    @classmethod
    def load(cls, version_dir: Path, threads: int = 1) -> ModelRunner:
        metadata = read_metadata(version_dir)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        runners = {
            name: SubsystemRunner(
                spec,
                ort.InferenceSession(
                    str(version_dir / spec.onnx), options, providers=["CPUExecutionProvider"]
                ),
            )
            for name, spec in metadata.subsystems.items()
        }
        return cls(metadata, runners)

    def runner_for(self, subsystem: str, channels: int) -> SubsystemRunner:
        runner = self.runners.get(subsystem)
        if runner is None and channels == 1 and SERIES in self.runners:
            runner = self.runners[SERIES]  # a single series of an unknown subsystem
        if runner is None:
            known = ", ".join(sorted(self.runners))
            raise ValueError(
                f"{self.metadata.model} has no network for subsystem {subsystem!r} ({known})"
            )
        return runner

    def run(
        self, subsystems: Sequence[str], windows: Sequence[FloatArray], horizons: Sequence[int]
    ) -> list[Output]:
        """One Output per window, in order; one session call per subsystem."""
        groups: dict[str, list[int]] = defaultdict(list)
        for i, (subsystem, window) in enumerate(zip(subsystems, windows, strict=True)):
            runner = self.runner_for(subsystem, np.shape(window)[-1])
            groups[runner.spec.subsystem].append(i)
        outputs: list[Output | None] = [None] * len(windows)
        for name, indices in groups.items():
            results = self.runners[name].run(
                [windows[i] for i in indices], [horizons[i] for i in indices]
            )
            for i, result in zip(indices, results, strict=True):
                outputs[i] = result
        return [o for o in outputs if o is not None]


def to_prediction(output: Output, channels: Sequence[str]) -> Prediction:
    """The serving port's Prediction of one window, with its attribution."""
    found = attribute(output.channel_scores, list(channels)[: len(output.channel_scores)])
    return Prediction(
        forecast=output.forecast,
        lower=output.lower,
        upper=output.upper,
        anomaly_score=found.score,
        anomaly_detected=found.detected,
        channel_scores=found.channel_scores,
        anomaly_channels=found.anomaly_channels,
    )


class OnnxModel:
    """A trained model run in this process: the LocalModel of the in-process server."""

    def __init__(self, runner: ModelRunner) -> None:
        self.runner = runner
        self.name = runner.metadata.model

    @classmethod
    def load(cls, version_dir: Path, threads: int = 1) -> OnnxModel:
        return cls(ModelRunner.load(version_dir, threads))

    def info(self) -> ModelInfo:
        meta = self.runner.metadata
        return ModelInfo(
            name=meta.model, version=str(meta.version), ready=True, description=meta.description
        )

    def predict(self, inputs: Sequence[WindowInput]) -> list[Prediction]:
        outputs = self.runner.run(
            [w.subsystem for w in inputs], [w.values for w in inputs], [w.horizon for w in inputs]
        )
        return [to_prediction(o, w.channels) for o, w in zip(outputs, inputs, strict=True)]

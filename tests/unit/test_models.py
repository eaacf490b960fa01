"""The three networks on CPU: shapes, causality, a short fit, trend extrapolation, ONNX
export and training determinism (these need the `train` dependency group: torch)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from satmon.models import networks
from satmon.models.artifact import LSTM, MODEL_NAMES, TRANSFORMER, VAE
from satmon.models.changes import asinh, with_changes
from satmon.models.training import (
    TrainConfig,
    evaluate_loss,
    fit,
    sample_windows,
    seed_everything,
    transition_weights,
)
from satmon.models.vae import VAEConfig

pytestmark = pytest.mark.unit

W, H, C = 20, 10, 3


def _model(name: str, inputs: int = C, targets: int = C) -> networks.Network:
    seed_everything(0, 1)
    return networks.build(name, networks.make_config(name, inputs, targets, W, H)).eval()


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_forward_shapes_on_cpu(name: str) -> None:
    model = _model(name)
    x = torch.randn(4, W, C)
    with torch.no_grad():
        out = model(x)
    if name == VAE:
        decoded, mu, logvar = out
        assert decoded.shape == (4, W + H, C)
        assert mu.shape == logvar.shape == (4, 32)
    else:
        assert out.shape == (4, W, H, C)
    forecast, fitted = networks.Exported(model)(x)
    assert forecast.shape == (4, H, C)
    assert fitted.shape == (4, W, C)


@pytest.mark.parametrize("name", [LSTM, TRANSFORMER])
def test_forecasters_are_causal(name: str) -> None:
    model = _model(name)
    x = torch.randn(2, W, C)
    changed = x.clone()
    changed[:, 12:] += 5.0
    with torch.no_grad():
        before, after = model(x), model(changed)
    torch.testing.assert_close(before[:, :12], after[:, :12])
    assert not torch.allclose(before[:, 12:], after[:, 12:])


def test_a_forecaster_can_forecast_fewer_channels_than_it_reads() -> None:
    model = _model(LSTM, inputs=5, targets=1)
    forecast, fitted = networks.Exported(model)(torch.randn(2, W, 5))
    assert forecast.shape == (2, H, 1)
    assert fitted.shape == (2, W, 1)


def _sine_windows(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(W + H)[None, :, None] + rng.uniform(0, 100, (count, 1, 1))
    phase = np.arange(C)[None, None, :]
    return np.sin(t / 4.0 + phase) + rng.normal(0, 0.05, (count, W + H, C))


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_a_short_fit_lowers_the_validation_loss(name: str) -> None:
    model = _model(name)
    config = TrainConfig(window=W, horizon=H, epochs=4, batch_size=64, threads=1)
    train, val = _sine_windows(512, 1), _sine_windows(128, 2)
    result = fit(model, train, val, config)
    first_val = result.history[0][1]
    assert result.val_loss <= first_val
    untrained = _model(name)
    untrained.step.copy_(result.model.step)  # the same units of forecast error
    assert result.val_loss < evaluate_loss(untrained, torch.as_tensor(val, dtype=torch.float32), 64)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_onnx_export_matches_torch(name: str, tmp_path: Path) -> None:
    model = _model(name)
    path = tmp_path / "net.onnx"
    networks.export_onnx(model, path)
    x = np.random.default_rng(3).normal(size=(7, W, C)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    forecast, fitted = session.run(["forecast", "fitted"], {"x": x})
    with torch.no_grad():
        want_forecast, want_fitted = networks.Exported(model)(torch.as_tensor(x))
    np.testing.assert_allclose(forecast, want_forecast.numpy(), atol=1e-5)
    np.testing.assert_allclose(fitted, want_fitted.numpy(), atol=1e-5)


def test_checkpoints_carry_their_config() -> None:
    model = _model(TRANSFORMER)
    restored = networks.from_checkpoint(networks.checkpoint(TRANSFORMER, model))
    assert restored.config == model.config
    x = torch.randn(2, W, C)
    with torch.no_grad():
        torch.testing.assert_close(restored(x), model(x))


def test_training_is_deterministic_under_a_seed() -> None:
    config = TrainConfig(window=W, horizon=H, epochs=2, batch_size=64, threads=1, seed=11)
    train, val = _sine_windows(256, 4), _sine_windows(64, 5)
    weights = []
    for _ in range(2):
        result = fit(_model(LSTM), train, val, config)
        weights.append([p.detach().clone() for p in result.model.parameters()])
    for a, b in zip(*weights, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_transition_sampling_draws_the_rare_jump_without_losing_the_uniform_share() -> None:
    """40 jumps in 20,000 steps of noise (like passes beginning and ending): a
    twentieth of uniform draws hold one; with half the windows drawn by their
    largest change, most of that half do."""
    rng = np.random.default_rng(0)
    series = rng.normal(0.0, 1.0, (20_000, 2))
    series[:, 1] += 40.0 * ((np.arange(20_000) // 500) % 2)  # a jump every 500 steps
    length = 30

    def with_jump(share: float) -> float:
        windows = sample_windows([series], length, 2_000, np.random.default_rng(1), share)
        assert windows.shape == (2_000, length, 2)
        jumped = np.abs(np.diff(windows[:, :, 1], axis=1)).max(axis=1) > 20.0
        return float(np.mean(jumped))

    assert with_jump(0.0) < 0.1
    assert with_jump(0.5) > 0.4
    weights = transition_weights([series], length)
    assert weights.shape == (20_000 - length + 1,)
    assert (np.argmax(weights) + length - 1) % 500 < length  # a window holding a jump


def test_the_change_inputs_are_each_steps_change_in_units_of_the_typical_step() -> None:
    ramp = torch.arange(W, dtype=torch.float32)[None, :, None] * torch.tensor([0.5, -2.0, 0.0])
    step = torch.tensor([0.5, 1.0])  # the first two channels are targets
    out = with_changes(ramp, step)
    assert out.shape == (1, W, C + 2)
    torch.testing.assert_close(out[..., :C], ramp)
    torch.testing.assert_close(out[0, 0, C:], torch.zeros(2))
    torch.testing.assert_close(out[0, 1:, C], torch.full((W - 1,), math.asinh(1.0)))
    torch.testing.assert_close(out[0, 1:, C + 1], torch.full((W - 1,), math.asinh(-2.0)))
    x = torch.tensor([-1e6, -3.0, -1e-3, 0.0, 2.0, 5e4])
    torch.testing.assert_close(asinh(x), torch.asinh(x))


def _slow_ramps(count: int, seed: int) -> np.ndarray:
    """Levels spread over the normalised range, each moving by a thousandth of
    it per step (a solar array turning towards the sun)."""
    rng = np.random.default_rng(seed)
    t = np.arange(W + H)[None, :, None]
    level = rng.uniform(-2.0, 2.0, (count, 1, C))
    slope = rng.uniform(-2e-3, 2e-3, (count, 1, C))
    return level + slope * t + rng.normal(0.0, 1e-5, (count, W + H, C))


@pytest.mark.parametrize("name", [LSTM, TRANSFORMER])
def test_a_forecaster_extrapolates_a_slow_trend(name: str) -> None:
    """The last value is off by up to ten steps' change; from the change inputs a
    short fit learns to carry the trend on (without them, it does no better than
    the last value)."""
    config = TrainConfig(window=W, horizon=H, epochs=10, batch_size=64, threads=1)
    train, val = _slow_ramps(2048, 6), _slow_ramps(256, 7)
    model = fit(_model(name), train, val, config).model
    with torch.no_grad():
        forecast, _ = networks.Exported(model)(torch.as_tensor(val[:, :W], dtype=torch.float32))
    truth = val[:, W:]
    model_error = np.abs(forecast.numpy() - truth).mean()
    last_value_error = np.abs(val[:, W - 1 : W] - truth).mean()
    assert model_error < 0.5 * last_value_error


def test_a_config_takes_other_fields_of_its_architecture_and_refuses_unknown_ones() -> None:
    config = networks.make_config(VAE, C, C, W, H, {"beta": 0.05})
    assert isinstance(config, VAEConfig) and config.beta == 0.05
    with pytest.raises(TypeError, match="beta"):
        networks.make_config(LSTM, C, C, W, H, {"beta": 0.05})

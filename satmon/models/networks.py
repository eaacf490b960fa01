"""The three architectures by name, their losses and their ONNX export (torch).

Every network exports the same signature, so one serving runtime runs all three:

    x        (batch, window, channels)    normalised window, float32
    forecast (batch, horizon, channels)   the next `horizon` steps, normalised
    fitted   (batch, window, channels)    the model's value for each window step:
                                          forecasters: the one-step forecast made
                                          from the step before (step 0: x itself);
                                          the VAE: its reconstruction
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from satmon.models.artifact import LSTM, TRANSFORMER, VAE
from satmon.models.lstm import LSTMConfig, LSTMForecaster
from satmon.models.transformer import TransformerConfig, TransformerForecaster
from satmon.models.vae import VAE as VAENetwork  # noqa: N811 (VAE is the model's name here)
from satmon.models.vae import VAEConfig

Config = LSTMConfig | TransformerConfig | VAEConfig
Network = LSTMForecaster | TransformerForecaster | VAENetwork
CONFIGS: dict[str, type[Config]] = {
    LSTM: LSTMConfig,
    TRANSFORMER: TransformerConfig,
    VAE: VAEConfig,
}


HUBER_BETA = 0.05
"""Forecast errors under this many typical steps are squared in the loss; larger
ones count linearly. Near L1, like MASE: squared up to one step (beta 1), the
small errors of a smooth channel's trend weighed little beside noisy channels and
transitions, and its forecasts fell behind a fitted trend's."""


def build(name: str, config: Config) -> Network:
    if isinstance(config, LSTMConfig):
        return LSTMForecaster(config)
    if isinstance(config, TransformerConfig):
        return TransformerForecaster(config)
    return VAENetwork(config)


def make_config(
    name: str,
    inputs: int,
    targets: int,
    window: int,
    horizon: int,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """The architecture's config; `overrides` set other fields of its config class
    (a name that is not one of them is an error)."""
    return CONFIGS[name](
        inputs=inputs, targets=targets, window=window, horizon=horizon, **(overrides or {})
    )


def loss(model: Network, batch: torch.Tensor) -> torch.Tensor:
    """Training loss of a batch of windows (B, W+H, channels), normalised.

    Forecast errors count in units of each channel's mean one-step change
    (`step`, the naive forecast's error), through a Huber loss: an eclipse
    edge is thousands of such units and must not drown the flat stretches."""
    cfg = model.config
    w, h, t = cfg.window, cfg.horizon, cfg.targets
    x = batch[:, :w]  # (B, W, inputs)
    if isinstance(model, VAENetwork):
        decoded, mu, logvar = model(x)  # (B, W+H, targets)
        kl = -0.5 * torch.mean(torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1))
        reconstruction = F.mse_loss(decoded[:, :w], batch[:, :w, :t])
        forecast = F.smooth_l1_loss(
            decoded[:, w:] / model.step, batch[:, w:, :t] / model.step, beta=HUBER_BETA
        )
        return reconstruction + forecast + model.config.beta * kl
    steps = model(x)  # (B, W, H, targets)
    # targets[b, s, k] = batch[b, s + 1 + k]: the H steps after each window step
    future = batch[:, 1:, :t].unfold(1, h, 1)[:, :w].permute(0, 1, 3, 2)  # (B, W, H, targets)
    return F.smooth_l1_loss(steps / model.step, future / model.step, beta=HUBER_BETA)


def one_step_scale(windows: torch.Tensor, targets: int) -> torch.Tensor:
    """Mean absolute one-step change of each target channel over normalised
    windows (floored): MASE's unit, and robust to rare jumps."""
    change = torch.diff(windows[..., :targets], dim=1)
    return change.abs().mean(dim=(0, 1)).clamp(min=1e-6)


class Exported(nn.Module):
    """The serving signature around a trained network (see the module doc)."""

    def __init__(self, model: Network) -> None:
        super().__init__()
        self.network = model

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        cfg = self.network.config
        w, t = cfg.window, cfg.targets
        if isinstance(self.network, VAENetwork):
            decoded, _, _ = self.network(x)  # (B, W+H, targets)
            return decoded[:, w:], decoded[:, :w]
        steps = self.network(x)  # (B, W, H, targets)
        fitted = torch.cat([x[:, :1, :t], steps[:, :-1, 0]], dim=1)  # (B, W, targets)
        return steps[:, -1], fitted


def export_onnx(model: Network, path: Path) -> None:
    cfg = model.config
    model.eval()
    dummy = torch.zeros(1, cfg.window, cfg.inputs)
    batch = {0: "batch"}
    torch.onnx.export(
        Exported(model).eval(),  # eval before and after: the exporter restores the mode
        (dummy,),
        str(path),
        input_names=["x"],
        output_names=["forecast", "fitted"],
        dynamic_axes={"x": batch, "forecast": batch, "fitted": batch},
        opset_version=17,
        dynamo=False,
    )


def checkpoint(name: str, model: Network) -> dict[str, Any]:
    """A checkpoint that carries its own config (nanoGPT's habit)."""
    return {"model": name, "config": asdict(model.config), "state_dict": model.state_dict()}


def from_checkpoint(saved: dict[str, Any]) -> Network:
    config = CONFIGS[saved["model"]](**saved["config"])
    model = build(saved["model"], config)
    model.load_state_dict(saved["state_dict"])
    return model.eval()

"""lstm_timeseries: a causal LSTM forecaster.

At every step t of the window it forecasts the next `horizon` steps of the target
channels, as a change from the value at t in units of the channel's typical
one-step change (`step`, set from the training data): a channel that moves by a
thousandth of its range per step is forecast as precisely as one that swings.
Training scores all W positions at once; serving uses the last position's
forecast and the one-step forecasts of the earlier positions (the residuals the
detector scores).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from satmon.models.changes import with_changes

NAME = "lstm_timeseries"


@dataclass(frozen=True, slots=True)
class LSTMConfig:
    inputs: int  # channels in the window
    targets: int  # the first `targets` channels are forecast
    window: int = 20
    horizon: int = 10
    hidden: int = 32
    layers: int = 2
    dropout: float = 0.1


class LSTMForecaster(nn.Module):
    config: LSTMConfig
    step: torch.Tensor  # (targets,) mean one-step change, normalised units

    def __init__(self, config: LSTMConfig) -> None:
        super().__init__()
        self.config = config
        self.lstm = nn.LSTM(
            input_size=config.inputs + config.targets,
            hidden_size=config.hidden,
            num_layers=config.layers,
            batch_first=True,
            dropout=config.dropout if config.layers > 1 else 0.0,
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, config.horizon * config.targets)
        self.register_buffer("step", torch.ones(config.targets))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, W, inputs) normalised -> (B, W, horizon, targets): at each step t,
        the forecast of steps t+1 .. t+horizon."""
        b, w, _ = x.shape
        cfg = self.config
        h, _ = self.lstm(with_changes(x, self.step))  # (B, W, hidden)
        delta: torch.Tensor = self.head(self.drop(h)).view(b, w, cfg.horizon, cfg.targets)
        return x[..., : cfg.targets].unsqueeze(2) + delta * self.step  # (B, W, H, targets)

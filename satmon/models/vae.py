"""vae_timeseries: a variational autoencoder of the window (latent 32) that also
forecasts.

The encoder maps the flattened window to a Gaussian posterior over a 32-d
latent; the decoder maps a latent to the window (its reconstruction, in absolute
values) and to the next `horizon` steps (as changes from the last value, in units
of each channel's typical one-step change, like the forecasters). A window
unlike the nominal ones it was trained on reconstructs badly: the reconstruction
error is its anomaly statistic. Serving decodes the posterior mean, so inference
is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

NAME = "vae_timeseries"


@dataclass(frozen=True, slots=True)
class VAEConfig:
    inputs: int  # channels in the window
    targets: int  # the first `targets` channels are reconstructed and forecast
    window: int = 20
    horizon: int = 10
    latent: int = 32
    hidden: int = 64
    beta: float = 1e-3  # weight of the KL term: small, so reconstructions stay sharp
    dropout: float = 0.0


class VAE(nn.Module):
    config: VAEConfig
    step: torch.Tensor  # (targets,) mean one-step change, normalised units

    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        self.config = config
        out = (config.window + config.horizon) * config.targets
        self.encoder = nn.Sequential(
            nn.Linear(config.window * config.inputs, config.hidden),
            nn.GELU(),
            nn.Linear(config.hidden, config.hidden),
            nn.GELU(),
        )
        self.mu = nn.Linear(config.hidden, config.latent)
        self.logvar = nn.Linear(config.hidden, config.latent)
        self.decoder = nn.Sequential(
            nn.Linear(config.latent, config.hidden),
            nn.GELU(),
            nn.Linear(config.hidden, config.hidden),
            nn.GELU(),
            nn.Linear(config.hidden, out),
        )
        self.register_buffer("step", torch.ones(config.targets))

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x.flatten(1))  # (B, W*inputs) -> (B, hidden)
        return self.mu(h), self.logvar(h).clamp(-10.0, 10.0)  # 2 x (B, latent)

    def decode(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """z: (B, latent) -> (B, W+H, targets): the window in absolute values (a
        window whose shape is nominal but whose level is not must reconstruct
        badly), then the forecast from the window's last value."""
        cfg = self.config
        decoded: torch.Tensor = self.decoder(z)  # (B, (W+H)*targets)
        decoded = decoded.view(-1, cfg.window + cfg.horizon, cfg.targets)
        last = x[:, -1:, : cfg.targets]  # (B, 1, targets)
        forecast = last + decoded[:, cfg.window :] * self.step  # (B, H, targets)
        return torch.cat([decoded[:, : cfg.window], forecast], dim=1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """x: (B, W, inputs) -> (B, W+H, targets) decoded, and the posterior (mu, logvar)."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        return self.decode(z, x), mu, logvar

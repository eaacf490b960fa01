"""transformer_timeseries: a causal Transformer forecaster (d_model 64, 4 heads).

Each step of the window, with its change from the step before (see
`satmon.models.changes`), is projected to d_model, given a learned position
embedding, and attends only to itself and earlier steps, so the output at step t
forecasts steps t+1 .. t+horizon from the window up to t, like the LSTM (as
changes in units of each channel's typical one-step change).
Written out block by block (no nn.TransformerEncoder) so that the ONNX export is
plain MatMul/Softmax and the code reads top to bottom.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812

from satmon.models.changes import with_changes

NAME = "transformer_timeseries"


@dataclass(frozen=True, slots=True)
class TransformerConfig:
    inputs: int  # channels in the window
    targets: int  # the first `targets` channels are forecast
    window: int = 20
    horizon: int = 10
    d_model: int = 64
    nhead: int = 4
    layers: int = 1
    ff: int = 128
    dropout: float = 0.1


class CausalSelfAttention(nn.Module):
    mask: torch.Tensor

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.nhead = config.nhead
        self.head_dim = config.d_model // config.nhead
        self.scale = 1.0 / math.sqrt(self.head_dim)
        self.qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.proj = nn.Linear(config.d_model, config.d_model)
        self.drop = nn.Dropout(config.dropout)
        mask = torch.tril(torch.ones(config.window, config.window, dtype=torch.bool))
        self.register_buffer("mask", mask.view(1, 1, config.window, config.window))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, w, d = x.shape  # (B, W, d_model)
        head = self.head_dim
        q, k, v = self.qkv(x).split(d, dim=2)  # 3 x (B, W, d_model)
        q = q.view(b, w, self.nhead, head).transpose(1, 2)  # (B, nh, W, hd)
        k = k.view(b, w, self.nhead, head).transpose(1, 2)
        v = v.view(b, w, self.nhead, head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * self.scale  # (B, nh, W, W)
        att = att.masked_fill(~self.mask[:, :, :w, :w], float("-inf"))
        att = self.drop(F.softmax(att, dim=-1))
        y = (att @ v).transpose(1, 2).reshape(b, w, d)  # (B, W, d_model)
        out: torch.Tensor = self.drop(self.proj(y))
        return out


class Block(nn.Module):
    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.ln1 = nn.LayerNorm(config.d_model)
        self.attn = CausalSelfAttention(config)
        self.ln2 = nn.LayerNorm(config.d_model)
        self.mlp = nn.Sequential(
            nn.Linear(config.d_model, config.ff),
            nn.GELU(),
            nn.Linear(config.ff, config.d_model),
            nn.Dropout(config.dropout),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln1(x))  # (B, W, d_model)
        out: torch.Tensor = x + self.mlp(self.ln2(x))
        return out


class TransformerForecaster(nn.Module):
    config: TransformerConfig
    step: torch.Tensor  # (targets,) mean one-step change, normalised units

    def __init__(self, config: TransformerConfig) -> None:
        super().__init__()
        self.config = config
        self.embed = nn.Linear(config.inputs + config.targets, config.d_model)
        self.position = nn.Parameter(torch.zeros(1, config.window, config.d_model))
        self.blocks = nn.ModuleList([Block(config) for _ in range(config.layers)])
        self.ln = nn.LayerNorm(config.d_model)
        self.head = nn.Linear(config.d_model, config.horizon * config.targets)
        self.register_buffer("step", torch.ones(config.targets))
        nn.init.normal_(self.position, std=0.02)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, W, inputs) normalised -> (B, W, horizon, targets): at each step t,
        the forecast of steps t+1 .. t+horizon."""
        b, w, _ = x.shape
        cfg = self.config
        h = self.embed(with_changes(x, self.step)) + self.position[:, :w]  # (B, W, d_model)
        for block in self.blocks:
            h = block(h)
        delta: torch.Tensor = self.head(self.ln(h)).view(b, w, cfg.horizon, cfg.targets)
        return x[..., : cfg.targets].unsqueeze(2) + delta * self.step  # (B, W, H, targets)

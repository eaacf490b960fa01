"""Each window step's change from the step before, as an extra network input.

A slow trend (a solar array turning towards the sun, a panel warming) moves a
channel by a thousandth of its normalised range per step. A network that sees
only the levels must learn to subtract neighbouring inputs to that precision
before it can extrapolate; given the changes, in units of each channel's typical
one-step change (`step`), extrapolating is a linear map. asinh keeps a jump of
thousands of such units (an eclipse edge) from swamping the small ones while
leaving those near linear.
"""

from __future__ import annotations

import torch


def with_changes(x: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
    """x (B, W, inputs) -> (B, W, inputs + targets), targets = len(step): the
    target channels' changes appended (0 at the first step)."""
    targets = step.shape[0]
    level = x[..., :targets]
    change = (level[:, 1:] - level[:, :-1]) / step  # (B, W-1, targets)
    change = torch.cat([torch.zeros_like(change[:, :1]), change], dim=1)  # (B, W, targets)
    return torch.cat([x, asinh(change)], dim=2)


def asinh(x: torch.Tensor) -> torch.Tensor:
    """torch.asinh written out: the ONNX exporter has no Asinh."""
    magnitude = x.abs()
    return torch.sign(x) * torch.log(magnitude + torch.sqrt(magnitude * magnitude + 1.0))

"""Fitting one network: windows, normalisation, mini-batches, early stopping (torch).

Deterministic under a seed: the windows are drawn from a seeded generator, torch
is seeded and runs deterministic kernels on a fixed number of threads.
"""

from __future__ import annotations

import copy
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from satmon.models import networks
from satmon.serving.base import FloatArray

MIN_SPREAD = 1e-6
CLIP = 20.0  # per-window normalised values beyond this are clipped in training


@dataclass(frozen=True, slots=True)
class TrainConfig:
    window: int = 20
    horizon: int = 10
    epochs: int = 25
    batch_size: int = 256
    learning_rate: float = 2e-3
    weight_decay: float = 1e-4
    patience: int = 4  # epochs without a validation improvement before stopping
    min_delta: float = 1e-4  # relative improvement that counts
    train_windows: int = 40_000
    val_windows: int = 8_000
    transition_share: float = 0.0  # of training windows drawn by their largest change
    seed: int = 0
    threads: int = 2


@dataclass(frozen=True, slots=True)
class Normaliser:
    """Global: a mean and spread per channel fitted on the training data.
    Per window (`mean` empty): each window by its own first `window` steps."""

    mean: FloatArray
    std: FloatArray

    @property
    def per_window(self) -> bool:
        return self.mean.size == 0

    @classmethod
    def fit(cls, series: Sequence[FloatArray]) -> Normaliser:
        data = np.concatenate(list(series))
        mean, std = data.mean(axis=0), data.std(axis=0)
        # A channel constant in training (a command flag never sent) keeps its unit.
        std = np.where(std > 0, np.maximum(std, 1e-3 * np.abs(mean) + MIN_SPREAD), 1.0)
        return cls(mean, std)

    @classmethod
    def window(cls) -> Normaliser:
        return cls(np.empty(0), np.empty(0))

    def apply(self, windows: FloatArray, history: int) -> FloatArray:
        """(N, L, C) -> normalised, using the first `history` steps if per window."""
        if not self.per_window:
            normalised: FloatArray = (windows - self.mean) / self.std
            return normalised
        head = windows[:, :history]
        centre = head.mean(axis=1, keepdims=True)
        spread = np.maximum(head.std(axis=1, keepdims=True), 1e-3 * np.abs(centre) + MIN_SPREAD)
        # A flat history (a solar array in eclipse) has almost no spread; its future can
        # still jump, so the targets are clipped to keep the loss finite.
        scaled: FloatArray = np.clip((windows - centre) / spread, -CLIP, CLIP)
        return scaled


def sample_windows(
    series: Sequence[FloatArray],
    length: int,
    count: int,
    rng: np.random.Generator,
    transition_share: float = 0.0,
) -> FloatArray:
    """`count` windows of `length` steps from all series (N, L, C): drawn uniformly,
    except a `transition_share` of them drawn with weights that grow with the
    window's largest one-step change (see `transition_weights`)."""
    starts = [max(len(s) - length + 1, 0) for s in series]
    total = sum(starts)
    if total == 0:
        raise ValueError(f"no series is {length} steps long")
    count = min(count, total)
    weighted = round(count * transition_share)
    picks = rng.choice(total, size=count - weighted, replace=False)
    if weighted:
        weights = transition_weights(series, length)
        weights[picks] = 0.0  # without replacement across both draws
        picks = np.concatenate(
            [picks, rng.choice(total, size=weighted, replace=False, p=weights / weights.sum())]
        )
    picks = np.sort(picks)
    offsets = np.cumsum([0, *starts])
    which = np.searchsorted(offsets, picks, side="right") - 1
    return np.stack(
        [
            series[k][p - offsets[k] : p - offsets[k] + length]
            for k, p in zip(which, picks, strict=True)
        ]
    )


def transition_weights(series: Sequence[FloatArray], length: int) -> FloatArray:
    """Per window start, over all series: the square of the window's largest
    one-step change, in units of each channel's mean one-step change.

    Abrupt nominal transitions (a pass's first contact, eclipse entry and exit)
    are a few steps in thousands; drawn uniformly, a network sees too few of
    them to learn that a derived input announces them, and forecasts them as
    errors. Squared, so the weight goes to the transitions, not the noise."""
    steps = [np.abs(np.diff(s, axis=0)) for s in series if len(s) >= length]
    scale = np.concatenate(steps).mean(axis=0)
    scale[scale == 0] = 1.0
    weights = []
    for s in series:
        if len(s) < length:
            continue
        largest = (np.abs(np.diff(s, axis=0)) / scale).max(axis=1)  # (T - 1,)
        per_start = np.lib.stride_tricks.sliding_window_view(largest, length - 1).max(axis=1)
        weights.append(per_start**2)
    return np.concatenate(weights)


def sliding_windows(series: Sequence[FloatArray], length: int, stride: int) -> FloatArray:
    """Every `stride`-th window of `length` steps of every series (N, L, C)."""
    parts = [
        np.lib.stride_tricks.sliding_window_view(s, length, axis=0)[::stride].transpose(0, 2, 1)
        for s in series
        if len(s) >= length
    ]
    return np.concatenate(parts)


@dataclass(slots=True)
class FitResult:
    model: networks.Network
    epochs: int
    best_epoch: int
    train_loss: float
    val_loss: float
    history: list[tuple[float, float]] = field(default_factory=list)


EpochCallback = Callable[[int, float, float], None]


def seed_everything(seed: int, threads: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.use_deterministic_algorithms(True)


def fit(
    model: networks.Network,
    train: FloatArray,
    val: FloatArray,
    config: TrainConfig,
    on_epoch: EpochCallback | None = None,
) -> FitResult:
    """Adam with early stopping on the validation loss; returns the best weights."""
    generator = torch.Generator().manual_seed(config.seed)
    x_train = torch.as_tensor(train, dtype=torch.float32)
    x_val = torch.as_tensor(val, dtype=torch.float32)
    model.step.copy_(networks.one_step_scale(x_train, model.config.targets))
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay
    )
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, T_max=config.epochs)
    best, best_state, best_epoch, stale = math.inf, copy.deepcopy(model.state_dict()), 0, 0
    history: list[tuple[float, float]] = []
    for epoch in range(1, config.epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator)
        total = 0.0
        for i in range(0, len(order), config.batch_size):
            batch = x_train[order[i : i + config.batch_size]]
            optimiser.zero_grad()
            value = networks.loss(model, batch)
            value.backward()  # type: ignore[no-untyped-call]
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            total += value.item() * len(batch)
        schedule.step()
        train_loss = total / len(x_train)
        val_loss = evaluate_loss(model, x_val, config.batch_size * 4)
        history.append((train_loss, val_loss))
        if on_epoch is not None:
            on_epoch(epoch, train_loss, val_loss)
        if val_loss < best * (1 - config.min_delta):
            best, best_epoch, stale = val_loss, epoch, 0
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    return FitResult(model, len(history), best_epoch, history[best_epoch - 1][0], best, history)


@torch.no_grad()
def evaluate_loss(model: networks.Network, windows: torch.Tensor, batch_size: int) -> float:
    model.eval()
    total = 0.0
    for i in range(0, len(windows), batch_size):
        batch = windows[i : i + batch_size]
        total += float(networks.loss(model, batch)) * len(batch)
    return total / max(len(windows), 1)

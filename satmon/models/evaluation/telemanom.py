"""Telemanom (Hundman et al., KDD 2018) reimplemented: the published SMAP method
run by the same harness as satmon's models, so that its published figures can be
told apart from what it reaches here.

Per channel, as its config.yaml and code have it: an LSTM of two layers of 80
units (dropout 0.3) reads the last 250 steps of all 25 columns and forecasts the
next 10 values; MSE, Adam, batches of 64, at most 35 epochs, stopping when the
loss on a random 20 % of the training windows has not improved by 0.0003 for 10
epochs (the last epoch's weights are kept, as Keras does). Initialised as Keras
does (Glorot-uniform inputs, orthogonal recurrence, forget-gate bias 1), though per
gate here where Keras draws each layer's four gates as one matrix. A step's error
is that of its one-step forecast (the "first" aggregation).

One departure, so that its errors are thresholded exactly as satmon's models'
are (`smap.detect`: dynamic, floored and nominal): the network is fitted on the
first 85 % of the train split, where Telemanom fits on all of it, and its errors
on the last 15 % are the nominal errors the floored and nominal thresholds are
calibrated on. "dynamic" alone is Telemanom's own thresholding. It is a baseline
for evaluation, never served.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import torch
from torch import nn

from satmon.models.data import SmapChannel
from satmon.models.evaluation.smap import ChannelResult, detect, split_train
from satmon.models.scoring import DynamicThresholdConfig
from satmon.serving.base import FloatArray

NAME = "telemanom_lstm"


@dataclass(frozen=True, slots=True)
class TelemanomConfig:
    history: int = 250  # l_s
    horizon: int = 10  # n_predictions
    hidden: int = 80
    layers: int = 2
    dropout: float = 0.3
    batch_size: int = 64
    epochs: int = 35
    patience: int = 10
    min_delta: float = 0.0003
    validation_share: float = 0.2


class TelemanomLSTM(nn.Module):
    def __init__(self, inputs: int, config: TelemanomConfig) -> None:
        super().__init__()
        self.lstm = nn.LSTM(
            inputs, config.hidden, config.layers, batch_first=True, dropout=config.dropout
        )
        self.drop = nn.Dropout(config.dropout)
        self.head = nn.Linear(config.hidden, config.horizon)
        for name, weight in self.lstm.named_parameters():
            if name.startswith("weight_ih"):
                for gate in weight.data.chunk(4):
                    nn.init.xavier_uniform_(gate)
            elif name.startswith("weight_hh"):
                for gate in weight.data.chunk(4):
                    nn.init.orthogonal_(gate)
            else:
                nn.init.zeros_(weight)
                if name.startswith("bias_ih"):
                    weight.data[config.hidden : 2 * config.hidden] = 1.0  # forget gate
        nn.init.xavier_uniform_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (B, history, inputs) -> (B, horizon): the value's next steps."""
        states, _ = self.lstm(x)
        out: torch.Tensor = self.head(self.drop(states[:, -1]))
        return out


def fit(
    train: FloatArray,
    config: TelemanomConfig,
    seed: int,
    on_epoch: Callable[[int, float], None] | None = None,
) -> TelemanomLSTM:
    """The channel's network trained on its train split (time, columns)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    span = config.history + config.horizon
    if len(train) <= span:
        raise ValueError(f"a train split of {len(train)} steps is shorter than {span + 1}")
    windows = np.lib.stride_tricks.sliding_window_view(train, span, axis=0).transpose(0, 2, 1)
    x = torch.from_numpy(np.ascontiguousarray(windows[:, : config.history], dtype=np.float32))
    y = torch.from_numpy(np.ascontiguousarray(windows[:, config.history :, 0], dtype=np.float32))
    order = rng.permutation(len(windows))
    n_val = max(1, int(config.validation_share * len(windows)))
    val, fitting = order[:n_val], order[n_val:]
    network = TelemanomLSTM(train.shape[1], config)
    optimiser = torch.optim.Adam(network.parameters(), eps=1e-7)
    best, stale = np.inf, 0
    for epoch in range(config.epochs):
        network.train()
        rng.shuffle(fitting)  # Keras shuffles the training windows every epoch
        for start in range(0, len(fitting), config.batch_size):
            batch = fitting[start : start + config.batch_size]
            optimiser.zero_grad()
            loss = ((network(x[batch]) - y[batch]) ** 2).mean()
            loss.backward()
            optimiser.step()
        network.eval()
        with torch.no_grad():
            val_loss = float(((network(x[val]) - y[val]) ** 2).mean())
        if on_epoch is not None:
            on_epoch(epoch, val_loss)
        if val_loss < best - config.min_delta:
            best, stale = val_loss, 0
        else:
            stale += 1
            if stale >= config.patience:
                break
    network.eval()
    return network


def one_step_errors(network: TelemanomLSTM, series: FloatArray, history: int) -> FloatArray:
    """|value - its one-step forecast| for every step from `history` on."""
    views = np.lib.stride_tricks.sliding_window_view(series[:-1], history, axis=0)
    views = views.transpose(0, 2, 1)
    forecasts = []
    with torch.no_grad():
        for i in range(0, len(views), 1024):
            chunk = np.ascontiguousarray(views[i : i + 1024], dtype=np.float32)
            forecasts.append(network(torch.from_numpy(chunk))[:, 0].numpy())
    errors: FloatArray = np.abs(series[history:, 0] - np.concatenate(forecasts))
    return errors


def evaluate_channel(
    channel: SmapChannel,
    config: TelemanomConfig,
    seed: int,
    on_epoch: Callable[[int, float], None] | None = None,
) -> ChannelResult:
    fitting, validation, nominal = split_train(channel.train)
    network = fit(np.concatenate([fitting, validation]), config, seed, on_epoch)
    # The nominal steps' forecasts read the history before them, which was fitted on.
    history = channel.train[len(channel.train) - len(nominal) - config.history :]
    nominal_errors = one_step_errors(network, history, config.history)
    errors = one_step_errors(network, channel.test, config.history)
    thresholds = DynamicThresholdConfig(warmup=config.history)
    detected = detect(errors, nominal_errors, channel.test[config.history :, 0], thresholds)
    predicted = {
        method: [(a + config.history, b + config.history) for a, b in spans]
        for method, spans in detected.items()
    }
    return ChannelResult.scored(channel, predicted)


def evaluate_channels(
    channels: list[SmapChannel], config: TelemanomConfig, seed: int, workers: int | None = None
) -> Iterator[ChannelResult]:
    """Every channel's result, in order, `workers` channels (default: one per core)
    trained at once on one thread each: a recurrence of 250 steps over batches of
    64 keeps a second thread mostly idle (measured: 4.3 s per epoch on two threads,
    6.5 s on one, so two channels at once on one thread each go 1.3x faster)."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        for channel in channels:
            yield evaluate_channel(channel, config, seed)
        return
    context = multiprocessing.get_context("spawn")  # no fork of a process holding torch threads
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        yield from pool.map(partial(_evaluate_on_one_thread, config=config, seed=seed), channels)


def _evaluate_on_one_thread(
    channel: SmapChannel, config: TelemanomConfig, seed: int
) -> ChannelResult:
    torch.set_num_threads(1)
    return evaluate_channel(channel, config, seed)

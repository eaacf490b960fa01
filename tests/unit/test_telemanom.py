"""Telemanom reimplemented as the SMAP baseline: its network, training and errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from rich.console import Console

from satmon.models.evaluation.run import EvaluateRequest, run_evaluation
from satmon.models.evaluation.smap import METHODS
from satmon.models.evaluation.telemanom import (
    TelemanomConfig,
    TelemanomLSTM,
    evaluate_channel,
    evaluate_channels,
    fit,
    one_step_errors,
)
from tests.factories import smap_channel

pytestmark = pytest.mark.unit

SMALL = TelemanomConfig(history=24, horizon=4, hidden=16, epochs=6, patience=3)


def test_the_network_forecasts_the_horizon_from_its_history() -> None:
    network = TelemanomLSTM(25, TelemanomConfig())
    assert network(torch.zeros(3, 250, 25)).shape == (3, 10)
    # Keras' unit forget bias: the forget gate's input bias starts at 1, the rest at 0.
    bias = network.lstm.bias_ih_l0.detach()
    assert torch.all(bias[80:160] == 1.0)
    assert torch.all(bias[:80] == 0.0)
    assert torch.all(bias[160:] == 0.0)


def test_training_is_deterministic_under_a_seed_and_stops_early() -> None:
    channel = smap_channel(np.random.default_rng(3))
    losses: list[list[float]] = [[], []]
    errors = []
    for run in losses:
        network = fit(channel.train, SMALL, seed=5, on_epoch=lambda _e, loss, r=run: r.append(loss))
        errors.append(one_step_errors(network, channel.test, SMALL.history))
    assert losses[0] == losses[1]
    np.testing.assert_array_equal(errors[0], errors[1])
    assert len(errors[0]) == len(channel.test) - SMALL.history
    # The fitted value is forecast far better than its spread.
    assert float(np.median(errors[0][:800])) < 0.25 * float(np.std(channel.test[:800, 0]))
    stopping = TelemanomConfig(history=24, horizon=4, hidden=16, epochs=50, patience=1)
    seen: list[int] = []
    fit(channel.train, stopping, seed=5, on_epoch=lambda epoch, _l: seen.append(epoch))
    assert len(seen) < 50


def test_the_level_shift_is_found_by_each_thresholding_method() -> None:
    channel = smap_channel(np.random.default_rng(3))
    result = evaluate_channel(channel, SMALL, seed=5)
    assert set(result.predicted) == set(METHODS)
    for method in ("dynamic", "floored"):
        assert result.sequences[method].true_positives == 1, method
        assert result.sequences[method].false_positives == 0, method
    assert result.sequences["nominal"].true_positives == 1


def test_the_floored_threshold_is_calibrated_on_the_end_of_the_train_split() -> None:
    channel = smap_channel(np.random.default_rng(3))
    # The test split's excursion also happens in the last 15 % of the train split,
    # which the network is not fitted on: there it is nominal, so only Telemanom's
    # own thresholding, which ignores nominal data, still flags it in the test split.
    channel.train[1_050:1_150, 0] += 1.5
    result = evaluate_channel(channel, SMALL, seed=5)
    assert result.sequences["dynamic"].true_positives == 1
    assert result.sequences["floored"].true_positives == 0
    assert result.sequences["nominal"].true_positives == 0


def test_channels_trained_side_by_side_give_what_they_give_one_at_a_time() -> None:
    quick = TelemanomConfig(history=24, horizon=4, hidden=8, epochs=2)
    channels = [smap_channel(np.random.default_rng(n)) for n in (3, 4)]
    alone = list(evaluate_channels(channels, quick, seed=5, workers=1))
    side_by_side = list(evaluate_channels(channels, quick, seed=5, workers=2))
    assert [r.sequences["dynamic"].true_positives for r in alone] == [1, 1]
    assert [r.predicted for r in side_by_side] == [r.predicted for r in alone]
    assert [r.sequences for r in side_by_side] == [r.sequences for r in alone]


def test_a_train_split_shorter_than_a_window_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter than"):
        fit(np.zeros((20, 25)), SMALL, seed=1)


def test_the_evaluation_names_a_missing_dataset_and_an_unknown_part(tmp_path: Path) -> None:
    missing = tmp_path / "smap"
    request = EvaluateRequest(parts=["telemanom"], dataset=missing, results=tmp_path)
    with pytest.raises(FileNotFoundError, match=str(missing)):
        run_evaluation(request, Console(quiet=True))
    with pytest.raises(ValueError, match="unknown part 'telemanon'"):
        run_evaluation(EvaluateRequest(parts=["telemanon"]), Console(quiet=True))
    assert not list(tmp_path.glob("*.json"))

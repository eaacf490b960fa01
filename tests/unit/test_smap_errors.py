"""The SMAP evaluation: its error streams (every forecast made for a step, and the
VAE's reconstruction) and how a channel's detections are put together."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from satmon.models.artifact import LSTM, VAE
from satmon.models.evaluation.run import EvaluateRequest, run_evaluation
from satmon.models.evaluation.smap import (
    VAE_KL_WEIGHT,
    averaged,
    evaluate_channel,
    mean_forecast_errors,
    member_errors,
    split_train,
    training_options,
    united,
)
from satmon.models.pipeline import TrainOptions
from satmon.models.training import TrainConfig
from tests.factories import smap_channel

pytestmark = pytest.mark.unit


def test_forecasts_from_before_a_jump_keep_its_error_for_the_horizon() -> None:
    horizon, jump = 5, 20
    values = np.where(np.arange(40) >= jump, 1.0, 0.0)
    # A persistence forecaster: row i forecasts steps i+1 .. i+H as values[i].
    forecast = np.repeat(values[:, None], horizon, axis=1)
    first = np.full(len(values), 7.0)
    errors = mean_forecast_errors(values, forecast, first)
    assert errors[0] == 7.0  # no forecast was made for step 0
    assert np.all(errors[1:jump] == 0.0)
    # Step jump + d was forecast before the jump from H - d of its H origins.
    expected = [(horizon - d) / horizon for d in range(horizon)]
    np.testing.assert_allclose(errors[jump : jump + horizon], expected)
    assert np.all(errors[jump + horizon :] == 0.0)


def test_early_steps_average_the_forecasts_they_have() -> None:
    values = np.arange(6, dtype=np.float64)
    forecast = np.zeros((6, 3))  # every forecast says 0
    errors = mean_forecast_errors(values, forecast, np.zeros(6))
    # Steps 1 and 2 have 1 and 2 forecasts, the rest 3; all are off by the value.
    np.testing.assert_allclose(errors[1:], values[1:])


def test_detections_of_several_streams_are_united() -> None:
    spans = [(50, 60), (0, 10), (11, 20), (55, 70), (30, 40)]
    # Overlapping and touching spans become one; disjoint ones stay apart.
    assert united(spans) == [(0, 20), (30, 40), (50, 70)]
    assert united([]) == []


SMALL = TrainConfig(
    window=16, horizon=4, epochs=3, train_windows=400, val_windows=100, seed=1, threads=1
)


@pytest.mark.parametrize("name", [VAE, LSTM])
def test_a_channel_is_trained_scored_and_its_anomaly_found(name: str, tmp_path: Path) -> None:
    channel = smap_channel(np.random.default_rng(3))
    result = evaluate_channel(name, channel, TrainOptions(train=SMALL), tmp_path, networks=2)
    assert result.labelled == [(900, 1_049)]
    assert result.sequences["floored"].true_positives == 1
    assert result.sequences["floored"].false_positives == 0
    assert set(result.predicted) == {"dynamic", "floored", "nominal"}


def test_only_the_vae_gets_the_smap_kl_weight() -> None:
    options = TrainOptions(train=TrainConfig(window=16, horizon=4))
    assert training_options(VAE, options).network == {"beta": VAE_KL_WEIGHT}
    assert training_options(LSTM, options) == options


def test_the_networks_of_a_channel_differ_by_seed_and_their_errors_are_averaged(
    tmp_path: Path,
) -> None:
    channel = smap_channel(np.random.default_rng(3))
    parts = split_train(channel.train)
    options = TrainOptions(train=SMALL)
    first, second = (member_errors(VAE, channel, parts, options, s, tmp_path) for s in (1, 2))
    again = member_errors(VAE, channel, parts, options, 1, tmp_path)
    for statistic in ("forecast", "reconstruction"):
        np.testing.assert_array_equal(first[0][statistic], again[0][statistic])
        assert not np.allclose(first[0][statistic], second[0][statistic])
    mean = averaged([first[0], second[0]])
    np.testing.assert_allclose(mean["forecast"], (first[0]["forecast"] + second[0]["forecast"]) / 2)
    assert set(mean) == {"forecast", "reconstruction"}
    assert len(first[1]["forecast"]) == len(parts[2]) - SMALL.window + 1


def test_the_smap_part_writes_how_many_networks_and_seeds_each_channel_had(
    tmp_path: Path,
) -> None:
    channel = smap_channel(np.random.default_rng(3))
    dataset = tmp_path / "smap"
    for split, values in (("train", channel.train), ("test", channel.test)):
        (dataset / split).mkdir(parents=True)
        np.save(dataset / split / f"{channel.channel}.npy", values)
    (dataset / "labeled_anomalies.csv").write_text(
        "chan_id,spacecraft,anomaly_sequences,class,num_values\n"
        f'{channel.channel},SMAP,"[[900, 1049]]",[point],{len(channel.test)}\n',
        encoding="utf-8",
    )
    request = EvaluateRequest(
        parts=["smap"],
        models=[VAE],
        results=tmp_path / "results",
        seed=4,
        dataset=dataset,
        smap_epochs=2,
        smap_networks=2,
    )
    written = run_evaluation(request, Console(quiet=True))
    document = json.loads(written["smap"].read_text(encoding="utf-8"))
    assert document["train"]["networks_per_channel"] == 2
    assert document["train"]["seeds"] == [4, 5]
    found = document["models"][VAE]["per_channel"][channel.channel]["floored"]
    assert found["true_positives"] == 1

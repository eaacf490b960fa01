"""Anomaly scoring: smoothing, dynamic thresholding, calibration, attribution, metrics."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from satmon.models.scoring import (
    DynamicThresholdConfig,
    PointCounts,
    SequenceCounts,
    attribute,
    calibrate_thresholds,
    dynamic_threshold,
    ewma,
    point_adjusted_counts,
    runs,
    scores_from_ratio,
    sequence_counts,
    smooth_errors,
    spans_to_mask,
    window_statistic,
)

pytestmark = pytest.mark.unit


def test_ewma_is_the_adjusted_weighted_mean_of_the_past() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    span = 7.0
    decay = 1 - 2 / (span + 1)
    for t in (0, 1, 10, 49):
        weights = decay ** np.arange(t, -1, -1)
        assert ewma(x, span)[t] == pytest.approx(np.sum(weights * x[: t + 1]) / weights.sum())


def test_ewma_runs_along_the_given_axis_of_each_series() -> None:
    x = np.random.default_rng(1).normal(size=(3, 40, 2))
    along = ewma(x, 5.0, axis=1)
    for i in range(3):
        for c in range(2):
            np.testing.assert_allclose(along[i, :, c], ewma(x[i, :, c], 5.0))


def test_scores_put_the_threshold_at_one_half() -> None:
    scores = scores_from_ratio([0.0, 1.0, 3.0, 1e9], [1.0, 1.0, 1.0, 1.0])
    assert scores[0] == 0.0
    assert scores[1] == 0.5
    assert scores[2] == pytest.approx(0.75)
    assert scores[3] < 1.0
    with pytest.raises(ValueError):
        scores_from_ratio([1.0], [0.0])


def test_forecast_statistic_weighs_recent_errors_and_skips_the_warmup() -> None:
    residuals = np.zeros((2, 20, 1))
    residuals[0, -1, 0] = 5.0  # the newest step
    residuals[1, 2, 0] = 500.0  # inside the warm-up
    statistic = window_statistic(residuals, "forecast", span=5.0, warmup=4)
    assert statistic[0, 0] > 1.0
    assert statistic[1, 0] == 0.0


def test_reconstruction_statistic_is_the_rms_over_the_window() -> None:
    residuals = np.full((1, 10, 2), 2.0)
    residuals[0, :, 1] = 0.0
    np.testing.assert_allclose(window_statistic(residuals, "reconstruction", 5.0, 0), [[2.0, 0.0]])


def test_calibrated_thresholds_leave_nominal_windows_below_one_half() -> None:
    nominal = np.abs(np.random.default_rng(2).normal(size=(5000, 3)))
    theta = calibrate_thresholds(nominal, quantile=1.0, margin=1.2)
    assert np.all(scores_from_ratio(nominal, theta) < 0.5)
    assert np.all(scores_from_ratio(nominal.max(axis=0) * 1.5, theta) >= 0.5)


def test_attribution_names_the_channels_at_or_above_one_half_highest_first() -> None:
    found = attribute(np.array([0.2, 0.9, 0.5, 0.7]), ["a", "b", "c", "d"])
    assert found.detected
    assert found.score == 0.9
    assert found.anomaly_channels == ["b", "d", "c"]
    quiet = attribute(np.array([0.1, 0.4]), ["a", "b"])
    assert not quiet.detected
    assert quiet.anomaly_channels == []


def test_runs_and_masks_round_trip() -> None:
    mask = np.array([0, 1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    spans = runs(mask)
    assert spans == [(1, 2), (5, 5), (7, 9)]
    np.testing.assert_array_equal(spans_to_mask(spans, len(mask)), mask)


def _stream(length: int, anomalies: list[tuple[int, int]], seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    errors = np.abs(rng.normal(0.0, 0.05, length))
    for a, b in anomalies:
        errors[a : b + 1] += 1.0
    return errors


def test_dynamic_threshold_finds_a_sustained_error_and_nothing_else() -> None:
    config = DynamicThresholdConfig()
    errors = _stream(5000, [(3000, 3100)], seed=3)
    values = np.sin(np.arange(5000) / 50.0)
    found = dynamic_threshold(smooth_errors(errors, config), values, config)
    assert len(found) == 1
    a, b = found[0]
    assert a <= 3100 and b >= 3000


def test_dynamic_threshold_flags_nothing_in_plain_noise() -> None:
    config = DynamicThresholdConfig()
    errors = _stream(5000, [], seed=4)
    values = np.sin(np.arange(5000) / 50.0)
    assert dynamic_threshold(smooth_errors(errors, config), values, config) == []


def test_dynamic_threshold_keeps_the_dominant_of_two_excursions() -> None:
    config = DynamicThresholdConfig()
    errors = _stream(6000, [(2500, 2550), (4500, 4550)], seed=5)
    errors[4500:4551] -= 0.75  # a much smaller second excursion
    values = np.sin(np.arange(6000) / 50.0)
    found = dynamic_threshold(smooth_errors(errors, config), values, config)
    assert any(a <= 2550 and b >= 2500 for a, b in found)


def test_error_floor_replaces_telemanoms_absolute_floors() -> None:
    # An accurate model: errors a hundred times smaller than Telemanom's 0.05 floors.
    errors = _stream(5000, [(3000, 3100)], seed=3) / 100
    values = np.sin(np.arange(5000) / 50.0)
    telemanom = DynamicThresholdConfig()
    assert dynamic_threshold(smooth_errors(errors, telemanom), values, telemanom) == []
    below = replace(telemanom, min_error=0.0, min_error_share=0.0, error_floor=0.002)
    found = dynamic_threshold(smooth_errors(errors, below), values, below)
    assert len(found) == 1 and found[0][0] <= 3100 and found[0][1] >= 3000
    above = replace(below, error_floor=0.02)  # above the excursion's smoothed peak
    assert dynamic_threshold(smooth_errors(errors, above), values, above) == []


def test_quiet_ceiling_flags_errors_that_fall_below_nominal() -> None:
    # A channel that goes flat: the model's error drops to a quarter of its usual level.
    errors = _stream(5000, [], seed=3)
    errors[3000:3301] = 0.01
    values = np.sin(np.arange(5000) / 50.0)
    loud_only = DynamicThresholdConfig(min_error=0.0, min_error_share=0.0, error_floor=0.1)
    assert dynamic_threshold(smooth_errors(errors, loud_only), values, loud_only) == []
    quiet = replace(loud_only, quiet_ceiling=0.02)  # below every nominal smoothed error
    found = dynamic_threshold(smooth_errors(errors, quiet), values, quiet)
    assert len(found) == 1 and found[0][0] <= 3300 and found[0][1] >= 3000
    too_low = replace(loud_only, quiet_ceiling=0.005)  # below the flat stretch's error
    assert dynamic_threshold(smooth_errors(errors, too_low), values, too_low) == []


def test_sequence_counts_follow_telemanoms_protocol() -> None:
    labelled = [(100, 200), (500, 600), (900, 950)]
    predicted = [(150, 160), (190, 250), (700, 710), (940, 1000)]
    counts = sequence_counts(predicted, labelled)
    assert counts == SequenceCounts(true_positives=2, false_positives=1, false_negatives=1)
    assert counts.precision == pytest.approx(2 / 3)
    assert counts.recall == pytest.approx(2 / 3)
    assert counts.f_beta(0.5) == pytest.approx(2 / 3)


def test_point_adjustment_credits_a_whole_segment_for_one_flagged_point() -> None:
    labels = spans_to_mask([(10, 19)], 40)
    predicted = spans_to_mask([(12, 12), (30, 31)], 40)
    counts = point_adjusted_counts(predicted, labels)
    assert counts == PointCounts(true_positives=10, false_positives=2, false_negatives=0)
    assert counts.f1 == pytest.approx(20 / 22)

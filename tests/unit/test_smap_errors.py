"""The SMAP evaluation's error stream of a forecaster: every forecast made for a step."""

from __future__ import annotations

import numpy as np
import pytest

from satmon.models.evaluation.smap import mean_forecast_errors

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

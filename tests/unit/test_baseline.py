import numpy as np
import pytest

from satmon.models.baseline import HoltLinearBaseline
from satmon.serving.base import WindowInput, score_from_ratio

pytestmark = pytest.mark.unit


def window(values, horizon=10):
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    return WindowInput("eps", tuple(f"c{i}" for i in range(values.shape[1])), values, horizon)


def test_a_linear_trend_is_extrapolated():
    t = np.arange(20.0)
    prediction = HoltLinearBaseline().predict([window(3.0 + 0.05 * t)])[0]
    expected = 3.0 + 0.05 * np.arange(20, 30)
    np.testing.assert_allclose(prediction.forecast[:, 0], expected, atol=1e-6)
    assert prediction.forecast.shape == (10, 1)
    assert not prediction.anomaly_detected


def test_the_band_contains_the_forecast_and_widens_with_the_horizon():
    rng = np.random.default_rng(3)
    series = 25 + np.sin(np.arange(20) / 3) + rng.normal(0, 0.1, 20)
    prediction = HoltLinearBaseline().predict([window(series, horizon=8)])[0]
    width = prediction.upper[:, 0] - prediction.lower[:, 0]
    assert np.all(prediction.lower <= prediction.forecast)
    assert np.all(prediction.forecast <= prediction.upper)
    assert np.all(np.diff(width) >= -1e-12)


def test_a_jump_in_one_channel_is_detected_and_attributed_to_it():
    rng = np.random.default_rng(5)
    calm = np.stack([3.8 + rng.normal(0, 0.005, 20), 20 + rng.normal(0, 0.2, 20)], axis=1)
    model = HoltLinearBaseline()
    assert not model.predict([window(calm)])[0].anomaly_detected
    jumped = calm.copy()
    jumped[-1, 1] += 8.0
    prediction = model.predict([window(jumped)])[0]
    assert prediction.anomaly_detected
    assert prediction.anomaly_channels == ["c1"]
    assert prediction.channel_scores["c1"] > 0.5 > prediction.channel_scores["c0"]


def test_scores_follow_the_documented_formula():
    assert score_from_ratio(0.0, 2.0) == 0.0
    assert score_from_ratio(2.0, 2.0) == 0.5
    assert 0.9 < score_from_ratio(100.0, 2.0) < 1.0
    with pytest.raises(ValueError):
        score_from_ratio(1.0, 0.0)


def test_a_batch_gives_one_prediction_per_window_in_order():
    t = np.arange(20.0)
    predictions = HoltLinearBaseline().predict([window(t), window(-t), window(2 * t)])
    assert [round(p.forecast[0, 0]) for p in predictions] == [20, -20, 40]

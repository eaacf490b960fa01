"""The committed trained models, served in-process with ONNX Runtime (no torch)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from satmon.config import Settings
from satmon.models.artifact import MODEL_NAMES, SERIES, latest_version_dir, read_metadata
from satmon.models.data import simulate
from satmon.models.repository import REPOSITORY
from satmon.serving.base import WindowInput
from satmon.serving.factory import open_models
from satmon.serving.local import InProcessModelServer
from satmon.serving.packing import column_widths, pad_stack, unpad_columns, width
from satmon.serving.triton import TritonModelServer, parse_url
from satmon.telemetry.derived import model_inputs
from satmon.telemetry.schema import SUBSYSTEMS, model_channels

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def server() -> InProcessModelServer:
    models = open_models(Settings(triton_server_url=None))
    assert isinstance(models, InProcessModelServer)
    return models


@pytest.fixture(scope="module")
def nominal() -> dict[str, np.ndarray]:
    streams = simulate(satellites=1, days=300 / 86_400, seed=99)
    return {sub: arrays[0] for sub, arrays in streams.series.items()}


def test_serving_imports_no_torch() -> None:
    code = (
        "import sys\n"
        "from satmon.config import Settings\n"
        "from satmon.serving.factory import open_models\n"
        "models = open_models(Settings(triton_server_url=None))\n"
        "assert len(models.models()) == 4, models.models()\n"
        "assert 'torch' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_every_model_has_a_calibrated_network_per_subsystem() -> None:
    for name in MODEL_NAMES:
        version_dir = latest_version_dir(REPOSITORY / name)
        assert version_dir is not None, f"{name} has no committed version"
        meta = read_metadata(version_dir)
        assert set(meta.subsystems) == {*SUBSYSTEMS, SERIES}
        for subsystem in SUBSYSTEMS:
            spec = meta.subsystems[subsystem]
            assert spec.channels == list(model_inputs(subsystem))
            assert len(spec.thresholds) == len(spec.channels)
            assert all(t > 0 for t in spec.thresholds)
            assert (version_dir / spec.onnx).is_file()
        assert (REPOSITORY / name / "config.pbtxt").is_file()
        assert (version_dir / "model.py").is_file()


def test_the_server_lists_the_baseline_and_the_trained_models(
    server: InProcessModelServer,
) -> None:
    listed = {m.name for m in server.models()}
    assert listed == {"holt_linear_baseline", *MODEL_NAMES}
    assert Settings().default_model in listed


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_nominal_windows_forecast_near_the_data_and_score_below_the_threshold(
    server: InProcessModelServer, nominal: dict[str, np.ndarray], name: str
) -> None:
    windows = [
        WindowInput(sub, model_inputs(sub), values[100:120], 10) for sub, values in nominal.items()
    ]
    for window, prediction in zip(windows, server.predict(name, windows), strict=True):
        assert prediction.forecast.shape == (10, len(window.channels))
        assert np.all(prediction.lower <= prediction.forecast)
        assert np.all(prediction.forecast <= prediction.upper)
        assert 0.0 <= prediction.anomaly_score < 0.5, (window.subsystem, prediction)
        assert not prediction.anomaly_channels
        truth = nominal[window.subsystem][120:130]
        spread = nominal[window.subsystem].std(axis=0) + 1e-3
        assert np.all(np.abs(prediction.forecast - truth).mean(axis=0) < 3 * spread)


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_a_jump_in_one_channel_is_detected_and_attributed(
    server: InProcessModelServer, nominal: dict[str, np.ndarray], name: str
) -> None:
    values = nominal["thermal"][100:120].copy()
    values[-3:, 1] += 30.0  # the battery suddenly 30 °C warmer
    channels = tuple(c.field for c in model_channels("thermal"))
    prediction = server.predict(name, [WindowInput("thermal", channels, values, 10)])[0]
    assert prediction.anomaly_detected
    assert prediction.anomaly_score >= 0.5
    assert prediction.anomaly_channels[0] == "battery_temp"


@pytest.mark.parametrize("name", MODEL_NAMES)
def test_other_lengths_and_a_bare_series(
    server: InProcessModelServer, nominal: dict[str, np.ndarray], name: str
) -> None:
    channels = tuple(c.field for c in model_channels("eps"))
    short, long = nominal["eps"][:8], nominal["eps"][:50]
    series = nominal["thermal"][:30, :1]
    predictions = server.predict(
        name,
        [
            WindowInput("eps", channels, short, 3),
            WindowInput("eps", channels, long, 25),
            WindowInput(SERIES, ("value",), series, 10),
        ],
    )
    assert predictions[0].forecast.shape == (3, 5)
    assert predictions[1].forecast.shape == (25, 5)
    assert predictions[2].forecast.shape == (10, 1)
    assert np.all(np.isfinite(predictions[1].forecast))
    with pytest.raises(ValueError, match="expected a window of shape"):
        server.predict(name, [WindowInput("eps", ("a", "b"), short[:, :2], 3)])


def test_triton_urls_pick_the_protocol() -> None:
    assert parse_url("127.0.0.1:8501") == ("grpc", "127.0.0.1:8501")
    assert parse_url("grpc://triton:8001") == ("grpc", "triton:8001")
    assert parse_url("http://127.0.0.1:8500") == ("http", "127.0.0.1:8500")
    with pytest.raises(ValueError):
        parse_url("127.0.0.1")


def test_the_factory_returns_the_triton_adapter_when_a_url_is_set() -> None:
    models = open_models(Settings(triton_server_url="127.0.0.1:8501"))
    assert isinstance(models, TritonModelServer)
    assert models.protocol == "grpc"
    assert models.in_flight == 4  # concurrent calls share requests beyond four
    models.close()


@pytest.mark.parametrize(("setting", "in_flight"), [(0, None), (1, 1), (7, 7)])
def test_the_triton_in_flight_setting_reaches_the_adapter(
    setting: int, in_flight: int | None
) -> None:
    settings = Settings(triton_server_url="http://127.0.0.1:8500", triton_in_flight=setting)
    models = open_models(settings)
    assert isinstance(models, TritonModelServer)
    assert models.in_flight == in_flight
    models.close()


def test_windows_of_several_widths_travel_padded_and_come_back_whole() -> None:
    narrow, wide = np.arange(6.0).reshape(3, 2), np.arange(12.0).reshape(3, 4)
    packed = pad_stack([narrow, wide])
    assert packed.shape == (2, 3, 4)
    np.testing.assert_array_equal(unpad_columns(packed[0]), narrow)
    np.testing.assert_array_equal(unpad_columns(packed[1]), wide)
    assert column_widths(pad_stack([wide, narrow, np.empty((3, 0)), narrow])) == [4, 2, 0, 2]
    scores = pad_stack([np.array([0.2]), np.array([0.1, 0.7, 0.3])])
    assert [width(row) for row in scores] == [1, 3]


@pytest.fixture(scope="module")
def pass_start() -> np.ndarray:
    """A comm window of 20 steps whose last 8 are a nominal pass's first contact."""
    streams = simulate(satellites=1, days=4 * 3600 / 86_400, seed=11)
    comm = streams.series["comm"][0]
    rises = np.flatnonzero(np.diff(comm[:, -1]) > 0) + 1  # the flag turns 1
    assert len(rises), "no pass in four hours"
    start = rises[0]
    return comm[start - 12 : start + 8].copy()


@pytest.mark.parametrize("name", ["vae_timeseries", "transformer_timeseries", "lstm_timeseries"])
def test_a_pass_without_a_signal_is_detected_and_a_nominal_one_is_not(
    server: InProcessModelServer, pass_start: np.ndarray, name: str
) -> None:
    """The comm channels alone cannot tell a link that fails as a pass begins from
    no pass at all; the station-in-view input can."""
    silent = pass_start.copy()
    silent[-8:, :2] = pass_start[:8, :2]  # the noise floor goes on
    channels = model_inputs("comm")
    nominal, dropped = server.predict(
        name, [WindowInput("comm", channels, w, 10) for w in (pass_start, silent)]
    )
    assert pass_start[-1, 1] > 5.0  # the nominal window has a signal (SNR, dB)
    assert not nominal.anomaly_detected, nominal
    assert dropped.anomaly_detected, dropped
    if name == "vae_timeseries":
        # The VAE reconstructs the flag as well: the nominal window nearest to a
        # silent one has no station in view, so the flag is what it gets wrong.
        assert dropped.anomaly_channels[0] in {"rssi_dbm", "snr_db", "station_in_view_next"}
    else:  # a forecaster takes the flag as given and misses the signal it announced
        assert set(dropped.anomaly_channels) & {"rssi_dbm", "snr_db"}

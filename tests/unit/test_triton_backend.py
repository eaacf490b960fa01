"""The python backend's batching of requests, run outside Triton.

`triton_python_backend_utils` exists only inside Triton's stub process; a stand-in
with its three calls used here lets the test hand `execute` one dynamic batch with
a malformed request between two good ones. The real stub runs the same code in the
Triton integration tests.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from satmon.models.artifact import latest_version_dir
from satmon.models.data import simulate
from satmon.models.repository import REPOSITORY
from satmon.serving.packing import pad_stack
from satmon.serving.runtime import ModelRunner
from satmon.serving.triton_backend import OUTPUTS, TritonPythonModel


@dataclass
class StubTensor:
    name: str
    array: np.ndarray

    def as_numpy(self) -> np.ndarray:
        return self.array


@dataclass
class StubResponse:
    output_tensors: list[StubTensor]
    error: str | None = None


@pytest.fixture
def stub_utils() -> Iterator[None]:
    module: Any = types.ModuleType("triton_python_backend_utils")
    module.Tensor = StubTensor
    module.InferenceResponse = StubResponse
    module.TritonError = str
    module.get_input_tensor_by_name = lambda request, name: request[name]
    sys.modules["triton_python_backend_utils"] = module
    yield
    del sys.modules["triton_python_backend_utils"]


def request(subsystems: list[str], windows: list[np.ndarray]) -> dict[str, StubTensor]:
    k = len(windows)
    return {
        "SUBSYSTEM": StubTensor("SUBSYSTEM", np.array([[s.encode()] for s in subsystems])),
        "WINDOW": StubTensor("WINDOW", pad_stack(windows)),
        "HORIZON": StubTensor("HORIZON", np.full((k, 1), 10, dtype=np.int32)),
    }


def test_a_malformed_request_gets_its_error_and_its_neighbours_their_own_rows(
    stub_utils: None,
) -> None:
    version_dir = latest_version_dir(REPOSITORY / "transformer_timeseries")
    assert version_dir is not None
    model = TritonPythonModel()
    model.runner = ModelRunner.load(version_dir)
    streams = simulate(satellites=1, days=120 / 86_400, seed=5)
    subsystems = list(streams.series)
    windows = [streams.series[s][0][-20:] for s in subsystems]
    malformed = request(["eps"], [windows[0]])
    malformed["WINDOW"] = StubTensor("WINDOW", windows[0])  # two dimensions, not three
    first, last = request(subsystems, windows), request(subsystems[:1], windows[:1])

    responses = model.execute([first, malformed, last])

    assert responses[1].error is not None and "expected WINDOW" in responses[1].error
    expected = model.runner.run(subsystems, windows, [10] * len(windows))
    for response, wanted in ((responses[0], expected), (responses[2], expected[:1])):
        assert response.error is None
        got = {t.name: t.array for t in response.output_tensors}
        assert list(got) == list(OUTPUTS)
        assert got["FORECAST"].shape[0] == len(wanted)
        for row, output in enumerate(wanted):
            horizon, targets = output.forecast.shape
            np.testing.assert_array_equal(got["FORECAST"][row, :horizon, :targets], output.forecast)
            np.testing.assert_array_equal(
                got["CHANNEL_SCORES"][row, :targets], output.channel_scores
            )
            assert np.isnan(got["CHANNEL_SCORES"][row, targets:]).all()  # the padding

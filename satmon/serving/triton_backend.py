"""The Triton python backend of every satmon model (each version's model.py imports it).

A request carries k >= 1 windows (`satmon.serving.packing`): SUBSYSTEM (BYTES
[k, 1]), WINDOW (FP64 [k, steps, channels], narrower windows NaN-padded at the
right) and HORIZON (INT32 [k, 1]). The dynamic batcher hands `execute` a list
of requests, of any subsystems (the inputs allow ragged batches); all their
windows go to one `ModelRunner.run`, which groups them by subsystem and makes
one ONNX Runtime call per group. The outputs are FORECAST, LOWER, UPPER (FP64
[k, horizon, targets]) and CHANNEL_SCORES (FP64 [k, targets]), padded the same
way; a bad request gets its own error and the others are answered.

Runs inside Triton's stub interpreter, which imports from the project's venv:
numpy, onnxruntime and satmon's numpy-only modules, never torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from satmon.serving.base import FloatArray
from satmon.serving.packing import column_widths, pad_stack
from satmon.serving.runtime import ModelRunner, Output

Window = tuple[str, FloatArray, int]
OUTPUTS = ("FORECAST", "LOWER", "UPPER", "CHANNEL_SCORES")


class TritonPythonModel:
    runner: ModelRunner

    def initialize(self, args: dict[str, str]) -> None:
        config = json.loads(args["model_config"])
        threads = int(config.get("parameters", {}).get("onnx_threads", {}).get("string_value", "1"))
        version_dir = Path(args["model_repository"]) / args["model_version"]
        self.runner = ModelRunner.load(version_dir, threads)

    def execute(self, requests: list[Any]) -> list[Any]:
        # Only Triton's stub provides it.
        import triton_python_backend_utils as pb_utils  # type: ignore[import-not-found]  # noqa: PLC0415

        parsed: list[list[Window] | Exception] = []
        for request in requests:
            try:
                parsed.append(_parse(pb_utils, request))
            except Exception as exc:  # answered as this request's error
                parsed.append(exc)
        outputs = self._run(parsed)
        # The outputs of the whole execution padded at once, then each request's rows
        # (a view): one pad_stack per output instead of one per output and request.
        answered = [o for i in sorted(outputs) for o in outputs[i]]
        stacked = (
            [
                pad_stack([o.forecast for o in answered]),
                pad_stack([o.lower for o in answered]),
                pad_stack([o.upper for o in answered]),
                pad_stack([o.channel_scores for o in answered]),
            ]
            if answered
            else []
        )
        responses = []
        row = 0
        for i, item in enumerate(parsed):
            if isinstance(item, Exception):
                error = pb_utils.TritonError(f"{type(item).__name__}: {item}")
                responses.append(pb_utils.InferenceResponse(output_tensors=[], error=error))
                continue
            rows = slice(row, row + len(outputs[i]))
            row = rows.stop
            tensors = [
                pb_utils.Tensor(name, array[rows])
                for name, array in zip(OUTPUTS, stacked, strict=True)
            ]
            responses.append(pb_utils.InferenceResponse(output_tensors=tensors))
        return responses

    def _run(self, parsed: list[list[Window] | Exception]) -> dict[int, list[Output]]:
        """Every good request's outputs; a request that fails gets its exception in `parsed`."""
        good = [(i, p) for i, p in enumerate(parsed) if not isinstance(p, Exception)]
        windows = [w for _, p in good for w in p]
        try:
            results = iter(self.runner.run(*_columns(windows)))
        except Exception:
            results = None
        if results is not None:
            return {i: [next(results) for _ in p] for i, p in good}
        # One bad window fails its whole group: run the requests one by one.
        outputs: dict[int, list[Output]] = {}
        for i, p in good:
            try:
                outputs[i] = self.runner.run(*_columns(p))
            except Exception as exc:
                parsed[i] = exc
        return outputs

    def finalize(self) -> None:
        """ONNX Runtime sessions are released with the runner."""


def _columns(windows: list[Window]) -> tuple[list[str], list[FloatArray], list[int]]:
    return [w[0] for w in windows], [w[1] for w in windows], [w[2] for w in windows]


def _parse(pb_utils: Any, request: Any) -> list[Window]:
    subsystems = pb_utils.get_input_tensor_by_name(request, "SUBSYSTEM").as_numpy().reshape(-1)
    windows = pb_utils.get_input_tensor_by_name(request, "WINDOW").as_numpy()
    horizons = pb_utils.get_input_tensor_by_name(request, "HORIZON").as_numpy().reshape(-1)
    if windows.ndim != 3 or not len(subsystems) == len(horizons) == windows.shape[0]:
        raise ValueError(
            f"expected WINDOW [k, steps, channels] with k SUBSYSTEM and HORIZON values, got "
            f"{list(windows.shape)}, {len(subsystems)} and {len(horizons)}"
        )
    windows = np.asarray(windows, dtype=np.float64)
    return [
        (s.decode() if isinstance(s, bytes) else str(s), w[:, :width], int(h))
        for s, w, width, h in zip(
            subsystems, windows, column_widths(windows), horizons, strict=True
        )
    ]

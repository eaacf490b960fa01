"""The Triton python backend of every satmon model (each version's model.py imports it).

A request carries one window: SUBSYSTEM (BYTES [1]), WINDOW (FP64 [steps,
channels]) and HORIZON (INT32 [1]), each with the batch dimension of 1 in
front. The dynamic batcher hands `execute` a list of requests, of any
subsystems (the inputs allow ragged batches); `ModelRunner.run` groups them by
subsystem and makes one ONNX Runtime call per group. The outputs are
FORECAST, LOWER, UPPER (FP64 [horizon, channels]) and CHANNEL_SCORES (FP64
[channels]); a bad request gets its own error and the others are answered.

Runs inside Triton's stub interpreter, which imports from the project's venv:
numpy, onnxruntime and satmon's numpy-only modules, never torch.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from satmon.serving.runtime import ModelRunner


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

        parsed: list[tuple[str, np.ndarray[Any, Any], int] | Exception] = []
        for request in requests:
            try:
                parsed.append(_parse(pb_utils, request))
            except Exception as exc:  # answered as this request's error
                parsed.append(exc)
        good = [(i, p) for i, p in enumerate(parsed) if not isinstance(p, Exception)]
        outputs: dict[int, Any] = {}
        try:
            results = self.runner.run(
                [p[0] for _, p in good], [p[1] for _, p in good], [p[2] for _, p in good]
            )
            outputs = dict(zip((i for i, _ in good), results, strict=True))
        except Exception:
            # One bad window fails its whole group: run the rest one by one.
            for i, (subsystem, window, horizon) in good:
                try:
                    outputs[i] = self.runner.run([subsystem], [window], [horizon])[0]
                except Exception as exc:
                    parsed[i] = exc
        responses = []
        for i, item in enumerate(parsed):
            if isinstance(item, Exception):
                error = pb_utils.TritonError(f"{type(item).__name__}: {item}")
                responses.append(pb_utils.InferenceResponse(output_tensors=[], error=error))
                continue
            out = outputs[i]
            responses.append(
                pb_utils.InferenceResponse(
                    output_tensors=[
                        pb_utils.Tensor("FORECAST", out.forecast[None]),
                        pb_utils.Tensor("LOWER", out.lower[None]),
                        pb_utils.Tensor("UPPER", out.upper[None]),
                        pb_utils.Tensor("CHANNEL_SCORES", out.channel_scores[None]),
                    ]
                )
            )
        return responses

    def finalize(self) -> None:
        """ONNX Runtime sessions are released with the runner."""


def _parse(pb_utils: Any, request: Any) -> tuple[str, np.ndarray[Any, Any], int]:
    subsystem = pb_utils.get_input_tensor_by_name(request, "SUBSYSTEM").as_numpy().reshape(-1)[0]
    window = pb_utils.get_input_tensor_by_name(request, "WINDOW").as_numpy()
    horizon = pb_utils.get_input_tensor_by_name(request, "HORIZON").as_numpy().reshape(-1)[0]
    if window.ndim != 3 or window.shape[0] != 1:
        raise ValueError(f"WINDOW must be [1, steps, channels], got {list(window.shape)}")
    name = subsystem.decode() if isinstance(subsystem, bytes) else str(subsystem)
    return name, np.asarray(window[0], dtype=np.float64), int(horizon)

"""The Triton model repository: one model per architecture, one directory per version.

Each model takes a batch of windows of any subsystem (the subsystem is an input)
and runs each subsystem's group through that subsystem's ONNX session, so the
dynamic batcher can gather requests of every subsystem into one execution.
"""

from __future__ import annotations

import shutil
import subprocess
from importlib import metadata as package_metadata
from pathlib import Path

from satmon.models.artifact import versions

REPOSITORY = Path(__file__).resolve().parents[2] / "model_repository"
"""The repository the project ships (trained default models), beside the package."""

MAX_BATCH_SIZE = 64
PREFERRED_BATCH_SIZES = (16, 32, 64)
MAX_QUEUE_DELAY_US = 2_000
INSTANCES = 2

MODEL_PY = '''"""Triton python backend entry of this version: see satmon.serving.triton_backend."""

from satmon.serving.triton_backend import TritonPythonModel

__all__ = ["TritonPythonModel"]
'''


def config_pbtxt(name: str) -> str:
    """Triton's model configuration (inputs of any subsystem may share a batch)."""
    preferred = ", ".join(str(s) for s in PREFERRED_BATCH_SIZES)
    return f"""name: "{name}"
backend: "python"
max_batch_size: {MAX_BATCH_SIZE}
input [
  {{ name: "SUBSYSTEM" data_type: TYPE_STRING dims: [ 1 ] allow_ragged_batch: true }},
  {{ name: "WINDOW" data_type: TYPE_FP64 dims: [ -1, -1 ] allow_ragged_batch: true }},
  {{ name: "HORIZON" data_type: TYPE_INT32 dims: [ 1 ] allow_ragged_batch: true }}
]
output [
  {{ name: "FORECAST" data_type: TYPE_FP64 dims: [ -1, -1 ] }},
  {{ name: "LOWER" data_type: TYPE_FP64 dims: [ -1, -1 ] }},
  {{ name: "UPPER" data_type: TYPE_FP64 dims: [ -1, -1 ] }},
  {{ name: "CHANNEL_SCORES" data_type: TYPE_FP64 dims: [ -1 ] }}
]
instance_group [ {{ count: {INSTANCES} kind: KIND_CPU }} ]
dynamic_batching {{
  preferred_batch_size: [ {preferred} ]
  max_queue_delay_microseconds: {MAX_QUEUE_DELAY_US}
}}
version_policy: {{ latest: {{ num_versions: 1 }} }}
parameters: {{ key: "onnx_threads" value: {{ string_value: "1" }} }}
"""


def next_version(model_dir: Path) -> int:
    found = versions(model_dir)
    return found[-1] + 1 if found else 1


def staging_dir(model_dir: Path, version: int) -> Path:
    """Where a version is written before it is moved into place, so a running
    Triton never loads a half-written version."""
    staging = model_dir / f".{version}.partial"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    return staging


def publish(model_dir: Path, name: str, staging: Path, version: int, replace: bool) -> Path:
    (staging / "model.py").write_text(MODEL_PY, encoding="utf-8")
    target = model_dir / str(version)
    if target.exists():
        if not replace:
            raise FileExistsError(f"{target} exists; pass a new version or replace it")
        shutil.rmtree(target)
    staging.rename(target)
    (model_dir / "config.pbtxt").write_text(config_pbtxt(name), encoding="utf-8")
    return target


def code_version() -> str:
    """The package version and the git commit it was trained from (+dirty)."""
    try:
        package = package_metadata.version("satmon")
    except package_metadata.PackageNotFoundError:
        package = "unknown"
    try:
        commit = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    return f"satmon {package} ({commit})"

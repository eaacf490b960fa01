"""Which model server a process gets: Triton when TRITON_SERVER_URL is set, else the
models run in-process.

In-process, the server holds the statistical baseline and the newest version of
every trained model in the project's model repository (run with ONNX Runtime,
the same code as Triton's python backend).
"""

from __future__ import annotations

import logging
from pathlib import Path

from satmon.config import Settings
from satmon.models.artifact import MODEL_NAMES, latest_version_dir
from satmon.models.baseline import HoltLinearBaseline
from satmon.models.repository import REPOSITORY
from satmon.serving.base import ModelServer
from satmon.serving.local import InProcessModelServer, LocalModel

log = logging.getLogger(__name__)


def open_models(settings: Settings) -> ModelServer:
    if settings.triton_server_url:
        from satmon.serving.triton import TritonModelServer  # noqa: PLC0415 (grpc loads only here)

        return TritonModelServer(settings.triton_server_url, in_flight=settings.triton_in_flight)
    return InProcessModelServer([HoltLinearBaseline(), *trained_models(REPOSITORY)])


def trained_models(repository: Path) -> list[LocalModel]:
    """The newest version of each trained model found in the repository."""
    from satmon.serving.runtime import OnnxModel  # noqa: PLC0415 (onnxruntime loads only here)

    found: list[LocalModel] = []
    for name in MODEL_NAMES:
        version_dir = latest_version_dir(repository / name)
        if version_dir is None:
            log.warning("%s: no trained version in %s", name, repository / name)
            continue
        found.append(OnnxModel.load(version_dir))
    return found

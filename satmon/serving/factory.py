"""Which model server a process gets: Triton when TRITON_SERVER_URL is set, else the
models run in-process."""

from __future__ import annotations

from satmon.config import Settings
from satmon.errors import ServiceUnavailableError
from satmon.models.baseline import HoltLinearBaseline
from satmon.serving.base import ModelServer
from satmon.serving.local import InProcessModelServer


def open_models(settings: Settings) -> ModelServer:
    if settings.triton_server_url:
        raise ServiceUnavailableError(
            "triton", settings.triton_server_url, "this build has no Triton adapter"
        )
    return InProcessModelServer([HoltLinearBaseline()])

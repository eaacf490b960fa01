"""The in-process model server: the embedded adapter of the serving port."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from satmon.errors import NotFoundError
from satmon.serving.base import ModelInfo, Prediction, WindowInput


class LocalModel(Protocol):
    name: str

    def info(self) -> ModelInfo: ...

    def predict(self, inputs: Sequence[WindowInput]) -> list[Prediction]: ...


class InProcessModelServer:
    """Runs registered models in this process, one batch per call."""

    name = "in-process-models"
    url = "local://"

    def __init__(self, models: Iterable[LocalModel]) -> None:
        self._models = {model.name: model for model in models}

    def models(self) -> list[ModelInfo]:
        return [model.info() for model in self._models.values()]

    def predict(self, model_name: str, inputs: Sequence[WindowInput]) -> list[Prediction]:
        model = self._models.get(model_name)
        if model is None:
            known = ", ".join(sorted(self._models)) or "none"
            raise NotFoundError(f"model {model_name!r} is not served (available: {known})")
        return model.predict(inputs)

    def check_ready(self) -> None:
        """In-process models are ready once constructed."""

    def close(self) -> None:
        """Nothing to release."""

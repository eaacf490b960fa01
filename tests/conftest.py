from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from satmon.analysis.executor import LocalExecutor
from satmon.analysis.jobs import JobService
from satmon.config import Settings
from satmon.runtime import Adapters, job_service, local_executor, open_adapters


class Embedded:
    """The embedded adapters of a temporary data directory, with an executor."""

    def __init__(self, data_dir: Path, **settings: object) -> None:
        self.settings = Settings(data_dir=data_dir, _env_file=None, **settings)  # type: ignore[call-arg]
        self.adapters: Adapters = open_adapters(self.settings)
        self.executor: LocalExecutor = local_executor(self.adapters)
        self.jobs: JobService = job_service(self.adapters, self.executor)

    def close(self) -> None:
        self.executor.close()
        self.adapters.close()


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Embedded]:
    system = Embedded(tmp_path / "data")
    try:
        yield system
    finally:
        system.close()

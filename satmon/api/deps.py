"""Dependencies the routers declare with Annotated types."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from satmon.analysis.jobs import JobService
from satmon.runtime import Adapters


@dataclass(frozen=True, slots=True)
class ApiState:
    adapters: Adapters
    jobs: JobService


def _state(request: Request) -> ApiState:
    state: ApiState = request.app.state.satmon
    return state


StateDep = Annotated[ApiState, Depends(_state)]

"""Forecast points of one channel over a time range, stitched from many jobs.

Jobs overlap: a satellite checked every few seconds gets forecasts ten steps
ahead each time. Over any instant the newest job's forecast is the one shown:
an older job's point is kept only where no newer job's forecast reaches.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from satmon.store.convert import forecast_from_json
from satmon.store.models import InferenceJob, SubsystemInference
from satmon.store.records import JobStatus, PredictionPoint

_Job = InferenceJob
_Sub = SubsystemInference


class PredictionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def forecasts(
        self, satellite_id: str, subsystem: str, start_ms: int, end_ms: int
    ) -> list[tuple[str, dict[str, Any]]]:
        """(job_id, forecast JSON) of every completed inference whose forecast
        reaches into [start_ms, end_ms], newest job first."""
        rows = self.session.execute(
            select(_Sub.job_id, _Sub.forecast)
            .join(_Job, _Job.job_id == _Sub.job_id)
            .where(
                _Sub.subsystem == subsystem,
                _Sub.forecast_end_ms >= start_ms,
                _Sub.forecast_start_ms <= end_ms,
                _Sub.status == JobStatus.COMPLETED.value,
                _Job.satellite_id == satellite_id,
            )
            .order_by(_Job.created_at.desc(), _Job.job_id.desc())
        )
        return [(job_id, forecast) for job_id, forecast in rows if forecast is not None]


def stitch(
    forecasts: Iterable[tuple[str, dict[str, Any]]], channel: str, start_ms: int, end_ms: int
) -> list[PredictionPoint]:
    """The channel's points in [start_ms, end_ms], in time order; `forecasts` newest first."""
    covered = _Coverage()
    points: list[PredictionPoint] = []
    for job_id, data in forecasts:
        forecast = forecast_from_json(data)
        series = forecast.channels.get(channel)
        if series is None or not series.mean:
            continue
        first = forecast.start_ms
        for k, (mean, lower, upper) in enumerate(
            zip(series.mean, series.lower, series.upper, strict=True)
        ):
            t = first + k * forecast.step_ms
            if start_ms <= t <= end_ms and not covered.contains(t):
                points.append(PredictionPoint(t, mean, lower, upper, job_id))
        covered.add(first, first + (len(series.mean) - 1) * forecast.step_ms)
    points.sort(key=lambda p: p.timestamp_ms)
    return points


class _Coverage:
    """A union of closed intervals kept as sorted, disjoint [start, end] pairs."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def contains(self, t: int) -> bool:
        i = bisect.bisect_right(self._starts, t) - 1
        return i >= 0 and self._ends[i] >= t

    def add(self, start: int, end: int) -> None:
        lo = bisect.bisect_left(self._ends, start)  # first interval ending at or after start
        hi = bisect.bisect_right(self._starts, end)  # past the last one starting by end
        if lo < hi:
            start = min(start, self._starts[lo])
            end = max(end, self._ends[hi - 1])
        self._starts[lo:hi] = [start]
        self._ends[lo:hi] = [end]

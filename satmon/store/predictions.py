"""Forecast points of one channel over a time range, stitched from many jobs.

Jobs overlap: a satellite checked every few seconds gets forecasts ten steps
ahead each time. Over any instant the newest job's forecast is the one shown:
an older job's point is kept only where no newer job's forecast reaches.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from satmon.store.models import InferenceJob, SubsystemInference
from satmon.store.records import JobStatus, PredictionPoint

_Job = InferenceJob
_Sub = SubsystemInference


_CHANNEL_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")


@dataclass(frozen=True, slots=True)
class ChannelForecastRow:
    """One job's forecast of one channel, as stored."""

    job_id: str
    start_ms: int
    step_ms: int
    channel: dict[str, list[float]]  # {"mean": [...], "lower": [...], "upper": [...]}


class PredictionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def forecasts(
        self, satellite_id: str, subsystem: str, channel: str, start_ms: int, end_ms: int
    ) -> list[ChannelForecastRow]:
        """The channel's forecast from every completed inference whose forecast
        reaches into [start_ms, end_ms], newest job first. Only that channel is
        read out of the JSON, in the database."""
        if not _CHANNEL_NAME.match(channel):
            return []  # no channel is named so; and the name goes into a JSON path
        channel_json = _Sub.forecast["channels"][channel]
        rows = self.session.execute(
            select(
                _Sub.job_id,
                _Sub.forecast["start_ms"].as_integer(),
                _Sub.forecast["step_ms"].as_integer(),
                channel_json,
            )
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
        return [
            ChannelForecastRow(job_id, start, step, data)
            for job_id, start, step, data in rows
            if data is not None
        ]


def stitch(
    forecasts: Iterable[ChannelForecastRow], start_ms: int, end_ms: int
) -> list[PredictionPoint]:
    """The points in [start_ms, end_ms], in time order; `forecasts` newest first."""
    covered = _Coverage()
    points: list[PredictionPoint] = []
    for row in forecasts:
        means, lowers, uppers = row.channel["mean"], row.channel["lower"], row.channel["upper"]
        if not means:
            continue
        for k, (mean, lower, upper) in enumerate(zip(means, lowers, uppers, strict=True)):
            t = row.start_ms + k * row.step_ms
            if start_ms <= t <= end_ms and not covered.contains(t):
                points.append(PredictionPoint(t, mean, lower, upper, row.job_id))
        covered.add(row.start_ms, row.start_ms + (len(means) - 1) * row.step_ms)
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

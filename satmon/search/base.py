"""The search port: index finished jobs, search them by words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class JobDocument:
    """What is searchable about a job."""

    job_id: str
    satellite_id: str | None
    source: str
    trigger_reason: str | None
    status: str
    model_name: str
    created_at: datetime
    completed_at: datetime | None
    anomalous_subsystems: list[str] = field(default_factory=list)
    anomaly_channels: list[str] = field(default_factory=list)
    max_anomaly_score: float | None = None
    error_message: str | None = None

    @property
    def text(self) -> str:
        """The words a query matches, in one string."""
        words = [
            self.job_id,
            self.satellite_id or "",
            self.source,
            self.trigger_reason or "",
            self.status,
            self.model_name,
            *self.anomalous_subsystems,
            *self.anomaly_channels,
            "anomaly" if self.anomalous_subsystems else "",
            self.error_message or "",
        ]
        return " ".join(w for w in words if w)


@dataclass(frozen=True, slots=True)
class SearchHit:
    document: JobDocument
    score: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    total: int
    hits: list[SearchHit]


class SearchIndex(Protocol):
    name: str
    url: str

    def index(self, documents: Sequence[JobDocument]) -> None:
        """Add or replace documents by job_id."""

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        satellite_id: str | None = None,
        status: str | None = None,
    ) -> SearchResults:
        """Best matches first. The query is plain words (all must match); a word
        may end in * to match as a prefix. Raises InvalidRequestError on an empty query."""

    def check_ready(self) -> None: ...

    def close(self) -> None: ...

"""The results store: PostgreSQL when POSTGRES_HOST or DATABASE_URL is set, else SQLite
in the data directory; the same SQLAlchemy code either way."""

from __future__ import annotations

from satmon.config import Settings
from satmon.store.base import ResultsStore
from satmon.store.repository import SqlResultsStore


def open_results(settings: Settings) -> ResultsStore:
    return SqlResultsStore(settings.results_database_url)

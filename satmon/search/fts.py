"""The embedded search index: SQLite FTS5 over finished jobs.

`documents` holds one row per job (upserted by job_id) with the fields a hit
returns; `documents_fts` is an external-content FTS5 index of each document's
text, kept in step by triggers, ranked by bm25.

User input never reaches FTS5's query language: every word is quoted as a
string (which FTS5 tokenizes like the indexed text, so `SAT-001` matches the
tokens `sat 001` in sequence), and only a trailing `*` survives, as a prefix.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from satmon.errors import InvalidRequestError, ServiceUnavailableError
from satmon.search.base import JobDocument, SearchHit, SearchResults
from satmon.sqlite_file import SqliteFile

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id                   INTEGER PRIMARY KEY,
    job_id               TEXT NOT NULL UNIQUE,
    satellite_id         TEXT,
    source               TEXT NOT NULL,
    trigger_reason       TEXT,
    status               TEXT NOT NULL,
    model_name           TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    completed_at         TEXT,
    anomalous_subsystems TEXT NOT NULL,
    anomaly_channels     TEXT NOT NULL,
    max_anomaly_score    REAL,
    error_message        TEXT,
    body                 TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_by_satellite ON documents (satellite_id);
CREATE INDEX IF NOT EXISTS documents_by_status ON documents (status);
CREATE VIRTUAL TABLE IF NOT EXISTS documents_fts USING fts5(
    body, content = 'documents', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER IF NOT EXISTS documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER IF NOT EXISTS documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER IF NOT EXISTS documents_au AFTER UPDATE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO documents_fts (rowid, body) VALUES (new.id, new.body);
END;
"""

_COLUMNS = (
    "job_id",
    "satellite_id",
    "source",
    "trigger_reason",
    "status",
    "model_name",
    "created_at",
    "completed_at",
    "anomalous_subsystems",
    "anomaly_channels",
    "max_anomaly_score",
    "error_message",
    "body",
)

# An upsert, not INSERT OR REPLACE: REPLACE deletes without firing the delete
# trigger (unless recursive triggers are on), which would leave stale FTS rows.
_UPSERT = (
    f"INSERT INTO documents ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
    " ON CONFLICT (job_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c != "job_id")
)

_FILTERS = (
    " FROM documents_fts JOIN documents AS d ON d.id = documents_fts.rowid"
    " WHERE documents_fts MATCH :match"
    " AND (:sat IS NULL OR d.satellite_id = :sat)"
    " AND (:status IS NULL OR d.status = :status)"
)


def match_expression(query: str) -> str | None:
    """The FTS5 expression of a plain-words query: each word a quoted string, all
    required, a trailing * kept as a prefix. None when no word has a letter or digit
    (nothing could match). Raises InvalidRequestError("q") on an empty query."""
    words = query.replace("\x00", " ").split()
    if not words:
        raise InvalidRequestError("q", "the query is empty")
    terms = []
    for word in words:
        core = word.rstrip("*")
        if not any(ch.isalnum() for ch in core):
            continue  # the tokenizer would drop it anyway
        quoted = '"' + core.replace('"', '""') + '"'
        terms.append(quoted + "*" if core != word else quoted)
    return " AND ".join(terms) if terms else None


class FtsSearchIndex:
    """`SearchIndex` over a SQLite file, created on first use."""

    name = "sqlite-fts5"

    def __init__(self, path: Path, *, busy_timeout_s: float = 10.0) -> None:
        self.path = path
        self.url = str(path)
        self._file = SqliteFile(path, _SCHEMA, service=self.name, busy_timeout_s=busy_timeout_s)
        self._connection = self._file.connection
        self._transaction = self._file.transaction

    def index(self, documents: Sequence[JobDocument]) -> None:
        rows = [_row(doc) for doc in documents]
        if not rows:
            return
        with self._transaction() as conn:
            conn.executemany(_UPSERT, rows)

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        satellite_id: str | None = None,
        status: str | None = None,
    ) -> SearchResults:
        match = match_expression(query)
        if limit < 1:
            raise InvalidRequestError("limit", "must be at least 1")
        if offset < 0:
            raise InvalidRequestError("offset", "must not be negative")
        if match is None:
            return SearchResults(total=0, hits=[])
        params = {"match": match, "sat": satellite_id, "status": status}
        conn = self._connection()
        total = conn.execute(f"SELECT count(*){_FILTERS}", params).fetchone()[0]
        rows = conn.execute(
            f"SELECT {', '.join('d.' + c for c in _COLUMNS)}, bm25(documents_fts) AS rank"
            f"{_FILTERS} ORDER BY rank, d.created_at DESC LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": offset},
        ).fetchall()
        # bm25 is lower for better matches; a score is higher for better matches.
        hits = [SearchHit(document=_document(row), score=-row[-1]) for row in rows]
        return SearchResults(total=total, hits=hits)

    def check_ready(self) -> None:
        try:
            with self._transaction() as conn:
                conn.execute("SELECT count(*) FROM documents").fetchone()
        except sqlite3.Error as exc:
            raise ServiceUnavailableError(self.name, self.url, str(exc)) from exc

    def close(self) -> None:
        self._file.close()


def _row(doc: JobDocument) -> tuple[Any, ...]:
    return (
        doc.job_id,
        doc.satellite_id,
        doc.source,
        doc.trigger_reason,
        doc.status,
        doc.model_name,
        _utc_iso(doc.created_at),
        _utc_iso(doc.completed_at) if doc.completed_at else None,
        json.dumps(doc.anomalous_subsystems),
        json.dumps(doc.anomaly_channels),
        doc.max_anomaly_score,
        doc.error_message,
        doc.text,
    )


def _utc_iso(moment: datetime) -> str:
    """UTC, so the text sorts in time order; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _document(row: sqlite3.Row | tuple[Any, ...]) -> JobDocument:
    return JobDocument(
        job_id=row[0],
        satellite_id=row[1],
        source=row[2],
        trigger_reason=row[3],
        status=row[4],
        model_name=row[5],
        created_at=datetime.fromisoformat(row[6]),
        completed_at=datetime.fromisoformat(row[7]) if row[7] else None,
        anomalous_subsystems=json.loads(row[8]),
        anomaly_channels=json.loads(row[9]),
        max_anomaly_score=row[10],
        error_message=row[11],
    )

"""Engines and transactions of the results database, PostgreSQL or SQLite.

A SQLite file is opened in WAL mode with foreign keys enforced and a busy
timeout, usable from many threads. Python's sqlite3 module would otherwise
decide when transactions begin; here SQLAlchemy does, so a read sees one
snapshot and a write transaction takes the write lock up front (BEGIN
IMMEDIATE): a writer then waits its turn instead of failing when it would have
to upgrade a read lock another writer got to first.

`Database.write()` is the one place a transaction commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from satmon.errors import ServiceUnavailableError

SQLITE_BUSY_TIMEOUT_S = 30.0
_BEGIN_OPTION = "satmon_sqlite_begin"


def create_db_engine(url: str) -> Engine:
    """An engine for a PostgreSQL (psycopg 3) or SQLite URL."""
    parsed = make_url(url)
    common: dict[str, Any] = {
        # NaN and infinity are not JSON; refuse them rather than store what
        # PostgreSQL would reject and SQLite would keep as invalid JSON.
        "json_serializer": lambda obj: json.dumps(obj, allow_nan=False, separators=(",", ":")),
        "json_deserializer": orjson.loads,
    }
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, **common)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or parsed.query.get("mode") == "memory"
    if in_memory:
        # One shared connection, or each thread would see its own empty database.
        common["poolclass"] = StaticPool
    else:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        **common,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN, see _on_begin
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def writer(engine: Engine) -> Engine:
    """The engine's variant whose transactions are writes (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})


def dialect_insert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """INSERT with ON CONFLICT support, in the dialect of the session's database."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"the results store supports PostgreSQL and SQLite, not {name}")


class Database:
    """Sessions of one engine: `read()` for queries, `write()` for a unit of work.

    A database that cannot be reached (connection refused or lost, server shutting
    down) surfaces as ServiceUnavailableError naming `service` and `url`, so the
    API answers 503 and callers can retry, rather than leaking a driver error."""

    def __init__(self, engine: Engine, service: str, url: str) -> None:
        self.engine = engine
        self.service = service
        self.url = url
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(writer(engine), expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._unavailable_as_error(), self._reads() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Commits when the block succeeds, rolls back when it raises."""
        with self._unavailable_as_error(), self._writes.begin() as session:
            yield session

    @contextmanager
    def _unavailable_as_error(self) -> Iterator[None]:
        try:
            yield
        except (OperationalError, InterfaceError) as exc:
            detail = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
            raise ServiceUnavailableError(self.service, self.url, detail) from exc

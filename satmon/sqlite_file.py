"""One SQLite file shared by the threads of a process: the embedded adapters' connections.

The embedded time-series store and search index each keep a SQLite file in WAL
mode. Each thread gets its own connection (an ingest writer and API readers run
side by side; WAL lets readers proceed while a writer commits), the first one
creates the schema, and writes run in `transaction()`. A file that cannot be
opened, or is used after `close()`, raises the owning adapter's
ServiceUnavailableError.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from satmon.errors import ServiceUnavailableError


class SqliteFile:
    def __init__(
        self,
        path: Path,
        schema: str,
        *,
        service: str,
        busy_timeout_s: float = 10.0,
        pragmas: Sequence[str] = (),
    ) -> None:
        self.path = path
        self._schema = schema
        self._service = service
        self._busy_timeout_s = busy_timeout_s
        self._pragmas = tuple(pragmas)  # run on every connection, e.g. "synchronous = FULL"
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._schema_ready = False
        self._closed = False

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        if self._closed:
            raise ServiceUnavailableError(self._service, str(self.path), "the file is closed")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path,
                timeout=self._busy_timeout_s,
                isolation_level=None,  # transactions are explicit, see transaction()
                check_same_thread=False,  # close() runs on another thread
            )
            for pragma in self._pragmas:
                conn.execute(f"PRAGMA {pragma}")
            with self._lock:
                if not self._schema_ready:
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.executescript(self._schema)
                    self._schema_ready = True
                self._connections.append(conn)
        except (sqlite3.Error, OSError) as exc:
            raise ServiceUnavailableError(self._service, str(self.path), str(exc)) from exc
        self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.connection()
        # IMMEDIATE takes the write lock up front, so a concurrent writer waits on the
        # busy timeout instead of failing when a read transaction would have to upgrade.
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Closes every thread's connection; later use raises ServiceUnavailableError."""
        with self._lock:
            self._closed = True
            connections, self._connections = self._connections, []
        for conn in connections:
            conn.close()
        self._local = threading.local()

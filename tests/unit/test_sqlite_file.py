"""The embedded adapters' SQLite file: per-thread connections, transactions, close."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from satmon.errors import ServiceUnavailableError
from satmon.sqlite_file import SqliteFile

pytestmark = pytest.mark.unit

SCHEMA = "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL);"


def test_each_thread_gets_its_own_connection_to_one_wal_file(tmp_path: Path) -> None:
    file = SqliteFile(tmp_path / "sub" / "db.sqlite", SCHEMA, service="test")
    mine = file.connection()
    assert file.connection() is mine
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(file.connection()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    assert mine.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    file.close()


def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    file = SqliteFile(tmp_path / "db.sqlite", SCHEMA, service="test")
    with file.transaction() as conn:
        conn.execute("INSERT INTO items (name) VALUES ('kept')")
    with pytest.raises(RuntimeError), file.transaction() as conn:
        conn.execute("INSERT INTO items (name) VALUES ('lost')")
        raise RuntimeError("the caller failed half way")
    names = [r[0] for r in file.connection().execute("SELECT name FROM items").fetchall()]
    assert names == ["kept"]
    file.close()


def test_pragmas_run_on_every_connection(tmp_path: Path) -> None:
    pragmas = ["temp_store = MEMORY"]
    file = SqliteFile(tmp_path / "db.sqlite", SCHEMA, service="test", pragmas=pragmas)
    assert file.connection().execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
    file.close()


def test_use_after_close_is_the_services_unavailability(tmp_path: Path) -> None:
    file = SqliteFile(tmp_path / "db.sqlite", SCHEMA, service="sqlite-tsdb")
    file.connection()
    file.close()
    with pytest.raises(ServiceUnavailableError, match="closed"):
        file.connection()


def test_a_path_that_cannot_be_a_database_is_the_services_unavailability(tmp_path: Path) -> None:
    (tmp_path / "not-a-dir").write_text("a file where a folder should be")
    file = SqliteFile(tmp_path / "not-a-dir" / "db.sqlite", SCHEMA, service="sqlite-fts5")
    with pytest.raises(ServiceUnavailableError):
        file.connection()

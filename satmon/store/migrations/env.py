"""Alembic environment of the results database.

Run programmatically by `satmon.store.migrate`, which hands over a connection in
`config.attributes["connection"]`; given only `sqlalchemy.url` (the alembic
command line), it opens its own. SQLite gets batch mode, since it can alter a
table only by copying it.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from satmon.store.database import create_db_engine, writer
from satmon.store.models import Base

# Any constant works; it only has to be the same for every satmon process.
_MIGRATION_LOCK_ID = 0x5A7_3001


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Two processes upgrading at once: the second waits, then finds nothing to do.
            # (On SQLite the write transaction's BEGIN IMMEDIATE does the same.)
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        context.run_migrations()


def _run_offline() -> None:
    context.configure(
        url=context.config.get_main_option("sqlalchemy.url"),
        target_metadata=Base.metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    _run_offline()
elif (given := context.config.attributes.get("connection")) is not None:
    _run(given)
else:
    engine = create_db_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with writer(engine).connect() as opened:
        _run(opened)
    engine.dispose()

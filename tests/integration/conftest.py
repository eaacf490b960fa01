"""Fixtures of the integration tests: the real services started by scripts/services.

Every test gets places of its own on the shared servers, so test modules can run
at the same time (and beside other developers' runs): a PostgreSQL database
created for the module and dropped after it, Redis keys under a unique prefix,
an Elasticsearch index with a unique name, Kafka topics and groups with unique
names, VictoriaMetrics series with unique label values. A service that is not
running makes these fixtures fail; nothing is skipped. Tests marked
`service_fault` stop a service and start it again; they run after all others.

The URLs default to what scripts/services runs; SATMON_TEST_POSTGRES_URL,
SATMON_TEST_REDIS_URL, SATMON_TEST_ELASTICSEARCH_URL,
SATMON_TEST_KAFKA_BOOTSTRAP_SERVERS and SATMON_TEST_VICTORIA_METRICS_URL point
them elsewhere.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
import redis
from psycopg import sql
from sqlalchemy.engine import make_url

from satmon.cache.redis import RedisCache
from satmon.errors import ServiceUnavailableError
from satmon.search.elastic import ElasticsearchIndex
from satmon.store.migrate import upgrade

T = TypeVar("T")

POSTGRES_URL = os.environ.get(
    "SATMON_TEST_POSTGRES_URL", "postgresql+psycopg://satmon:satmon@127.0.0.1:5432/satmon"
)
REDIS_URL = os.environ.get("SATMON_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ELASTICSEARCH_URL = os.environ.get("SATMON_TEST_ELASTICSEARCH_URL", "http://127.0.0.1:9200")


def unique_name(prefix: str) -> str:
    """A name no concurrent test run shares: `prefix` plus the xdist worker and a random tag."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"{prefix}_{worker}_{uuid.uuid4().hex[:12]}"


# --- PostgreSQL: one database per test module ------------------------------------------


def _admin_connection() -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the server's own database as the project's role (which may
    create databases), outside any transaction: CREATE/DROP DATABASE need that."""
    url = make_url(POSTGRES_URL)
    return psycopg.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        password=url.password,
        dbname=url.database,
        autocommit=True,
        connect_timeout=5,
    )


def create_database() -> str:
    """Create an empty database with a unique name and return its SQLAlchemy URL."""
    name = unique_name("satmon_test")
    with _admin_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    name = make_url(url).database
    assert name, f"no database in {url}"
    with _admin_connection() as conn:
        # FORCE: a test that failed midway may have left a connection open.
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A migrated database of this test module's own; dropped afterwards."""
    url = create_database()
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


# --- Redis: keys under a prefix of the test's own ----------------------------------------


@pytest.fixture
def redis_cache() -> Iterator[RedisCache]:
    cache = RedisCache(REDIS_URL, prefix=f"{unique_name('satmon-test')}:")
    try:
        cache.check_ready()
        yield cache
    finally:
        cache.close()
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
        try:
            keys = list(client.scan_iter(match=f"{cache.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


# --- Elasticsearch: an index of the test's own -------------------------------------------


@pytest.fixture
def elastic_index() -> Iterator[ElasticsearchIndex]:
    """An index of the test's own, whose writes are searchable when `index()` returns."""
    index = ElasticsearchIndex(
        ELASTICSEARCH_URL, index=unique_name("satmon-test").lower(), refresh="wait_for"
    )
    try:
        yield index
    finally:
        index.delete_index()
        index.close()


# --- Kafka and VictoriaMetrics: topics, groups and label values of the test's own --------
#
# Kafka tests name their topics and groups with unique_name(); VictoriaMetrics has no
# databases, so its tests write series whose satellite ids (and metric names, where a
# query spans all satellites) are unique to the test.

KAFKA_BOOTSTRAP_SERVERS = os.environ.get("SATMON_TEST_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
VICTORIA_METRICS_URL = os.environ.get("SATMON_TEST_VICTORIA_METRICS_URL", "http://127.0.0.1:8428")
SERVICES_SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "services"
SERVICE_SCRIPT_TIMEOUT_S = 600  # waits for other runs' lifecycle changes (a file lock)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "service_fault: stops and restarts a shared service; runs after every other test",
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that stop a service run last, so no other test of the run sees it down."""
    items.sort(key=lambda item: item.get_closest_marker("service_fault") is not None)


def run_services_script(*args: str) -> None:
    result = subprocess.run(
        [str(SERVICES_SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=SERVICE_SCRIPT_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(
            f"scripts/services {' '.join(args)} failed (exit {result.returncode}):\n"
            f"{result.stdout}\n{result.stderr}"
        )


@contextmanager
def service_stopped(name: str) -> Iterator[None]:
    """`name` is down inside the block and up again after it, even when the block fails."""
    run_services_script("down", name)
    try:
        yield
    finally:
        run_services_script("up", name)


def eventually(call: Callable[[], T], timeout_s: float = 30.0) -> T:
    """`call()` once it stops raising ServiceUnavailableError (a service that has just
    passed its health check may still refuse a moment longer)."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return call()
        except ServiceUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def timed(call: Callable[[], object]) -> tuple[BaseException, float]:
    """The error `call()` raises and the seconds it took to raise it."""
    started = time.monotonic()
    try:
        call()
    except Exception as exc:
        return exc, time.monotonic() - started
    raise AssertionError(f"{call} did not fail")

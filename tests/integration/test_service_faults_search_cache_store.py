"""Faults: PostgreSQL, Redis and Elasticsearch stopped while their adapters are in use.

Each test stops one service with scripts/services, checks that the adapter
fails with an error naming the service and its URL, starts the service again
(in a finally block, whatever happened) and checks that the same adapter
object works again, without being recreated.

These tests stop shared services, so they live in a module of their own and
are marked service_fault, which runs them after every other test of the run.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from satmon.cache.redis import RedisCache
from satmon.errors import ServiceUnavailableError
from satmon.search.base import JobDocument
from satmon.search.elastic import ElasticsearchIndex
from satmon.store.records import JobSource, NewJob
from satmon.store.repository import SqlResultsStore
from tests.integration.conftest import eventually, service_stopped, timed

pytestmark = [pytest.mark.integration, pytest.mark.service_fault]


def test_postgres_down_and_back(postgres_url: str) -> None:
    store = SqlResultsStore(postgres_url)
    try:
        store.create_job(NewJob("before", JobSource.MANUAL.value, "lstm_timeseries"))

        with service_stopped("postgres"):
            with pytest.raises(ServiceUnavailableError) as raised:
                store.check_ready()
            failed, _ = timed(lambda: store.get_job("before"))

        assert (raised.value.service, raised.value.url) == ("postgresql", store.url)
        assert ":***@127.0.0.1:5432/" in raised.value.url
        assert isinstance(failed, ServiceUnavailableError)  # the API answers 503, naming it
        assert (failed.service, failed.url) == ("postgresql", store.url)
        eventually(store.check_ready)
        assert store.create_job(NewJob("after", JobSource.MANUAL.value, "lstm_timeseries"))
        assert store.get_job("before") is not None
    finally:
        store.close()


def test_redis_down_and_back(redis_cache: RedisCache) -> None:
    redis_cache.set("k", b"before", 60)

    with service_stopped("redis"):
        with pytest.raises(ServiceUnavailableError) as raised:
            redis_cache.check_ready()
        failed_get, get_s = timed(lambda: redis_cache.get("k"))
        failed_set, set_s = timed(lambda: redis_cache.set("k", b"during", 60))

    assert (raised.value.service, raised.value.url) == ("redis", redis_cache.url)
    for failed, seconds in ((failed_get, get_s), (failed_set, set_s)):
        assert isinstance(failed, ServiceUnavailableError)
        assert failed.service == "redis"
        assert seconds < 1.0  # a cache that is down must not hold up the read it serves
    eventually(redis_cache.check_ready)
    # Redis saved its snapshot on the way down: the value is still there.
    assert redis_cache.get("k") == b"before"
    redis_cache.set("k", b"after", 60)
    assert redis_cache.get("k") == b"after"


def test_elasticsearch_down_and_back(elastic_index: ElasticsearchIndex) -> None:
    now = datetime.now(UTC)

    def job(job_id: str) -> JobDocument:
        return JobDocument(job_id, "SAT-001", "manual", "fault_drill", "completed", "m", now, now)

    elastic_index.index([job("before")])

    with service_stopped("elasticsearch"):
        with pytest.raises(ServiceUnavailableError) as raised:
            elastic_index.check_ready()
        failed_search, _ = timed(lambda: elastic_index.search("fault_drill"))
        failed_index, _ = timed(lambda: elastic_index.index([job("during")]))

    assert (raised.value.service, raised.value.url) == ("elasticsearch", elastic_index.url)
    for failed in (failed_search, failed_index):
        assert isinstance(failed, ServiceUnavailableError)
        assert (failed.service, failed.url) == ("elasticsearch", elastic_index.url)
    eventually(elastic_index.check_ready)
    eventually(lambda: elastic_index.index([job("after")]))
    found = eventually(lambda: elastic_index.search("fault_drill"))
    assert sorted(h.document.job_id for h in found.hits) == ["after", "before"]

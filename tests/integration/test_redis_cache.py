"""The Redis cache on the real server: values, TTLs in milliseconds, key prefixes,
concurrency through the pool, the masked URL, and the API reading through it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

from satmon.api.caching import cached_json
from satmon.cache.factory import open_cache
from satmon.cache.redis import RedisCache
from satmon.config import Settings
from satmon.errors import ServiceUnavailableError
from tests.integration.conftest import REDIS_URL, unique_name

pytestmark = pytest.mark.integration


@pytest.fixture
def raw() -> Iterator[redis.Redis]:
    """A plain client, to see what the adapter stored."""
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    yield client
    client.close()


def test_stores_and_returns_bytes_as_they_are(redis_cache: RedisCache) -> None:
    value = bytes(range(256)) * 4

    redis_cache.set("blob", value, 30)

    assert redis_cache.get("blob") == value
    assert redis_cache.get("missing") is None


def test_keys_live_under_the_prefix_with_a_millisecond_ttl(
    redis_cache: RedisCache, raw: redis.Redis
) -> None:
    redis_cache.set("api:/api/v1/query/stats?", b"{}", 1.5)

    key = f"{redis_cache.prefix}api:/api/v1/query/stats?"
    assert raw.get(key) == b"{}"
    assert 1_000 < raw.pttl(key) <= 1_500
    assert raw.get("api:/api/v1/query/stats?") is None


def test_a_value_expires_after_its_ttl(redis_cache: RedisCache) -> None:
    redis_cache.set("short", b"x", 0.15)
    assert redis_cache.get("short") == b"x"

    time.sleep(0.3)

    assert redis_cache.get("short") is None


def test_the_ttl_is_kept_to_the_millisecond_rounding_up(
    redis_cache: RedisCache, raw: redis.Redis
) -> None:
    redis_cache.set("k", b"x", 2.0004)

    assert 1_950 < raw.pttl(f"{redis_cache.prefix}k") <= 2_001


def test_a_ttl_of_zero_or_less_removes_the_key(redis_cache: RedisCache) -> None:
    redis_cache.set("k", b"v", 30)
    redis_cache.set("k", b"v", 0)
    assert redis_cache.get("k") is None

    redis_cache.set("k", b"v", 30)
    redis_cache.set("k", b"v", -1)
    assert redis_cache.get("k") is None


def test_setting_again_replaces_value_and_ttl(redis_cache: RedisCache, raw: redis.Redis) -> None:
    redis_cache.set("k", b"old", 60)
    redis_cache.set("k", b"new", 2)

    assert redis_cache.get("k") == b"new"
    assert raw.pttl(f"{redis_cache.prefix}k") <= 2_000


def test_two_prefixes_do_not_see_each_other(redis_cache: RedisCache) -> None:
    other = RedisCache(REDIS_URL, prefix=f"{redis_cache.prefix}other:")
    try:
        redis_cache.set("k", b"mine", 30)
        other.set("k", b"theirs", 30)

        assert (redis_cache.get("k"), other.get("k")) == (b"mine", b"theirs")
    finally:
        other.close()


def test_as_many_threads_as_pooled_connections_all_get_through() -> None:
    cache = RedisCache(REDIS_URL, prefix=f"{unique_name('satmon-test')}:", max_connections=16)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"t{n}:{i}", f"{n}:{i}".encode(), 5)
                assert cache.get(f"t{n}:{i}") == f"{n}:{i}".encode()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        cache.close()

    assert errors == []


def test_an_exhausted_pool_fails_within_the_timeout() -> None:
    cache = RedisCache(REDIS_URL, prefix=f"{unique_name('satmon-test')}:", max_connections=1)
    pool = cache._client.connection_pool
    held = pool.get_connection()  # the only connection, taken
    try:
        started = time.monotonic()
        with pytest.raises(ServiceUnavailableError) as raised:
            cache.get("k")
        assert time.monotonic() - started < 1.5
        assert "No connection available" in raised.value.detail
    finally:
        pool.release(held)
        cache.close()


def test_check_ready_pings(redis_cache: RedisCache) -> None:
    redis_cache.check_ready()


def test_an_unreachable_server_fails_fast_naming_redis_and_the_masked_url() -> None:
    cache = RedisCache("redis://:hunter2@127.0.0.1:9/0")
    try:
        calls: list[Callable[[], object]] = [
            cache.check_ready,
            lambda: cache.get("k"),
            lambda: cache.set("k", b"v", 1),
        ]
        for call in calls:
            started = time.monotonic()
            with pytest.raises(ServiceUnavailableError) as raised:
                call()
            assert time.monotonic() - started < 1.0
            assert (raised.value.service, raised.value.url) == (
                "redis",
                "redis://:***@127.0.0.1:9/0",
            )
            assert "hunter2" not in str(raised.value)
    finally:
        cache.close()


def test_api_reads_are_served_from_redis_on_the_second_call(redis_cache: RedisCache) -> None:
    builds: list[int] = []

    def build() -> Settings:  # any pydantic model does
        builds.append(1)
        return Settings(_env_file=None, api_port=8123)

    first = cached_json(redis_cache, "api:/probe?", 30, build)
    second = cached_json(redis_cache, "api:/probe?", 30, build)

    assert (first.headers["X-Cache"], second.headers["X-Cache"]) == ("miss", "hit")
    assert first.body == second.body
    assert len(builds) == 1


def test_the_factory_opens_redis_when_its_url_is_set(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, data_dir=tmp_path, redis_url=REDIS_URL)
    cache = open_cache(settings)
    try:
        assert isinstance(cache, RedisCache)
        assert (cache.name, cache.url) == ("redis", REDIS_URL)
        cache.check_ready()
    finally:
        cache.close()

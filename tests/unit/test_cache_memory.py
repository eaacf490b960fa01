"""The in-process TTL cache: expiry, the LRU bound, and use from many threads."""

from __future__ import annotations

import threading

import pytest

from satmon.cache.memory import MemoryCache

pytestmark = pytest.mark.unit


class Clock:
    """A clock the test advances by hand, so expiry needs no sleeping."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_served_until_its_ttl_runs_out() -> None:
    clock = Clock()
    cache = MemoryCache(clock=clock)
    cache.set("k", b"v", ttl_s=5.0)

    clock.now += 4.999
    assert cache.get("k") == b"v"
    clock.now += 0.001
    assert cache.get("k") is None
    assert len(cache) == 0


def test_setting_again_replaces_the_value_and_the_ttl() -> None:
    clock = Clock()
    cache = MemoryCache(clock=clock)
    cache.set("k", b"old", ttl_s=1.0)
    cache.set("k", b"new", ttl_s=10.0)

    clock.now += 5.0

    assert cache.get("k") == b"new"


def test_a_ttl_of_zero_removes_the_key() -> None:
    cache = MemoryCache()
    cache.set("k", b"v", ttl_s=60.0)
    cache.set("k", b"v", ttl_s=0.0)

    assert cache.get("k") is None


def test_the_least_recently_used_entry_makes_room() -> None:
    cache = MemoryCache(max_entries=3)
    for key in ("a", "b", "c"):
        cache.set(key, key.encode(), ttl_s=60.0)
    assert cache.get("a") == b"a"  # now "b" is the least recently used

    cache.set("d", b"d", ttl_s=60.0)

    assert len(cache) == 3
    assert cache.get("b") is None
    assert [cache.get(k) for k in ("a", "c", "d")] == [b"a", b"c", b"d"]


def test_a_bound_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryCache(max_entries=0)


def test_many_threads_never_exceed_the_bound() -> None:
    cache = MemoryCache(max_entries=50)
    errors: list[BaseException] = []

    def hammer(worker: int) -> None:
        try:
            for i in range(2_000):
                key = f"{worker}-{i % 80}"
                cache.set(key, key.encode(), ttl_s=60.0)
                value = cache.get(key)
                assert value in (None, key.encode())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(cache) == 50


def test_close_empties_the_cache() -> None:
    cache = MemoryCache()
    cache.set("k", b"v", ttl_s=60.0)
    cache.check_ready()

    cache.close()

    assert cache.get("k") is None

"""Which cache a process gets: Redis when REDIS_URL is set, else in-process."""

from __future__ import annotations

from satmon.cache.base import Cache
from satmon.cache.memory import MemoryCache
from satmon.cache.redis import RedisCache
from satmon.config import Settings


def open_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        return RedisCache(settings.redis_url.get_secret_value())
    return MemoryCache()

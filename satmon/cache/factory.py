"""Which cache a process gets: Redis when REDIS_URL is set, else in-process."""

from __future__ import annotations

from satmon.cache.base import Cache
from satmon.cache.memory import MemoryCache
from satmon.config import Settings, mask_url
from satmon.errors import ServiceUnavailableError


def open_cache(settings: Settings) -> Cache:
    if settings.redis_url:
        raise ServiceUnavailableError(
            "redis",
            mask_url(settings.redis_url.get_secret_value()),
            "this build has no Redis adapter",
        )
    return MemoryCache()

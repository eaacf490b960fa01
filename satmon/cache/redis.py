"""The real cache: Redis, through redis-py with a bounded, blocking connection pool.

The cache only saves work, so a Redis that is down must cost a read little:
connects and reads time out within `socket_timeout_s`, and a failed command
is retried once at once, on a fresh connection, only if the connection broke
(a pooled connection left over from before a Redis restart); a timeout is never
retried. Failures raise ServiceUnavailableError naming Redis and its URL, and
callers read through (see satmon/api/caching.py). The pool drops a broken
connection and dials again on the next command, so the adapter recovers by
itself once Redis is back.

Keys live under `prefix`, so the cache can share a Redis database with the
Celery result backend. TTLs are set in milliseconds (SET ... PX).
"""

from __future__ import annotations

import math

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from satmon.config import mask_url
from satmon.errors import ServiceUnavailableError

DEFAULT_PREFIX = "satmon:cache:"


class RedisCache:
    """`Cache` on the Redis server at `url` (redis:// or rediss://)."""

    name = "redis"

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        socket_timeout_s: float = 0.5,
        max_connections: int = 64,
    ) -> None:
        self.url = mask_url(url)
        self.prefix = prefix
        pool = redis.BlockingConnectionPool.from_url(
            url,
            max_connections=max_connections,
            timeout=socket_timeout_s,  # wait for a free pooled connection at most this long
            socket_timeout=socket_timeout_s,
            socket_connect_timeout=socket_timeout_s,
            retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
            client_name="satmon-cache",
        )
        self._client = redis.Redis(connection_pool=pool)

    def get(self, key: str) -> bytes | None:
        try:
            value = self._client.get(self.prefix + key)
        except redis.RedisError as exc:
            raise self._unavailable(exc) from exc
        # Without decode_responses, redis-py returns the stored bytes as they are.
        return value if isinstance(value, bytes) else None

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        """Store `value` for `ttl_s` seconds; a TTL of zero or less removes the key."""
        try:
            if ttl_s <= 0:
                self._client.delete(self.prefix + key)
            else:
                # Rounded up: a TTL under a millisecond still stores the value.
                self._client.set(self.prefix + key, value, px=max(1, math.ceil(ttl_s * 1000)))
        except redis.RedisError as exc:
            raise self._unavailable(exc) from exc

    def check_ready(self) -> None:
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise self._unavailable(exc) from exc

    def close(self) -> None:
        self._client.close()
        self._client.connection_pool.disconnect()

    def _unavailable(self, exc: redis.RedisError) -> ServiceUnavailableError:
        return ServiceUnavailableError(self.name, self.url, str(exc) or type(exc).__name__)

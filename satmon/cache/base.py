"""The cache port: bytes by key with a time to live."""

from __future__ import annotations

from typing import Protocol


class Cache(Protocol):
    name: str
    url: str

    def get(self, key: str) -> bytes | None: ...

    def set(self, key: str, value: bytes, ttl_s: float) -> None: ...

    def check_ready(self) -> None:
        """Raise ServiceUnavailableError if the cache cannot be used."""

    def close(self) -> None: ...

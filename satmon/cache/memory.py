"""The embedded cache: an in-process TTL cache bounded by entry count.

Entries expire after their TTL and, once the bound is reached, the least
recently used entry makes room. One lock guards the map; every operation is O(1).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable


class MemoryCache:
    """`Cache` in this process's memory. `clock` is monotonic seconds."""

    name = "memory"
    url = "memory://"

    def __init__(
        self, max_entries: int = 10_000, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        # key -> (expires_at, value); order is least recently used first.
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()

    def get(self, key: str) -> bytes | None:
        now = self._clock()
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires_at, value = entry
            if expires_at <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return value

    def set(self, key: str, value: bytes, ttl_s: float) -> None:
        """Store `value` for `ttl_s` seconds; a TTL of zero or less removes the key."""
        expires_at = self._clock() + ttl_s
        with self._lock:
            if ttl_s <= 0:
                self._entries.pop(key, None)
                return
            self._entries[key] = (expires_at, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def check_ready(self) -> None:
        """Always ready: the cache lives in this process."""

    def close(self) -> None:
        with self._lock:
            self._entries.clear()

"""Cached JSON reads. A cache that fails is bypassed, never fatal: it only saves work."""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlencode

import orjson
from fastapi import Request, Response
from pydantic import BaseModel

from satmon.cache.base import Cache

log = logging.getLogger(__name__)


def cache_key(request: Request) -> str:
    query = urlencode(sorted(request.query_params.multi_items()))
    return f"api:{request.url.path}?{query}"


def cached_json(cache: Cache, key: str, ttl_s: float, build: Callable[[], BaseModel]) -> Response:
    if ttl_s > 0:
        try:
            hit = cache.get(key)
        except Exception as exc:
            log.warning("cache %s unavailable, reading through: %s", cache.name, exc)
            hit = None
        if hit is not None:
            return Response(hit, media_type="application/json", headers={"X-Cache": "hit"})
    body = orjson.dumps(build().model_dump(mode="json"))
    if ttl_s > 0:
        try:
            cache.set(key, body, ttl_s)
        except Exception as exc:
            log.warning("cache %s unavailable, not storing: %s", cache.name, exc)
    return Response(body, media_type="application/json", headers={"X-Cache": "miss"})

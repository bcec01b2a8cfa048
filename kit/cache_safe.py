"""The cache as an aid, never a dependency: reads and writes that, while the cache server is
down, log a warning naming what goes without it and carry on as if nothing were cached."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
CACHE_DOWN = (RedisError, OSError)


@contextmanager
def tolerated(what: str) -> Iterator[None]:
    """Swallow the cache being down, saying in the log what goes without it."""
    try:
        yield
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)


def get(key: str, default: Any, what: str) -> Any:
    with tolerated(what):
        return cache.get(key, default)
    return default


def put(key: str, value: Any, timeout: int, what: str) -> None:
    with tolerated(what):
        cache.set(key, value, timeout)


def forget(key: str, what: str) -> None:
    with tolerated(what):
        cache.delete(key)


def get_many(keys: list[str], what: str) -> dict[str, Any]:
    with tolerated(what):
        return cache.get_many(keys)
    return {}


def put_many(values: dict[str, Any], timeout: int, what: str) -> None:
    with tolerated(what):
        cache.set_many(values, timeout)


def forget_many(keys: list[str], what: str) -> None:
    with tolerated(what):
        cache.delete_many(keys)


def count(key: str, timeout: int, what: str) -> int:
    """Add one to a counter that lives `timeout` seconds from its first count, and return its
    new value; 0 while the cache is down (nothing is counted, nothing is refused)."""
    with tolerated(what):
        cache.add(key, 0, timeout)
        try:
            return int(cache.incr(key))
        except ValueError:
            # It expired between the two calls: this is the first count of a new one.
            cache.set(key, 1, timeout)
            return 1
    return 0

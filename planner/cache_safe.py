"""The cache as an aid, never a dependency: reads and writes that, while the cache server is
down, log a warning naming what goes without it and carry on as if nothing were cached."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
CACHE_DOWN = (RedisError, OSError)


def get(key: str, default: Any, what: str) -> Any:
    try:
        return cache.get(key, default)
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)
        return default


def put(key: str, value: Any, timeout: int, what: str) -> None:
    try:
        cache.set(key, value, timeout)
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)


def forget(key: str, what: str) -> None:
    try:
        cache.delete(key)
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)


def get_many(keys: list[str], what: str) -> dict[str, Any]:
    try:
        return cache.get_many(keys)
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)
        return {}


def put_many(values: dict[str, Any], timeout: int, what: str) -> None:
    try:
        cache.set_many(values, timeout)
    except CACHE_DOWN:
        logger.warning("%s unavailable: the cache is unreachable", what)

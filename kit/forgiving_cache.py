"""Django's Redis cache, made forgiving for code that is not ours: django-allauth keeps its
limits (password-reset and confirmation mail, sign-ups, second-factor codes) in the default
cache and would answer 500 while the cache server is down. With this backend a read misses, a
write is dropped and add() reports success, each with a warning in the log: a limit that cannot
count lets the request through, as the project's own counters do (kit.cache_safe), and the
limits count again once the server is back."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache.backends.redis import RedisCache

from kit.cache_safe import CACHE_DOWN

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


def _forgiving(call: Callable[[], Result], fallback: Result, operation: str) -> Result:
    try:
        return call()
    except CACHE_DOWN:
        logger.warning("cache %s skipped: the cache is unreachable", operation)
        return fallback


class ForgivingRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).get(key, default, version), default, "read"
        )

    def get_many(self, keys: Iterable[Any], version: int | None = None) -> dict[Any, Any]:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).get_many(keys, version), {}, "read"
        )

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).has_key(key, version), False, "read"
        )

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        _forgiving(
            lambda: super(ForgivingRedisCache, self).set(key, value, timeout, version),
            None,
            "write",
        )

    def set_many(
        self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None
    ) -> list[Any]:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).set_many(data, timeout, version), [], "write"
        )

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        # Reported as added: a lock that cannot be taken must not make its holder wait.
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).add(key, value, timeout, version),
            True,
            "write",
        )

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).touch(key, timeout, version), False, "write"
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).incr(key, delta, version), delta, "write"
        )

    def delete(self, key: Any, version: int | None = None) -> bool:
        return _forgiving(
            lambda: super(ForgivingRedisCache, self).delete(key, version), False, "write"
        )

    def delete_many(self, keys: Iterable[Any], version: int | None = None) -> None:
        _forgiving(
            lambda: super(ForgivingRedisCache, self).delete_many(keys, version), None, "write"
        )

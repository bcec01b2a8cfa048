"""Slowing down repeated failed sign-ins, per account and per address.

The policy is a plain function; the counters live in Django's cache (Redis when CACHE_URL is
set, so every web process shares them).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
# A cache server that is down must not close sign-in for everyone: the counters are a brake on
# guessing, not a gate, so while the cache is away sign-in works unslowed and says so in the log.
CACHE_DOWN = (RedisError, OSError)


def _get(key: str) -> tuple[int, float]:
    try:
        value: Any = cache.get(key, (0, 0.0))
    except CACHE_DOWN:
        logger.warning("sign-in counters unavailable: the cache is unreachable")
        return (0, 0.0)
    return value


def _set(key: str, value: tuple[int, float]) -> None:
    try:
        cache.set(key, value, WINDOW_SECONDS)
    except CACHE_DOWN:
        logger.warning("sign-in counters unavailable: the cache is unreachable")


def _delete(key: str) -> None:
    try:
        cache.delete(key)
    except CACHE_DOWN:
        logger.warning("sign-in counters unavailable: the cache is unreachable")


FREE_FAILURES = 5
FIRST_LOCKOUT_SECONDS = 15
MAX_LOCKOUT_SECONDS = 15 * 60
# Failures older than this are forgotten.
WINDOW_SECONDS = 60 * 60


def lockout_seconds(failures: int) -> int:
    """How long sign-in stays closed after `failures` in a row: none for the first few, then
    doubling from 15 seconds up to 15 minutes."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_LOCKOUT_SECONDS * 2 ** (failures - FREE_FAILURES), MAX_LOCKOUT_SECONDS)


def _keys(username: str, address: str) -> list[str]:
    return [f"signin-failures:user:{username.strip().lower()}", f"signin-failures:ip:{address}"]


def retry_after(username: str, address: str, now: datetime) -> int:
    """Seconds until sign-in may be tried again, or 0 when it may be tried now."""
    waits = [0]
    for key in _keys(username, address):
        failures, last = _get(key)
        # An address is shared by many people (an office, a phone network): allow it more.
        allowed = failures if key.startswith("signin-failures:user") else failures // 4
        waits.append(int(last + lockout_seconds(allowed) - now.timestamp() + 0.999))
    return max(waits)


def record_failure(username: str, address: str, now: datetime) -> None:
    for key in _keys(username, address):
        failures, _last = _get(key)
        _set(key, (failures + 1, now.timestamp()))


def record_success(username: str, address: str) -> None:
    _delete(_keys(username, address)[0])

"""Slowing down repeated failed sign-ins, per account and per address.

The policy is a plain function; the counters live in Django's cache (Redis when CACHE_URL is
set, so every web process shares them).
"""

from __future__ import annotations

from datetime import datetime

from kit import cache_safe

# A cache server that is down must not close sign-in for everyone: the counters are a brake on
# guessing, not a gate, so while the cache is away sign-in works unslowed and says so in the log.
COUNTERS = "sign-in counters"


def _get(key: str) -> tuple[int, float]:
    value: tuple[int, float] = cache_safe.get(key, (0, 0.0), COUNTERS)
    return value


def _set(key: str, value: tuple[int, float]) -> None:
    cache_safe.put(key, value, WINDOW_SECONDS, COUNTERS)


def _delete(key: str) -> None:
    cache_safe.forget(key, COUNTERS)


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
    return min(FIRST_LOCKOUT_SECONDS << (failures - FREE_FAILURES), MAX_LOCKOUT_SECONDS)


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

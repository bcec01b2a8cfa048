"""Slowing down repeated failed sign-ins: by account and address together, with a slower,
capped brake on the account alone and a looser one on the address alone.

Counted per pair (this name from this address), a guesser is slowed as hard as ever, while
someone failing on purpose from elsewhere cannot keep the account's owner out: on the account
alone the brake is four times slower and never longer than a minute, and it does not hold at an
address the account signed in from lately (its owner's, most likely: an attacker cannot choose
the address counted), so failures timed from elsewhere, one a minute, cannot keep her out at
home either. The name is counted as
Django checks it (NFKC, so a fullwidth spelling is the same account) and case-folded, and
kept as a short hash: a 2 MB "username" is a short key, never a logged one.

The policy is a plain function; the counters live in Django's cache (Redis when CACHE_URL is
set, so every web process shares them; production refuses to start without it).
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import datetime

from kit import cache_safe

# A cache server that is down must not close sign-in for everyone: the counters are a brake on
# guessing, not a gate, so while the cache is away sign-in works unslowed and says so in the log.
COUNTERS = "sign-in counters"

FREE_FAILURES = 5
FIRST_LOCKOUT_SECONDS = 15
MAX_LOCKOUT_SECONDS = 15 * 60
# The account alone, whoever fails on it: four times slower, and never more than a minute.
ACCOUNT_DIVISOR = 4
ACCOUNT_MAX_LOCKOUT_SECONDS = 60
# An address is shared by many people (an office, a phone network): allowed more.
ADDRESS_DIVISOR = 4
# Failures older than this are forgotten.
WINDOW_SECONDS = 60 * 60
# An address a name signed in from is known this long after (renewed at each sign-in there).
KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60


def _get(key: str) -> tuple[int, float]:
    value: tuple[int, float] = cache_safe.get(key, (0, 0.0), COUNTERS)
    return value


def _set(key: str, value: tuple[int, float]) -> None:
    cache_safe.put(key, value, WINDOW_SECONDS, COUNTERS)


def _delete(key: str) -> None:
    cache_safe.forget(key, COUNTERS)


def lockout_seconds(failures: int, cap: int = MAX_LOCKOUT_SECONDS) -> int:
    """How long sign-in stays closed after `failures` in a row: none for the first few, then
    doubling from 15 seconds up to `cap` (15 minutes)."""
    if failures < FREE_FAILURES:
        return 0
    return min(FIRST_LOCKOUT_SECONDS << min(failures - FREE_FAILURES, 32), cap)


def account_of(username: str) -> str:
    """The account a typed name means, as the sign-in check reads it: NFKC (Django's username
    field), case-folded, stripped; as a short hash."""
    name = unicodedata.normalize("NFKC", username).casefold().strip()
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _address_of(address: str) -> str:
    return hashlib.sha256(address.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _counters(username: str, address: str) -> list[tuple[str, int, int]]:
    """Each counter's key, how much of it counts, and its longest lockout."""
    account, where = account_of(username), _address_of(address)
    return [
        (f"signin-failures:pair:{account}:{where}", 1, MAX_LOCKOUT_SECONDS),
        (f"signin-failures:account:{account}", ACCOUNT_DIVISOR, ACCOUNT_MAX_LOCKOUT_SECONDS),
        (f"signin-failures:address:{where}", ADDRESS_DIVISOR, MAX_LOCKOUT_SECONDS),
    ]


def _known_key(username: str, address: str) -> str:
    return f"signin-known:{account_of(username)}:{_address_of(address)}"


def retry_after(username: str, address: str, now: datetime) -> int:
    """Seconds until sign-in may be tried again, or 0 when it may be tried now."""
    pair, account, where = _counters(username, address)
    # From an address this name signed in from lately, the account-alone brake (which anyone
    # anywhere can set off) does not hold; this pair's and this address's do.
    known = cache_safe.get(_known_key(username, address), False, COUNTERS)
    waits = [0]
    for key, divisor, cap in [pair, where] if known else [pair, account, where]:
        failures, last = _get(key)
        waits.append(
            int(last + lockout_seconds(failures // divisor, cap) - now.timestamp() + 0.999)
        )
    return max(waits)


def record_failure(username: str, address: str, now: datetime) -> None:
    for key, _divisor, _cap in _counters(username, address):
        failures, _last = _get(key)
        _set(key, (failures + 1, now.timestamp()))


def record_success(username: str, address: str) -> None:
    """The right password from here: this pair and the account start afresh (the address's
    count stays: it is other people's guesses too)."""
    pair, account, _address = _counters(username, address)
    _delete(pair[0])
    _delete(account[0])
    cache_safe.put(_known_key(username, address), True, KNOWN_ADDRESS_SECONDS, COUNTERS)

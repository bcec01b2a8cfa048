"""Forwarded headers believed only from our own proxies: a request whose connection does not
come from an address in TRUSTED_PROXY_ADDRESSES (a client that reached the app server
directly) has its X-Forwarded-For and X-Forwarded-Proto removed before anything reads them, so
it can neither pose as another address to the sign-in counters nor pass plain HTTP off as
HTTPS. Runs first, before Django's SecurityMiddleware."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

FORWARDED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@cache
def networks(addresses: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def from_our_proxy(remote_addr: str, trusted: Sequence[str]) -> bool:
    try:
        address = ipaddress.ip_address(remote_addr)
    except ValueError:
        return False
    return any(address in network for network in networks(tuple(trusted)))


class ForwardedHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not from_our_proxy(
            str(request.META.get("REMOTE_ADDR", "")), settings.TRUSTED_PROXY_ADDRESSES
        ):
            for header in FORWARDED:
                request.META.pop(header, None)
        return self.get_response(request)

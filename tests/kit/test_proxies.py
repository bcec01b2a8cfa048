"""Forwarded headers are believed only from our own proxies' addresses."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from kit.proxies import ForwardedHeadersMiddleware
from kit.web import client_address


def seen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        f"{request.META.get('HTTP_X_FORWARDED_FOR')}|{request.scheme}|{client_address(request)}"
    )


def through(remote_addr: str) -> str:
    request = RequestFactory().get(
        "/",
        REMOTE_ADDR=remote_addr,
        HTTP_X_FORWARDED_FOR="6.6.6.6",
        HTTP_X_FORWARDED_PROTO="https",
    )
    return ForwardedHeadersMiddleware(seen)(request).content.decode()


@pytest.fixture(autouse=True)
def behind_one_tls_proxy(settings: Any) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_ADDRESSES = ["127.0.0.1", "10.1.0.0/16"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


@pytest.mark.parametrize("proxy", ["127.0.0.1", "10.1.2.3"])
def test_our_proxy_is_believed(proxy: str) -> None:
    assert through(proxy) == "6.6.6.6|https|6.6.6.6"


@pytest.mark.parametrize("client", ["10.2.0.9", "203.0.113.7", "::1", "not-an-address"])
def test_a_client_that_reached_the_app_server_directly_is_not(client: str) -> None:
    # Neither another address for the sign-in counters, nor plain HTTP passed off as HTTPS.
    assert through(client) == f"None|http|{client}"


def test_it_runs_before_anything_reads_the_headers() -> None:
    from django.conf import settings

    order = settings.MIDDLEWARE
    assert order[0] == "kit.proxies.ForwardedHeadersMiddleware"
    assert order.index("django.middleware.security.SecurityMiddleware") > 0


def test_x_forwarded_host_is_dropped_from_a_client_too() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_HOST="evil")
    ForwardedHeadersMiddleware(seen)(request)
    assert "HTTP_X_FORWARDED_HOST" not in request.META

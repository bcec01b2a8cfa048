"""Every request gets an id: the caller's `X-Request-ID` when it is a short token, else a new
one. It is echoed on the response, set on every log record of the request (kit.logs) and
written with the access line (method, path, status, duration)."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from kit.logs import request_id, without_secrets

HEADER = "X-Request-ID"
# Short token characters only: a header value must never inject a line or a field into logs.
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_log = logging.getLogger("planner.access")


def chosen_id(offered: str | None) -> str:
    if offered is not None and VALID_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        current = chosen_id(request.headers.get(HEADER))
        # Cleared when the response is finished (kit.logs.forget_request_id), not here:
        # Django logs a failed request after the middleware has returned.
        request_id.set(current)
        response = self.get_response(request)
        response[HEADER] = current
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = without_secrets(request.path)
        access_log.info(
            "%s %s %s",
            request.method,
            path,
            response.status_code,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response

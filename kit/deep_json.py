"""A JSON body nested past Python's recursion limit is a malformed body, a 400, wherever it is
parsed: DRF's parser and the views that read the body with json.loads (django-allauth's app
API) raise RecursionError, which this middleware answers for them all."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)


class DeepJsonMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RecursionError) and "json" in (request.content_type or ""):
            logger.warning("refused a JSON body nested too deeply")
            return JsonResponse(
                {"detail": "JSON parse error - the body is nested too deeply."}, status=400
            )
        return None

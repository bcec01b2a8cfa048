"""API errors: a rule broken in the domain is a 400 that names the field, a request refused in
the present state of things a 409 that says what is missing, never a 500."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from kit.conflict import Conflict

# Django's get_object_or_404 says this in English whatever the language (its words are not
# marked for translation); the API says it in the asker's.
NO_MATCH = re.compile(r"No (\w+) matches the given query\.")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Conflict):
        body = {"detail": exc.message, "missing": exc.missing, **exc.details}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404) and (found := NO_MATCH.fullmatch(str(exc))):
        exc = exceptions.NotFound(_("No %(thing)s matches the given query.") % {"thing": found[1]})
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)

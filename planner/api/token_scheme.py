"""How the OpenAPI schema names the API's token (knox's, through our check): `Authorization:
Token <key>`. Imported by planner.api.urls so drf-spectacular knows it before generating."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class ExpiringTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "planner.accounts.tokens.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        scheme: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
        return scheme


class LanguageSessionScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """DRF's session sign-in, answering in the person's language: named as drf-spectacular
    names DRF's own."""

    target_class = "planner.accounts.tokens.LanguageSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}

"""List items kept as the JSON they are sent as, spliced into the page without rendering again.

A list that is read far more often than it changes (a therapist's patient list) can keep each
item as the bytes the API's JSON renderer made of it. Sending a page of them then costs a join,
not a round of serialising and encoding fifty nested objects, and the cache hands back bytes,
which unpickle in microseconds where the same items as dicts took about a millisecond
(bench/api_bench.py). What is sent is byte for byte what the renderer makes of the items
themselves (tests/kit/api/test_rendered.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from rest_framework.renderers import JSONRenderer


class Rendered(bytes):
    """One item as the API's JSON renderer renders it (compact, no indent)."""


def rendered(item: Any) -> bytes:
    """`item` (serializer data) as the JSON the API sends, to keep until it is sent."""
    return as_bytes(JSONRenderer().render(item))


def as_bytes(body: Any) -> bytes:
    # DRF's stubs type a renderer's output as Any; JSONRenderer's is always bytes.
    assert isinstance(body, bytes)
    return body


class SplicingJSONRenderer(JSONRenderer):
    """The API's JSON renderer, which takes a page whose `results` are Rendered items as they
    are. Asked to indent (`application/json; indent=4`, the browsable API), it decodes them and
    renders the whole page as the plain renderer would."""

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        def plain(page: Any) -> bytes:
            return as_bytes(
                super(SplicingJSONRenderer, self).render(
                    page, accepted_media_type, renderer_context
                )
            )

        items = data.get("results") if isinstance(data, dict) else None
        if not (isinstance(items, list) and items and isinstance(items[0], Rendered)):
            return plain(data)
        if self.get_indent(accepted_media_type or "", renderer_context or {}) is not None:
            return plain({**data, "results": [json.loads(item) for item in items]})
        # `results` is the page's last key (LimitOffsetPagination), so the envelope rendered
        # around an empty list ends with it.
        envelope = plain({**data, "results": []})
        if not envelope.endswith(b'"results":[]}'):
            raise ValueError("The page's results must be its last key.")
        return envelope[: -len(b"[]}")] + b"[" + b",".join(items) + b"]}"

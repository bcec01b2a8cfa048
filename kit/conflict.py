"""A request the domain refuses in the present state of things: an HTTP 409 in the API."""

from __future__ import annotations


class Conflict(Exception):
    """What is missing before the request can be met: in words (`message`), as a code a client
    can act on (`missing`), and where to go about it (`details`, e.g. a link)."""

    def __init__(self, message: str, missing: str, **details: str) -> None:
        super().__init__(message)
        self.message = message
        self.missing = missing
        self.details = details

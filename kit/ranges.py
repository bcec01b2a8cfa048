"""One byte range of a file (RFC 9110 section 14): what a browser asks of a video to start it
and to seek in it, and what iOS requires before it plays one at all. Django's FileResponse
answers the whole file only; the one library that adds ranges has not been kept since 2017."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class Seekable(Protocol):
    def seek(self, offset: int, /) -> object: ...
    def read(self, size: int = -1, /) -> bytes: ...
    def close(self) -> None: ...


class Unsatisfiable(ValueError):
    """A range that starts past the end of the file: 416."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The first and last byte asked for, or None for the whole file (no header, or one we do
    not serve as a range: several ranges, another unit, nonsense, which RFC 9110 lets a server
    answer with the whole file)."""
    match = RANGE.match(header.strip().replace(" ", ""))
    if match is None or size <= 0:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        return max(0, size - int(last)), size - 1
    start = int(first)
    if start >= size:
        raise Unsatisfiable(f"bytes */{size}")
    end = min(int(last), size - 1) if last else size - 1
    if end < start:
        return None
    return start, end


def chunks(file: Seekable, start: int, end: int) -> Iterator[bytes]:
    """The bytes from `start` to `end` (inclusive), read a chunk at a time, then the file shut."""
    try:
        file.seek(start)
        left = end - start + 1
        while left > 0:
            data = file.read(min(CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        file.close()

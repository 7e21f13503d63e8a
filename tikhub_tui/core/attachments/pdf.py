"""A PDF's page count, read from its page tree without a PDF library.

The providers limit pages per request, so the count is needed before sending. The page tree's
root says `/Count N`; in PDFs that pack their objects into compressed object streams it is
inside one of them, so those are inflated too, each with a bound on what it may grow to.
"""

from __future__ import annotations

import re
import zlib

_PAGES_COUNT = re.compile(
    rb"/Type\s*/Pages\b[^>]{0,4096}?/Count\s+(\d{1,9})|/Count\s+(\d{1,9})[^>]{0,4096}?/Type\s*/Pages\b"
)
_LEAF = re.compile(rb"/Type\s*/Page\b(?!s)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b[^>]{0,4096}?>>\s*stream\r?\n", re.DOTALL)
MAX_STREAMS = 256
"""Object streams inflated at most: enough for real files, bounded for hostile ones."""
MAX_INFLATED = 32 * 1024 * 1024
"""Bytes all inflated object streams together may grow to (a zip bomb stops here)."""


def page_count(data: bytes) -> int | None:
    """The number of pages, or None when the page tree cannot be found."""
    found = _count(data)
    if found is not None:
        return found
    budget = MAX_INFLATED
    inflated: list[bytes] = []
    for index, match in enumerate(_OBJECT_STREAM.finditer(data)):
        if index >= MAX_STREAMS or budget <= 0:
            break
        end = data.find(b"endstream", match.end())
        if end < 0:
            break
        try:
            chunk = zlib.decompressobj().decompress(data[match.end() : end], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        inflated.append(chunk)
    return _count(b"\n".join(inflated)) if inflated else None


def _count(data: bytes) -> int | None:
    counts = [int(a or b) for a, b in _PAGES_COUNT.findall(data)]
    if counts:
        return max(counts)  # the root of the page tree counts every page
    leaves = sum(1 for _ in _LEAF.finditer(data))
    return leaves or None

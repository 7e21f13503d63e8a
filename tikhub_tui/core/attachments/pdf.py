"""A PDF's page count, read from its page tree without a PDF library.

The providers limit pages per request, so the count is needed before sending. The page tree's
root says `/Count N`; in PDFs that pack their objects into compressed object streams it is
inside one of them, so those are inflated too. Every search is linear in the file or bounded
by a window, and the number of nodes and streams looked at is capped: a hostile file costs
at most a few passes over its bytes.
"""

from __future__ import annotations

import re
import zlib

_PAGES = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})")
_LEAF = re.compile(rb"/Type\s*/Page\b(?!s)")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
WINDOW = 1024
"""Bytes looked at on each side of a `/Type /Pages` for its `/Count` (one dictionary)."""
MAX_NODES = 10_000
"""Page tree nodes looked at (the root, which counts every page, comes early in real files)."""
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
        start = data.find(b"stream", match.end(), match.end() + 4 * WINDOW)
        end = data.find(b"endstream", start) if start >= 0 else -1
        if end < 0:
            continue
        start += len(b"stream")
        start += 2 if data[start : start + 2] == b"\r\n" else 1
        try:
            chunk = zlib.decompressobj().decompress(data[start:end], budget)
        except zlib.error:
            continue
        budget -= len(chunk)
        inflated.append(chunk)
    return _count(b"\n".join(inflated)) if inflated else None


def _count(data: bytes) -> int | None:
    counts: list[int] = []
    for index, match in enumerate(_PAGES.finditer(data)):
        if index >= MAX_NODES:
            break
        low = max(0, match.start() - WINDOW)
        window = data[low : match.end() + WINDOW]
        at = match.start() - low
        for found in _COUNT.finditer(window):
            between = window[min(at, found.start()) : max(at, found.start())]
            if b">>" not in between and b"<<" not in between:  # the same dictionary
                counts.append(int(found.group(1)))
                break
    if counts:
        return max(counts)  # the root of the page tree counts every page
    leaves = sum(1 for _ in _LEAF.finditer(data))
    return leaves or None

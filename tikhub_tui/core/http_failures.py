"""What the client makes of an HTTP failure: how long to wait, what to say, what to refuse.

Apart from `client.py` so each stays readable; every message built here still goes through the
`ApiError` constructor, which redacts and bounds it.
"""

from __future__ import annotations

import re

import httpx

from tikhub_tui.core.errors import ApiError


def retry_wait(retry_after: float | None, attempt: int) -> float:
    """Seconds to wait: the server's Retry-After when it gives one, else exponential backoff."""
    if retry_after is not None:
        return retry_after
    return float(min(2 ** (attempt - 1), 16))


_SERVER_BYTES = re.compile(r":?\s*(?:bytearray\(|b'|b\")")
"""Where httpx (h11) starts quoting what the server sent in a protocol error."""


def reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ProtocolError):
        said = _SERVER_BYTES.split(text, maxsplit=1)[0].strip().rstrip(":") or "malformed"
        return f"the server's answer is not valid HTTP ({said[:80]})"
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the server running? is the port right?)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the host name does not resolve (is it spelled right?)"
    return text[:300]


def check_encoding(response: httpx.Response) -> None:
    """Refuse a body compressed more than once: each layer multiplies what a few bytes
    inflate to (a single gzip layer is at most about a thousand times)."""
    encoding = response.headers.get("content-encoding", "")
    if "," in encoding:
        raise ApiError(
            "upstream",
            f"the server compressed its answer several times over (Content-Encoding: "
            f"{encoding[:80]}); it was not read",
            hint="check the base URL: a gateway should not do this",
        )

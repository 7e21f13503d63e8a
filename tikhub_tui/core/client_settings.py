"""What the HTTP client is told: where to send, how patient to be, how much to take.

Apart from `client.py` so each stays readable; the settings form checks a base URL with the
same function the client does.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx

from tikhub_tui.core.deadlines import Clocks
from tikhub_tui.core.errors import ApiError

if TYPE_CHECKING:
    from tikhub_tui.core.settings import Settings


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Where to send requests and how patient to be."""

    base_url: str
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    """Seconds without new text, once the answer has begun (keep-alive bytes do not count)."""
    max_retries: int = 4
    max_retry_wait: float = 30.0
    """Seconds spent waiting between attempts, in all; a longer Retry-After gives up at once."""
    first_token_timeout: float = 300.0
    """Seconds from sending the prompt to the first text or reasoning (a model may think)."""
    total_timeout: float = 0.0
    """Seconds for the whole answer; 0: no limit."""
    max_event_mb: float = 16.0
    """The largest single line or event of a stream, in MB (a whole answer repeats in some
    end events)."""
    max_answer_mb: float = 8.0
    """The largest answer, text and reasoning together, in millions of characters."""

    @property
    def clocks(self) -> Clocks:
        return Clocks(self.first_token_timeout, self.read_timeout, self.total_timeout)

    @classmethod
    def of(cls, settings: Settings, base_url: str) -> ClientSettings:
        """The client's part of the user's settings, sending to `base_url`."""
        return cls(
            base_url=base_url,
            connect_timeout=settings.connect_timeout,
            read_timeout=settings.read_timeout,
            max_retries=settings.max_retries,
            max_retry_wait=settings.max_retry_wait,
            first_token_timeout=settings.first_token_timeout,
            total_timeout=settings.total_timeout,
            max_event_mb=settings.max_event_mb,
            max_answer_mb=settings.max_answer_mb,
        )



def check_base_url(base_url: str) -> str:
    """The base URL if it is a usable http(s) URL; an ApiError naming the problem otherwise."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as error:
        raise ApiError(
            "config",
            f"the base URL {base_url!r} is not a URL ({error})",
            hint="use a URL like https://ai.tikhub.io",
        ) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ApiError(
            "config",
            f"the base URL {base_url!r} must start with http:// or https:// and name a host",
            hint="use a URL like https://ai.tikhub.io",
        )
    if url.port is not None and not 0 < url.port < 65536:
        raise ApiError(
            "config",
            f"the base URL {base_url!r} names port {url.port}; ports go from 1 to 65535",
            hint="use a URL like https://ai.tikhub.io or http://127.0.0.1:8765",
        )
    return base_url


PROXIES = ("http_proxy", "https_proxy", "all_proxy")
"""The variables httpx takes a proxy from (a proxy may be reached over TLS)."""


def tls_for(base_url: str) -> ssl.SSLContext | bool:
    """What the client verifies TLS with: httpx's default (the system's certificates) for an
    https:// gateway or when a proxy is configured; for a plain http:// gateway, a context that
    trusts no certificate at all. Loading the certificates costs 30-110 ms of every start, and
    plain HTTP with redirects never followed makes no TLS connection; one tried anyway fails."""
    import os

    proxied = any(name.lower() in PROXIES and value for name, value in os.environ.items())
    if base_url.strip().lower().startswith("https:") or proxied:
        return True
    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies, and trusts nothing

"""HTTP for every protocol: one streamed answer at a time per `ChatStream`, many per client.

httpx does the HTTP and httpx-sse the event framing; this module adds what a chat client needs
on top: provider error bodies turned into clear errors, retries of 429/502/503/504/529 before any
text, timeouts, a stream that ends without its end marker treated as an error, and cancelling
from another thread by shutting the socket so a blocked read ends at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import cast

import httpx
from httpx_sse import EventSource, SSEError

from tikhub_tui.core.errors import ApiError, StreamCancelled, body_message, for_status
from tikhub_tui.core.model import (
    Conversation,
    ErrorEvent,
    Finished,
    RequestOptions,
    RequestSpec,
    StreamEvent,
)
from tikhub_tui.core.providers import LimitExceeded, adapter
from tikhub_tui.core.secrets import redact

RETRYABLE = frozenset({429, 502, 503, 504, 529})  # 529: Anthropic is overloaded
ERROR_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True, slots=True)
class ClientSettings:
    """Where to send requests and how patient to be."""

    base_url: str
    connect_timeout: float = 10.0
    read_timeout: float = 120.0
    max_retries: int = 4
    max_retry_wait: float = 30.0
    """Seconds spent waiting between attempts, in all; a longer Retry-After gives up at once."""


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to the caller before waiting for another attempt."""

    attempt: int
    wait: float
    status: int
    message: str


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


class ChatClient:
    """A connection pool plus the key; thread-safe, so several streams can run at once."""

    def __init__(
        self,
        settings: ClientSettings,
        api_key: str,
        *,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self._key = api_key
        check_base_url(settings.base_url)
        timeout = httpx.Timeout(
            settings.read_timeout, connect=settings.connect_timeout, pool=settings.connect_timeout
        )
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def stream(
        self,
        conversation: Conversation,
        model: str,
        provider: str,
        options: RequestOptions | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        before_wait: Callable[[], None] | None = None,
        on_response: Callable[[], None] | None = None,
    ) -> ChatStream:
        """A stream to iterate (in a worker thread) for the answer to the conversation.

        `before_wait` is called whenever every event received so far has been yielded and the
        stream is about to wait for the network: the moment to flush output buffers.
        `on_response` is called when the answer's response arrives (its status and headers,
        before any event): the time to first byte.
        """
        return ChatStream(
            self,
            conversation,
            model,
            provider,
            options or RequestOptions(),
            on_retry,
            before_wait,
            on_response,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class ChatStream:
    """One answer: iterate for neutral events (errors raise ApiError); `cancel()` from anywhere."""

    def __init__(
        self,
        client: ChatClient,
        conversation: Conversation,
        model: str,
        provider: str,
        options: RequestOptions,
        on_retry: Callable[[RetryNotice], None] | None,
        before_wait: Callable[[], None] | None = None,
        on_response: Callable[[], None] | None = None,
    ) -> None:
        self._client = client
        self._before_wait = before_wait
        self._on_response = on_response
        self._adapter = adapter(provider)
        self.provider = provider
        self.model = model
        self._refused: ApiError | None = None
        try:
            self._spec: RequestSpec | None = self._adapter.build_request(
                conversation,
                model,
                options,
                base_url=client.settings.base_url,
                api_key=client._key,
            )
        except LimitExceeded as error:  # reported where the answer would be; nothing is sent
            self._spec = None
            self._refused = ApiError("config", f"{error.message}; nothing was sent", hint=error.fix)
        self._on_retry = on_retry
        self._cancelled = threading.Event()
        self._response: httpx.Response | None = None
        self.attempts = 0

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the stream now: a read blocked in another thread returns at once."""
        self._cancelled.set()
        response = self._response
        if response is not None:
            _shutdown(response)

    def __iter__(self) -> Iterator[StreamEvent]:
        response = self._open()
        try:
            yield from self._events(response)
        finally:
            response.close()
            self._response = None

    # -- opening, with retries -------------------------------------------------------------

    def _open(self) -> httpx.Response:
        if self._refused is not None:
            raise self._refused
        settings = self._client.settings
        waited = 0.0
        while True:
            if self.cancelled:
                raise StreamCancelled()
            self.attempts += 1
            response = self._send()
            status = response.status_code
            if 200 <= status < 300:
                if self._on_response is not None:
                    self._on_response()
                self._check_event_stream(response)
                return response
            message = self._redact(body_message(self._read_body(response)))
            if status in RETRYABLE and self.attempts <= settings.max_retries:
                wait = _retry_wait(response, self.attempts)
                if waited + wait <= settings.max_retry_wait:
                    waited += wait
                    if self._on_retry:
                        self._on_retry(RetryNotice(self.attempts, wait, status, message))
                    if self._cancelled.wait(wait):
                        raise StreamCancelled()
                    continue
            headers = response.headers
            raise for_status(
                status,
                message,
                settings.base_url,
                location=self._redact(headers.get("location", "")),
                retry_after=headers.get("retry-after", ""),
            )

    def _send(self) -> httpx.Response:
        spec = self._spec
        assert spec is not None  # _open raised otherwise
        base = self._client.settings.base_url
        http = self._client._http
        try:
            request = http.build_request(
                spec.method, spec.url, headers=spec.headers, content=spec.content()
            )
            response = http.send(request, stream=True)
        except httpx.ConnectTimeout:
            raise ApiError(
                "network",
                f"could not connect to {base} within "
                f"{self._client.settings.connect_timeout:g} s (connect timeout)",
            ) from None
        except httpx.ConnectError as error:
            raise ApiError("network", f"cannot connect to {base}: {_reason(error)}") from None
        except httpx.TimeoutException:
            raise ApiError(
                "network",
                f"{base} did not answer within "
                f"{self._client.settings.read_timeout:g} s (read timeout)",
                hint="try again, or raise the read timeout (--timeout)",
            ) from None
        except httpx.TransportError as error:
            raise ApiError("network", f"the request to {base} failed: {_reason(error)}") from None
        self._response = response
        if self.cancelled:
            _shutdown(response)
        return response

    def _read_body(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= ERROR_BODY_LIMIT:
                    break
        except httpx.HTTPError:
            pass  # a half-read error body still says something
        finally:
            response.close()
        return b"".join(chunks)

    def _check_event_stream(self, response: httpx.Response) -> None:
        content_type = response.headers.get("content-type", "")
        if "text/event-stream" in content_type:
            return
        message = self._redact(body_message(self._read_body(response)))
        shown = content_type.partition(";")[0] or "no content type"
        raise ApiError(
            "upstream",
            f"the server answered with {shown} instead of an event stream"
            + (f": {message}" if message else ""),
            status=response.status_code,
            hint="check the base URL: it should be the gateway's root, like https://ai.tikhub.io",
        )

    # -- reading -----------------------------------------------------------------------------

    def _events(self, response: httpx.Response) -> Iterator[StreamEvent]:
        decode = self._adapter.new_decoder().decode
        finished = False
        source = EventSource(
            response
            if self._before_wait is None
            else cast(httpx.Response, _WatchedResponse(response, self._before_wait))
        )
        try:
            for sse in source.iter_sse():
                for event in decode(sse.event, sse.data):
                    if isinstance(event, ErrorEvent):
                        raise ApiError(
                            "upstream",
                            self._redact(
                                f"the provider reported an error mid-stream: {event.message}"
                                + (f" [{event.code}]" if event.code else "")
                            ),
                            code=event.code,
                        )
                    if isinstance(event, Finished):
                        finished = True
                    yield event
        except httpx.ReadTimeout:
            if self.cancelled:
                raise StreamCancelled() from None
            raise ApiError(
                "network",
                f"no data from the server for "
                f"{self._client.settings.read_timeout:g} s (read timeout)",
                hint="try again, or raise the read timeout (--timeout)",
            ) from None
        except (httpx.TransportError, SSEError):
            if self.cancelled:
                raise StreamCancelled() from None
            raise ApiError(
                "ended_early",
                "the connection closed before the answer finished (stream ended early)",
            ) from None
        if self.cancelled:
            raise StreamCancelled()
        if not finished:
            raise ApiError(
                "ended_early",
                "the stream ended without its end marker "
                "(stream ended early): the answer is incomplete",
            )

    def _redact(self, text: str) -> str:
        return redact(text, self._client._key)


class _WatchedResponse:
    """The part of a response EventSource reads, calling `before_wait` before each network read.

    EventSource turns each received chunk into events before asking for the next chunk, so the
    hook runs exactly when everything received has been handed out.
    """

    def __init__(self, response: httpx.Response, before_wait: Callable[[], None]) -> None:
        self._response = response
        self._before_wait = before_wait

    @property
    def headers(self) -> httpx.Headers:
        return self._response.headers

    def iter_text(self) -> Iterator[str]:
        for text in self._response.iter_text():
            yield text
            self._before_wait()


def _retry_wait(response: httpx.Response, attempt: int) -> float:
    """Seconds to wait: the server's Retry-After when it gives one, else exponential backoff."""
    header = response.headers.get("retry-after", "").strip()
    if header:
        if header.isdigit():
            return float(header)
        import email.utils

        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    return float(min(2 ** (attempt - 1), 16))


def _reason(error: Exception) -> str:
    text = str(error) or type(error).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the server running? is the port right?)"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "the host name does not resolve (is it spelled right?)"
    return text


def _shutdown(response: httpx.Response) -> None:
    """Shut the response's socket down so that a read blocked in another thread returns."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)

"""HTTP for every protocol: one streamed answer at a time per `ChatStream`, many per client.

httpx does the HTTP and httpx-sse the event framing; this module adds what a chat client needs
on top: provider error bodies turned into clear errors, retries of 429/502/503/504/529 before any
text, clocks that count progress rather than bytes, bounds on the size of an event and of an
answer, the key redacted from the text (even split over events), a stream that ends without its
end marker treated as an error, and cancelling from another thread by shutting the socket so a
blocked read ends at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import httpx  # without its command-line tool: see tikhub_tui/core/__init__.py

from tikhub_tui.core.client_settings import ClientSettings, check_base_url, tls_for
from tikhub_tui.core.deadlines import Clock, Watchdog
from tikhub_tui.core.delivery import Delivery
from tikhub_tui.core.errors import (
    ApiError,
    StreamCancelled,
    body_message,
    for_status,
    retry_after_seconds,
)
from tikhub_tui.core.http_failures import check_encoding, reason, retry_wait
from tikhub_tui.core.model import (
    Conversation,
    ErrorEvent,
    RequestOptions,
    RequestSpec,
    StreamEvent,
)
from tikhub_tui.core.providers import LimitExceeded, adapter
from tikhub_tui.core.secrets import redact, remember
from tikhub_tui.core.sse import EventTooLarge, event_batches

__all__ = ["ChatClient", "ChatStream", "ClientSettings", "RetryNotice", "check_base_url"]

RETRYABLE = frozenset({429, 502, 503, 504, 529})  # 529: Anthropic is overloaded
ERROR_BODY_LIMIT = 64 * 1024
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class RetryNotice:
    """Told to the caller before waiting for another attempt."""

    attempt: int
    wait: float
    status: int
    message: str


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
        remember(api_key)  # every message from now on is redacted of it
        check_base_url(settings.base_url)
        timeout = httpx.Timeout(
            settings.clocks.socket_timeout(),
            connect=settings.connect_timeout,
            pool=settings.connect_timeout,
        )
        self._http = httpx.Client(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
            verify=tls_for(settings.base_url),
        )

    def stream(
        self,
        conversation: Conversation,
        model: str,
        provider: str,
        options: RequestOptions | None = None,
        on_retry: Callable[[RetryNotice], None] | None = None,
        before_wait: Callable[[], None] | None = None,
        on_response: Callable[[], None] | None = None,
        on_sent: Callable[[], None] | None = None,
    ) -> ChatStream:
        """A stream to iterate (in a worker thread) for the answer to the conversation.

        `before_wait` is called whenever every event received so far has been yielded and the
        stream is about to wait for the network: the moment to flush output buffers.
        `on_response` is called when the answer's response arrives (its status and headers,
        before any event): the time to first byte. `on_sent` is called when a request's body
        has been written whole (once per attempt), the moment the client is only waiting.
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
            on_sent,
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
        on_sent: Callable[[], None] | None = None,
    ) -> None:
        self._client = client
        self._on_sent = on_sent
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
        self._watchdog: Watchdog | None = None

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
        watchdog = self._watchdog = Watchdog(self._client.settings.clocks, self._expire)
        watchdog.start()
        try:
            response = self._open(watchdog)
            try:
                yield from self._events(response, watchdog)
            finally:
                response.close()
                self._response = None
        finally:
            watchdog.stop()

    def _expire(self) -> bool:
        """A clock ran out while nothing arrived (the watchdog's thread): end the read."""
        response = self._response
        if response is None:
            return False
        _shutdown(response)
        return True

    # -- opening, with retries -------------------------------------------------------------

    def _open(self, watchdog: Watchdog) -> httpx.Response:
        if self._refused is not None:
            raise self._refused
        settings = self._client.settings
        waited = 0.0
        while True:
            if self.cancelled:
                raise StreamCancelled()
            if watchdog.expired() == "total":
                raise self._deadline("total")
            self.attempts += 1
            watchdog.sent()
            response = self._send()
            status = response.status_code
            if 200 <= status < 300:
                if self._on_response is not None:
                    self._on_response()
                self._check_event_stream(response)
                return response
            message = self._redact(body_message(self._read_body(response)))
            retry_after = retry_after_seconds(response.headers.get("retry-after", ""), time.time())
            if status in RETRYABLE and self.attempts <= settings.max_retries:
                wait = retry_wait(retry_after, self.attempts)
                if waited + wait <= settings.max_retry_wait:
                    waited += wait
                    if self._on_retry:
                        self._on_retry(RetryNotice(self.attempts, wait, status, message))
                    if self._cancelled.wait(wait):
                        raise StreamCancelled()
                    continue
            raise for_status(
                status,
                message,
                settings.base_url,
                location=self._redact(response.headers.get("location", "")),
                retry_after=retry_after,
            )

    def _send(self) -> httpx.Response:
        spec = self._spec
        assert spec is not None  # _open raised otherwise
        base = self._client.settings.base_url
        http = self._client._http
        try:
            body = spec.content()  # the files' base64 is made as the body is written
            headers = {**spec.headers, "content-length": str(body.length)}
            content = body if self._on_sent is None else _Told(body, self._on_sent)
            request = http.build_request(spec.method, spec.url, headers=headers, content=content)
            response = http.send(request, stream=True)
        except httpx.ConnectTimeout:
            raise ApiError(
                "network",
                f"could not connect to {base} within "
                f"{self._client.settings.connect_timeout:g} s (connect timeout)",
            ) from None
        except httpx.ConnectError as error:
            raise ApiError("network", f"cannot connect to {base}: {reason(error)}") from None
        except httpx.TimeoutException:
            message, hint = self._client.settings.clocks.message(None)
            raise ApiError("network", f"{base}: {message}", hint=hint) from None
        except httpx.HTTPError as error:
            raise ApiError("network", f"the request to {base} failed: {reason(error)}") from None
        self._response = response
        if self.cancelled:
            _shutdown(response)
        return response

    def _read_body(self, response: httpx.Response) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            check_encoding(response)
            for chunk in response.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size >= ERROR_BODY_LIMIT:
                    break
        except (httpx.HTTPError, httpx.StreamError, ApiError):
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

    def _events(self, response: httpx.Response, watchdog: Watchdog) -> Iterator[StreamEvent]:
        decode = self._adapter.new_decoder().decode
        settings = self._client.settings
        out = Delivery(int(settings.max_answer_mb * MB))
        try:
            check_encoding(response)
            batches = event_batches(response.iter_bytes(), int(settings.max_event_mb * MB))
            for batch in batches:
                for sse in batch:
                    for event in decode(sse.event, sse.data):
                        if isinstance(event, ErrorEvent):
                            yield from out.flush()
                            code = f" [{event.code}]" if event.code else ""
                            raise ApiError(
                                "upstream",
                                f"the provider reported an error mid-stream: {event.message}{code}",
                                code=event.code,
                            )
                        out.add(event)
                if out.progressed():
                    watchdog.progress()
                yield from out.take()
                if out.too_long:
                    raise ApiError(
                        "upstream",
                        f"the answer passed {settings.max_answer_mb:g} million characters; the "
                        "rest was not read (what arrived is kept)",
                        hint="raise max_answer_mb in config.toml if answers this long are wanted",
                    )
                clock = watchdog.expired()
                if clock is not None and not out.finished:
                    raise self._deadline(clock)
                if self._before_wait is not None:
                    self._before_wait()
        except EventTooLarge as error:
            yield from out.flush()
            raise ApiError(
                "upstream",
                f"the server sent {error.what} larger than {settings.max_event_mb:g} MB; the "
                "stream was stopped (what arrived before it is kept)",
                hint="raise max_event_mb in config.toml if this server sends events that big",
            ) from None
        except (httpx.HTTPError, httpx.StreamError):
            yield from out.flush()
            if self.cancelled:
                raise StreamCancelled() from None
            clock = watchdog.fired or watchdog.expired()
            if clock is not None:
                raise self._deadline(clock) from None
            raise ApiError(
                "ended_early",
                "the connection closed before the answer finished (stream ended early)",
            ) from None
        yield from out.flush()
        if self.cancelled:
            raise StreamCancelled()
        if watchdog.fired is not None and not out.finished:  # the end of a body read to EOF
            raise self._deadline(watchdog.fired)
        if not out.finished:
            raise ApiError(
                "ended_early",
                "the stream ended without its end marker "
                "(stream ended early): the answer is incomplete",
            )

    def _deadline(self, clock: Clock) -> ApiError:
        message, hint = self._client.settings.clocks.message(clock)
        return ApiError("network", message, hint=hint)

    def _redact(self, text: str) -> str:
        return redact(text, self._client._key)


class _Told:
    """A body that calls `then` once it has been written whole (iterable again per attempt)."""

    __slots__ = ("_body", "_then")

    def __init__(self, body: Iterable[bytes], then: Callable[[], None]) -> None:
        self._body = body
        self._then = then

    def __iter__(self) -> Iterator[bytes]:
        yield from self._body
        self._then()


def _shutdown(response: httpx.Response) -> None:
    """Shut the response's socket down so that a read blocked in another thread returns."""
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):  # already closed
            sock.shutdown(socket.SHUT_RDWR)

"""The client against hostile servers on loopback: caps, clocks, bombs, framing, echoed keys.

The caps and clocks are tested here (small values so the tests are quick); what they cost in
memory and time with the real defaults is measured by benchmarks/bench_hostile.py.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FAKE_KEY
from tests.leaks import dressed, shows_key
from tests.raw_server import RawServer, Request, http_response
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import Conversation, Finished, StreamEvent, TextDelta


def delta(text: str) -> bytes:
    body = {"type": "content_block_delta", "delta": {"type": "text_delta", "text": text}}
    return b"event: content_block_delta\ndata: " + json.dumps(body).encode() + b"\n\n"


STOP = b'event: message_stop\ndata: {"type":"message_stop"}\n\n'


def run(base_url: str, **kw: object) -> tuple[list[StreamEvent], ApiError | None]:
    """Stream one Anthropic answer; what arrived and the error it ended with (if any)."""
    seen: list[StreamEvent] = []
    settings_ = ClientSettings(base_url=base_url, **kw)  # type: ignore[arg-type]
    try:
        with ChatClient(settings_, FAKE_KEY) as client:
            seen.extend(client.stream(Conversation.single("x"), "claude-x", "anthropic"))
    except ApiError as error:
        return seen, error
    return seen, None


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


# -- sizes ------------------------------------------------------------------------------------


def test_an_event_past_the_limit_stops_the_stream_and_keeps_what_came_before() -> None:
    big = b"data: " + b"x" * 3_000_000  # no newline: a line that never ends
    respond = lambda _: http_response(200, [delta("before "), big[:1_000_000], big[1_000_000:]])  # noqa: E731
    with RawServer(respond) as server:
        seen, error = run(server.base_url, max_event_mb=1)
    assert text_of(seen) == "before "
    assert error is not None and error.kind == "upstream"
    assert "larger than 1 MB" in error.message and "max_event_mb" in error.hint


def test_a_gzip_bomb_is_stopped_at_the_event_limit() -> None:
    bomb = gzip.compress(b"data: " + b"a" * 50_000_000, compresslevel=9)  # 50 MB from ~50 KB
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip\r\n"
    head += b"content-length: %d\r\n\r\n" % len(bomb)
    with RawServer(lambda _: [head, bomb]) as server:
        _seen, error = run(server.base_url, max_event_mb=2)
    assert error is not None and error.kind == "upstream" and "larger than 2 MB" in error.message


def test_a_body_compressed_twice_over_is_refused_unread() -> None:
    twice = gzip.compress(gzip.compress(delta("hi") + STOP))
    head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-encoding: gzip, gzip\r\n"
    head += b"content-length: %d\r\n\r\n" % len(twice)
    with RawServer(lambda _: [head, twice]) as server:
        _, error = run(server.base_url)
    assert error is not None and "compressed its answer several times" in error.message


def test_an_answer_past_its_limit_is_cut_and_says_so() -> None:
    chunks = [delta("x" * 400_000) for _ in range(5)] + [STOP]
    with RawServer(lambda _: http_response(200, chunks)) as server:
        seen, error = run(server.base_url, max_answer_mb=1)
    assert len(text_of(seen)) == 1_000_000
    assert error is not None and "passed 1 million characters" in error.message


# -- clocks -----------------------------------------------------------------------------------


def trickle(first: bytes = b"") -> Callable[[Request], list[bytes | float]]:
    """A server that sends `first`, then one byte of an SSE comment every 0.05 s for 20 s."""
    parts: list[bytes | float] = [first, b": "] if first else [b": "]
    for _ in range(400):
        parts += [0.05, b"k"]
    return lambda _: http_response(200, parts)


def test_keep_alive_bytes_are_no_progress_before_the_first_token() -> None:
    with RawServer(trickle()) as server:
        seen, error = run(server.base_url, first_token_timeout=0.6, read_timeout=60)
    assert seen == [] and error is not None and error.kind == "network"
    assert "first-token timeout" in error.message and "0.6 s" in error.message


def test_keep_alive_bytes_are_no_progress_after_the_first_token() -> None:
    with RawServer(trickle(delta("so far "))) as server:
        seen, error = run(server.base_url, read_timeout=0.6)
    assert text_of(seen) == "so far "
    assert error is not None and "read timeout" in error.message and "keep-alive" in error.message


def test_the_total_clock_ends_a_slow_but_steady_answer() -> None:
    parts: list[bytes | float] = []
    for _ in range(100):
        parts += [delta("tick "), 0.05]
    with RawServer(lambda _: http_response(200, parts)) as server:
        seen, error = run(server.base_url, total_timeout=0.8)
    assert text_of(seen).startswith("tick tick")
    assert error is not None and "total timeout" in error.message


def test_a_silent_server_is_ended_by_the_watchdog_not_the_socket_timeout() -> None:
    # the socket timeout is the longest clock (60 s); the first-token clock ends the read
    reply: list[bytes | float] = [b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n", 30.0]
    with RawServer(lambda _: reply) as server:
        done = threading.Event()
        result: list[ApiError | None] = []

        def go() -> None:
            result.append(run(server.base_url, first_token_timeout=0.5, read_timeout=60)[1])
            done.set()

        threading.Thread(target=go, daemon=True).start()
        assert done.wait(20), "the silent stream was not ended"
    assert result[0] is not None and "first-token timeout" in result[0].message


# -- framing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"HTTP/1.1 {key}\r\n\r\n",
        b"HTTP/1.1 200 OK\r\n{key}\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nx-echo: {key}\r\n{key}: \x00\r\n\r\n",
        b"{key} 200 OK\r\n\r\n",
    ],
)
def test_malformed_framing_that_echoes_the_key_is_a_network_error_without_it(head: bytes) -> None:
    for name, key in dressed(FAKE_KEY).items():
        reply: list[bytes | float] = [head.replace(b"{key}", key.encode())]

        def respond(_: object, reply: list[bytes | float] = reply) -> list[bytes | float]:
            return reply

        with RawServer(respond) as server:
            _, error = run(server.base_url)
        assert error is not None and error.kind == "network", name
        assert "not valid HTTP" in error.message, name
        assert not shows_key(error.message, FAKE_KEY), name


@settings(max_examples=15)
@given(cuts=st.lists(st.integers(1, 60), min_size=1, max_size=6), which=st.sampled_from(sorted(dressed(FAKE_KEY))))
def test_a_key_echoed_in_the_answer_split_anyhow_never_reaches_the_caller(
    cuts: list[int], which: str
) -> None:
    echoed = f"your key is {dressed(FAKE_KEY)[which]}, keep it safe"
    pieces, rest = [], echoed
    for cut in cuts:
        pieces.append(rest[:cut])
        rest = rest[cut:]
    pieces.append(rest)
    body = [delta(p) for p in pieces if p] + [STOP]
    with RawServer(lambda _: http_response(200, body)) as server:
        seen, error = run(server.base_url)
    assert error is None and isinstance(seen[-1], Finished)
    shown = text_of(seen)
    assert not shows_key(shown, FAKE_KEY)
    assert shown.startswith("your key is ") and shown.endswith(", keep it safe")


def test_lone_surrogates_in_text_and_errors_arrive_as_valid_text() -> None:
    surrogate = b'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"type":"text_delta","text":"a\\ud800b"}}\n\n'
    bad_error = b'event: error\ndata: {"type":"error","error":{"message":"x\\udfff"}}\n\n'
    with RawServer(lambda _: http_response(200, [surrogate, bad_error])) as server:
        seen, error = run(server.base_url)
    assert text_of(seen) == "a\ufffdb"
    assert error is not None and error.message.encode("utf-8")


def test_a_304_is_not_called_a_redirect() -> None:
    with RawServer(lambda _: [b"HTTP/1.1 304 Not Modified\r\n\r\n"]) as server:
        _, error = run(server.base_url)
    assert error is not None and "redirect" not in error.message and "304" in error.message


def test_a_huge_retry_after_in_unicode_digits_is_ignored() -> None:
    body = json.dumps({"error": {"message": "slow down"}}).encode()
    answer = http_response(
        429, body, headers={"retry-after": "²"}, reason=b"Too Many", content_type="application/json"
    )
    with RawServer(lambda _: answer) as server:
        _, error = run(server.base_url, max_retries=0)
    assert error is not None and error.kind == "rate_limit"
    assert error.retry_after is None and error.hint.startswith("wait a minute")

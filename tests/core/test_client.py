"""The HTTP client over real loopback sockets: success, retries, every failure path, cancel."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from tests.conftest import FAKE_KEY
from tests.scripted_server import (
    Reply,
    ScriptedServer,
    anthropic_answer,
    json_reply,
    sse_reply,
)
from tikhub_tui.core.client import ChatClient, ClientSettings, RetryNotice
from tikhub_tui.core.errors import ApiError, StreamCancelled
from tikhub_tui.core.model import Conversation, Finished, StreamEvent, TextDelta


def collect(
    base_url: str, provider: str = "anthropic", model: str = "claude-x", **kw: object
) -> tuple[list[StreamEvent], list[RetryNotice]]:
    notices: list[RetryNotice] = []
    events: list[StreamEvent] = []
    settings = ClientSettings(base_url=base_url, **kw)  # type: ignore[arg-type]
    with ChatClient(settings, FAKE_KEY) as client:
        stream = client.stream(Conversation.single("hi"), model, provider, on_retry=notices.append)
        events.extend(stream)
    return events, notices


def stream_until_error(reply: Reply) -> tuple[list[StreamEvent], ApiError]:
    """Stream a scripted Anthropic reply that must end in an error: what arrived, the error."""
    seen: list[StreamEvent] = []
    with (
        ScriptedServer(reply) as server,
        ChatClient(ClientSettings(base_url=server.base_url), FAKE_KEY) as client,
        pytest.raises(ApiError) as caught,
    ):
        for event in client.stream(Conversation.single("x"), "claude-x", "anthropic"):
            seen.append(event)
    return seen, caught.value


def text_of(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


def test_streams_an_answer_and_sends_the_protocol_headers() -> None:
    with ScriptedServer(anthropic_answer("Hello")) as server:
        events, notices = collect(server.base_url)
    assert text_of(events) == "Hello"
    assert isinstance(events[-1], Finished)
    assert notices == []
    seen = server.seen[0]
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == FAKE_KEY
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert seen.body["stream"] is True


def test_on_sent_tells_each_attempt_once_its_whole_body_is_written() -> None:
    limited = json_reply(429, {"error": {"message": "slow down"}}, **{"retry-after": "0"})
    told: list[str] = []
    with (
        ScriptedServer(limited, anthropic_answer("ok")) as server,
        ChatClient(ClientSettings(base_url=server.base_url), FAKE_KEY) as client,
    ):
        stream = client.stream(
            Conversation.single("x" * 300_000), "claude-x", "anthropic",
            on_sent=lambda: told.append("sent"),
            on_response=lambda: told.append("response"),
        )
        assert text_of(list(stream)) == "ok"
    assert told == ["sent", "sent", "response"]
    assert [len(seen.body["messages"][0]["content"]) for seen in server.seen] == [300_000] * 2


def test_429_is_retried_honouring_retry_after_then_succeeds() -> None:
    limited = json_reply(429, {"error": {"message": "slow down"}}, **{"retry-after": "0"})
    with ScriptedServer(limited, limited, anthropic_answer("ok")) as server:
        events, notices = collect(server.base_url)
    assert text_of(events) == "ok"
    assert [(n.attempt, n.status, n.wait, n.message) for n in notices] == [
        (1, 429, 0.0, "slow down"),
        (2, 429, 0.0, "slow down"),
    ]
    assert len(server.seen) == 3


@pytest.mark.parametrize("status", [502, 503, 504, 529])
def test_gateway_errors_are_retried(status: int) -> None:
    failing = json_reply(status, {"error": {"message": "upstream hiccup"}}, **{"retry-after": "0"})
    with ScriptedServer(failing, anthropic_answer("fine")) as server:
        events, notices = collect(server.base_url)
    assert text_of(events) == "fine"
    assert [n.status for n in notices] == [status]


def test_500_is_not_retried_and_shows_the_provider_message() -> None:
    body = {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}
    with ScriptedServer(json_reply(500, body)) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert len(server.seen) == 1
    assert caught.value.kind == "upstream" and caught.value.status == 500
    assert "Internal server error" in caught.value.message


def test_a_long_retry_after_is_named_in_the_advice() -> None:
    limited = json_reply(429, {"error": {"message": "quota"}}, **{"retry-after": "120"})
    with ScriptedServer(limited) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert len(server.seen) == 1  # 120 s is past the retry budget: no wait at all
    assert caught.value.kind == "rate_limit"
    assert caught.value.hint.startswith("wait 120 s (the server's Retry-After) and try again")


def test_403_says_access_was_refused_with_the_providers_message() -> None:
    body = {"error": {"message": "Country, region, or territory not supported"}}
    with ScriptedServer(json_reply(403, body)) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert caught.value.kind == "auth"
    assert caught.value.message == (
        "the gateway refused access (HTTP 403: Country, region, or territory not supported)"
    )
    assert "may use this model" in caught.value.hint


def test_a_redirect_names_where_it_leads_and_the_setting_to_fix() -> None:
    moved = json_reply(301, {}, location="https://gateway.example/v1/messages")
    with ScriptedServer(moved) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert caught.value.kind == "config"
    assert caught.value.message == (
        "the server redirected the request to https://gateway.example/v1/messages (HTTP 301)"
    )
    assert "set the base URL" in caught.value.hint


def test_retries_stop_when_spent() -> None:
    limited = json_reply(429, {"error": {"message": "quota"}}, **{"retry-after": "0"})
    with ScriptedServer(limited) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url, max_retries=2)
    assert len(server.seen) == 3
    assert caught.value.kind == "rate_limit" and "quota" in caught.value.message


def test_a_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    limited = json_reply(429, {"error": {"message": "later"}}, **{"retry-after": "3600"})
    with ScriptedServer(limited) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url, max_retry_wait=30.0)
    assert len(server.seen) == 1
    assert caught.value.kind == "rate_limit"


def test_http_date_retry_after_is_understood() -> None:
    from email.utils import formatdate

    limited = json_reply(
        503,
        {"error": {"message": "busy"}},
        **{"retry-after": formatdate(time.time() - 5, usegmt=True)},
    )
    with ScriptedServer(limited, anthropic_answer("ok")) as server:
        events, notices = collect(server.base_url)
    assert text_of(events) == "ok" and notices[0].wait == 0.0


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {
                "error": {
                    "message": f"Incorrect API key provided: {FAKE_KEY}",
                    "code": "invalid_api_key",
                }
            },
            "Incorrect API key provided: [redacted]",
        ),
        (
            {
                "type": "error",
                "error": {"type": "authentication_error", "message": "invalid x-api-key"},
            },
            "invalid x-api-key",
        ),
        (
            {"error": {"code": 401, "message": "API key not valid.", "status": "UNAUTHENTICATED"}},
            "API key not valid.",
        ),
    ],
)
def test_401_is_an_auth_error_with_the_message_and_never_the_key(
    body: object, expected: str
) -> None:
    with ScriptedServer(json_reply(401, body)) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    error = caught.value
    assert error.kind == "auth" and error.status == 401
    assert expected in error.message
    assert FAKE_KEY not in str(error) and FAKE_KEY not in error.hint
    assert "TIKHUB_API_KEY" in error.hint


def test_a_2xx_that_is_not_an_event_stream_is_an_error_with_its_message() -> None:
    reply = json_reply(200, {"message": "route not found on this proxy"})
    with ScriptedServer(reply) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert caught.value.kind == "upstream"
    assert "application/json" in caught.value.message
    assert "route not found on this proxy" in caught.value.message
    assert "base URL" in caught.value.hint


def test_an_html_page_is_named_as_such() -> None:
    reply = Reply(200, {"content-type": "text/html"}, [b"<html><body>Welcome</body></html>"])
    with ScriptedServer(reply) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url)
    assert "text/html" in caught.value.message and "HTML page" in caught.value.message


def test_a_stream_without_its_end_marker_is_an_error_not_a_short_answer() -> None:
    reply = sse_reply(
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Half"}},
        )
    )
    with ScriptedServer(reply) as server:
        settings = ClientSettings(base_url=server.base_url)
        with ChatClient(settings, FAKE_KEY) as client:
            seen: list[StreamEvent] = []
            with pytest.raises(ApiError) as caught:
                for event in client.stream(Conversation.single("x"), "claude-x", "anthropic"):
                    seen.append(event)
    assert text_of(seen) == "Half"
    assert caught.value.kind == "ended_early" and "ended early" in caught.value.message


def test_a_dropped_connection_keeps_the_text_and_says_ended_early() -> None:
    reply = sse_reply(
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Cut"}},
        ),
        drop=True,
    )
    seen, error = stream_until_error(reply)
    assert text_of(seen) == "Cut"
    assert error.kind == "ended_early"


def test_a_silent_server_hits_the_first_token_timeout() -> None:
    reply = sse_reply(("ping", {"type": "ping"}), stall=5.0)
    with ScriptedServer(reply) as server, pytest.raises(ApiError) as caught:
        collect(server.base_url, first_token_timeout=0.3)
    assert caught.value.kind == "network" and "first-token timeout" in caught.value.message


def test_a_server_silent_after_the_first_text_hits_the_read_timeout() -> None:
    reply = sse_reply(
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "So far"}},
        ),
        stall=5.0,
    )
    seen: list[StreamEvent] = []
    with ScriptedServer(reply) as server, pytest.raises(ApiError) as caught:
        settings = ClientSettings(base_url=server.base_url, read_timeout=0.3)
        with ChatClient(settings, FAKE_KEY) as client:
            seen.extend(client.stream(Conversation.single("x"), "claude-x", "anthropic"))
    assert caught.value.kind == "network" and "read timeout" in caught.value.message
    assert text_of(seen) == "So far"


def test_connection_refused_is_a_network_error_naming_the_url() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    with pytest.raises(ApiError) as caught:
        collect(base)
    assert caught.value.kind == "network"
    assert base in caught.value.message and "refused" in caught.value.message


@pytest.mark.parametrize("base", ["ai.tikhub.io", "ftp://x", "http://", "", "http://127.0.0.1:99999"])
def test_a_bad_base_url_is_a_config_error(base: str) -> None:
    with pytest.raises(ApiError) as caught:
        ChatClient(ClientSettings(base_url=base), FAKE_KEY)
    assert caught.value.kind == "config"


def test_error_event_mid_stream_keeps_what_arrived() -> None:
    reply = sse_reply(
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "So far"}},
        ),
        (
            "error",
            {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}},
        ),
    )
    seen, error = stream_until_error(reply)
    assert text_of(seen) == "So far"
    assert error.kind == "upstream" and "Overloaded" in error.message


def test_multibyte_characters_split_across_network_writes() -> None:
    text = "Grüße, 世界! 👋🏽 ok"
    payload = (
        b"event: content_block_delta\ndata: "
        + json.dumps(
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": text}},
            ensure_ascii=False,
        ).encode()
        + b'\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n'
    )
    pieces = [payload[i : i + 1] for i in range(len(payload))]
    with ScriptedServer(Reply(chunks=pieces, delay=0.0005)) as server:
        events, _ = collect(server.base_url)
    assert text_of(events) == text


def test_cancel_from_another_thread_ends_a_blocked_read_at_once() -> None:
    reply = sse_reply(
        (
            "content_block_delta",
            {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "Hi"}},
        ),
        stall=30.0,
    )
    with (
        ScriptedServer(reply) as server,
        ChatClient(ClientSettings(base_url=server.base_url, read_timeout=60), FAKE_KEY) as client,
    ):
        stream = client.stream(Conversation.single("x"), "claude-x", "anthropic")
        seen: list[StreamEvent] = []
        outcome: list[BaseException] = []

        def consume() -> None:
            try:
                for event in stream:
                    seen.append(event)
            except BaseException as error:
                outcome.append(error)

        worker = threading.Thread(target=consume)
        worker.start()
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
        stream.cancel()
        worker.join(timeout=10)
    assert not worker.is_alive(), "the read did not end when the stream was cancelled"
    assert text_of(seen) == "Hi"
    assert len(outcome) == 1 and isinstance(outcome[0], StreamCancelled)


def test_an_exception_in_the_scripted_server_fails_the_test_that_set_it_off() -> None:
    server = ScriptedServer(Reply())
    server.replies.clear()  # the handler now fails on the first request: no reply to play
    with (
        pytest.raises(AssertionError, match="IndexError") as caught,
        server,
        pytest.raises(ApiError),
    ):
        collect(server.base_url, max_retries=0)
    assert "failed while serving this test" in str(caught.value)

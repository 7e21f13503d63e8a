"""The gateway's bytes on a raw socket: headers, chunked framing, line endings, errors and faults.

Clients are tested against these streams, so the framing itself (CRLF for Gemini, one HTTP chunk
per network write, a dropped connection without its terminating chunk) must be as specified.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.gateway import Gateway, answer_text, split_deltas

OPENAI = ("/v1/responses", {"Authorization": f"Bearer {FAKE_KEY}"})
ANTHROPIC = ("/v1/messages", {"x-api-key": FAKE_KEY, "anthropic-version": "2023-06-01"})
GEMINI = (
    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    {"x-goog-api-key": FAKE_KEY},
)


def body_for(path: str, prompt: str, limit: int | None = None) -> dict[str, object]:
    """A minimal valid streaming request for the protocol of `path`, with an optional token limit."""
    if path.endswith("/v1/responses"):
        extra = {} if limit is None else {"max_output_tokens": limit}
        return {"model": "gpt-4o", "input": prompt, "stream": True, **extra}
    if path.endswith("/v1/messages"):
        return {
            "model": "claude-x",
            "max_tokens": limit or 100_000,
            "stream": True,
            "messages": [{"role": "user", "content": prompt}],
        }
    config = {} if limit is None else {"generationConfig": {"maxOutputTokens": limit}}
    return {"contents": [{"role": "user", "parts": [{"text": prompt}]}], **config}


PROTOCOLS = pytest.mark.parametrize(
    ("path", "headers"), [OPENAI, ANTHROPIC, GEMINI], ids=["openai", "anthropic", "gemini"]
)


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    chunks: list[bytes]
    terminated: bool
    """The zero-length chunk arrived: the body is complete."""

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


def raw_post(
    url: str, path: str, headers: dict[str, str], body: bytes, version: str = "HTTP/1.1"
) -> RawResponse:
    """POST over a plain socket and parse the chunked framing by hand, chunk by chunk."""
    parts = urlsplit(url)
    lines = [
        f"POST {path} {version}",
        f"Host: {parts.netloc}",
        "Connection: close",
        f"Content-Length: {len(body)}",
        "Content-Type: application/json",
    ]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = bytearray()
        while chunk := sock.recv(65536):
            data += chunk
    head, _, rest = bytes(data).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    found = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in header_lines)}
    if found.get("transfer-encoding") != "chunked":
        return RawResponse(int(status_line.split()[1]), found, [rest], True)
    chunks, terminated = [], False
    while rest:
        size_line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        size = int(size_line, 16)
        if size == 0:
            terminated = True
            break
        chunks.append(rest[:size])
        rest = rest[size + 2 :]
    return RawResponse(int(status_line.split()[1]), found, chunks, terminated)


def post(
    url: str, path: str, headers: dict[str, str], prompt: str, limit: int | None = None
) -> RawResponse:
    return raw_post(url, path, headers, json.dumps(body_for(path, prompt, limit)).encode())


@PROTOCOLS
def test_stream_headers_and_chunked_framing(
    gateway_url: str, path: str, headers: dict[str, str]
) -> None:
    response = post(gateway_url, path, headers, "echo: hello there")
    assert response.status == 200
    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    expected = "text/event-stream" if "v1beta" in path else "text/event-stream; charset=utf-8"
    assert response.headers["content-type"] == expected
    assert response.terminated


def test_gemini_frames_with_crlf_and_no_done_marker(gateway_url: str) -> None:
    body = post(gateway_url, *GEMINI, "tps: 0 lorem: 30").body.decode()
    events = body.split("\r\n\r\n")
    assert events[-1] == ""
    assert all(event.startswith("data: {") for event in events[:-1])
    assert "\n" not in body.replace("\r\n", "")
    assert "[DONE]" not in body
    last = json.loads(events[-2].removeprefix("data: "))
    assert last["candidates"][0]["finishReason"] == "STOP"
    assert last["usageMetadata"]["candidatesTokenCount"] == len(events) - 1


@pytest.mark.parametrize(("path", "headers"), [OPENAI, ANTHROPIC], ids=["openai", "anthropic"])
def test_named_events_frame_with_lf(gateway_url: str, path: str, headers: dict[str, str]) -> None:
    body = post(gateway_url, path, headers, "echo: a b").body.decode()
    assert "\r" not in body
    for event in body.split("\n\n")[:-1]:
        name, data = event.split("\n")
        assert name.startswith("event: ")
        assert json.loads(data.removeprefix("data: "))["type"] == name.removeprefix("event: ")


@PROTOCOLS
def test_every_event_is_json_spaced_as_the_provider_does(
    gateway_url: str, path: str, headers: dict[str, str]
) -> None:
    body = post(gateway_url, path, headers, "tps: 0 think: 5 lorem: 60", limit=30)
    separators = (",", ": ") if "v1beta" in path else (",", ":")
    lines = [line[6:] for line in body.body.decode().splitlines() if line.startswith("data: ")]
    assert len(lines) >= 30
    for data in lines:
        if data != '{"type": "ping"}':  # Anthropic spaces its ping, and only its ping
            assert json.dumps(json.loads(data), ensure_ascii=False, separators=separators) == data


@PROTOCOLS
def test_missing_key_gets_the_providers_401(
    gateway_url: str, path: str, headers: dict[str, str]
) -> None:
    without_key = {k: v for k, v in headers.items() if k == "anthropic-version"}
    response = post(gateway_url, path, without_key, "hello")
    assert response.status == 401
    body = json.loads(response.body)
    if path == OPENAI[0]:
        assert body["error"]["type"] == "invalid_request_error"
        assert "API key" in body["error"]["message"]
    elif path == ANTHROPIC[0]:
        assert body["type"] == "error"
        assert body["error"] == {
            "type": "authentication_error",
            "message": "x-api-key header is required",
        }
        assert body["request_id"].startswith("req_")
    else:
        assert body["error"]["status"] == "UNAUTHENTICATED"
        assert body["error"]["code"] == 401


def test_gemini_accepts_the_key_in_the_query(gateway_url: str) -> None:
    path = GEMINI[0] + "&key=" + FAKE_KEY
    assert post(gateway_url, path, {}, "echo: ok").status == 200


@pytest.mark.parametrize(
    ("path", "headers", "body", "needle"),
    [
        (*OPENAI, b"{not json", "could not parse the JSON body"),
        (*OPENAI, b'{"input": "hi", "stream": true}', "Missing required parameter: 'model'"),
        (
            *OPENAI,
            b'{"model": "m", "input": [{"role": "robot", "content": "x"}], "stream": true}',
            "Invalid value: 'robot'",
        ),
        (
            *OPENAI,
            b'{"model": "m", "input": [{"role": "assistant", "content": '
            b'[{"type": "input_text", "text": "x"}]}], "stream": true}',
            "Invalid value: 'input_text'",
        ),
        (*OPENAI, b'{"model": "m", "input": "hi"}', "stream"),
        (
            *OPENAI,
            b'{"model": "m", "input": "hi", "stream": true, "max_output_tokens": 5}',
            "max_output_tokens",
        ),
        (*ANTHROPIC, b"[1, 2", "request body"),
        (
            *ANTHROPIC,
            b'{"model": "m", "messages": [], "stream": true}',
            "max_tokens: Field required",
        ),
        (
            *ANTHROPIC,
            b'{"model": "m", "max_tokens": 9, "stream": true, "messages": '
            b'[{"role": "system", "content": "x"}]}',
            "messages.0.role",
        ),
        (
            *ANTHROPIC,
            b'{"model": "m", "max_tokens": 9, "messages": [{"role": "user", "content": "x"}]}',
            "stream",
        ),
        (*GEMINI, b"{", "Invalid JSON payload"),
        (*GEMINI, b'{"contents": []}', "contents is not specified"),
        (*GEMINI, b'{"contents": [{"role": "assistant", "parts": [{"text": "x"}]}]}', "valid role"),
    ],
)
def test_malformed_requests_get_the_providers_400(
    gateway_url: str, path: str, headers: dict[str, str], body: bytes, needle: str
) -> None:
    response = raw_post(gateway_url, path, headers, body)
    assert response.status == 400
    assert needle in json.loads(response.body)["error"]["message"]


def test_anthropic_requires_the_version_header(gateway_url: str) -> None:
    response = post(gateway_url, ANTHROPIC[0], {"x-api-key": FAKE_KEY}, "hi")
    assert response.status == 400
    body = json.loads(response.body)
    assert body["error"] == {
        "type": "invalid_request_error",
        "message": "anthropic-version: header is required",
    }


def test_non_streaming_gemini_method_is_refused(gateway_url: str) -> None:
    path = "/v1beta/models/gemini-2.5-flash:generateContent"
    response = post(gateway_url, path, GEMINI[1], "hi")
    assert response.status == 400
    assert json.loads(response.body)["error"]["status"] == "INVALID_ARGUMENT"


def test_unknown_path_is_a_json_404(gateway_url: str) -> None:
    response = httpx.get(gateway_url + "/v1/nothing-here")
    assert response.status_code == 404
    assert "Invalid URL" in response.json()["error"]["message"]


@PROTOCOLS
@pytest.mark.parametrize("status", [400, 403, 404, 418, 429, 500, 502, 503, 504, 529, 599])
def test_error_directive_answers_the_status_with_the_providers_body(
    gateway_url: str, path: str, headers: dict[str, str], status: int
) -> None:
    response = post(gateway_url, path, headers, f"error: {status}")
    assert response.status == status
    body = json.loads(response.body)
    if path == OPENAI[0]:
        assert set(body["error"]) == {"message", "type", "param", "code"}
    elif path == ANTHROPIC[0]:
        assert body["type"] == "error" and body["error"]["message"]
    else:
        assert body["error"]["code"] == status and body["error"]["status"].isupper()
    assert (response.headers.get("retry-after") == "1") == (status == 429)


@PROTOCOLS
def test_drop_after_closes_without_the_terminating_chunk(
    gateway_url: str, path: str, headers: dict[str, str]
) -> None:
    response = post(gateway_url, path, headers, "tps: 0 drop-after: 4 lorem: 50")
    assert response.status == 200
    assert not response.terminated
    body = response.body.decode()
    for marker in ("response.completed", "message_stop", "finishReason"):
        assert marker not in body
    with (
        pytest.raises(httpx.RemoteProtocolError),
        httpx.stream(
            "POST",
            gateway_url + path,
            headers=headers,
            json=body_for(path, "tps: 0 drop-after: 4 lorem: 50"),
        ) as stream,
    ):
        for _ in stream.iter_bytes():
            pass


@pytest.mark.parametrize(
    ("path", "headers", "marker"),
    [
        (*OPENAI, "event: response.failed\n"),
        (*ANTHROPIC, "event: error\ndata: "),
        (*GEMINI, 'data: {"error": {"code": 500'),
    ],
    ids=["openai", "anthropic", "gemini"],
)
def test_fail_after_ends_with_the_protocols_error_event(
    gateway_url: str, path: str, headers: dict[str, str], marker: str
) -> None:
    response = post(gateway_url, path, headers, "tps: 0 fail-after: 3 lorem: 50")
    assert response.terminated
    body = response.body.decode()
    tail = body[body.rindex(marker.split("\n")[0]) :]
    assert marker in tail
    assert body.endswith("\r\n\r\n" if "v1beta" in path else "\n\n")
    if path == OPENAI[0]:
        failed = json.loads(tail.split("data: ", 1)[1])
        assert failed["response"]["status"] == "failed"
        assert failed["response"]["error"]["code"] == "server_error"
    token = {OPENAI[0]: "event: response.output_text.delta", ANTHROPIC[0]: '"text_delta"'}
    assert body.count(token.get(path, '{"text": ')) == 3


@PROTOCOLS
def test_chunk_one_writes_every_byte_separately(
    gateway_url: str, path: str, headers: dict[str, str]
) -> None:
    prompt = "tps: 0 chunk: 1 echo: ünï ✓ 🎉 end"
    response = post(gateway_url, path, headers, prompt)
    assert response.terminated
    assert {len(chunk) for chunk in response.chunks} == {1}
    # a UTF-8 lead byte alone in its chunk: multi-byte characters are split across writes
    assert any(chunk[0] >= 0xC0 for chunk in response.chunks)
    assert "ünï " in response.body.decode()
    assert "🎉 " in response.body.decode()


def test_chunk_n_splits_the_body_into_pieces_of_at_most_n(gateway_url: str) -> None:
    response = post(gateway_url, *ANTHROPIC, "tps: 0 chunk: 7 lorem: 40")
    sizes = [len(chunk) for chunk in response.chunks]
    assert max(sizes) == 7
    assert sizes.count(7) >= len(sizes) - 3


def _timed_stream(url: str, prompt: str) -> float:
    start = time.monotonic()
    response = post(url, *OPENAI, prompt)
    assert response.terminated
    return time.monotonic() - start


def test_tps_paces_the_stream() -> None:
    with Gateway(tps=0) as gw:
        elapsed = _timed_stream(gw.base_url, "tps: 40 echo: " + "w " * 20)
    # 20 tokens at 40/s: the last is due after 19/40 = 0.475 s
    assert 0.4 < elapsed < 6  # paced: never sooner (unpaced it takes milliseconds), nor 10x later


def test_server_default_tps_applies_without_a_directive() -> None:
    with Gateway(tps=50) as gw:
        elapsed = _timed_stream(gw.base_url, "echo: " + "w " * 15)
    assert 0.25 < elapsed < 6


def test_six_streams_run_side_by_side() -> None:
    results: list[float] = []
    with Gateway(tps=10) as gw:
        start = time.monotonic()
        threads = [
            threading.Thread(
                target=lambda: results.append(
                    _timed_stream(gw.base_url, "echo: a b c d e f g h i j")
                )
            )
            for _ in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        total = time.monotonic() - start
    assert len(results) == 6
    # one stream takes about 0.9 s; six in a row would take 5.4 s
    assert total < 3.5


@pytest.fixture
def slow_gateway() -> Iterator[Gateway]:
    gateway = Gateway(tps=2)
    gateway.start()
    yield gateway
    gateway.stop()


def test_stop_is_prompt_while_streams_are_open(slow_gateway: Gateway) -> None:
    path, headers = ANTHROPIC
    with contextlib.ExitStack() as stack:
        client = stack.enter_context(httpx.Client(timeout=10))
        readers = []
        for _ in range(3):
            response = stack.enter_context(
                client.stream(
                    "POST",
                    slow_gateway.base_url + path,
                    headers=headers,
                    json=body_for(path, "lorem: 500"),
                )
            )
            reader = response.iter_raw()
            next(reader)
            readers.append(reader)
        start = time.monotonic()
        slow_gateway.stop()
        # the streams would take four minutes to finish; stopping does not wait for them
        assert time.monotonic() - start < 10
        for reader in readers:
            # the stream ends at once, unfinished: no terminating chunk
            with pytest.raises(httpx.RemoteProtocolError):
                for _ in reader:
                    pass


def test_bench_endpoints_record_streams_and_text() -> None:
    with Gateway(tps=0) as gw:
        assert httpx.post(gw.base_url + "/_bench/reset").json() == {}
        post(gw.base_url, *GEMINI, "lorem: 200")
        before = time.monotonic()
        post(gw.base_url, *OPENAI, "think: 5 echo: é à")
        stats = httpx.get(gw.base_url + "/_bench/stats").json()
        text = httpx.get(gw.base_url + "/_bench/text")
        assert [s["path"] for s in stats] == [urlsplit(GEMINI[0]).path, OPENAI[0]]
        assert stats[0]["events"] == len(split_deltas(answer_text("lorem: 200")))
        assert stats[1]["events"] == 5 + 2
        last = stats[1]
        assert before <= last["t_recv"] <= last["t_first_byte"] <= last["t_last_byte"]
        assert last["t_last_byte"] <= time.monotonic()
        assert last["bytes"] > 0
        assert text.headers["content-type"] == "text/plain; charset=utf-8"
        assert text.content.decode() == "é à"
        httpx.post(gw.base_url + "/_bench/reset")
        assert httpx.get(gw.base_url + "/_bench/stats").json() == []


def test_big_answer_is_sent_fast(gateway_url: str) -> None:
    httpx.post(gateway_url + "/_bench/reset")
    with httpx.stream(
        "POST",
        gateway_url + OPENAI[0],
        headers=OPENAI[1],
        json=body_for(OPENAI[0], "tps: 0 lorem: 20000"),
    ) as stream:
        for _ in stream.iter_raw():
            pass
    record = httpx.get(gateway_url + "/_bench/stats").json()[-1]
    assert record["events"] == len(split_deltas(answer_text("lorem: 20000")))
    # about 0.1 s on 2 cores; generous for a loaded machine
    assert record["t_last_byte"] - record["t_recv"] < 3.0
    assert httpx.get(gateway_url + "/_bench/text").text == answer_text("lorem: 20000")


def test_keep_alive_serves_several_requests_on_one_connection(gateway_url: str) -> None:
    path, headers = OPENAI
    with httpx.Client() as client:
        for word in ("one", "two", "three"):
            response = client.post(
                gateway_url + path, headers=headers, json=body_for(path, f"echo: {word}")
            )
            assert response.status_code == 200
            assert f'"text":"{word}"' in response.text


def test_http_1_0_clients_get_a_body_ended_by_close(gateway_url: str) -> None:
    path, headers = OPENAI
    body = json.dumps(body_for(path, "echo: old client")).encode()
    response = raw_post(gateway_url, path, headers, body, version="HTTP/1.0")
    assert response.status == 200
    assert "transfer-encoding" not in response.headers
    assert response.body.decode().endswith("\n\n")
    assert "event: response.completed" in response.body.decode()


def test_path_prefix_is_accepted(gateway_url: str) -> None:
    path, headers = ANTHROPIC
    assert post(gateway_url, "/proxy" + path, headers, "echo: hi").status == 200


def test_non_loopback_host_needs_explicit_consent() -> None:
    with pytest.raises(ValueError, match="no authentication"):
        Gateway(host="0.0.0.0")

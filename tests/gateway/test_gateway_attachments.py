"""Attachments through the embedded gateway: each protocol x each kind arrives intact (by hash),
the official SDKs' parts are received the same as ours, and malformed parts get the provider's
own error."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import types as genai_types

from tests.attachment_files import jpeg, pdf, png
from tests.conftest import FAKE_KEY
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.attachments.text import text_block
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.model import Attachment, Conversation, Message, TextDelta
from tikhub_tui.gateway import anthropic_request, gemini_request
from tikhub_tui.gateway.wire import RawRequest, Reply

MODELS = {"openai": "gpt-4o", "anthropic": "claude-sonnet-4-5", "gemini": "gemini-2.5-flash"}
FILES = {
    "text": from_bytes("# Notes ✓\n```\ncode\n```\n".encode(), "notes.md"),
    "png": from_bytes(png(120, 80), "shot.png"),
    "jpeg": from_bytes(jpeg(90, 60), "photo.jpg"),
    "pdf": from_bytes(pdf(4, padding=50_000), "report.pdf"),
}


def ask(gateway_url: str, provider: str, conversation: Conversation) -> str:
    with ChatClient(ClientSettings(gateway_url, max_retries=0), FAKE_KEY) as client:
        events = client.stream(conversation, MODELS[provider], provider)
        return "".join(e.text for e in events if isinstance(e, TextDelta))


def report(answer: str) -> list[tuple[str, str, str, int, str]]:
    """The attachments: answer as (where, kind, media type, bytes, sha256) rows."""
    rows = []
    for line in answer.splitlines():
        where, kind, media_type, size, digest = line.rsplit(" ", 4)
        rows.append((where, kind, media_type, int(size), digest))
    return rows


def expected(item: Attachment) -> tuple[str, str, int, str]:
    """What the gateway must report for an attachment: text arrives as its fenced block."""
    if item.kind == "text":
        data = text_block(item).encode()
        return ("text", "text/plain", len(data), hashlib.sha256(data).hexdigest())
    kind = "image" if item.kind == "image" else "file"
    return (kind, item.media_type, item.size, item.sha256)


@pytest.mark.parametrize("kind", list(FILES))
@pytest.mark.parametrize("provider", list(MODELS))
def test_each_kind_arrives_intact_in_each_protocol(
    gateway_url: str, provider: str, kind: str
) -> None:
    item = FILES[kind]
    rows = report(ask(gateway_url, provider, Conversation([Message("user", "attachments:", (item,))])))
    assert [row[1:] for row in rows] == [
        expected(item),
        ("text", "text/plain", len("attachments:"), hashlib.sha256(b"attachments:").hexdigest()),
    ]
    assert [row[0] for row in rows] == ["0.0", "0.1"]


@pytest.mark.parametrize("provider", list(MODELS))
def test_the_history_resends_earlier_attachments(gateway_url: str, provider: str) -> None:
    conversation = Conversation(
        [
            Message("user", "look", (FILES["png"], FILES["pdf"])),
            Message("assistant", "a picture and a report"),
            Message("user", "attachments:", (FILES["jpeg"],)),
        ]
    )
    rows = report(ask(gateway_url, provider, conversation))
    binary = [(row[0], *row[1:]) for row in rows if row[1] != "text"]
    assert binary == [
        ("0.0", *expected(FILES["png"])),
        ("0.1", *expected(FILES["pdf"])),
        ("2.0", *expected(FILES["jpeg"])),
    ]


# -- the official SDKs send the same parts ---------------------------------------------------------


def b64(item: Attachment) -> str:
    return base64.b64encode(item.data).decode()


def ours(gateway_url: str, provider: str, item: Attachment) -> list[tuple[str, str, int, str]]:
    return [r[1:] for r in report(ask(gateway_url, provider, Conversation([Message("user", "attachments:", (item,))])))]


def test_openai_sdk_parts_are_received_as_ours(gateway_url: str) -> None:
    client = openai.OpenAI(api_key=FAKE_KEY, base_url=gateway_url + "/v1", max_retries=0)
    image, document = FILES["png"], FILES["pdf"]
    with client.responses.stream(
        model="gpt-4o",
        input=[{"role": "user", "content": [
            {"type": "input_image", "image_url": f"data:image/png;base64,{b64(image)}", "detail": "auto"},
            {"type": "input_file", "filename": "report.pdf",
             "file_data": f"data:application/pdf;base64,{b64(document)}"},
            {"type": "input_text", "text": "attachments:"},
        ]}],
    ) as stream:
        answer = stream.get_final_response().output_text
    rows = [r[1:] for r in report(answer)]
    assert rows[0] == ours(gateway_url, "openai", image)[0]
    assert rows[1] == ours(gateway_url, "openai", document)[0]


def test_anthropic_sdk_blocks_are_received_as_ours(gateway_url: str) -> None:
    client = anthropic.Anthropic(api_key=FAKE_KEY, base_url=gateway_url, max_retries=0)
    image, document = FILES["jpeg"], FILES["pdf"]
    with client.messages.stream(
        model="claude-sonnet-4-5",
        max_tokens=1000,
        messages=[{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": b64(image)}},
            {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": b64(document)}},
            {"type": "text", "text": "attachments:"},
        ]}],
    ) as stream:
        answer = stream.get_final_text()
    rows = [r[1:] for r in report(answer)]
    assert rows[0] == ours(gateway_url, "anthropic", image)[0]
    assert rows[1] == ours(gateway_url, "anthropic", document)[0]


def test_gemini_sdk_parts_are_received_as_ours(gateway_url: str) -> None:
    options = genai_types.HttpOptions(
        base_url=gateway_url, retry_options=genai_types.HttpRetryOptions(attempts=1)
    )
    client = genai.Client(api_key=FAKE_KEY, http_options=options)
    image, document = FILES["png"], FILES["pdf"]
    chunks = client.models.generate_content_stream(
        model="gemini-2.5-flash",
        contents=[genai_types.Content(role="user", parts=[
            genai_types.Part.from_bytes(data=image.data, mime_type="image/png"),
            genai_types.Part.from_bytes(data=document.data, mime_type="application/pdf"),
            genai_types.Part.from_text(text="attachments:"),
        ])],
    )
    answer = "".join(chunk.text or "" for chunk in chunks)
    rows = [r[1:] for r in report(answer)]
    assert rows[0] == ours(gateway_url, "gemini", image)[0]
    assert rows[1] == ours(gateway_url, "gemini", document)[0]


# -- malformed parts are refused as each provider refuses them --------------------------------------

PNG64 = b64(FILES["png"])
HEADERS = {
    "openai": ("/v1/responses", {"Authorization": f"Bearer {FAKE_KEY}"}),
    "anthropic": ("/v1/messages", {"x-api-key": FAKE_KEY, "anthropic-version": "2023-06-01"}),
    "gemini": ("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
               {"x-goog-api-key": FAKE_KEY}),
}


def with_part(provider: str, part: dict[str, Any]) -> dict[str, Any]:
    if provider == "openai":
        return {"model": "gpt-4o", "stream": True, "input": [{"role": "user", "content": [part]}]}
    if provider == "anthropic":
        return {"model": "c", "max_tokens": 10, "stream": True,
                "messages": [{"role": "user", "content": [part]}]}
    return {"contents": [{"role": "user", "parts": [part]}]}


@pytest.mark.parametrize(
    ("provider", "part", "needle"),
    [
        ("openai", {"type": "input_image", "image_url": "data:image/png;base64,@@@", "detail": "auto"},
         "Expected a base64-encoded data URL with an image MIME type"),
        ("openai", {"type": "input_image", "image_url": f"data:text/plain;base64,{PNG64}"},
         "unsupported MIME type 'text/plain'"),
        ("openai", {"type": "input_image", "image_url": "data:image/png;base64,aGVsbG8="},
         "You uploaded an unsupported image"),
        ("openai", {"type": "input_image", "image_url": f"data:image/png;base64,{PNG64}", "detail": "max"},
         "Invalid value: 'max'"),
        ("openai", {"type": "input_file", "file_data": f"data:application/pdf;base64,{PNG64}"},
         "Missing required parameter: 'input[0].content[0].filename'"),
        ("openai", {"type": "input_file", "filename": "a.pdf", "file_data": PNG64},
         "Expected a base64-encoded data URL"),
        ("openai", {"type": "input_file", "filename": "a.pdf",
                    "file_data": f"data:application/pdf;base64,{PNG64}"}, "not a valid PDF"),
        ("anthropic", {"type": "image", "source": {"type": "base64", "media_type": "image/bmp", "data": PNG64}},
         "messages.0.content.0.image.source.base64.media_type: Input should be"),
        ("anthropic", {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": PNG64}},
         "specified using the image/jpeg media type, but the image appears to be a image/png image"),
        ("anthropic", {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "%%%"}},
         "Invalid base64 data"),
        ("anthropic", {"type": "image"}, "messages.0.content.0.image.source: Field required"),
        ("anthropic", {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PNG64}},
         "The PDF specified was not valid."),
        ("anthropic", {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                   "data": "A" * (5 * 1024 * 1024 + 4)}},
         "image exceeds 5 MB maximum: 5242884 bytes > 5242880 bytes"),
        ("gemini", {"inline_data": {"mime_type": "image/png", "data": "!!!!"}},
         "Invalid value at 'contents[0].parts[0].inline_data.data' (TYPE_BYTES), Base64 decoding failed"),
        ("gemini", {"inlineData": {"mimeType": "application/zip", "data": PNG64}},
         "Unsupported MIME type: application/zip"),
        ("gemini", {"inline_data": {"data": PNG64}}, "mime_type is not specified"),
    ],
)
def test_malformed_parts_get_the_providers_400(
    gateway_url: str, provider: str, part: dict[str, Any], needle: str
) -> None:
    path, headers = HEADERS[provider]
    response = httpx.post(gateway_url + path, headers=headers, json=with_part(provider, part))
    assert response.status_code == 400
    assert needle in response.json()["error"]["message"]


def test_gemini_accepts_url_safe_base64_and_camel_case(gateway_url: str) -> None:
    path, headers = HEADERS["gemini"]
    data = base64.urlsafe_b64encode(FILES["png"].data).decode().rstrip("=")
    body = {"contents": [{"role": "user", "parts": [
        {"inlineData": {"mimeType": "image/png", "data": data}}, {"text": "attachments:"}]}]}
    with httpx.stream("POST", gateway_url + path, headers=headers, json=body) as response:
        text = response.read().decode()
    assert response.status_code == 200
    assert FILES["png"].sha256 in text


def test_oversized_openai_parts_are_refused_before_decoding() -> None:
    from tikhub_tui.gateway import openai_parts, openai_request

    long_url = "data:image/png;base64," + "A" * openai_parts.MAX_IMAGE_URL
    reply = openai_parts.image({"image_url": long_url}, "input[0].content[0]", 0, openai_request.invalid)
    assert isinstance(reply, Reply) and reply.status == 400
    assert json.loads(reply.body)["error"]["code"] == "string_above_max_length"
    long_file = "data:application/pdf;base64," + "A" * openai_parts.MAX_FILE_DATA
    reply = openai_parts.file({"filename": "a.pdf", "file_data": long_file}, "input[0].content[0]",
                              0, openai_request.invalid)
    assert isinstance(reply, Reply) and "string too long" in json.loads(reply.body)["error"]["message"]


def test_oversized_requests_are_refused_before_parsing() -> None:
    anthropic_big = RawRequest(
        "POST", "/v1/messages", {}, {"x-api-key": "k", "anthropic-version": "2023-06-01"},
        bytes(anthropic_request.REQUEST_LIMIT + 1),
    )
    reply = anthropic_request.parse(anthropic_big)
    assert isinstance(reply, Reply) and reply.status == 413
    assert json.loads(reply.body)["error"]["type"] == "request_too_large"
    gemini_big = RawRequest(
        "POST", "/v1beta/models/g:streamGenerateContent", {"alt": "sse"}, {"x-goog-api-key": "k"},
        bytes(gemini_request.REQUEST_LIMIT + 1),
    )
    reply = gemini_request.parse(gemini_big)
    assert isinstance(reply, Reply) and reply.status == 400
    assert "Request payload size exceeds the limit: 104857600 bytes." in reply.body.decode()

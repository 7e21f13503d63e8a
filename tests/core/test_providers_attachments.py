"""Attachments in each protocol's own shape, accepted by the official SDKs' request types, and
refused before sending when they break a documented limit."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import anthropic.types as anthropic_types
import pydantic
import pytest
from google.genai import types as genai_types
from openai.types.responses import response_create_params

from tests.attachment_files import image, jpeg, pdf, png
from tests.conftest import FAKE_KEY
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.attachments.text import text_block
from tikhub_tui.core.model import Attachment, Conversation, Message, RequestOptions
from tikhub_tui.core.providers import LimitExceeded, adapter, check_limits

PNG = from_bytes(png(40, 30), "shot.png")
JPEG = from_bytes(jpeg(50, 20), "photo.jpg")
PDF = from_bytes(pdf(3), "report.pdf")
TEXT = from_bytes(b"def main():\n    return 1\n", "main.py")


def b64(item: Attachment) -> str:
    return base64.b64encode(item.data).decode()


def build(provider: str, conversation: Conversation, model: str = "m-1") -> dict[str, Any]:
    spec = adapter(provider).build_request(
        conversation, model, RequestOptions(max_tokens=99), base_url="http://h:1", api_key=FAKE_KEY
    )
    return spec.json


def prompt(*items: Attachment, text: str = "what is this?") -> Conversation:
    return Conversation([Message("user", text, items)])


def test_openai_parts() -> None:
    body = build("openai", prompt(TEXT, PNG, PDF))
    assert body["input"] == [
        {
            "role": "user",
            "content": [
                {"type": "input_text", "text": text_block(TEXT)},
                {"type": "input_image", "image_url": f"data:image/png;base64,{b64(PNG)}",
                 "detail": "auto"},
                {"type": "input_file", "filename": "report.pdf",
                 "file_data": f"data:application/pdf;base64,{b64(PDF)}"},
                {"type": "input_text", "text": "what is this?"},
            ],
        }
    ]


def test_anthropic_blocks() -> None:
    body = build("anthropic", prompt(TEXT, JPEG, PDF))
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": text_block(TEXT)},
                {"type": "image",
                 "source": {"type": "base64", "media_type": "image/jpeg", "data": b64(JPEG)}},
                {"type": "document", "title": "report.pdf",
                 "source": {"type": "base64", "media_type": "application/pdf", "data": b64(PDF)}},
                {"type": "text", "text": "what is this?"},
            ],
        }
    ]


def test_gemini_parts() -> None:
    body = build("gemini", prompt(TEXT, PNG, PDF))
    assert body["contents"] == [
        {
            "role": "user",
            "parts": [
                {"text": text_block(TEXT)},
                {"inline_data": {"mime_type": "image/png", "data": b64(PNG)}},
                {"inline_data": {"mime_type": "application/pdf", "data": b64(PDF)}},
                {"text": "what is this?"},
            ],
        }
    ]


def test_an_attachment_without_words_is_still_sent() -> None:
    body = build("gemini", prompt(PNG, text=""))
    assert body["contents"][0]["parts"] == [
        {"inline_data": {"mime_type": "image/png", "data": b64(PNG)}}
    ]


HISTORY = Conversation(
    [
        Message("user", "look", (PNG, PDF)),
        Message("assistant", "I see a picture and a report."),
        Message("user", "and now?"),
    ]
)


def test_history_resends_attachments_in_each_protocols_shape() -> None:
    """After switching provider, the earlier prompt's files go again, in the new shape."""
    openai_first = build("openai", HISTORY)["input"][0]["content"]
    assert [part["type"] for part in openai_first] == ["input_image", "input_file", "input_text"]
    anthropic_first = build("anthropic", HISTORY)["messages"][0]["content"]
    assert [block["type"] for block in anthropic_first] == ["image", "document", "text"]
    gemini_first = build("gemini", HISTORY)["contents"][0]["parts"]
    assert [part["inline_data"]["mime_type"] for part in gemini_first[:2]] == [
        "image/png", "application/pdf"]
    assert build("openai", HISTORY)["input"][2] == {"role": "user", "content": "and now?"}


# -- the official SDKs' request types accept what we build ---------------------------------------


def test_openai_sdk_request_type_accepts_the_body() -> None:
    body = build("openai", Conversation([*HISTORY.messages[:2], Message("user", "x", (TEXT, JPEG))]))
    checked = pydantic.TypeAdapter(response_create_params.ResponseCreateParamsStreaming)
    assert checked.validate_python(body) == body  # nothing unknown dropped, nothing missing


def test_openai_sdk_request_type_refuses_an_image_without_detail() -> None:
    body = build("openai", prompt(PNG))
    del body["input"][0]["content"][0]["detail"]
    with pytest.raises(pydantic.ValidationError):
        pydantic.TypeAdapter(response_create_params.ResponseCreateParamsStreaming).validate_python(
            body
        )


def test_anthropic_sdk_block_types_accept_the_blocks() -> None:
    body = build("anthropic", HISTORY)
    block = pydantic.TypeAdapter(anthropic_types.ContentBlockParam)
    blocks = [b for m in body["messages"] if isinstance(m["content"], list) for b in m["content"]]
    assert [block.validate_python(b) for b in blocks] == blocks
    message = pydantic.TypeAdapter(anthropic_types.MessageParam)
    for item in body["messages"]:
        assert message.validate_python(item)["role"] == item["role"]
    with pytest.raises(pydantic.ValidationError):
        block.validate_python({"type": "image", "source": {"type": "base64", "data": "AA=="}})


def test_gemini_sdk_builds_the_same_parts() -> None:
    body = build("gemini", prompt(JPEG, PDF))
    content = genai_types.Content.model_validate(body["contents"][0])  # extra fields forbidden
    assert content.parts == [
        genai_types.Part.from_bytes(data=JPEG.data, mime_type="image/jpeg"),
        genai_types.Part.from_bytes(data=PDF.data, mime_type="application/pdf"),
        genai_types.Part.from_text(text="what is this?"),
    ]


# -- limits, checked before any request ----------------------------------------------------------


def big(name: str, kind: str, media_type: str, size: int, **facts: Any) -> Attachment:
    """An attachment with the facts of a big file, without making a real one."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    return Attachment(name, media_type, kind, bytes(size), digest, **facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("provider", "model", "items", "said"),
    [
        ("anthropic", "claude-sonnet-4-5", [big("huge.png", "image", "image/png", 10, width=9000,
                                                height=10)], "huge.png is 9000x10 pixels; Anthropic accepts at most 8000 pixels a side"),
        ("anthropic", "claude-sonnet-4-5",
         [big(f"i{n}.png", "image", "image/png", 10, width=2100, height=10) for n in range(21)],
         "at most 2000 pixels a side when a request has more than 20 images"),
        ("anthropic", "claude-sonnet-4-5", [big("fat.png", "image", "image/png", 4_000_000,
                                                width=10, height=10)], "Anthropic accepts images up to 5.2 MB each"),
        ("anthropic", "claude-sonnet-4-5", [big("long.pdf", "pdf", "application/pdf", 10, pages=101)],
         "101 PDF pages (long.pdf (101 pages)); Anthropic accepts 100 pages"),
        ("anthropic", "claude-opus-4-6", [big("long.pdf", "pdf", "application/pdf", 10, pages=601)],
         "Anthropic accepts 600 pages"),
        ("anthropic", "claude-sonnet-4-5", [big("a.pdf", "pdf", "application/pdf", 25_000_000)],
         "Anthropic accepts 32.0 MB per request"),
        ("openai", "gpt-4o", [big("a.pdf", "pdf", "application/pdf", 33_000_000)],
         "a.pdf is 33.0 MB; OpenAI accepts PDFs up to 32.0 MB"),
        ("openai", "gpt-4o", [big("a.pdf", "pdf", "application/pdf", 20_000_000, pages=1),
                              big("b.pdf", "pdf", "application/pdf", 20_000_000, pages=1)],
         "OpenAI accepts 32.0 MB of files per request"),
        ("openai", "gpt-4o", [big("p.pdf", "pdf", "application/pdf", 10, pages=150)],
         "OpenAI accepts 100 pages"),
        ("openai", "gpt-4o", [big("a.png", "image", "image/png", 20_000_000, width=9, height=9),
                              big("b.png", "image", "image/png", 20_000_000, width=9, height=9)],
         "OpenAI accepts 50.0 MB of images per request"),
        ("gemini", "gemini-2.5-flash", [big("a.gif", "image", "image/gif", 10, width=9, height=9)],
         "a.gif is a GIF image; Gemini accepts JPEG, PNG, WEBP"),
        ("gemini", "gemini-2.5-flash", [big("a.pdf", "pdf", "application/pdf", 51_000_000)],
         "Gemini accepts PDFs up to 50.0 MB"),
        ("gemini", "gemini-2.5-flash", [big("a.pdf", "pdf", "application/pdf", 40_000_000),
                                        big("b.pdf", "pdf", "application/pdf", 40_000_000)],
         "Gemini accepts 100.0 MB per request"),
    ],
)
def test_limits_are_refused_before_building(
    provider: str, model: str, items: list[Attachment], said: str
) -> None:
    conversation = prompt(*items)
    with pytest.raises(LimitExceeded) as caught:
        check_limits(conversation, model, provider)
    assert said in caught.value.message
    assert caught.value.fix
    with pytest.raises(LimitExceeded):  # build_request refuses too: no request can be made
        build(provider, conversation, model)


def test_limits_count_the_history_too() -> None:
    old = Message("user", "first", (big("a.pdf", "pdf", "application/pdf", 10, pages=60),))
    conversation = Conversation([old, Message("assistant", "ok"),
                                 Message("user", "more", (big("b.pdf", "pdf", "application/pdf", 10, pages=60),))])
    with pytest.raises(LimitExceeded, match="120 PDF pages"):
        check_limits(conversation, "gpt-4o", "openai")


def test_image_limits_name_what_downscaling_would_fix() -> None:
    wide = big("wide.png", "image", "image/png", 10, width=9000, height=100)
    with pytest.raises(LimitExceeded) as caught:
        check_limits(prompt(wide), "claude-sonnet-4-5", "anthropic")
    assert caught.value.shrink == {wide.sha256: (8000, 5 * 1024 * 1024)}


def test_a_request_too_big_offers_to_shrink_every_large_image() -> None:
    photos = [big(f"p{n}.jpg", "image", "image/jpeg", 3_500_000, width=4000, height=3000)
              for n in range(7)]
    small = big("icon.png", "image", "image/png", 1000, width=64, height=64)
    with pytest.raises(LimitExceeded) as caught:
        check_limits(prompt(*photos, small), "claude-sonnet-4-5", "anthropic")
    assert "Anthropic accepts 32.0 MB per request" in caught.value.message
    assert caught.value.shrink == {p.sha256: (1568, 1024 * 1024) for p in photos}


def test_animated_gifs_are_refused_by_openai_only() -> None:
    animated = from_bytes(image("GIF", 20, 20, frames=3), "spin.gif")
    with pytest.raises(LimitExceeded, match=r"spin\.gif is an animated GIF; OpenAI accepts"):
        check_limits(prompt(animated), "gpt-4o", "openai")
    check_limits(prompt(animated), "claude-sonnet-4-5", "anthropic")
    check_limits(prompt(from_bytes(image("GIF", 20, 20), "still.gif")), "gpt-4o", "openai")


def test_within_limits_passes() -> None:
    for provider, model in (("openai", "gpt-4o"), ("anthropic", "claude-sonnet-4-5"),
                            ("gemini", "gemini-2.5-flash")):
        check_limits(prompt(TEXT, PNG, JPEG, PDF), model, provider)


def test_request_content_is_the_json_with_base64_spliced_in() -> None:
    import json

    spec = adapter("anthropic").build_request(
        prompt(PNG, PDF, text="é \" \\ \x00 end"), "m", RequestOptions(), base_url="http://h",
        api_key=FAKE_KEY,
    )
    assert json.loads(bytes(spec.content())) == spec.json
    mimic = adapter("openai").build_request(
        Conversation([Message("user", "\x000\x00", (PNG,)), Message("assistant", "\x001\x00"),
                      Message("user", "\x000\x00")]),
        "m", RequestOptions(), base_url="http://h", api_key=FAKE_KEY,
    )
    assert json.loads(bytes(mimic.content())) == mimic.json  # a prompt that looks like a placeholder


def test_the_client_reports_a_broken_limit_when_iterated_and_sends_nothing() -> None:
    """The app starts streams on its UI thread: a limit must not raise there, but in the
    stream's worker, as an error shown where the answer would be."""
    from tikhub_tui.core.client import ChatClient, ClientSettings
    from tikhub_tui.core.errors import ApiError

    gif = big("a.gif", "image", "image/gif", 10, width=9, height=9)
    with ChatClient(ClientSettings("http://127.0.0.1:9"), FAKE_KEY) as client:
        stream = client.stream(prompt(gif), "gemini-2.5-flash", "gemini")
        with pytest.raises(ApiError) as caught:
            list(stream)
    assert caught.value.kind == "config"
    assert "a.gif is a GIF image; Gemini accepts" in caught.value.message
    assert "nothing was sent" in caught.value.message
    assert stream.attempts == 0


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_the_body_is_made_in_pieces_of_the_length_it_states(provider: str) -> None:
    """The base64 is made a piece at a time while the body is written (never whole), the
    pieces join into exactly the JSON, and the stated length is the Content-Length."""
    import json

    from tikhub_tui.core.body import CHUNK

    document = from_bytes(pdf(2, padding=2 * CHUNK + 1), "big.pdf")
    spec = adapter(provider).build_request(
        prompt(PNG, document), "m", RequestOptions(), base_url="http://h", api_key=FAKE_KEY
    )
    body = spec.content()
    pieces = list(body)
    assert max(len(piece) for piece in pieces) <= 4 * CHUNK // 3 + 64
    whole = b"".join(pieces)
    assert len(whole) == body.length and bytes(body) == whole  # iterable again, same bytes
    assert json.loads(whole) == spec.json
    assert b64(document) in whole.decode()


def test_a_media_type_that_json_must_escape_is_escaped() -> None:
    import dataclasses
    import json

    odd = dataclasses.replace(PDF, media_type='application/pdf"; x=\\')
    spec = adapter("openai").build_request(
        prompt(odd), "m", RequestOptions(), base_url="http://h", api_key=FAKE_KEY
    )
    body = spec.content()
    assert len(bytes(body)) == body.length
    assert json.loads(bytes(body)) == spec.json

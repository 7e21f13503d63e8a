"""Requests are built in each protocol's own shape from one neutral conversation."""

from __future__ import annotations

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core.model import Conversation, Message, RequestOptions, RequestSpec
from tikhub_tui.core.providers import UsageError, adapter, infer_provider

HISTORY = Conversation(
    [
        Message("user", "Hi"),
        Message("assistant", "Hello! How can I help?"),
        Message("user", "Write a haiku"),
    ],
    system="Be brief.",
)


def build(
    provider: str, conversation: Conversation = HISTORY, base: str = "http://h:1/p/"
) -> RequestSpec:
    return adapter(provider).build_request(
        conversation, "m-1", RequestOptions(max_tokens=77), base_url=base, api_key=FAKE_KEY
    )


def test_openai_multi_turn() -> None:
    spec = build("openai")
    assert spec.method == "POST"
    assert spec.url == "http://h:1/p/v1/responses"
    assert spec.headers["authorization"] == f"Bearer {FAKE_KEY}"
    assert spec.headers["accept"] == "text/event-stream"
    assert spec.json == {
        "model": "m-1",
        "stream": True,
        "input": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Write a haiku"},
        ],
        "instructions": "Be brief.",
        "max_output_tokens": 77,
    }


def test_openai_single_prompt_is_a_string_without_instructions() -> None:
    spec = build("openai", Conversation.single("Hi"))
    assert spec.json["input"] == "Hi"
    assert "instructions" not in spec.json


def test_anthropic_multi_turn() -> None:
    spec = build("anthropic")
    assert spec.url == "http://h:1/p/v1/messages"
    assert spec.headers["x-api-key"] == FAKE_KEY
    assert spec.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in spec.headers
    assert spec.json == {
        "model": "m-1",
        "max_tokens": 77,
        "stream": True,
        "messages": [
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello! How can I help?"},
            {"role": "user", "content": "Write a haiku"},
        ],
        "system": "Be brief.",
    }


def test_gemini_multi_turn() -> None:
    spec = build("gemini")
    assert spec.url == "http://h:1/p/v1beta/models/m-1:streamGenerateContent?alt=sse"
    assert spec.headers["x-goog-api-key"] == FAKE_KEY
    assert spec.json == {
        "contents": [
            {"role": "user", "parts": [{"text": "Hi"}]},
            {"role": "model", "parts": [{"text": "Hello! How can I help?"}]},
            {"role": "user", "parts": [{"text": "Write a haiku"}]},
        ],
        "systemInstruction": {"parts": [{"text": "Be brief."}]},
        "generationConfig": {"maxOutputTokens": 77},
    }


def test_gemini_model_name_is_a_single_path_segment() -> None:
    spec = adapter("gemini").build_request(
        Conversation.single("x"), "models/gemini-2.5-flash", RequestOptions(),
        base_url="https://ai.tikhub.io", api_key=FAKE_KEY,
    )
    assert spec.url.endswith("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")


@pytest.mark.parametrize("base", ["http://h:1/p", "http://h:1/p/", "http://h:1/p//"])
@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_base_url_prefix_and_trailing_slash(provider: str, base: str) -> None:
    assert build(provider, base=base).url.startswith("http://h:1/p/v1")


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_empty_turns_from_failed_answers_are_not_sent(provider: str) -> None:
    conversation = Conversation(
        [Message("user", "a"), Message("assistant", ""), Message("user", "b")]
    )
    body = build(provider, conversation).json
    turns = body.get("messages") or body.get("contents") or body.get("input")
    assert turns is not None and len(turns) == 2


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_request_repr_never_shows_the_key(provider: str) -> None:
    spec = build(provider)
    assert FAKE_KEY not in repr(spec) and FAKE_KEY not in str(spec)


@pytest.mark.parametrize(
    ("model", "provider"),
    [
        ("gpt-4o", "openai"),
        ("gpt-5", "openai"),
        ("o1-mini", "openai"),
        ("o3", "openai"),
        ("o4-mini", "openai"),
        ("claude-opus-4-6", "anthropic"),
        ("claude-sonnet-4-5-20250929", "anthropic"),
        ("gemini-2.5-pro", "gemini"),
        ("GPT-4o", "openai"),
    ],
)
def test_provider_inferred_from_model_name(model: str, provider: str) -> None:
    assert infer_provider(model) == provider


@pytest.mark.parametrize("model", ["llama-3", "mistral-large", "", "o2"])
def test_unknown_model_family_is_a_usage_error_naming_the_flag(model: str) -> None:
    with pytest.raises(UsageError, match="--provider"):
        infer_provider(model)


def test_unknown_provider_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="openai, anthropic, gemini"):
        adapter("mistral")


@pytest.mark.parametrize(
    ("options", "openai", "anthropic", "gemini"),
    [
        # no limit of the user's: OpenAI and Gemini leave it to the model, Anthropic (which
        # requires one) is sent the model's own, else a value every Claude model accepts
        (RequestOptions(None, 64_000), None, 64_000, None),
        (RequestOptions(), None, 4096, None),
        # the user's limit goes to every protocol
        (RequestOptions(300, 64_000), 300, 300, 300),
    ],
)
def test_the_output_limit_each_protocol_is_sent(
    options: RequestOptions, openai: int | None, anthropic: int | None, gemini: int | None
) -> None:
    def sent(provider: str) -> dict[str, object]:
        return adapter(provider).build_request(
            HISTORY, "m-1", options, base_url="http://h:1", api_key=FAKE_KEY
        ).json

    assert sent("openai").get("max_output_tokens") == openai
    assert sent("anthropic")["max_tokens"] == anthropic
    config = sent("gemini").get("generationConfig")
    assert (config or {}).get("maxOutputTokens") == gemini  # type: ignore[attr-defined]
    if gemini is None:
        assert config is None

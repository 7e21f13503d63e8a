"""The official OpenAI, Anthropic and Google SDKs, pointed at the gateway, accept its streams.

If an SDK parses the gateway's bytes into exactly the expected text, usage and error classes, the
gateway speaks the provider's protocol closely enough to test our own client against.
"""

from __future__ import annotations

import anthropic
import openai
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import types as genai_types

from tests.conftest import FAKE_KEY
from tikhub_tui.gateway import answer_text, reasoning_text, split_deltas

PROMPTS = ["echo: héllo wörld — ünïcode ✓ 🎉", "tps: 0 lorem: 300", "tps: 0 think: 12 code: 7"]


def _openai(url: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=FAKE_KEY, base_url=url + "/v1", max_retries=0, timeout=10)


def _anthropic(url: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=FAKE_KEY, base_url=url, max_retries=0, timeout=10)


_CLIENTS: dict[str, genai.Client] = {}


def _gemini(url: str) -> genai.Client:
    """One client per gateway, kept alive: a collected client closes its connection pool."""
    if url not in _CLIENTS:
        options = genai_types.HttpOptions(
            base_url=url, retry_options=genai_types.HttpRetryOptions(attempts=1), timeout=10_000
        )
        _CLIENTS[url] = genai.Client(api_key=FAKE_KEY, http_options=options)
    return _CLIENTS[url]


@pytest.mark.parametrize("prompt", PROMPTS)
def test_openai_stream_helper_rebuilds_answer_and_usage(gateway_url: str, prompt: str) -> None:
    with _openai(gateway_url).responses.stream(model="gpt-4o", input=prompt) as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas) == answer_text(prompt) == final.output_text
    assert final.status == "completed"
    assert final.usage is not None
    thoughts = len(split_deltas(reasoning_text(prompt)))
    assert final.usage.output_tokens == len(deltas) + thoughts
    assert final.usage.output_tokens_details.reasoning_tokens == thoughts
    assert final.usage.input_tokens == len(prompt.split())
    if thoughts:
        summary = final.output[0]
        assert summary.type == "reasoning"
        assert summary.summary[0].text == reasoning_text(prompt)


def test_openai_raw_events_and_multi_turn_input(gateway_url: str) -> None:
    stream = _openai(gateway_url).responses.create(
        model="gpt-4o",
        instructions="be brief",
        input=[
            {"role": "user", "content": "hello there"},
            {"role": "assistant", "content": [{"type": "output_text", "text": "hi"}]},
            {"role": "user", "content": [{"type": "input_text", "text": "echo: second turn"}]},
        ],
        stream=True,
    )
    events = list(stream)
    assert events[0].type == "response.created"
    assert events[-1].type == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "second turn"
    assert events[-1].response.usage.input_tokens == 2 + 2 + 1 + 3


def test_openai_max_output_tokens_ends_incomplete(gateway_url: str) -> None:
    prompt = "tps: 0 lorem: 100"
    events = list(
        _openai(gateway_url).responses.create(
            model="gpt-4o", input=prompt, max_output_tokens=20, stream=True
        )
    )
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "".join(split_deltas(answer_text(prompt))[:20])
    assert events[-1].type == "response.incomplete"
    final = events[-1].response
    assert final.status == "incomplete"
    assert final.output_text == text
    assert final.usage is not None
    assert final.usage.output_tokens == 20
    assert final.incomplete_details is not None
    assert final.incomplete_details.reason == "max_output_tokens"


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(401, openai.AuthenticationError), (429, openai.RateLimitError)],
)
def test_openai_error_directive_raises_sdk_error(
    gateway_url: str, status: int, error_class: type[openai.APIStatusError]
) -> None:
    with pytest.raises(error_class) as caught:
        _openai(gateway_url).responses.create(model="gpt-4o", input=f"error: {status}", stream=True)
    assert caught.value.status_code == status
    body = caught.value.body
    assert isinstance(body, dict)
    assert body["message"] in str(caught.value)
    assert FAKE_KEY not in str(caught.value)
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "1"


@pytest.mark.parametrize("prompt", PROMPTS)
def test_anthropic_stream_rebuilds_answer_and_usage(gateway_url: str, prompt: str) -> None:
    with _anthropic(gateway_url).messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=10_000,
        system="be brief",
        messages=[{"role": "user", "content": prompt}],
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == answer_text(prompt)
    assert final.stop_reason == "end_turn"
    thoughts = len(split_deltas(reasoning_text(prompt)))
    assert final.usage.output_tokens == len(split_deltas(text)) + thoughts
    assert final.usage.input_tokens == len(prompt.split()) + 2
    if thoughts:
        block = final.content[0]
        assert block.type == "thinking"
        assert block.thinking == reasoning_text(prompt)
        assert block.signature


def test_anthropic_max_tokens_and_block_content(gateway_url: str) -> None:
    prompt = "tps: 0 code: 40"
    with _anthropic(gateway_url).messages.stream(
        model="claude-sonnet-4-6",
        max_tokens=15,
        messages=[
            {"role": "user", "content": [{"type": "text", "text": "first"}]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": [{"type": "text", "text": prompt}]},
        ],
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "".join(split_deltas(answer_text(prompt))[:15])
    assert final.stop_reason == "max_tokens"
    assert final.usage.output_tokens == 15


@pytest.mark.parametrize(
    ("status", "error_class"),
    [(401, anthropic.AuthenticationError), (429, anthropic.RateLimitError)],
)
def test_anthropic_error_directive_raises_sdk_error(
    gateway_url: str, status: int, error_class: type[anthropic.APIStatusError]
) -> None:
    with pytest.raises(error_class) as caught:
        _anthropic(gateway_url).messages.create(
            model="claude-sonnet-4-6",
            max_tokens=100,
            messages=[{"role": "user", "content": f"error: {status}"}],
            stream=True,
        )
    assert caught.value.status_code == status
    kind = {401: "authentication_error", 429: "rate_limit_error"}[status]
    assert caught.value.body["error"]["type"] == kind  # type: ignore[index]
    assert caught.value.request_id is not None


def test_anthropic_fail_after_raises_mid_stream(gateway_url: str) -> None:
    seen: list[str] = []
    with (
        pytest.raises(anthropic.APIStatusError, match="overloaded_error"),
        _anthropic(gateway_url).messages.stream(
            model="claude-sonnet-4-6",
            max_tokens=1000,
            messages=[{"role": "user", "content": "tps: 0 fail-after: 5 lorem: 50"}],
        ) as stream,
    ):
        seen.extend(stream.text_stream)
    assert "".join(seen) == "".join(split_deltas(answer_text("lorem: 50"))[:5])


@pytest.mark.parametrize("prompt", PROMPTS)
def test_gemini_stream_yields_answer_and_usage(gateway_url: str, prompt: str) -> None:
    chunks = list(
        _gemini(gateway_url).models.generate_content_stream(
            model="gemini-2.5-flash",
            contents=prompt,
            config=genai_types.GenerateContentConfig(system_instruction="be brief"),
        )
    )
    text = "".join(chunk.text or "" for chunk in chunks)
    assert text == answer_text(prompt)
    thought_parts = [
        part.text
        for chunk in chunks
        for part in chunk.candidates[0].content.parts  # type: ignore[index]
        if part.thought
    ]
    assert "".join(thought_parts) == reasoning_text(prompt)
    last = chunks[-1]
    assert last.candidates[0].finish_reason == genai_types.FinishReason.STOP  # type: ignore[index]
    usage = last.usage_metadata
    assert usage is not None
    assert usage.candidates_token_count == len(split_deltas(text))
    assert (usage.thoughts_token_count or 0) == len(thought_parts)
    assert usage.prompt_token_count == len(prompt.split()) + 2


def test_gemini_max_output_tokens_finishes_with_max_tokens(gateway_url: str) -> None:
    prompt = "tps: 0 lorem: 100"
    chunks = list(
        _gemini(gateway_url).models.generate_content_stream(
            model="gemini-2.5-flash",
            contents=prompt,
            config=genai_types.GenerateContentConfig(max_output_tokens=10),
        )
    )
    assert "".join(c.text or "" for c in chunks) == "".join(split_deltas(answer_text(prompt))[:10])
    finish = chunks[-1].candidates[0].finish_reason  # type: ignore[index]
    assert finish == genai_types.FinishReason.MAX_TOKENS


@pytest.mark.parametrize(
    ("status", "word"), [(401, "UNAUTHENTICATED"), (429, "RESOURCE_EXHAUSTED")]
)
def test_gemini_error_directive_raises_client_error(
    gateway_url: str, status: int, word: str
) -> None:
    with pytest.raises(genai_errors.ClientError) as caught:
        list(
            _gemini(gateway_url).models.generate_content_stream(
                model="gemini-2.5-flash", contents=f"error: {status}"
            )
        )
    assert caught.value.code == status
    assert caught.value.status == word
    assert caught.value.message


def test_gemini_fail_after_raises_server_error(gateway_url: str) -> None:
    seen: list[str] = []
    with pytest.raises(genai_errors.ServerError) as caught:
        for chunk in _gemini(gateway_url).models.generate_content_stream(
            model="gemini-2.5-flash", contents="tps: 0 fail-after: 3 echo: a b c d e"
        ):
            seen.append(chunk.text or "")
    assert "".join(seen) == "a b c "
    assert caught.value.status == "INTERNAL"


CACHED = "tps: 0 think: 4 cache-read: 1500 cache-write: 300 echo: from the cache"
"""12 words of prompt, 1,800 more tokens from the cache directives, 4 thoughts, 3 answer words."""


def test_openai_sdk_reads_cache_and_reasoning_counts(gateway_url: str) -> None:
    with _openai(gateway_url).responses.stream(model="gpt-5", input=CACHED) as stream:
        final = stream.get_final_response()
    usage = final.usage
    assert usage is not None
    assert usage.input_tokens == 12 + 1800  # OpenAI's input count includes the cached part
    assert usage.input_tokens_details.cached_tokens == 1500
    assert usage.input_tokens_details.cache_write_tokens == 300
    assert (usage.output_tokens, usage.output_tokens_details.reasoning_tokens) == (7, 4)
    assert usage.total_tokens == 12 + 1800 + 7


def test_anthropic_sdk_reads_cache_counts_from_start_and_delta(gateway_url: str) -> None:
    with _anthropic(gateway_url).messages.stream(
        model="claude-sonnet-4-6", max_tokens=1000, messages=[{"role": "user", "content": CACHED}]
    ) as stream:
        events = list(stream)
        final = stream.get_final_message()
    start = next(e for e in events if e.type == "message_start").message.usage
    delta = next(e for e in events if e.type == "message_delta").usage
    for usage in (start, delta, final.usage):
        # Anthropic's input count leaves out what was read from or written to the cache
        assert usage.input_tokens == 12
        assert usage.cache_read_input_tokens == 1500
        assert usage.cache_creation_input_tokens == 300
    assert start.cache_creation is not None
    assert start.cache_creation.ephemeral_5m_input_tokens == 300
    assert (delta.output_tokens, final.usage.output_tokens) == (7, 7)
    assert final.usage.output_tokens_details is not None
    assert final.usage.output_tokens_details.thinking_tokens == 4


def test_gemini_sdk_reads_cached_content_and_thoughts(gateway_url: str) -> None:
    chunks = list(
        _gemini(gateway_url).models.generate_content_stream(
            model="gemini-2.5-flash", contents=CACHED
        )
    )
    usage = chunks[-1].usage_metadata
    assert usage is not None
    assert usage.prompt_token_count == 12 + 1800  # Gemini's prompt count includes the cache
    assert usage.cached_content_token_count == 1500
    assert (usage.candidates_token_count, usage.thoughts_token_count) == (3, 4)
    assert usage.total_token_count == 12 + 1800 + 3 + 4
    assert usage.cache_tokens_details is not None
    assert usage.cache_tokens_details[0].token_count == 1500

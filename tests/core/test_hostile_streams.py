"""Property tests of the stream decoding: any bytes, any chunking, any JSON shape in any field.

The SSE reader and each protocol adapter must be total (a classified error, never an
exception), give the same events however the bytes are cut, and put only valid text into the
answer (budget and seed: the `tikhub` profile in tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.conftest import recorded
from tikhub_tui.core.model import (
    ErrorEvent,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    UsageUpdate,
)
from tikhub_tui.core.providers import adapter
from tikhub_tui.core.sse import EventTooLarge, event_batches

RECORDINGS = {
    "openai": ["openai_reasoning.sse", "openai_incomplete.sse", "openai_failed.sse"],
    "anthropic": ["anthropic_thinking.sse", "anthropic_max_tokens.sse", "anthropic_error.sse"],
    "gemini": ["gemini_thought.sse", "gemini_max_tokens.sse", "gemini_blocked.sse"],
}

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats()
    | st.text(max_size=12)
    | st.sampled_from(["\ud800", "x\udfffy", "\x1b[2J", "STOP", "end_turn", "max_tokens"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


def events_of(provider: str, raw: bytes, pieces: list[int] | None = None) -> list[StreamEvent]:
    """Decode a whole stream, cut at `pieces` (byte offsets), through the real reader."""
    points = sorted({p for p in pieces or [] if 0 < p < len(raw)})
    chunks = [raw[a:b] for a, b in zip([0, *points], [*points, len(raw)], strict=True)]
    decode = adapter(provider).new_decoder().decode
    events: list[StreamEvent] = []
    for batch in event_batches(chunks, max_event=1 << 20):
        for sse in batch:
            events.extend(decode(sse.event, sse.data))
    return events


def assert_clean(events: list[StreamEvent]) -> None:
    """Only the neutral events, with valid text and sane counts."""
    for event in events:
        assert isinstance(event, TextDelta | ReasoningDelta | UsageUpdate | Finished | ErrorEvent)
        if isinstance(event, TextDelta | ReasoningDelta):
            assert isinstance(event.text, str) and event.text
            event.text.encode("utf-8")
        if isinstance(event, ErrorEvent):
            assert isinstance(event.message, str) and isinstance(event.code, str)
            event.message.encode("utf-8")
        if isinstance(event, UsageUpdate):
            for count in (event.usage.input_tokens, event.usage.output_tokens):
                assert count is None or (isinstance(count, int) and 0 <= count < 1 << 53)


@pytest.mark.parametrize("provider", sorted(RECORDINGS))
@given(cuts=st.lists(st.integers(0, 5000), max_size=30), which=st.integers(0, 2))
def test_any_chunking_of_a_recorded_stream_gives_the_same_events(
    provider: str, cuts: list[int], which: int
) -> None:
    raw = recorded(RECORDINGS[provider][which])
    assert events_of(provider, raw, cuts) == events_of(provider, raw)


@given(raw=st.binary(max_size=2000), cuts=st.lists(st.integers(0, 2000), max_size=10))
def test_the_reader_takes_any_bytes(raw: bytes, cuts: list[int]) -> None:
    for provider in RECORDINGS:
        with contextlib.suppress(EventTooLarge):
            assert_clean(events_of(provider, raw, cuts))


@given(size=st.integers(1100, 5000), newline=st.booleans(), comment=st.booleans())
def test_no_line_or_event_grows_past_the_limit(size: int, newline: bool, comment: bool) -> None:
    line = (b": " if comment else b"data: ") + b"x" * size + (b"\n" if newline else b"")
    with pytest.raises(EventTooLarge):
        for _ in event_batches([line[i : i + 100] for i in range(0, len(line), 100)], 1000):
            pass
    many = b"data: xxxxxxxx\n" * (size // 10)  # an event of many lines, never ended
    with pytest.raises(EventTooLarge):
        for _ in event_batches([many], 1000):
            pass


def test_a_byte_order_mark_and_any_charset_header_change_nothing() -> None:
    raw = recorded("anthropic_thinking.sse")
    assert events_of("anthropic", b"\xef\xbb\xbf" + raw) == events_of("anthropic", raw)


@pytest.mark.parametrize("provider", sorted(RECORDINGS))
@given(value=json_values, event=st.sampled_from(["", "message", "error", "content_block_delta"]))
def test_any_json_shape_is_decoded_or_ignored_never_raised(
    provider: str, value: Any, event: str
) -> None:
    decode = adapter(provider).new_decoder().decode
    assert_clean(decode(event, json.dumps(value)))


SHAPES: dict[str, list[dict[str, Any]]] = {
    "openai": [
        {"type": "response.output_text.delta", "delta": "X"},
        {"type": "response.reasoning_summary_text.delta", "delta": "X"},
        {"type": "response.completed", "response": {"usage": {"input_tokens": 1}}},
        {"type": "response.incomplete", "response": {"incomplete_details": {"reason": "X"}}},
        {"type": "response.failed", "response": {"error": {"message": "X", "code": "c"}}},
        {"type": "error", "error": {"message": "X"}},
    ],
    "anthropic": [
        {"type": "content_block_delta", "delta": {"type": "text_delta", "text": "X"}},
        {"type": "content_block_delta", "delta": {"type": "thinking_delta", "thinking": "X"}},
        {"type": "message_start", "message": {"usage": {"input_tokens": 1}}},
        {"type": "message_delta", "delta": {"stop_reason": "X"}, "usage": {"output_tokens": 1}},
        {"type": "error", "error": {"type": "X", "message": "X"}},
    ],
    "gemini": [
        {"candidates": [{"content": {"parts": [{"text": "X"}]}, "finishReason": "X"}]},
        {"candidates": [{"content": {"parts": [{"text": "X", "thought": True}]}}]},
        {"usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 2}},
        {"promptFeedback": {"blockReason": "X"}},
        {"error": {"message": "X", "code": 1}},
    ],
}


def _replace_leaf(shape: Any, path: list[Any], value: Any) -> Any:
    if not path:
        return value
    copy = dict(shape) if isinstance(shape, dict) else list(shape)
    copy[path[0]] = _replace_leaf(shape[path[0]], path[1:], value)
    return copy


def _paths(shape: Any, prefix: list[Any] | None = None) -> list[list[Any]]:
    prefix = prefix or []
    found = [prefix] if prefix else []
    items = shape.items() if isinstance(shape, dict) else enumerate(shape) if isinstance(shape, list) else []
    for key, inner in items:
        found += _paths(inner, [*prefix, key])
    return found


@pytest.mark.parametrize("provider", sorted(SHAPES))
@given(data=st.data(), value=json_values)
def test_a_wrong_type_in_any_field_never_becomes_text_or_fails_the_stream(
    provider: str, data: st.DataObject, value: Any
) -> None:
    shape = data.draw(st.sampled_from(SHAPES[provider]))
    path = data.draw(st.sampled_from(_paths(shape)))
    events = adapter(provider).new_decoder().decode("", json.dumps(_replace_leaf(shape, path, value)))
    assert_clean(events)
    for event in events:
        if isinstance(event, TextDelta | ReasoningDelta):
            assert event.text == "X" or (isinstance(value, str) and event.text)


def test_the_cases_the_adversarial_run_found() -> None:
    anthropic = adapter("anthropic").new_decoder().decode
    delta = {"type": "content_block_delta", "delta": {"type": "text_delta", "text": 5}}
    assert anthropic("", json.dumps(delta)) == []  # `"text": 5` is no text
    gemini = adapter("gemini").new_decoder().decode
    chunk = {"candidates": [{"content": {"parts": [{"text": "ok"}]}}], "error": None}
    assert gemini("", json.dumps(chunk)) == [TextDelta("ok")]  # `"error": null` is no error
    surrogate = '{"type":"response.output_text.delta","delta":"a\\ud800b"}'
    assert adapter("openai").new_decoder().decode("", surrogate) == [TextDelta("a\ufffdb")]
    deep = adapter("openai").new_decoder().decode("x", "[" * 200_000)
    assert len(deep) == 1 and isinstance(deep[0], ErrorEvent) and "deeper" in deep[0].message

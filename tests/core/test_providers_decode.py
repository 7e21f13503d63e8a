"""The adapters decode recorded wire bytes into neutral events, whatever the framing."""

from __future__ import annotations

import pytest

from tests.core.conftest import VARIANTS, decode_bytes, recorded
from tikhub_tui.core.model import (
    ErrorEvent,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    UsageUpdate,
)

EXPECTED: dict[tuple[str, str], list[StreamEvent]] = {
    ("openai", "openai_reasoning.sse"): [
        ReasoningDelta("**Counting** letters"),
        ReasoningDelta("\n\n"),
        ReasoningDelta("Three r's."),
        TextDelta("There are "),
        TextDelta("**3**."),
        UsageUpdate(Usage(14, 85, 64, cache_read_tokens=0)),
        Finished("stop", "completed"),
    ],
    ("openai", "openai_incomplete.sse"): [
        TextDelta("Once upon"),
        UsageUpdate(Usage(9, 2, 0)),
        Finished("max_tokens", "max_output_tokens"),
    ],
    ("openai", "openai_failed.sse"): [
        TextDelta("Partial"),
        ErrorEvent("The server had an error while processing your request.", "server_error"),
        ErrorEvent("The server had an error while processing your request.", "server_error"),
    ],
    ("anthropic", "anthropic_thinking.sse"): [
        UsageUpdate(Usage(21, cache_read_tokens=0, cache_write_tokens=0)),
        ReasoningDelta("The user greets me."),
        TextDelta("Hello"),
        TextDelta(" — grüß dich! 👋"),
        UsageUpdate(Usage(21, 42, cache_read_tokens=0, cache_write_tokens=0)),
        Finished("stop", "end_turn"),
    ],
    ("anthropic", "anthropic_error.sse"): [
        UsageUpdate(Usage(5)),
        TextDelta("Half an"),
        ErrorEvent("Overloaded", "overloaded_error"),
    ],
    ("anthropic", "anthropic_max_tokens.sse"): [
        UsageUpdate(Usage(7)),
        TextDelta("One two"),
        UsageUpdate(Usage(7, 2)),
        Finished("max_tokens", "max_tokens"),
    ],
    ("gemini", "gemini_thought.sse"): [
        ReasoningDelta("Let me think."),
        UsageUpdate(Usage(8)),
        TextDelta("Hi"),
        UsageUpdate(Usage(8, 1)),
        TextDelta(" there, 世界."),
        UsageUpdate(Usage(8, 22, 18)),  # the thoughts count as output
        Finished("stop", "STOP"),
    ],
    ("gemini", "gemini_max_tokens.sse"): [
        TextDelta("Roses are"),
        TextDelta(" red"),
        UsageUpdate(Usage(4, 3)),
        Finished("max_tokens", "MAX_TOKENS"),
    ],
    ("openai", "openai_cached.sse"): [
        TextDelta("Cached."),
        UsageUpdate(Usage(2106, 412, 384, cache_read_tokens=1920, cache_write_tokens=128)),
        Finished("stop", "completed"),
    ],
    ("openai", "openai_reasoning_cut.sse"): [
        # the whole budget went on reasoning: no answer at all
        UsageUpdate(Usage(57, 4096, 4096, cache_read_tokens=0)),
        Finished("max_tokens", "max_output_tokens"),
    ],
    ("anthropic", "anthropic_cache_write.sse"): [
        # Anthropic's input_tokens leaves the cache out: 12 + 1,800 written
        UsageUpdate(Usage(1812, cache_read_tokens=0, cache_write_tokens=1800)),
        TextDelta("Noted."),
        UsageUpdate(Usage(1812, 57, cache_read_tokens=0, cache_write_tokens=1800)),
        Finished("stop", "end_turn"),
    ],
    ("anthropic", "anthropic_cache_read.sse"): [
        # message_start's output_tokens is a placeholder; null counts keep what was said
        UsageUpdate(Usage(1809, cache_read_tokens=1800, cache_write_tokens=0)),
        ReasoningDelta("Same prefix as before."),
        TextDelta("From the cache."),
        UsageUpdate(Usage(1809, 130, 96, cache_read_tokens=1800, cache_write_tokens=0)),
        Finished("stop", "end_turn"),
    ],
    ("gemini", "gemini_cached.sse"): [
        ReasoningDelta("Reusing the context."),
        UsageUpdate(Usage(4120, 31, 31, cache_read_tokens=4096)),
        TextDelta("Done."),
        UsageUpdate(Usage(4120, 61, 58, cache_read_tokens=4096)),
        Finished("stop", "STOP"),
    ],
    ("gemini", "gemini_blocked.sse"): [
        ErrorEvent("the provider blocked the prompt (SAFETY)", "blocked"),
    ],
}


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize(("provider", "name"), list(EXPECTED))
def test_recorded_stream_decodes_the_same_in_every_framing(
    provider: str, name: str, variant: str
) -> None:
    raw = VARIANTS[variant](recorded(name))
    assert decode_bytes(provider, raw) == EXPECTED[provider, name]


@pytest.mark.parametrize("piece", [1, 2, 7])
@pytest.mark.parametrize(("provider", "name"), list(EXPECTED))
def test_bytes_split_anywhere_decode_the_same(provider: str, name: str, piece: int) -> None:
    """Lines, CRLF pairs and multi-byte characters split across network reads."""
    assert decode_bytes(provider, recorded(name), piece) == EXPECTED[provider, name]


def test_every_recording_is_covered() -> None:
    from tests.core.conftest import WIRE

    assert {p.name for p in WIRE.glob("*.sse")} == {name for _, name in EXPECTED}


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_malformed_json_is_an_error_naming_the_payload(provider: str) -> None:
    events = decode_bytes(provider, b"event: message\ndata: {not json\n\n")
    assert len(events) == 1 and isinstance(events[0], ErrorEvent)
    assert "not JSON" in events[0].message and "{not json" in events[0].message


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_empty_and_done_payloads_are_ignored(provider: str) -> None:
    assert decode_bytes(provider, b"data: [DONE]\n\ndata:\n\nid: 7\n\n: x\n\n") == []


def test_gemini_reports_only_the_first_finish_reason() -> None:
    chunk = b'data: {"candidates":[{"content":{"parts":[{"text":"a"}]},"finishReason":"STOP"}]}\n\n'
    events = decode_bytes("gemini", chunk + chunk)
    assert [e for e in events if isinstance(e, Finished)] == [Finished("stop", "STOP")]


def test_gemini_error_chunk_mid_stream() -> None:
    raw = (
        b'data: {"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"}}]}\r\n\r\n'
        b'data: {"error":{"code":500,"message":"Internal error encountered.",'
        b'"status":"INTERNAL"}}\r\n\r\n'
    )
    assert decode_bytes("gemini", raw) == [
        TextDelta("ok"),
        ErrorEvent("Internal error encountered.", "500"),
    ]


@pytest.mark.parametrize(
    ("provider", "raw_reason", "reason"),
    [
        ("gemini", "SAFETY", "content_filter"),
        ("gemini", "RECITATION", "content_filter"),
        ("gemini", "OTHER", "other"),
        ("anthropic", "refusal", "content_filter"),
        ("anthropic", "stop_sequence", "stop"),
        ("anthropic", "tool_use", "other"),
        ("openai", "content_filter", "content_filter"),
    ],
)
def test_finish_reasons_map_to_neutral_words(provider: str, raw_reason: str, reason: str) -> None:
    raw = {
        "gemini": b'data: {"candidates":[{"finishReason":"%s"}]}\n\n',
        "anthropic": b'event: message_delta\ndata: {"type":"message_delta","delta":'
        b'{"stop_reason":"%s"}}\n\nevent: message_stop\ndata: {"type":"message_stop"}\n\n',
        "openai": b'event: response.incomplete\ndata: {"type":"response.incomplete","response":'
        b'{"incomplete_details":{"reason":"%s"}}}\n\n',
    }[provider] % raw_reason.encode()
    finishes = [e for e in decode_bytes(provider, raw) if isinstance(e, Finished)]
    assert finishes == [Finished(reason, raw_reason)]  # type: ignore[arg-type]


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "as-recorded"])
def test_each_framing_variant_really_changes_the_bytes(variant: str) -> None:
    name = {"no-done": "openai_incomplete.sse", "crlf": "anthropic_max_tokens.sse"}
    raw = recorded(name.get(variant, "gemini_thought.sse"))
    assert VARIANTS[variant](raw) != raw


def test_openai_failed_response_still_reports_what_it_used() -> None:
    raw = (
        b'event: response.failed\ndata: {"type":"response.failed","sequence_number":9,'
        b'"response":{"id":"resp_9","status":"failed","error":{"code":"server_error",'
        b'"message":"boom"},"usage":{"input_tokens":30,"input_tokens_details":'
        b'{"cached_tokens":0},"output_tokens":12,"output_tokens_details":'
        b'{"reasoning_tokens":0},"total_tokens":42}}}\n\n'
    )
    assert decode_bytes("openai", raw) == [
        UsageUpdate(Usage(30, 12, 0, cache_read_tokens=0)),
        ErrorEvent("boom", "server_error"),
    ]


@pytest.mark.parametrize(
    ("provider", "raw", "reason"),
    [
        ("openai", "completed", "stop"),
        ("openai", "max_output_tokens", "max_tokens"),
        ("anthropic", "max_tokens", "max_tokens"),
        ("anthropic", "model_context_window_exceeded", "max_tokens"),
        ("gemini", "MAX_TOKENS", "max_tokens"),
        ("gemini", "SAFETY", "content_filter"),
        ("anthropic", "cancelled", "other"),
        ("acme", "max_tokens", None),
    ],
)
def test_a_saved_stop_word_maps_back_to_the_neutral_reason(
    provider: str, raw: str, reason: str | None
) -> None:
    """A reopened answer says why it ended as it did live, whatever the protocol."""
    from tikhub_tui.core.providers import finish_reason

    assert finish_reason(provider, raw) == reason

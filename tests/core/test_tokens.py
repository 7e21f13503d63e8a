"""Estimates where the provider sent no counts, the output limit asked for, the context check."""

from __future__ import annotations

from tikhub_tui.core.catalogue import ModelInfo, built_in
from tikhub_tui.core.model import Conversation, Message, RequestOptions, Usage
from tikhub_tui.core.tokens import (
    completed_usage,
    context_after,
    context_before,
    estimate_conversation,
    estimate_tokens,
    larger_windows,
    request_options,
)


def test_estimates_follow_the_kind_of_text() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("a" * 400) == 100  # English and code: about 4 characters a token
    assert estimate_tokens("今天天气很好") == 6  # CJK: about one character a token
    assert estimate_tokens("héllo") == 2  # 4 ASCII characters and one other
    conversation = Conversation([Message("user", "a" * 40), Message("assistant", "b" * 40)], "s")
    assert estimate_conversation(conversation) == 10 + 4 + 10 + 4 + 1 + 4


def test_reported_usage_is_left_alone() -> None:
    whole = Usage(12, 34, cache_read_tokens=5)
    assert completed_usage(whole, 999, "text", "") is whole


def test_a_dropped_stream_gets_estimates_marked_as_such() -> None:
    # OpenAI reports usage only at the end: a dropped stream has none
    assert completed_usage(Usage(), 50, "word " * 20, "ok " * 2) == Usage(50, 22, estimated=True)
    # Anthropic said the input in message_start; the output never came
    assert completed_usage(Usage(7), 50, "two words", "") == Usage(7, 2, estimated=True)


def test_nothing_arrived_nothing_to_count() -> None:
    """A refused request (401, 429, a network error) used no tokens."""
    assert completed_usage(Usage(), 50, "", "") == Usage()


GPT = built_in().info("gpt-4o")


def test_the_models_own_limit_is_the_default() -> None:
    assert request_options(None, GPT, 1_000) == RequestOptions(None, 16_384)
    assert request_options(4096, GPT, 1_000) == RequestOptions(4096, 16_384)
    assert request_options(None, None, 1_000) == RequestOptions(None, None)
    # no more than the window has room for after the prompt
    assert request_options(None, GPT, 120_000) == RequestOptions(None, 8_000)


def test_whose_limit_cut_an_answer() -> None:
    assert (RequestOptions(4096, 16_384).limit, RequestOptions(4096).limit_source) == (
        4096,
        "setting",
    )
    assert (RequestOptions(None, 16_384).limit, RequestOptions().limit_source) == (
        16_384,
        "default",
    )


def test_context_before_and_after() -> None:
    small = Conversation([Message("user", "a" * 4000)])
    before = context_before(small, GPT)
    assert (before.tokens, before.window, before.estimated, before.fits) == (
        1004,
        128_000,
        True,
        True,
    )
    big = Conversation([Message("user", "word " * 110_000)])
    assert not context_before(big, GPT).fits
    assert context_before(big, None).fits  # an unknown window refuses nothing
    after = context_after(Usage(1_000, 200), GPT)
    assert after is not None and (after.tokens, after.estimated) == (1_200, False)
    assert after.share == 1_200 / 128_000
    assert context_after(Usage(1_000), GPT) is None


def test_models_with_a_larger_window_same_provider_first() -> None:
    names = larger_windows(built_in(), 300_000, "openai")
    assert names[0] in built_in().names("openai")
    for name in names:
        info = built_in().info(name)
        assert isinstance(info, ModelInfo) and (info.context_window or 0) > 300_000
    assert larger_windows(built_in(), 5_000_000) == []

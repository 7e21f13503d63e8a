"""The words the chat screen will show for usage: the session's running total, how full the
context is while typing, and why an oversize prompt is not sent."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.model import Conversation, Message, Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.tokens import ContextUse, context_after, context_before, with_draft
from tikhub_tui.core.usage import Totals, total_words, totals
from tikhub_tui.ui.format import context_words, too_long_words


def test_the_running_total_of_a_session_prices_each_answer_by_its_model() -> None:
    with Store.open(clock=lambda: datetime(2026, 12, 4, tzinfo=UTC)) as store:
        session = store.create_session("s")
        other = store.create_session("other")
        store.add_message(session, "user", "q")
        store.add_message(session, "assistant", "a", model="gpt-5", usage=Usage(1000, 2000))
        store.add_message(session, "user", "q")
        store.add_message(session, "assistant", "b", model="claude-haiku-4-5",
                          usage=Usage(30_000, 500, estimated=True))
        store.add_message(other, "assistant", "c", model="gpt-5", usage=Usage(9, 9))
        records = store.usage_records(session_id=session)
    total = totals(records, built_in())
    # gpt-5: 1,000 x 1.25 + 2,000 x 10; haiku: 30,000 x 1 + 500 x 5 (per million)
    assert total.cost == pytest.approx((1000 * 1.25 + 2000 * 10 + 30_000 * 1 + 500 * 5) / 1e6)
    assert total_words(total) == "2 answers · ~33.5k tokens · ≈$0.054"
    assert total_words(Totals()) == "no answers yet"
    mixed = totals(records + records[:1], built_in())
    mixed.add(Usage(5, 5), None)
    assert total_words(mixed).endswith("≥$0.075")


def test_how_full_the_context_is_before_and_after_sending() -> None:
    gpt4o = built_in().info("gpt-4o")
    history = Conversation([Message("user", "a" * 4000), Message("assistant", "b" * 400)])
    before = context_before(history, gpt4o)
    assert context_words(before) == "context 1% (~1,108 of 128,000 tokens)"
    after = context_after(Usage(1_210, 96), gpt4o)
    assert after is not None
    assert context_words(after) == "context 1% (1,306 of 128,000 tokens)"  # the provider's count
    typing = with_draft(after, "c" * 40_000)
    assert context_words(typing) == "context 9% (~11,310 of 128,000 tokens)"
    assert with_draft(after, "   ") is after
    over = with_draft(after, "word " * 110_000)
    assert context_words(over).endswith("; too long for this model")
    assert context_words(ContextUse(500, None)) == "context ~500 tokens (window unknown)"


def test_an_oversize_prompt_is_refused_with_the_three_fixes() -> None:
    use = ContextUse(150_000, 128_000)
    words = too_long_words(use, "gpt-4o", ["o3", "gpt-4.1"], {"new-session": "Ctrl+N"})
    assert words == (
        "Not sent: the conversation is about 150,000 tokens, more than gpt-4o's context "
        "window (128,000). Start a new session (Ctrl+N); or branch from an earlier message "
        "(Ctrl+Up, then b); or pick a model with a larger window (Ctrl+L: o3, gpt-4.1)."
    )


def test_a_prompt_too_long_for_its_files_names_the_biggest_first() -> None:
    use = ContextUse(10_002_770, 1_047_576)
    files = [("note.txt", 20), ("big.txt", 10_000_000)]
    words = too_long_words(use, "gpt-4.1", [], {"new-session": "Ctrl+N"}, files)
    assert words.startswith(
        "Not sent: the conversation is about 10,002,770 tokens, more than gpt-4.1's context "
        "window (1,047,576). Leave out big.txt (~10,000,000 tokens: Shift+Tab to the files, "
        "Delete removes it); or start a new session (Ctrl+N)"
    )

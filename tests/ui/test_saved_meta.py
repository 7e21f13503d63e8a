"""The metrics line of a saved answer reads as it did while the answer streamed."""

from __future__ import annotations

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.ui.saved import stored_meta


def test_a_saved_answer_shows_its_tokens_per_second() -> None:
    with Store.open() as store:
        session = store.create_session("s")
        store.add_message(session, "user", "q")
        timed = store.add_message(
            session, "assistant", "a", model="gpt-5", provider="openai",
            usage=Usage(9, 300), ttft=0.5, duration=2.5,
        )
        untimed = store.add_message(session, "assistant", "b", model="gpt-5", provider="openai")
        line = stored_meta(store.get_message(timed), info=built_in().info("gpt-5"))
        bare = stored_meta(store.get_message(untimed))
    assert line == (
        "gpt-5 · openai · first token 0.50 s · 150 tok/s · 9 in / 300 out · $0.0030 · 2.5 s"
        " · finished"
    )
    assert "tok/s" not in bare

"""One exchange end to end over a real socket: stored as it streams, folded, finished.

The exchange builds what it sends in memory, records the prompt and the answer through the
process's one store connection (in the background, while the request goes out) and writes the
tally's outcome at the end; a store that fails never stops the answer.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FAKE_KEY, MODELS
from tests.scripted_server import Reply, ScriptedServer, anthropic_answer, sse_reply
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.model import Message
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.shared import SharedStore


@pytest.fixture
def store() -> Iterator[SharedStore]:
    shared = SharedStore()
    yield shared
    shared.close()


def client(base_url: str) -> ChatClient:
    return ChatClient(ClientSettings(base_url=base_url, max_retries=0), FAKE_KEY)


def stream(exchange: Exchange, base_url: str, *, background: bool = True) -> list[str]:
    """Record (in the background, as the app and `ask` do), run and finish; what arrived."""
    delivered: list[str] = []
    with client(base_url) as http:
        exchange.open(http)
        if background:
            exchange.record_in_background()
        exchange.run(lambda text, reasoning: delivered.append(text))
    exchange.finish()
    return delivered


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_the_prompt_the_answer_and_its_reasoning_are_saved(
    provider: str, gateway_url: str, store: SharedStore
) -> None:
    exchange = Exchange(Prompt("think: 4 echo: saved"), [], MODELS[provider], provider,
                        system="Be brief.", store=store)
    assert [m.text for m in exchange.conversation.messages] == ["think: 4 echo: saved"]
    assert "".join(stream(exchange, gateway_url)) == "saved"
    assert exchange.problem == "" and exchange.session_id is not None
    saved = store.get().messages(exchange.session_id)
    user, answer = saved
    assert (user.id, answer.id) == (exchange.prompt_id, exchange.answer_id)
    assert (user.role, user.text, user.model) == ("user", "think: 4 echo: saved", MODELS[provider])
    assert (answer.text, answer.reasoning) == ("saved", exchange.reasoning)
    assert len(answer.reasoning.split()) == 4
    tally = exchange.tally
    assert (answer.status, answer.finish_reason) == ("complete", tally.finish_reason)
    assert answer.usage == tally.usage and answer.ttft == tally.ttft
    assert tally.ending == "done"
    assert tally.ttfb is not None and tally.ttft is not None and tally.ttfb <= tally.ttft
    assert store.get().get_session(exchange.session_id).system == "Be brief."


def test_the_history_is_sent_from_memory_and_the_session_goes_on(store: SharedStore) -> None:
    with Store.open() as setup:
        session = setup.create_session(system="Be kind.")
        setup.add_message(session, "user", "first")
        setup.add_message(session, "assistant", "one")
    history = [Message("user", "first"), Message("assistant", "one")]
    with ScriptedServer(anthropic_answer("two")) as server:
        exchange = Exchange(Prompt("second"), history, "claude-x", "anthropic",
                            system="Be kind.", session_id=session, store=store)
        stream(exchange, server.base_url)
    assert server.seen[0].body["messages"] == [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "one"},
        {"role": "user", "content": "second"},
    ]
    assert server.seen[0].body["system"] == "Be kind."
    assert [m.text for m in store.get().messages(session)] == ["first", "one", "second", "two"]


def test_a_prompt_follows_what_was_sent_even_if_the_session_moved_on(
    gateway_url: str, store: SharedStore
) -> None:
    with Store.open() as setup:
        session = setup.create_session()
        setup.add_message(session, "user", "echo: first")
        one = setup.add_message(session, "assistant", "first")
        setup.add_message(session, "user", "echo: from elsewhere")  # `ask --continue`, say
    history = [Message("user", "echo: first"), Message("assistant", "first")]
    exchange = Exchange(Prompt("echo: second", after=one), history, "gpt-4o", "openai",
                        session_id=session, store=store)
    stream(exchange, gateway_url)
    path = store.get().messages(session)
    assert [m.text for m in path] == ["echo: first", "first", "echo: second", "second"]


def test_regenerate_and_edit_keep_the_old_branches(gateway_url: str, store: SharedStore) -> None:
    first = Exchange(Prompt("echo: one"), [], "gpt-4o", "openai", store=store)
    stream(first, gateway_url)
    assert first.session_id is not None and first.prompt_id is not None
    again = Exchange(Prompt("echo: one", saved_id=first.prompt_id), [], "gpt-4o", "openai",
                     session_id=first.session_id, store=store)
    stream(again, gateway_url)
    assert again.prompt_id == first.prompt_id and again.answer_id != first.answer_id
    edited = Exchange(Prompt("echo: uno", replaces=first.prompt_id), [], "gpt-4o", "openai",
                      session_id=first.session_id, store=store)
    stream(edited, gateway_url)
    opened = store.get()
    assert [m.text for m in opened.messages(first.session_id)] == ["echo: uno", "uno"]
    assert opened.siblings(first.prompt_id) == [first.prompt_id, edited.prompt_id]
    assert first.answer_id is not None
    assert opened.siblings(first.answer_id) == [first.answer_id, again.answer_id]


def test_text_that_arrives_before_the_prompt_is_stored_is_kept(
    gateway_url: str, store: SharedStore
) -> None:
    exchange = Exchange(Prompt("tps: 0 lorem: 300"), [], "gpt-4o", "openai", store=store)
    delivered = stream(exchange, gateway_url, background=False)  # recorded only at the end
    assert exchange.answer_id is not None
    answer = store.get().get_message(exchange.answer_id)
    assert answer.text == "".join(delivered) and answer.text.endswith("END 300")


def test_six_answers_at_once_share_one_connection(
    gateway_url: str, store: SharedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    real_connect = sqlite3.connect

    def counting(path: Path, **kwargs: Any) -> sqlite3.Connection:
        opened.append(path)
        connection: sqlite3.Connection = real_connect(path, **kwargs)
        return connection

    monkeypatch.setattr(sqlite3, "connect", counting)
    exchanges = [
        Exchange(Prompt(f"tps: 200 lorem: 60 echo: {n}"), [], MODELS[p], p, store=store)
        for n, p in enumerate(["openai", "anthropic", "gemini"] * 2)
    ]
    threads = [threading.Thread(target=stream, args=(e, gateway_url)) for e in exchanges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert opened == [data_dir() / "sessions.db"]
    for exchange in exchanges:
        assert exchange.problem == "" and exchange.tally.ending == "done"
        assert exchange.answer_id is not None
        saved = store.get().get_message(exchange.answer_id)
        assert saved.text == exchange.text and saved.status == "complete"


def test_a_store_that_cannot_be_opened_never_stops_the_answer(gateway_url: str) -> None:
    (data_dir() / "sessions.db").write_bytes(b"not a database at all " * 40)
    broken = SharedStore(scratch=False)
    exchange = Exchange(Prompt("echo: still here"), [], "gpt-4o", "openai", store=broken)
    assert "".join(stream(exchange, gateway_url)) == "still here"
    assert "not a SQLite database" in exchange.problem
    assert exchange.tally.ending == "done" and exchange.answer_id is None


def test_the_first_byte_comes_before_the_first_token_of_a_slow_start() -> None:
    slow = sse_reply(*anthropic_events(), delay=0.3)  # headers at once, each event 0.3 s later
    with ScriptedServer(slow) as server:
        exchange = Exchange(Prompt("hi"), [], "claude-x", "anthropic")
        stream(exchange, server.base_url)
    tally = exchange.tally
    assert tally.ttfb is not None and tally.to_answer is not None
    assert tally.to_answer - tally.ttfb >= 0.25  # the server slept before its first event


def test_a_cancel_from_another_thread_stops_the_answer_and_saves_it(store: SharedStore) -> None:
    endless = Reply(chunks=[b": keep-alive\n\n"], stall=30)
    with ScriptedServer(endless) as server:
        exchange = Exchange(Prompt("wait"), [], "claude-x", "anthropic", store=store)

        def cancel_once_open() -> None:  # a cancel before `open` has no stream to stop
            while exchange._stream is None:
                time.sleep(0.01)
            time.sleep(0.2)
            exchange.cancel()

        threading.Thread(target=cancel_once_open, daemon=True).start()
        stream(exchange, server.base_url)
    assert exchange.tally.ending == "stopped"
    assert exchange.answer_id is not None
    saved = store.get().get_message(exchange.answer_id)
    assert (saved.status, saved.finish_reason) == ("stopped", "cancelled")


def anthropic_events() -> list[tuple[str, object]]:
    return [
        ("message_start", {"type": "message_start", "message": {"usage": {"input_tokens": 3}}}),
        ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                 "delta": {"type": "text_delta", "text": "late"}}),
        ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn"},
                           "usage": {"output_tokens": 1}}),
        ("message_stop", {"type": "message_stop"}),
    ]

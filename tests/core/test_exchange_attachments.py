"""Attachments through the exchange: sent in the protocol's shape, stored with the prompt, and
sent again (in another protocol's shape) by the next exchange that continues the session."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from tests.attachment_files import pdf, png
from tests.conftest import FAKE_KEY
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.body import Body
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.shared import SharedStore

PNG = from_bytes(png(40, 30), "shot.png")
PDF = from_bytes(pdf(2), "report.pdf")


@pytest.fixture
def store() -> Iterator[SharedStore]:
    shared = SharedStore()
    yield shared
    shared.close()


def answer(exchange: Exchange, base_url: str) -> str:
    with ChatClient(ClientSettings(base_url=base_url, max_retries=0), FAKE_KEY) as http:
        exchange.open(http)
        exchange.record_in_background()
        exchange.run(lambda text, reasoning: None)
    exchange.finish()
    assert not exchange.problem
    return exchange.text


def test_attachments_are_sent_stored_and_sent_again_elsewhere(
    gateway_url: str, store: SharedStore
) -> None:
    first = Exchange(Prompt("attachments:", attachments=(PNG, PDF)), [], "gpt-4o", "openai",
                     store=store)
    rows = [line.split() for line in answer(first, gateway_url).splitlines()]
    assert [row[1:] for row in rows[:2]] == [
        ["image", "image/png", str(PNG.size), PNG.sha256],
        ["file", "application/pdf", str(PDF.size), PDF.sha256],
    ]
    assert first.session_id is not None and first.prompt_id is not None
    saved = store.get().get_message(first.prompt_id).attachments
    assert [a.sha256 for a in saved] == [PNG.sha256, PDF.sha256]
    history = [store.get().sendable_message(m) for m in store.get().messages(first.session_id)]
    follow = Exchange(Prompt("attachments:"), history, "gemini-2.5-flash", "gemini",
                      session_id=first.session_id, store=store)
    rows = [line.split() for line in answer(follow, gateway_url).splitlines()]
    assert [row[:3] for row in rows if row[1] != "text"] == [
        ["0.0", "image", "image/png"], ["0.1", "file", "application/pdf"]]


def test_record_once_sent_stores_the_prompt_after_its_files_are_written(
    gateway_url: str, store: SharedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    whole = Body.__iter__

    def spied(body: Body) -> Iterator[bytes]:
        yield from whole(body)
        order.append("body written")

    class Watched:
        def get(self) -> Store:
            order.append("store")
            return store.get()

    monkeypatch.setattr(Body, "__iter__", spied)
    exchange = Exchange(Prompt("attachments:", attachments=(PDF,)), [], "claude-sonnet-4-5",
                        "anthropic", store=Watched())
    with ChatClient(ClientSettings(base_url=gateway_url, max_retries=0), FAKE_KEY) as http:
        exchange.open(http)
        exchange.record_once_sent()
        exchange.run(lambda text, reasoning: None)
    exchange.finish()
    assert order == ["body written", "store"] and not exchange.problem
    assert exchange.prompt_id is not None and exchange.text.split()[1:3] == ["file", "application/pdf"]
    assert store.get().get_message(exchange.prompt_id).attachments[0].sha256 == PDF.sha256


def test_record_once_sent_still_records_a_request_that_never_left(store: SharedStore) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    exchange = Exchange(Prompt("hello", attachments=(PNG,)), [], "gpt-4o", "openai", store=store)
    with ChatClient(ClientSettings(base_url=f"http://127.0.0.1:{port}", max_retries=0),
                    FAKE_KEY) as http:
        exchange.open(http)
        exchange.record_once_sent()
        exchange.run(lambda text, reasoning: None)
    exchange.finish()
    assert exchange.tally.ending == "error" and exchange.answer_id is not None
    answer = store.get().get_message(exchange.answer_id)
    assert answer.status == "error" and "cannot connect" in answer.error
    assert store.get().get_message(exchange.prompt_id or 0).attachments[0].sha256 == PNG.sha256

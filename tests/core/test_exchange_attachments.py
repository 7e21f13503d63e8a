"""Attachments through the exchange: sent in the protocol's shape, stored with the prompt, and
sent again (in another protocol's shape) by the next exchange that continues the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.attachment_files import pdf, png
from tests.conftest import FAKE_KEY
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange, Prompt
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

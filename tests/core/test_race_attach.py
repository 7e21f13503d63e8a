"""A race's files: sent to every pane in its own protocol's shape over loopback, kept for the
pane's follow-ups and retries, stored with the prompts, and refused for every pane before any
request when one pane's protocol or model cannot take them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from tests.attachment_files import image, pdf, png
from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange
from tikhub_tui.core.race.attach import PaneRefused, check_round, fit_round
from tikhub_tui.core.race.export import export_markdown
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.race.runner import Round
from tikhub_tui.core.store.shared import SharedStore

THREE = [
    PaneSpec("gpt-4o", "openai"),
    PaneSpec("claude-sonnet-4-5", "anthropic"),
    PaneSpec("gemini-2.5-flash", "gemini"),
]


@pytest.fixture
def store() -> Iterator[SharedStore]:
    shared = SharedStore()
    yield shared
    shared.close()


def run(race: Race, exchanges: list[Exchange], base_url: str, *, retried: bool = False) -> None:
    """Stream the exchanges; the Round records them too."""
    with ChatClient(ClientSettings(base_url=base_url, max_retries=0), FAKE_KEY) as http:
        assert Round(race, exchanges, http, retried=retried).wait(60)


def rows(text: str) -> list[list[str]]:
    """The `attachments:` answer's lines for files (not the prompts' and answers' text)."""
    return [row for row in (line.split(" ") for line in text.splitlines() if line)
            if row[1] != "text"]  # fmt: skip


def line(message: int, kind: str, data: bytes, media_type: str) -> list[str]:
    return [f"{message}.0", kind, media_type, str(len(data)), hashlib.sha256(data).hexdigest()]


def test_files_reach_every_protocol_and_follow_each_thread(
    gateway_url: str, store: SharedStore
) -> None:
    picture, document = png(40, 30, seed=3), pdf(2)
    race = Race(THREE, store=store)
    first = race.start_round("attachments:", (from_bytes(picture, "shot.png"),))
    run(race, first, gateway_url)
    for exchange in first:
        assert exchange.tally.ending == "done", exchange.tally.error
        assert rows(exchange.text) == [line(0, "image", picture, "image/png")]
    # a follow-up sends each pane its own thread again, the first round's image included
    second = race.start_round("attachments:", (from_bytes(document, "r.pdf"),))
    run(race, second, gateway_url)
    for exchange in second:
        assert rows(exchange.text) == [
            line(0, "image", picture, "image/png"),
            line(2, "file", document, "application/pdf"),
        ]
    # a retried pane sends the round's file again
    retried = race.retry(1)
    run(race, [retried], gateway_url, retried=True)
    assert rows(retried.text) == rows(second[1].text)
    assert race.problem == ""
    saved = store.get()
    assert race.session_id is not None
    messages = saved.messages(race.session_id)
    prompts = [m for m in messages if m.role == "user"]
    assert [a.name for a in prompts[0].attachments] == ["shot.png"]
    # the follow-up is stored under each pane's own answer, with the round's file
    every = [m for m in saved.tree(race.session_id) if m.role == "user"]
    assert sorted(tuple(a.name for a in m.attachments) for m in every) == [
        ("r.pdf",), ("r.pdf",), ("r.pdf",), ("shot.png",)]  # fmt: skip
    # the Markdown export lists each round's files under its prompt
    markdown = export_markdown(saved, race.session_id)
    assert "- attached: shot.png (image/png, " in markdown
    assert "- attached: r.pdf (application/pdf, " in markdown


def test_one_pane_refusing_a_file_stops_the_round_before_any_request() -> None:
    gif = from_bytes(image("GIF", 20, 20), "anim.gif")
    with ScriptedServer(anthropic_answer("never")) as server:
        race = Race([THREE[1], THREE[2]], store=None)
        with pytest.raises(PaneRefused) as caught:
            check_round(race, "look", (gif,))
        assert server.seen == []
    error = caught.value
    assert error.label == "B"
    assert error.message == (
        "pane B (gemini-2.5-flash, gemini): anim.gif is a GIF image; Gemini accepts JPEG, PNG, "
        "WEBP"
    )
    assert "convert it to PNG or JPEG" in error.fix
    assert race.exchanges == []  # no round was started


def test_a_pdf_over_one_providers_page_limit_names_that_pane() -> None:
    long = from_bytes(pdf(101), "long.pdf")
    race = Race([THREE[2], THREE[0]], store=None)
    with pytest.raises(PaneRefused) as caught:
        check_round(race, "summarise", (long,))
    assert caught.value.message.startswith("pane B (gpt-4o, openai): this request would carry "
                                           "101 PDF pages")  # fmt: skip
    assert "or race without it" in caught.value.fix
    check_round(Race([THREE[2], THREE[2]], store=None), "summarise", (long,))  # Gemini: 1,000


def test_downscaling_is_done_once_for_every_pane_and_only_when_asked() -> None:
    wide = from_bytes(png(8100, 40), "wide.png")
    race = Race([THREE[0], THREE[1]], store=None)  # only Anthropic caps a side at 8000 px
    with pytest.raises(PaneRefused):
        fit_round(race, "look", (wide,))
    files, shrunk = fit_round(race, "look", (wide,), downscale=True)
    [smaller] = files
    assert (smaller.width, smaller.height) == (8000, 40)
    assert [(s.before.sha256, s.after.sha256) for s in shrunk] == [(wide.sha256, smaller.sha256)]
    check_round(race, "look", files)


def test_a_file_past_one_models_context_window_names_that_pane() -> None:
    from tikhub_tui.core.catalogue import built_in

    text = from_bytes(b"word " * 140_000, "big.txt")  # ~175k tokens: past gpt-4o's 128k
    race = Race([THREE[2], THREE[0]], store=None, catalogue=built_in())
    with pytest.raises(PaneRefused) as caught:
        check_round(race, "summarise", (text,))
    assert caught.value.message.startswith("pane B (gpt-4o, openai): this prompt would be about")
    assert "more than gpt-4o's context window (128,000)" in caught.value.message
    check_round(Race([THREE[2], THREE[2]], store=None, catalogue=built_in()), "summarise", (text,))

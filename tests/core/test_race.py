"""A race end to end over real sockets: every pane its own speed and fault, one session.

The embedded gateway reads directives from each pane's own system prompt, so one prompt gets a
different speed and fault per model; the race is recorded as it streams, exported with its
metrics, continued per pane or with a winner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange
from tikhub_tui.core.race.board import numbers
from tikhub_tui.core.race.export import export_json, export_markdown
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.race.runner import Round
from tikhub_tui.core.store.shared import SharedStore
from tikhub_tui.gateway import answer_text, reasoning_text

LOREM = "lorem: 60"


@pytest.fixture
def store() -> Iterator[SharedStore]:
    shared = SharedStore()
    yield shared
    shared.close()


def client(base_url: str) -> ChatClient:
    return ChatClient(ClientSettings(base_url=base_url, max_retries=0), FAKE_KEY)


def run(race: Race, prompt: str, base_url: str) -> list[Exchange]:
    with client(base_url) as http:
        exchanges = race.start_round(prompt)
        assert Round(race, exchanges, http).wait(60)
    return exchanges


def test_every_pane_finishes_at_its_own_speed(gateway_url: str, store: SharedStore) -> None:
    panes = [
        PaneSpec("gpt-5", "openai", system="tps: 40"),
        PaneSpec("claude-sonnet-4-5", "anthropic", system="tps: 160"),
        PaneSpec("gemini-2.5-flash", "gemini", system="tps: 0 think: 20"),
    ]
    race = Race(panes, store=store, catalogue=built_in())
    slow, fast, thinker = run(race, LOREM, gateway_url)
    for exchange in (slow, fast, thinker):
        assert exchange.tally.ending == "done"
        assert exchange.text == answer_text(LOREM)
        assert exchange.problem == ""
    assert thinker.reasoning == reasoning_text("think: 20")
    figures = [numbers(lane.label, lane.exchange, 0.0) for lane in race.lanes if lane.exchange]
    for figure in figures:
        assert figure.first_byte is not None and figure.first_byte > 0
        assert figure.first_token is not None and figure.first_token >= figure.first_byte
        assert not figure.output.estimated  # the provider's count arrived
    # tokens per second follow the pace each pane was given, within what a loaded machine
    # allows (it can only be slower than asked, never much faster)
    assert figures[0].answer_rate is not None and 40 * 0.4 < figures[0].answer_rate < 40 * 1.3
    assert figures[1].answer_rate is not None and 160 * 0.3 < figures[1].answer_rate < 160 * 1.3
    assert figures[1].answer_rate > figures[0].answer_rate
    assert figures[2].to_reasoning is not None and figures[2].to_answer is not None
    assert figures[2].to_reasoning <= figures[2].to_answer


def test_a_failing_pane_leaves_the_others_untouched(gateway_url: str, store: SharedStore) -> None:
    panes = [
        PaneSpec("gpt-5", "openai", system="error: 429"),
        PaneSpec("claude-x", "anthropic", system="fail-after: 5"),
        PaneSpec("gemini-2.5-flash", "gemini", system="drop-after: 5"),
        PaneSpec("gpt-4o", "openai", system="error: 401"),
        PaneSpec("claude-y", "anthropic"),
    ]
    race = Race(panes, store=store)
    limited, failed, dropped, refused, good = run(race, LOREM, gateway_url)
    assert good.tally.ending == "done" and good.text == answer_text(LOREM)
    assert (limited.tally.ending, limited.tally.error and limited.tally.error.kind) == (
        "error",
        "rate_limit",
    )
    assert failed.tally.ending == "error" and failed.text  # what arrived is kept
    assert dropped.tally.ending == "cut_off" and dropped.text
    assert refused.tally.error is not None and refused.tally.error.kind == "auth"
    saved = store.get()
    rows = {lane.label: saved.get_message(lane.answer_id) for lane in race.lanes if lane.answer_id}
    assert set(rows) == set("ABCDE")
    assert (rows["A"].status, rows["C"].status, rows["E"].status) == (
        "error",
        "incomplete",
        "complete",
    )
    assert rows["E"].text == answer_text(LOREM)


def test_one_prompt_many_answers_in_one_session(gateway_url: str, store: SharedStore) -> None:
    panes = [PaneSpec("gpt-5", "openai", system="echo: alpha"), PaneSpec("claude-x", "anthropic")]
    race = Race(panes, store=store, system="Be brief.")
    run(race, "echo: hello", gateway_url)
    saved = store.get()
    assert race.session_id is not None
    session = saved.get_session(race.session_id)
    assert session.title == "Race: echo: hello" and session.system == "Be brief."
    first, second = race.lanes
    assert first.prompt_id == second.prompt_id  # the prompt is stored once
    assert saved.siblings(first.answer_id or 0) == [first.answer_id, second.answer_id]
    assert saved.get_message(first.answer_id or 0).text == "hello"  # the prompt's echo wins
    assert [s.id for s in saved.list_sessions()] == [race.session_id]  # nothing else made
    [stored] = saved.races(race.session_id)
    assert [(p.label, p.model, p.system) for p in stored.panes] == [
        ("A", "gpt-5", "echo: alpha"),
        ("B", "claude-x", None),
    ]
    timed = stored.answer(0, 1)
    assert timed is not None and timed.times.ending == "done" and timed.times.elapsed


def test_follow_ups_send_each_pane_only_its_own_thread(store: SharedStore) -> None:
    """Over HTTP: the second round's request of each pane holds its own first answer only."""
    with ScriptedServer(anthropic_answer("one"), anthropic_answer("two")) as server:
        race = Race([PaneSpec("claude-a", "anthropic"), PaneSpec("claude-b", "anthropic")],
                    store=store)
        first = {e.model: e.text for e in run(race, "first", server.base_url)}
        assert sorted(first.values()) == ["one", "two"]
        run(race, "second", server.base_url)
        later = [seen.body for seen in server.seen[2:]]
    assert len(later) == 2
    for body in later:
        said = [m["content"] for m in body["messages"]]
        assert said == ["first", first[body["model"]], "second"]
    lanes = race.lanes
    # each follow-up is stored under its own pane's answer
    saved = store.get()
    for lane in lanes:
        prompt = saved.get_message(lane.prompt_id or 0)
        assert prompt.text == "second"
        assert saved.get_message(prompt.parent_id or 0).model == lane.spec.model


def test_a_failed_answer_is_left_out_of_that_pane_s_thread(gateway_url: str) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="error: 500"), PaneSpec("claude-x", "anthropic")],
                store=None)
    run(race, "echo: one", gateway_url)
    failed, good = race.start_round("echo: two")
    assert [m.text for m in failed.conversation.messages] == ["echo: two"]
    assert [m.text for m in good.conversation.messages] == ["echo: one", "one", "echo: two"]


def test_a_retry_keeps_the_old_answer_as_a_branch(gateway_url: str, store: SharedStore) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="error: 500"), PaneSpec("claude-x", "anthropic")],
                store=store)
    run(race, "echo: hi", gateway_url)
    old = race.lanes[0].answer_id
    race.lanes[0].spec = PaneSpec("gpt-5", "openai")  # the fault is gone
    with client(gateway_url) as http:
        retried = race.retry(0)
        assert Round(race, [retried], http, retried=True).wait(30)
    assert retried.tally.ending == "done" and retried.text == "hi"
    saved = store.get()
    new = race.lanes[0].answer_id
    assert new is not None and new != old
    assert saved.siblings(new) == [old, race.lanes[1].answer_id, new]
    [stored] = saved.races(race.session_id or "")
    assert stored.answer(0, 1) is not None and stored.answer(0, 1).answer_id == new  # type: ignore[union-attr]


def test_the_winner_becomes_the_session_s_path(gateway_url: str, store: SharedStore) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="echo: A says"),
                 PaneSpec("claude-x", "anthropic", system="echo: B says")], store=store)
    run(race, "go", gateway_url)
    session_id = race.choose_winner(1)
    saved = store.get()
    assert [m.text for m in saved.messages(session_id)] == ["go", "B says"]
    [stored] = saved.races(session_id)
    assert (stored.rule, stored.winner) == ("winner", 1)
    # the chat goes on from the winner: `ask --continue` or the app sends its thread
    assert [m.text for m in saved.conversation(session_id).messages] == ["go", "B says"]


def test_stopping_one_pane_stops_only_it(gateway_url: str, store: SharedStore) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="tps: 20"),
                 PaneSpec("claude-x", "anthropic", system="tps: 0")], store=store)
    with client(gateway_url) as http:
        slow, quick = race.start_round("lorem: 400")
        running = Round(race, [slow, quick], http)
        slow.stop()
        slow.cancel()
        assert running.wait(30)
    assert slow.tally.ending == "stopped" and quick.tally.ending == "done"
    assert store.get().get_message(race.lanes[0].answer_id or 0).status == "stopped"


def test_a_race_exports_with_its_metrics(gateway_url: str, store: SharedStore) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="think: 5"),
                 PaneSpec("claude-x", "anthropic", system="error: 500")],
                store=store, catalogue=built_in())
    run(race, "echo: exported", gateway_url)
    run(race, "echo: again", gateway_url)
    session_id = race.session_id or ""
    markdown = export_markdown(store.get(), session_id, built_in())
    assert "## Race of 2 models" in markdown
    assert "### A · gpt-5 (openai) · own system prompt" in markdown
    assert markdown.count("| pane | model | provider | ended | first byte |") == 2
    assert "| A | gpt-5 | openai | done |" in markdown
    assert "| B | claude-x | anthropic | error |" in markdown
    assert markdown.count("### Round") == 2 and "exported" in markdown and "again" in markdown
    data = export_json(store.get(), session_id)
    [race_data] = data["races"]
    assert [p["label"] for p in race_data["panes"]] == ["A", "B"]
    first = race_data["rounds"][0]
    assert first["prompt"] == "echo: exported"
    assert [a["ending"] for a in first["answers"]] == ["done", "error"]
    assert first["answers"][0]["text"] == "exported"
    assert first["answers"][0]["first_answer_s"] > 0


def test_a_store_that_fails_never_stops_the_race(gateway_url: str, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    broken = SharedStore(blocked / "sessions.db", scratch=False)
    race = Race([PaneSpec("gpt-5", "openai"), PaneSpec("claude-x", "anthropic")], store=broken)
    exchanges = run(race, "echo: still here", gateway_url)
    assert [e.text for e in exchanges] == ["still here", "still here"]
    assert race.problem and all(e.problem for e in exchanges)
    broken.close()


def test_a_retry_is_saved_as_one_and_its_export_awards_no_speed_badge(
    gateway_url: str, store: SharedStore
) -> None:
    race = Race([PaneSpec("gpt-5", "openai", system="tps: 0"),
                 PaneSpec("claude-sonnet-4-5", "anthropic", system="tps: 0")],
                store=store, catalogue=built_in())  # fmt: skip
    run(race, LOREM, gateway_url)
    with client(gateway_url) as http:
        assert Round(race, [race.retry(1)], http, retried=True).wait(60)
    assert [lane.retried for lane in race.lanes] == [False, True]
    [stored] = store.get().races(race.session_id or "")
    assert [a.times.retried for a in stored.answers] == [False, True]
    table = export_markdown(store.get(), race.session_id or "", built_in()).split(
        "**Round 1 metrics**", 1)[1]  # fmt: skip
    rows = {line.split("|")[1].strip(): line.split("|")[-2] for line in table.splitlines()
            if line.startswith("| A ") or line.startswith("| B ")}  # fmt: skip
    assert "first token" in rows["A"] and "first done" in rows["A"] and "fastest" in rows["A"]
    assert not {"first token", "first done", "fastest"} & {b.strip() for b in rows["B"].split(",")}
    race.start_round("again")  # a new round: nobody has retried in it
    assert [lane.retried for lane in race.lanes] == [False, False]

"""Sessions in the app: kept, reopened, listed, searched, renamed, deleted, branched, edited."""

from __future__ import annotations

import os
import stat
import threading

import pytest
from textual.pilot import Pilot

from tests.ui.conftest import (
    SIZE,
    chat,
    demo_app,
    focused_prompt,
    quiet,
    ready,
    send,
    until_idle,
    wait_until,
)
from tikhub_tui.core.model import Usage
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import Store
from tikhub_tui.gateway import answer_text
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.screens.chat import sessions as chat_sessions
from tikhub_tui.ui.screens.chat.conversation import PAGE
from tikhub_tui.ui.screens.dialogs import ConfirmScreen, RenameScreen
from tikhub_tui.ui.screens.search import SearchScreen
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

pytestmark = pytest.mark.anyio


def stored() -> Store:
    return Store.open()


async def test_answers_are_saved_and_the_last_session_reopens() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: kept for later")
    with stored() as store:
        (summary,) = store.list_sessions()
        messages = store.messages(summary.id)
        assert [(m.role, m.text, m.status) for m in messages] == [
            ("user", "echo: kept for later", "complete"),
            ("assistant", "kept for later", "complete"),
        ]
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = chat(again)
        assert [w.text for w in screen.query(UserMessage)] == ["echo: kept for later"]
        assert screen.query_one(AnswerView).text == "kept for later"
        assert screen.query_one(SessionList).session_ids == [summary.id]


async def test_new_session_open_from_the_list_and_its_history_is_sent() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: first session")
        await pilot.press("ctrl+n")
        await send(pilot, "echo: second session")
        screen = chat(app)
        sessions = screen.query_one(SessionList)
        assert len(sessions.session_ids) == 2
        first = sessions.session_ids[1]  # most recent first
        sessions.focus()
        sessions.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert [w.text for w in screen.query(UserMessage)] == ["echo: first session"]
        await send(pilot, "echo: more")
        with stored() as store:
            texts = [m.text for m in store.messages(first)]
        assert texts == ["echo: first session", "first session", "echo: more", "more"]


async def test_rename_with_ctrl_t() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: to be renamed")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert isinstance(app.screen, RenameScreen)
        await pilot.press(*"Better title", "enter")  # the old title is selected: typing replaces it
        await pilot.pause()
        with stored() as store:
            assert store.list_sessions()[0].title == "Better title"


async def delete_from_the_list(pilot: Pilot[None]) -> SessionList:
    """Delete the highlighted session as the user would: d, then y to confirm."""
    sessions = chat(pilot.app).query_one(SessionList)  # type: ignore[arg-type]
    sessions.focus()
    sessions.highlighted = 0
    await pilot.press("d")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmScreen)
    await pilot.press("y")
    await pilot.pause()
    assert sessions.session_ids == []
    return sessions


async def test_delete_asks_first_and_ctrl_z_brings_it_back() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: doomed")
        screen = chat(app)
        sessions = await delete_from_the_list(pilot)
        assert not list(screen.query(UserMessage))
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert len(sessions.session_ids) == 1
        assert [w.text for w in screen.query(UserMessage)] == ["echo: doomed"]


async def test_ctrl_z_in_the_prompt_undoes_a_delete_just_made_else_the_typing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: doomed")
        screen = chat(app)
        sessions = await delete_from_the_list(pilot)
        prompt = screen.query_one(PromptArea)
        prompt.focus()
        await pilot.press(*"draft")
        await pilot.press("ctrl+z")  # the notice says Ctrl+Z brings it back: it does
        await pilot.pause()
        assert len(sessions.session_ids) == 1 and prompt.text == "draft"
        await pilot.press("ctrl+z")  # nothing deleted now: the prompt's own undo
        await pilot.pause()
        assert len(sessions.session_ids) == 1 and prompt.text == ""
        await delete_from_the_list(pilot)
        monkeypatch.setattr(chat_sessions, "UNDO_SECONDS", 0.0)  # the notice has gone
        prompt.focus()
        await pilot.press(*"more", "ctrl+z")
        await pilot.pause()
        assert sessions.session_ids == [] and prompt.text == ""


async def test_ctrl_e_edits_the_last_prompt_from_an_empty_prompt_only() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: one")
        prompt = await focused_prompt(pilot)
        await pilot.press(*"ab", "home", "ctrl+e", "c")  # Ctrl+E: to the end of the line
        assert prompt.text == "abc"
        prompt.clear()
        await pilot.press("ctrl+e")
        assert prompt.text == "echo: one"
        assert chat(app).query_one("#editing").display


@pytest.mark.parametrize("given", [False, True])
async def test_a_reopened_session_goes_on_with_its_model_unless_one_was_given(
    given: bool,
) -> None:
    with stored() as store:
        session = store.create_session("earlier")
        store.add_message(session, "user", "q", model="gpt-5-mini", provider="openai")
        store.add_message(session, "assistant", "a", model="gpt-5-mini", provider="openai")
    app = TikhubApp(quiet(model="claude-x", provider="anthropic"), demo=True,
                    model_given=given)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert [w.text for w in chat(app).query(UserMessage)] == ["q"]
        expected = ("anthropic", "claude-x") if given else ("openai", "gpt-5-mini")
        assert (app.provider, app.model) == expected
        assert expected[1] in str(chat(app).query_one("#status").render())


async def test_a_prompt_sent_before_the_last_session_reopens_keeps_the_screen(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with stored() as store:
        store.add_message(store.create_session("earlier"), "user", "an old question")
    slow = threading.Event()
    latest = Store.latest_session_id

    def late(self: Store) -> str | None:  # the store is slow to answer at start
        found = latest(self)
        slow.wait(30)
        return found

    monkeypatch.setattr(Store, "latest_session_id", late)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await app.access_ready.wait()
        screen = chat(app)
        screen.query_one(PromptArea).load_text("echo: typed at once")
        await pilot.press("enter")
        await until_idle(pilot)
        slow.set()
        await screen.settled.wait()
        await pilot.pause()
        assert [w.text for w in screen.query(UserMessage)] == ["echo: typed at once"]


async def test_up_recalls_prompts_of_earlier_runs() -> None:
    with stored() as store:
        first = store.create_session("one")
        for text in ("echo: oldest", "echo: again", "echo: newer"):
            store.add_message(first, "user", text, model="m", provider="openai")
        second = store.create_session("two")
        store.add_message(second, "user", "echo: again", model="m", provider="openai")
        assert store.recent_prompts() == ["echo: oldest", "echo: newer", "echo: again"]
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.press("up")
        assert prompt.text == "echo: again"
        await pilot.press("up")
        assert prompt.text == "echo: newer"


async def test_a_prompt_typed_but_not_sent_is_back_after_quitting() -> None:
    app = demo_app()
    umask = os.umask(0o022)  # under which a plain open() makes files 0644
    try:
        async with app.run_test(size=SIZE) as pilot:
            await ready(pilot)
            await pilot.press(*"half a tho")
            await pilot.press("ctrl+q")
    finally:
        os.umask(umask)
    draft = data_dir() / "draft.txt"
    assert stat.S_IMODE(draft.stat().st_mode) == 0o600  # private, like sessions.db
    again = demo_app()
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot)
        prompt = chat(again).query_one(PromptArea)
        assert prompt.text == "half a tho"
        prompt.clear()  # emptied, then quit: nothing comes back
        await pilot.press("ctrl+q")
    third = demo_app()
    async with third.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert chat(third).query_one(PromptArea).text == ""
    assert not draft.exists()


async def test_a_new_session_is_listed_as_its_first_prompt_is_sent() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 20 lorem: 500", wait=False)
        sessions = chat(app).query_one(SessionList)
        await wait_until(pilot, lambda: len(sessions.session_ids) == 1, "the new session listed")
        assert chat(app).streaming  # listed while its answer still streams
        chat(app).controller.cancel()
        await until_idle(pilot)


async def test_delete_can_be_declined() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: spared")
        sessions = chat(app).query_one(SessionList)
        sessions.focus()
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        assert len(sessions.session_ids) == 1


async def test_search_opens_the_session_at_the_hit() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: the zebra crossing")
        await pilot.press("ctrl+n")
        await send(pilot, "echo: something else")
        await pilot.press("ctrl+f")
        await pilot.pause()
        assert isinstance(app.screen, SearchScreen)
        await pilot.press(*"zebra")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause(0.2)
        screen = chat(app)
        assert [w.text for w in screen.query(UserMessage)] == ["echo: the zebra crossing"]


@pytest.mark.parametrize("query", ["天气", "zeppelin"])
async def test_an_opened_search_hit_is_highlighted_in_the_transcript(query: str) -> None:
    filler = answer_text("lorem: 800")  # a few segments before the match, a few after
    answer = f"{filler}\n\nA **zeppelin** over Tokyo: 今天天气很好。\n\n{filler}"
    with stored() as store:
        found = store.create_session("Weather")
        store.add_message(found, "user", "Tell me a long story")
        store.add_message(found, "assistant", answer, model="gpt-4o", provider="openai")
        store.add_message(store.create_session("Newer"), "user", "something else")
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await pilot.press("ctrl+f", *query)
        search = app.screen
        assert isinstance(search, SearchScreen)
        await wait_until(pilot, lambda: bool(search.hits) and not search.busy, "the hit")
        await pilot.press("enter")
        transcript = chat(app).query_one(Transcript)

        def shown() -> bool:
            """Only the block holding the match is highlighted (not its answer or its
            segment), and it is on screen."""
            found = list(transcript.query(".-found"))
            return (
                len(found) == 1
                and query in str(getattr(found[0], "_content", ""))
                and transcript.region.contains_region(found[0].region)
            )

        await wait_until(
            pilot, shown, "the block holding the match highlighted, on screen", timeout=30
        )


async def test_edit_an_earlier_prompt_keeps_the_old_answers_as_a_branch() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: one")
        await send(pilot, "echo: two")
        screen = chat(app)
        await pilot.press("ctrl+up")  # select messages: the last answer
        assert isinstance(app.focused, Transcript)
        await pilot.press("up", "up", "up")  # answer two -> prompt two -> answer one -> prompt one
        await pilot.press("e")
        prompt = screen.query_one(PromptArea)
        assert prompt.text == "echo: one" and app.focused is prompt
        prompt.load_text("echo: uno")
        await pilot.press("enter")
        await until_idle(pilot)
        assert [w.text for w in screen.query(UserMessage)] == ["echo: uno"]
        assert [a.text for a in screen.query(AnswerView)] == ["uno"]
        session_id = screen.chat.session_id
        assert session_id is not None
        with stored() as store:
            path = [m.text for m in store.messages(session_id)]
            assert path == ["echo: uno", "uno"]
            first = store.messages(session_id)[0]
            assert len(store.siblings(first.id)) == 2  # the old prompt and its answers remain


async def test_branch_from_a_message_makes_a_new_session() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: alpha")
        await send(pilot, "echo: beta")
        screen = chat(app)
        await pilot.press("ctrl+up", "up", "up")  # prompt beta -> answer alpha
        await pilot.press("b")
        await wait_until(pilot, lambda: [w.text for w in screen.query(UserMessage)] == ["echo: alpha"],
                         "the branch on screen")
        with stored() as store:
            assert len(store.list_sessions()) == 2


async def test_regenerate_keeps_the_old_answer_in_the_store() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: again")
        await pilot.press("ctrl+r")
        await until_idle(pilot)
        session_id = chat(app).chat.session_id
        assert session_id
        with stored() as store:
            answer = store.messages(session_id)[-1]
            assert len(store.siblings(answer.id)) == 2


async def test_a_long_session_mounts_only_its_newest_messages() -> None:
    with stored() as store:
        session = store.create_session("long")
        for n in range(500):
            store.add_message(session, "user", f"question {n}", model="m", provider="openai")
            store.add_message(session, "assistant", f"answer **{n}**", model="m",
                              provider="openai", usage=Usage(3, 4))
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = chat(app)
        mounted = list(screen.query(UserMessage)) + list(screen.query(AnswerView))
        assert len(mounted) == PAGE
        assert screen.query(UserMessage).last().text == "question 499"
        screen.transcript.scroll_home(animate=False)
        await wait_until(pilot, lambda: len(screen.query(UserMessage)) > PAGE // 2, "older messages")
        texts = [w.text for w in screen.query(UserMessage)]
        assert texts == sorted(texts, key=lambda t: int(t.split()[1]))


async def test_a_broken_sessions_file_is_reported_kept_and_can_be_moved_aside() -> None:
    path = data_dir() / "sessions.db"
    path.write_bytes(b"garbage, not SQLite " * 50)
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        screen = chat(app)
        assert app.store.problem
        await send(pilot, "echo: still works")
        assert screen.query_one(AnswerView).text == "still works"
        assert path.read_bytes() == b"garbage, not SQLite " * 50
        screen.action_move_store_aside()
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.store.problem, "the file moved aside")
    moved = list(data_dir().glob("sessions.db.broken-*"))
    assert len(moved) == 1 and moved[0].read_bytes() == b"garbage, not SQLite " * 50


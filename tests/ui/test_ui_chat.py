"""The chat screen as a user drives it: send, stream, stop, regenerate, errors, follow."""

from __future__ import annotations

import pytest
from textual.widgets import Label
from textual.widgets._footer import FooterKey

from tests.ui.conftest import (
    NARROW,
    SIZE,
    chat,
    demo_app,
    focused_prompt,
    last_answer,
    ready,
    send,
    until_idle,
    wait_until,
)
from tikhub_tui.gateway import answer_text
from tikhub_tui.ui.widgets.answer import AnswerView
from tikhub_tui.ui.widgets.prompt import PromptArea
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.sidebar import Sidebar
from tikhub_tui.ui.widgets.transcript import Transcript, UserMessage

pytestmark = pytest.mark.anyio

CODE_AND_TABLE = (
    "echo: Here is code:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\n"
    "| name | value |\n| --- | --- |\n| one | 1 |\n"
)


async def test_a_prompt_streams_an_answer_with_its_metrics() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: Hello **world**")
        screen = chat(app)
        assert [w.text for w in screen.query(UserMessage)] == ["echo: Hello **world**"]
        answer = screen.query_one(AnswerView)
        assert answer.text == "Hello **world**"
        meta = str(answer.query_one("#meta").render())
        assert "gpt-5" in meta and "openai" in meta and "finished" in meta
        assert "2 out" in meta
        assert screen.query_one(PromptArea).text == ""


async def test_the_whole_history_is_sent_even_across_providers() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: first")
        app.choose_model("anthropic", "claude-sonnet-4-5-20250929")
        await send(pilot, "echo: second")
        screen = chat(app)
        assert last_answer(app).provider == "anthropic"
        assert [v.text for v in screen.query(AnswerView)] == ["first", "second"]
        assert screen.chat.session_id is not None
        conversation = app.store.get().conversation(screen.chat.session_id)
        assert [m.text for m in conversation.messages] == [
            "echo: first", "first", "echo: second", "second"]


async def test_a_long_answer_arrives_whole_and_only_its_end_is_rendered() -> None:
    app = demo_app(max_tokens=100000)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 0 lorem: 5000")
        answer = chat(app).query_one(AnswerView)
        assert answer.text == answer_text("lorem: 5000")
        segments = answer.segments()
        assert len(segments) > 5
        assert "".join(s.source for s in segments) == answer.text
        rendered = [s for s in segments if s.is_rendered]
        assert rendered and len(rendered) <= 3 and segments[-1].is_rendered


async def test_escape_stops_the_stream_and_keeps_the_partial_answer() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 20 lorem: 500", wait=False)
        screen = chat(app)
        while not screen.query_one(AnswerView).text:
            await pilot.pause(0.05)
        await pilot.press("escape")
        await until_idle(pilot)
        answer = screen.query_one(AnswerView)
        assert answer.text and answer_text("lorem: 500").startswith(answer.text)
        assert len(answer.text) < len(answer_text("lorem: 500"))
        assert answer.state == "stopped"
        assert "stopped by you" in str(answer.query_one("#meta").render())


def footer_keys(app: object) -> list[str]:
    return [key.description for key in chat(app).query(FooterKey)]  # type: ignore[arg-type]


async def test_the_footer_offers_esc_stop_only_while_an_answer_streams() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert "Stop" not in footer_keys(app)
        await send(pilot, "tps: 20 lorem: 500", wait=False)
        await wait_until(pilot, lambda: "Stop" in footer_keys(app), "Esc Stop in the footer")
        await pilot.press("escape")
        await until_idle(pilot)
        await wait_until(pilot, lambda: "Stop" not in footer_keys(app), "Esc Stop to go")
        chat(app).query_one(SessionList).focus()
        await pilot.press("escape")  # with nothing streaming, Esc goes back to the prompt
        assert isinstance(app.focused, PromptArea)


async def test_regenerate_streams_a_new_answer_to_the_last_prompt() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: again")
        screen = chat(app)
        first = screen.query_one(AnswerView)
        await pilot.press("ctrl+r")
        await until_idle(pilot)
        answers = list(screen.query(AnswerView))
        assert len(answers) == 1 and answers[0] is not first and answers[0].text == "again"
        assert len(list(screen.query(UserMessage))) == 1


@pytest.mark.parametrize(
    ("prompt", "shown", "advice"),
    [
        ("error: 401", "rejected the API key", "Settings (F2)"),
        ("error: 500", "HTTP 500", "regenerate (Ctrl+R)"),
        ("fail-after: 3 lorem: 50", "mid-stream", "regenerate (Ctrl+R)"),
        ("drop-after: 3 lorem: 50", "ended early", "what arrived is kept"),
    ],
)
async def test_errors_show_in_the_transcript_with_cause_and_fix(
    prompt: str, shown: str, advice: str
) -> None:
    app = demo_app(max_retries=0)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, prompt)
        answer = chat(app).query_one(AnswerView)
        assert answer.state in ("error", "stopped") and answer.query_one("#error").display
        error = str(answer.query_one("#error").render())
        assert shown in error and advice in error
        assert "Traceback" not in app.export_screenshot()


async def test_a_cut_at_the_token_limit_never_looks_finished() -> None:
    app = demo_app(max_tokens=20)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "lorem: 200")
        answer = chat(app).query_one(AnswerView)
        assert answer.state == "stopped"
        assert "cut at your max_tokens (20 tokens)" in str(answer.query_one("#meta").render())


async def test_reasoning_goes_to_its_collapsed_section_not_the_answer() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "think: 8 echo: the answer")
        answer = chat(app).query_one(AnswerView)
        assert answer.text == "the answer"
        assert len(answer.reasoning.split()) == 8
        assert answer.has_reasoning and answer.query_one("#reasoning").display
        from textual.widgets import Collapsible

        assert answer.query_one("#reasoning", Collapsible).collapsed


async def test_code_fence_split_across_deltas_renders_as_one_block() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, CODE_AND_TABLE)
        answer = chat(app).query_one(AnswerView)
        from textual.widgets._markdown import MarkdownFence, MarkdownTable

        fences = list(answer.query(MarkdownFence))
        assert len(fences) == 1 and fences[0].code == "def add(a, b):\n    return a + b"
        assert len(list(answer.query(MarkdownTable))) == 1


async def test_up_in_an_empty_prompt_recalls_the_last_prompt() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "echo: one")
        await send(pilot, "echo: two")
        prompt = chat(app).query_one(PromptArea)
        await pilot.press("up")
        assert prompt.text == "echo: two"
        await pilot.press("up")
        assert prompt.text == "echo: one"
        await pilot.press("down")
        assert prompt.text == "echo: two"


async def test_ctrl_j_inserts_a_newline_and_enter_sends_both_lines() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.press(*"echo: a", "ctrl+j", "b")
        assert prompt.text == "echo: a\nb"
        await pilot.press("enter")
        await until_idle(pilot)
        assert chat(app).query_one(AnswerView).text == "a\nb"


async def test_scrolling_up_stops_following_and_shows_the_hint() -> None:
    app = demo_app(max_tokens=100000)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 0 lorem: 3000")
        screen = chat(app)
        assert screen.transcript.following
        # PgUp scrolls from where the view is: wait until the long answer is laid out and the
        # view sits at its bottom (on a loaded machine that can lag the end of the stream)
        await wait_until(
            pilot, lambda: screen.transcript.scroll_y > screen.transcript.size.height, "the bottom"
        )
        await pilot.press("pageup")
        hint = screen.query_one("#follow-hint", Label)
        await wait_until(
            pilot, lambda: not screen.transcript.following and bool(hint.display), "the hint"
        )
        assert "more below" in str(hint.render())  # nothing streams: no "new text"
        await pilot.press("ctrl+end")
        await wait_until(
            pilot, lambda: screen.transcript.following and not hint.display, "following again"
        )


async def test_scrolled_up_during_a_stream_the_hint_says_new_text_is_coming() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 20 lorem: 500", wait=False)
        screen = chat(app)
        await wait_until(pilot, lambda: screen.streaming, "the stream to start")
        screen.transcript.post_message(Transcript.FollowChanged(False))  # as scrolling up does
        hint = screen.query_one("#follow-hint", Label)
        await wait_until(pilot, lambda: bool(hint.display), "the hint")
        assert "new text below" in str(hint.render())
        screen.controller.cancel()
        await until_idle(pilot)
        assert hint.display and "more below" in str(hint.render())


async def test_sending_while_streaming_is_refused_politely() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "tps: 10 lorem: 200", wait=False)
        await send(pilot, "echo: too soon", wait=False)
        screen = chat(app)
        assert len(list(screen.query(UserMessage))) == 1
        assert screen.query_one(PromptArea).text == "echo: too soon"
        await pilot.press("escape")
        await until_idle(pilot)


async def test_question_mark_types_in_the_prompt_but_opens_help_elsewhere() -> None:
    from tikhub_tui.ui.screens.help import HelpScreen

    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        prompt = await focused_prompt(pilot)
        await pilot.press("question_mark")
        assert prompt.text == "?" and not isinstance(app.screen, HelpScreen)
        chat(app).transcript.focus()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_on_a_narrow_terminal_the_sidebar_starts_hidden_until_asked_for() -> None:
    app = demo_app()
    async with app.run_test(size=NARROW) as pilot:
        await ready(pilot)
        sidebar = chat(app).query_one(Sidebar)
        assert not sidebar.display or sidebar.has_class("-hidden")
        assert chat(app).transcript.size.width >= 70
        await pilot.press("ctrl+backslash")
        await pilot.pause()
        assert sidebar.display and not sidebar.has_class("-hidden")
        await pilot.resize_terminal(70, 24)  # the user's choice stands
        await pilot.pause()
        assert not sidebar.has_class("-hidden")
    wide = demo_app()
    async with wide.run_test(size=SIZE) as pilot:
        await ready(pilot)
        assert not chat(wide).query_one(Sidebar).has_class("-hidden")

"""`ask` keeps its exchanges as sessions and continues them; a killed `ask` loses little."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.cli.conftest import ask
from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer, json_reply
from tikhub_tui.core.paths import data_dir
from tikhub_tui.core.store import Store
from tikhub_tui.gateway import answer_text


def only_session() -> tuple[str, list]:  # type: ignore[type-arg]
    with Store.open() as store:
        sessions = store.list_sessions()
        assert len(sessions) == 1
        return sessions[0].id, store.messages(sessions[0].id)


def test_an_exchange_is_saved_with_its_outcome(gateway_url: str) -> None:
    result = ask("-m", "gemini-2.5-flash", "--base-url", gateway_url, "echo: saved answer")
    assert result.returncode == 0
    _, messages = only_session()
    user, answer = messages
    assert (user.role, user.text) == ("user", "echo: saved answer")
    assert (answer.role, answer.text, answer.status) == ("assistant", "saved answer", "complete")
    assert (answer.model, answer.provider) == ("gemini-2.5-flash", "gemini")
    assert answer.usage.output_tokens == 2 and answer.finish_reason == "STOP"
    assert answer.ttft is not None and answer.duration is not None


def test_no_save_keeps_nothing(gateway_url: str) -> None:
    assert ask("-m", "gpt-4o", "--base-url", gateway_url, "--no-save", "echo: x").returncode == 0
    with Store.open() as store:
        assert store.list_sessions() == []


def test_continue_sends_the_history_and_extends_the_session() -> None:
    with ScriptedServer(anthropic_answer("first answer"), anthropic_answer("second")) as server:
        ask("-m", "claude-x", "--base-url", server.base_url, "-s", "Be kind.", "first question")
        result = ask("-m", "claude-x", "--base-url", server.base_url, "--continue", "and then?")
    assert result.stdout == "second\n"
    assert server.seen[1].body["messages"] == [
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": "first answer"},
        {"role": "user", "content": "and then?"},
    ]
    assert server.seen[1].body["system"] == "Be kind."
    _, messages = only_session()
    assert [m.text for m in messages] == ["first question", "first answer", "and then?", "second"]


def test_continue_keeps_the_sessions_model_and_system_unless_given() -> None:
    replies = [anthropic_answer(f"answer {n}") for n in range(4)]
    with ScriptedServer(*replies) as server:
        url = ("--base-url", server.base_url)
        ask(*url, "-m", "claude-x", "-s", "Be kind.", "first")
        assert ask(*url, "--continue", "second").returncode == 0  # config's model is gpt-5
        assert ask(*url, "--continue", "-s", "Be brief.", "third").returncode == 0
        assert ask(*url, "--continue", "-s", "", "fourth").returncode == 0
    second, third, fourth = server.seen[1:]
    assert second.path == "/v1/messages" and second.body["model"] == "claude-x"
    assert second.body["system"] == "Be kind."
    assert third.body["system"] == "Be brief."
    assert "system" not in fourth.body
    with Store.open() as store:
        (session,) = store.list_sessions()
        assert store.get_session(session.id).system == ""
        models = {m.model for m in store.messages(session.id)}
    assert models == {"claude-x"}


def test_continue_after_a_failure_does_not_send_the_failed_turn() -> None:
    error = json_reply(500, {"type": "error", "error": {"type": "api_error", "message": "boom"}})
    replies = [error, error, error, anthropic_answer("first answer"), anthropic_answer("second")]
    with ScriptedServer(*replies) as server:
        base = ("-m", "claude-x", "--base-url", server.base_url)  # a 500 is not retried
        assert ask(*base, "lost question").returncode == 5
        assert ask(*base, "--continue", "lost again").returncode != 0
        assert ask(*base, "--continue", "and again").returncode != 0
        assert ask(*base, "--continue", "first question").returncode == 0
        assert ask(*base, "--continue", "and then?").returncode == 0
    assert server.seen[3].body["messages"] == [{"role": "user", "content": "first question"}]
    assert server.seen[4].body["messages"] == [
        {"role": "user", "content": "first question"},
        {"role": "assistant", "content": "first answer"},
        {"role": "user", "content": "and then?"},
    ]


def test_session_by_id_prefix(gateway_url: str) -> None:
    ask("-m", "gpt-4o", "--base-url", gateway_url, "echo: one")
    ask("-m", "gpt-4o", "--base-url", gateway_url, "echo: two")
    with Store.open() as store:
        first = store.list_sessions()[-1].id
    with ScriptedServer(anthropic_answer("three")) as server:
        result = ask(
            "-m", "claude-x", "--base-url", server.base_url, "--session", first[:6], "again"
        )
    assert result.returncode == 0
    assert [m["content"] for m in server.seen[0].body["messages"]] == ["echo: one", "one", "again"]


def test_continue_without_sessions_is_a_usage_error(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "--continue", "hi")
    assert result.returncode == 2 and "no saved session" in result.stderr


def test_unknown_session_is_a_usage_error(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "--session", "zzzz", "hi")
    assert result.returncode == 2 and "sessions list" in result.stderr


@pytest.mark.parametrize(
    ("prompt", "status"),
    [
        ("error: 500", "error"),
        ("fail-after: 3 lorem: 40", "error"),
        ("drop-after: 3 lorem: 40", "incomplete"),
    ],
)
def test_failures_are_saved_with_their_status(gateway_url: str, prompt: str, status: str) -> None:
    result = ask("-m", "claude-x", "--base-url", gateway_url, prompt)
    assert result.returncode == 5
    _, messages = only_session()
    answer = messages[-1]
    assert answer.status == status and answer.error
    assert result.stdout.strip() == answer.text.strip()


def test_cut_at_max_tokens_is_saved_as_stopped(gateway_url: str) -> None:
    result = ask("-m", "claude-x", "--base-url", gateway_url, "--max-tokens", "20", "lorem: 80")
    assert result.returncode == 0
    answer = only_session()[1][-1]
    assert (answer.status, answer.finish_reason) == ("stopped", "max_tokens")


def test_a_broken_store_does_not_cost_the_answer(gateway_url: str) -> None:
    (data_dir() / "sessions.db").write_bytes(b"this is not a database" * 100)
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "echo: still here")
    assert result.returncode == 0 and result.stdout == "still here\n"
    assert "not saved" in result.stderr
    assert (data_dir() / "sessions.db").read_bytes() == b"this is not a database" * 100


def test_sigkill_mid_stream_keeps_the_partial_answer(gateway_url: str) -> None:
    prompt = "tps: 50 lorem: 2000"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tikhub_tui",
            "ask",
            "-m",
            "claude-x",
            "--base-url",
            gateway_url,
            prompt,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY},
    )
    assert process.stdout is not None
    # read until words some 45 tokens in are printed (ask hands each delta to the store
    # writer, then prints it), then wait past the writer's half-second interval
    printed = b""
    while b"Excepteur culpa" not in printed:
        chunk = os.read(process.stdout.fileno(), 4096)
        assert chunk, "the answer ended before it was under way"
        printed += chunk
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    printed += process.stdout.read()
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    answer = only_session()[1][-1]
    assert answer.status == "incomplete"
    full = answer_text("lorem: 2000")
    assert answer.text and full.startswith(answer.text)
    assert "Excepteur culpa" in answer.text
    # at 50 tokens/s, at most about half a second (25 tokens) may be lost
    assert len(printed.decode().split()) - len(answer.text.split()) <= 60

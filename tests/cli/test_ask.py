"""`tikhub-tui ask` as scripts use it: a real process against a real loopback server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import ask
from tests.conftest import FAKE_KEY, MODELS
from tests.scripted_server import Reply, ScriptedServer, anthropic_answer, json_reply
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.store import Store
from tikhub_tui.gateway import answer_text


@pytest.mark.parametrize("provider", list(MODELS))
def test_echo_through_each_protocol(gateway_url: str, provider: str) -> None:
    text = "Hello — grüß dich, 世界! 👋\nSecond line."
    result = ask("--model", MODELS[provider], "--base-url", gateway_url, f"echo: {text}")
    assert result.returncode == 0, result.stderr
    assert result.stdout == text + "\n"
    assert result.stderr == ""


@pytest.mark.parametrize("provider", list(MODELS))
def test_twenty_thousand_deltas_arrive_exactly(gateway_url: str, provider: str) -> None:
    prompt = "tps: 0 lorem: 20000"
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "--max-tokens", "50000", prompt)
    assert result.returncode == 0, result.stderr
    assert result.stdout == answer_text(prompt) + "\n"


def test_multibyte_characters_split_across_network_writes(gateway_url: str) -> None:
    result = ask("-m", "claude-x", "--base-url", gateway_url, "chunk: 1 echo: Grüße 世界 👋🏽")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Grüße 世界 👋🏽\n"


@pytest.mark.parametrize("arg", [[], ["-"]])
def test_prompt_from_stdin(gateway_url: str, arg: list[str]) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, *arg, stdin="echo: from stdin")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "from stdin\n"


def test_provider_flag_overrides_the_model_name(gateway_url: str) -> None:
    result = ask("--provider", "gemini", "-m", "my-tuned-model", "--base-url", gateway_url,
                 "echo: ok")
    assert (result.returncode, result.stdout) == (0, "ok\n")


def test_unknown_model_family_is_a_usage_error_naming_provider(gateway_url: str) -> None:
    result = ask("-m", "llama-3-70b", "--base-url", gateway_url, "hi")
    assert result.returncode == 2
    assert "--provider" in result.stderr and result.stdout == ""


def test_empty_prompt_is_a_usage_error(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, stdin="  \n")
    assert result.returncode == 2 and "empty" in result.stderr


def test_bad_max_tokens_is_a_usage_error() -> None:
    result = ask("-m", "gpt-4o", "--max-tokens", "0", "hi")
    assert result.returncode == 2 and "--max-tokens" in result.stderr


def test_no_key_sends_nothing_and_exits_3() -> None:
    with ScriptedServer(anthropic_answer("never")) as server:
        result = ask("-m", "claude-x", "--base-url", server.base_url, "hi", key=None)
    assert result.returncode == 3
    assert server.seen == []
    assert "TIKHUB_API_KEY" in result.stderr and "keys set" in result.stderr


@pytest.mark.parametrize("provider", list(MODELS))
def test_rejected_key_exits_3_with_the_fix(gateway_url: str, provider: str) -> None:
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "error: 401")
    assert result.returncode == 3
    assert "rejected the API key" in result.stderr
    assert "TIKHUB_API_KEY" in result.stderr and "tikhub-tui keys set" in result.stderr


def test_an_echoed_key_in_an_error_body_is_redacted() -> None:
    body = {"error": {"message": f"Incorrect API key provided: {FAKE_KEY}"}}
    with ScriptedServer(json_reply(403, body)) as server:
        result = ask("-m", "gpt-4o", "--base-url", server.base_url, "hi")
    assert result.returncode == 3 and "[redacted]" in result.stderr


def test_rate_limited_exits_4_after_retrying(gateway_url: str) -> None:
    config_file().write_text("max_retries = 1\n")
    result = ask("-m", "claude-x", "--base-url", gateway_url, "error: 429")
    assert result.returncode == 4
    assert "retrying in 1 s" in result.stderr and "rate limited" in result.stderr


def test_server_error_exits_5_without_retry(gateway_url: str) -> None:
    result = ask("-m", "gemini-2.5-flash", "--base-url", gateway_url, "error: 500")
    assert result.returncode == 5
    assert "retrying" not in result.stderr and "HTTP 500" in result.stderr


@pytest.mark.parametrize("provider", list(MODELS))
def test_mid_stream_error_exits_5_and_keeps_the_text(gateway_url: str, provider: str) -> None:
    prompt = "fail-after: 5 lorem: 50"
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "--max-tokens", "50000", prompt)
    assert result.returncode == 5
    words = answer_text("lorem: 50").split()
    assert result.stdout.split()[:5] == words[:5]
    assert "mid-stream" in result.stderr


@pytest.mark.parametrize("provider", list(MODELS))
def test_dropped_stream_exits_5_saying_it_ended_early(gateway_url: str, provider: str) -> None:
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "drop-after: 5 lorem: 50")
    assert result.returncode == 5
    assert "ended early" in result.stderr
    assert len(result.stdout.split()) >= 4


def test_blocked_prompt_exits_5() -> None:
    reply = Reply(chunks=[b'data: {"promptFeedback": {"blockReason": "SAFETY"}}\r\n\r\n'])
    with ScriptedServer(reply) as server:
        result = ask("-m", "gemini-2.5-flash", "--base-url", server.base_url, "hi")
    assert result.returncode == 5 and "blocked the prompt (SAFETY)" in result.stderr


def test_connection_refused_exits_6() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = ask("-m", "gpt-4o", "--base-url", f"http://127.0.0.1:{port}", "hi")
    assert result.returncode == 6 and "connection refused" in result.stderr


def test_read_timeout_exits_6(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "--timeout", "0.3",
                 "tps: 1 lorem: 30")
    assert result.returncode == 6 and "read timeout" in result.stderr


@pytest.mark.parametrize("provider", list(MODELS))
def test_cut_at_max_tokens_is_success_with_a_warning(gateway_url: str, provider: str) -> None:
    # 16 is the least max_output_tokens OpenAI accepts (the gateway checks it too)
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "--max-tokens", "20",
                 "lorem: 100")
    assert result.returncode == 0, result.stderr
    assert "cut at your max_tokens (20 tokens)" in result.stderr
    assert 5 <= len(result.stdout.split()) <= 20


def test_reasoning_never_reaches_stdout(gateway_url: str) -> None:
    plain = ask("-m", "claude-x", "--base-url", gateway_url, "think: 6 echo: answer only")
    assert plain.stdout == "answer only\n" and plain.stderr == ""
    shown = ask("-m", "claude-x", "--base-url", gateway_url, "--show-reasoning",
                "think: 6 echo: answer only")
    assert shown.stdout == "answer only\n"
    assert len(shown.stderr.split()) >= 6
    assert shown.stderr.endswith("\n")  # in a terminal the answer starts on a line of its own


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [("--max-tokens", "abc", "'abc' is not a whole number"), ("--timeout", "nan", "at most 3600")],
)
def test_bad_option_values_are_explained(option: str, value: str, said: str) -> None:
    result = ask(option, value, "hi")
    assert result.returncode == 2 and said in result.stderr and "_positive" not in result.stderr


def test_an_empty_base_url_is_a_usage_error_not_the_default() -> None:
    result = ask("-m", "gpt-4o", "--base-url", "", "hi")
    assert result.returncode == 2 and "--base-url is empty" in result.stderr


def test_text_piped_in_follows_the_prompt_argument(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "echo: Review this:",
                 stdin="def f(): pass\n")
    assert result.returncode == 0
    assert result.stdout == "Review this:\n\ndef f(): pass\n\n"


def test_a_prompt_that_is_not_utf8_is_a_usage_error(gateway_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url", gateway_url],
        input=b"echo: caf\xe9\n", capture_output=True,
        env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY}, timeout=60,
    )
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert b"not UTF-8 text" in result.stderr and b"iconv" in result.stderr
    argument = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url", gateway_url,
         os.fsdecode(b"echo: caf\xe9")],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY},
        timeout=60,
    )
    assert argument.returncode == 2 and "the prompt argument is not UTF-8" in argument.stderr


def test_a_reader_that_goes_away_ends_ask_quietly_with_141(gateway_url: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url", gateway_url,
         "tps: 200 lorem: 2000"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY},
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)  # `| head -c 10`
    process.stdout.close()
    assert process.wait(timeout=30) == 141
    assert process.stderr.read() == b""  # no traceback, no message: as cat does
    with Store.open() as store:
        (session,) = store.list_sessions()
        assert store.messages(session.id)[-1].status == "stopped"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_on_stdout_is_reported_and_the_answer_saved(gateway_url: str) -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url", gateway_url,
             "tps: 0 lorem: 3000"],
            stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY}, timeout=60,
        )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write the answer to standard output: No space left on device" in result.stderr
    with Store.open() as store:
        (session,) = store.list_sessions()
        answer = store.messages(session.id)[-1]
    assert answer.status == "stopped" and answer.text
    assert answer_text("lorem: 3000").startswith(answer.text)


def test_base_url_prefix_and_trailing_slash_are_joined() -> None:
    with ScriptedServer(anthropic_answer("ok")) as server:
        result = ask("-m", "claude-x", "--base-url", server.base_url + "/proxy/", "hi")
    assert result.stdout == "ok\n"
    assert server.seen[0].path == "/proxy/v1/messages"


def test_base_url_precedence_flag_env_config() -> None:
    with ScriptedServer(anthropic_answer("a")) as flag, ScriptedServer(
        anthropic_answer("b")
    ) as env, ScriptedServer(anthropic_answer("c")) as config:
        config_file().write_text(f'base_url = "{config.base_url}"\n')
        assert ask("-m", "claude-x", "hi").stdout == "c\n"
        assert ask("-m", "claude-x", "hi", env={"TIKHUB_BASE_URL": env.base_url}).stdout == "b\n"
        assert ask("-m", "claude-x", "--base-url", flag.base_url, "hi",
                   env={"TIKHUB_BASE_URL": env.base_url}).stdout == "a\n"


def test_system_prompt_and_max_tokens_are_sent() -> None:
    with ScriptedServer(anthropic_answer("ok")) as server:
        ask("-m", "claude-x", "--base-url", server.base_url, "-s", "Be terse.",
            "--max-tokens", "33", "hi")
    body = server.seen[0].body
    assert body["system"] == "Be terse." and body["max_tokens"] == 33


def test_broken_config_is_a_usage_error_naming_the_file() -> None:
    config_file().write_text("model = \n")
    result = ask("-m", "gpt-4o", "hi")
    assert result.returncode == 2 and str(config_file()) in result.stderr


def test_ctrl_c_keeps_the_printed_text_and_exits_130(gateway_url: str) -> None:
    environment = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url", gateway_url,
         "tps: 20 lorem: 400"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment,
        # as from a terminal: a test run started in the background (`make test &`) has SIGINT
        # ignored, and an ignored signal stays ignored in the children
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert process.stdout is not None
    first = process.stdout.read(20)
    process.send_signal(signal.SIGINT)
    rest, errors = process.communicate(timeout=20)
    assert process.returncode == 130
    assert len((first + rest).split()) >= 3
    assert "interrupted" in errors and "Traceback" not in errors


def test_ask_starts_without_loading_textual(gateway_url: str) -> None:
    code = (
        "import sys, runpy; sys.argv=['tikhub-tui','ask','-m','gpt-4o','--base-url',"
        f"'{gateway_url}','echo: x']\n"
        "from tikhub_tui.cli import main\n"
        "rc = main()\n"
        "assert 'textual' not in sys.modules, 'Textual loaded'\n"
        "assert 'keyring' not in sys.modules, 'keyring loaded although the key is in the env'\n"
        "sys.exit(rc)\n"
    )
    environment = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=environment, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("prompt", "code"), [("echo: whole answer", 0), ("error: 503", 5)])
def test_the_program_ends_without_teardown_once_the_answer_is_out(
    gateway_url: str, prompt: str, code: int
) -> None:
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
        "from tikhub_tui.cli import entry\n"
        "sys.exit(entry())\n"
    )
    config_file().write_text("max_retries = 0\n")
    result = subprocess.run(
        [sys.executable, "-c", program, "ask", "-m", "gpt-4o", "--base-url", gateway_url, prompt],
        capture_output=True, text=True, env={**os.environ, "TIKHUB_API_KEY": FAKE_KEY},
        stdin=subprocess.DEVNULL, timeout=30,
    )
    assert result.returncode == code and "teardown ran" not in result.stderr
    assert result.stdout == ("whole answer\n" if code == 0 else "")
    assert code == 0 or "503" in result.stderr  # what was said before the end is all there


def test_help_explains_exit_codes() -> None:
    result = subprocess.run([sys.executable, "-m", "tikhub_tui", "ask", "--help"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for word in ("exit codes", "TIKHUB_API_KEY", "--base-url", "130"):
        assert word in result.stdout


def test_a_failure_before_any_text_prints_nothing_to_stdout(gateway_url: str) -> None:
    config_file().write_text("max_retries = 0\n")
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "error: 503")
    assert result.returncode == 5 and result.stdout == ""


def test_demo_answers_with_no_key_from_the_embedded_gateway() -> None:
    result = ask("--demo", "echo: hello from the demo", key=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello from the demo"


def test_no_key_points_to_the_demo() -> None:
    result = ask("--base-url", "http://127.0.0.1:9", "hi", key=None)
    assert result.returncode == 3 and "--demo" in result.stderr

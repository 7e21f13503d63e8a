"""`tikhub-tui race` as scripts use it: a real process against the embedded gateway."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core.paths import config_dir
from tikhub_tui.core.store import Store
from tikhub_tui.gateway import answer_text


def race(*args: str, stdin: str = "", key: str | None = FAKE_KEY,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    if key is not None:
        environment["TIKHUB_API_KEY"] = key
    environment.update(env or {})
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "race", *args],
        input=stdin, capture_output=True, text=True, env=environment, timeout=90,
    )
    assert FAKE_KEY not in result.stdout and FAKE_KEY not in result.stderr
    assert "Traceback" not in result.stderr
    return result


def as_json(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


FIELDS = {"model", "provider", "text", "reasoning", "ttft_s", "first_byte_s", "tokens_per_s",
          "elapsed_s", "input_tokens", "output_tokens", "reasoning_tokens", "finish_reason",
          "status", "error", "cost_usd"}


def test_json_has_one_result_per_model_in_the_documented_shape(gateway_url: str) -> None:
    prompt = "lorem: 40"
    result = race("--base-url", gateway_url, "--json",
                  "-m", "gpt-5 system='tps: 0 think: 8'",
                  "-m", "claude-sonnet-4-5-20250929",
                  "-m", "gemini-2.5-flash reasoning=low", prompt)
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert data["prompt"] == prompt
    assert [r["model"] for r in data["results"]] == [
        "gpt-5", "claude-sonnet-4-5-20250929", "gemini-2.5-flash"]
    assert [r["provider"] for r in data["results"]] == ["openai", "anthropic", "gemini"]
    for item in data["results"]:
        assert set(item) >= FIELDS
        assert item["text"] == answer_text(prompt)
        assert item["status"] == "done" and item["error"] is None
        assert item["ttft_s"] > 0 and item["first_byte_s"] > 0 and item["elapsed_s"] > 0
        assert item["tokens_per_s"] > 0 and item["output_tokens"] > 0
        assert item["input_tokens"] > 0
    assert data["results"][0]["reasoning"] and data["results"][0]["reasoning_tokens"] == 8
    assert data["results"][0]["finish_reason"] == "completed"
    assert data["results"][1]["finish_reason"] == "end_turn"
    assert data["results"][2]["finish_reason"] == "STOP"
    assert all(item["cost_usd"] > 0 for item in data["results"])  # all three are priced
    saved = Store.open()
    assert saved.races(data["session_id"])  # saved as a session, as it streamed
    saved.close()
    # exported as Markdown: each pane's answer under its label, then the metrics table
    export = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "sessions", "export", data["session_id"],
         "--format", "md"], capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert export.returncode == 0, export.stderr
    assert "### A · gpt-5 (openai) · own system prompt" in export.stdout
    assert "| pane | model | provider | ended | first byte |" in export.stdout
    assert "| C | gemini-2.5-flash | gemini | done |" in export.stdout


def test_terminal_output_has_every_answer_under_its_label_then_the_table(
    gateway_url: str,
) -> None:
    result = race("--base-url", gateway_url, "-m", "gpt-5", "-m",
                  "claude-x system='error: 500'", "--no-save", "echo: Hello [b]there[/b]")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "── A · gpt-5 (openai) " in out and "── B · claude-x (anthropic) · own system prompt" in out
    assert out.index("Hello [b]there[/b]") < out.index("── B")
    assert "[error] the server failed (HTTP 500" in out and "fix:" in out
    table = out[out.index("pane  model"):]
    assert "A     gpt-5" in table and "done" in table and "error" in table
    assert "saved as session" not in out
    assert Store.open().list_sessions() == []


def test_escape_sequences_from_a_server_never_reach_the_terminal(gateway_url: str) -> None:
    result = race("--base-url", gateway_url, "-m", "gpt-5", "-m", "claude-x", "--no-save",
                  "echo: a\x1b]52;c;ZXZpbA==\x07b\x1b[2J")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    data = as_json(race("--base-url", gateway_url, "-m", "gpt-5", "-m", "claude-x", "--json",
                        "--no-save", "echo: a\x1b]0;x\x07b"))
    assert data["results"][0]["text"] == "a\x1b]0;x\x07b"  # JSON carries it exactly, escaped


@pytest.mark.parametrize(
    ("systems", "code"),
    [
        (["error: 429", "error: 500"], 4),  # rate limit is more severe than one model failing
        (["error: 401", "error: 429"], 3),  # a rejected key before a rate limit
        (["error: 500", "drop-after: 3"], 5),
        (["error: 500", "echo: fine"], 0),  # one model answered
        (["error: 401", "tps: 0"], 0),
    ],
)
def test_exit_codes(gateway_url: str, systems: list[str], code: int) -> None:
    models = [arg for system in systems for arg in ("-m", f"gpt-5 system='{system}'")]
    result = race("--base-url", gateway_url, "--no-save", "--json", *models, "lorem: 10",
                  env={"TIKHUB_TUI_CONFIG_DIR": str(config_dir())})
    assert result.returncode == code, result.stderr
    assert len(as_json(result)["results"]) == 2


def test_a_network_error_is_exit_6_and_a_missing_key_exit_3() -> None:
    dead = "http://127.0.0.1:9"  # discard: nothing listens
    assert race("--base-url", dead, "-m", "gpt-5", "-m", "claude-x", "hi").returncode == 6
    result = race("-m", "gpt-5", "-m", "claude-x", "hi", key=None,
                  env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    assert result.returncode == 3
    assert "nothing was sent" in result.stderr or "no API key" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-m", "gpt-5", "hi"], "2 to 6 models"),
        (["-m", "llama-3", "-m", "gpt-5", "hi"], "provider="),
        (["-m", "gpt-5 reasoning=lots", "-m", "gpt-5", "hi"], "off, minimal, low"),
        (["--set", "nope", "hi"], "no model set named 'nope'"),
        (["-m", "gpt-5", "-m", "claude-x", ""], "the prompt is empty"),
    ],
)
def test_usage_errors_are_exit_2_and_say_the_fix(args: list[str], words: str) -> None:
    result = race(*args)
    assert result.returncode == 2
    assert words in result.stderr and result.stdout == ""


def test_sets_are_saved_and_raced_and_the_last_set_is_remembered(gateway_url: str) -> None:
    made = race("--base-url", gateway_url, "--no-save", "--json", "--save-set", "pair",
                "-m", "gpt-5", "-m", "claude-x reasoning=2000", "echo: one")
    assert made.returncode == 0, made.stderr
    assert "saved the set 'pair'" in made.stderr
    again = as_json(race("--base-url", gateway_url, "--no-save", "--json", "--set", "pair",
                         "echo: two"))
    assert [r["model"] for r in again["results"]] == ["gpt-5", "claude-x"]
    assert again["results"][0]["cost_usd"] > 0
    assert again["results"][1]["cost_usd"] is None  # a model without a price: unknown
    last = race("--base-url", gateway_url, "--no-save", "--json", "echo: three")
    assert last.returncode == 0 and "racing the last set" in last.stderr
    assert [r["text"] for r in as_json(last)["results"]] == ["three", "three"]


def test_the_prompt_comes_from_stdin_too(gateway_url: str) -> None:
    result = race("--base-url", gateway_url, "--no-save", "--json", "-m", "gpt-5",
                  "-m", "gemini-2.5-flash", stdin="echo: piped")
    assert [r["text"] for r in as_json(result)["results"]] == ["piped", "piped"]


def test_help_explains_models_sets_and_exit_codes() -> None:
    result = subprocess.run([sys.executable, "-m", "tikhub_tui", "race", "--help"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0
    for words in ("reasoning=", "--set", "exit codes", "--json", "--no-save"):
        assert words in result.stdout

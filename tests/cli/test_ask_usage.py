"""`ask` and usage: counts and cost end to end through the gateway, estimates for a dropped
stream, the output limit asked for (and whose it was), and the context-window check."""

from __future__ import annotations

import pytest

from tests.cli.conftest import ask
from tests.conftest import MODELS
from tests.scripted_server import ScriptedServer, anthropic_answer
from tikhub_tui.core.model import Usage
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.store import Store

CACHED = "tps: 0 think: 4 cache-read: 1500 cache-write: 300 echo: from the cache"
"""12 words of prompt and 1,800 cache tokens; 4 reasoning tokens, then 3 words of answer."""


def only_answer() -> tuple[str, object]:
    with Store.open() as store:
        [summary] = store.list_sessions()
        return summary.id, store.messages(summary.id)[-1]


@pytest.mark.parametrize(
    ("provider", "usage", "words"),
    [
        # 12 fresh x 2.50 + 1,500 cached x 1.25 + 300 written x 2.50 + 7 out x 10 (gpt-4o)
        (
            "openai",
            Usage(1812, 7, 4, cache_read_tokens=1500, cache_write_tokens=300),
            "1,812 in (1,500 cached, 300 to cache) / 7 out (4 reasoning) · cost $0.0027",
        ),
        # 12 x 3 + 300 written x 3.75 + 1,500 read x 0.30 + 7 x 15 (claude-sonnet-4-5)
        (
            "anthropic",
            Usage(1812, 7, 4, cache_read_tokens=1500, cache_write_tokens=300),
            "1,812 in (1,500 cached, 300 to cache) / 7 out (4 reasoning) · cost $0.0017",
        ),
        # Gemini reports no cache writes: 312 x 0.30 + 1,500 x 0.03 + 7 x 2.50 (2.5-flash)
        (
            "gemini",
            Usage(1812, 7, 4, cache_read_tokens=1500),
            "1,812 in (1,500 cached) / 7 out (4 reasoning) · cost $0.0002",
        ),
    ],
)
def test_usage_and_cost_end_to_end(
    gateway_url: str, provider: str, usage: Usage, words: str
) -> None:
    result = ask("-m", MODELS[provider], "--base-url", gateway_url, "--usage", CACHED)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "from the cache\n"
    assert result.stderr == f"tikhub-tui: usage: {MODELS[provider]} · {words}\n"
    _, answer = only_answer()
    assert answer.usage == usage  # type: ignore[attr-defined]


def test_a_dropped_stream_is_estimated_and_marked(gateway_url: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "--usage", "drop-after: 8 lorem: 50")
    assert result.returncode == 5
    line = next(x for x in result.stderr.splitlines() if "usage:" in x)
    assert "~" in line and "(estimated)" in line and "cost ≈$" in line
    _, answer = only_answer()
    assert answer.usage.estimated  # type: ignore[attr-defined]
    assert answer.usage.input_tokens and answer.usage.output_tokens  # type: ignore[attr-defined]


def test_an_unknown_model_has_no_price(gateway_url: str) -> None:
    result = ask("-m", "gpt-house-model", "--base-url", gateway_url, "--usage", "echo: hi")
    assert result.returncode == 0
    assert "cost — (no price: add [catalogue.\"gpt-house-model\"] in config.toml)" in result.stderr


def test_the_default_limit_is_the_models_own() -> None:
    """Anthropic requires max_tokens: the model's maximum is sent; OpenAI and Gemini omit it."""
    with ScriptedServer(anthropic_answer("ok")) as server:
        ask("-m", "claude-sonnet-4-5-20250929", "--base-url", server.base_url, "hi")
        ask("-m", "claude-house-model", "--base-url", server.base_url, "hi")
    assert [seen.body["max_tokens"] for seen in server.seen] == [64_000, 4096]


def test_openai_and_gemini_send_no_limit_unless_set(gateway_url: str) -> None:
    for provider in ("openai", "gemini"):
        result = ask("-m", MODELS[provider], "--base-url", gateway_url, "tps: 0 lorem: 300")
        assert result.returncode == 0 and "cut" not in result.stderr


def test_a_cut_by_the_default_says_so_and_is_saved(gateway_url: str) -> None:
    config_file().write_text('[catalogue."claude-x"]\nmax_output = 20\n')
    result = ask("-m", "claude-x", "--base-url", gateway_url, "lorem: 80")
    assert result.returncode == 0
    assert "cut at the default limit (20 tokens, the model's maximum)" in result.stderr
    assert "--continue" in result.stderr  # the fix: go on, the model cannot write more at once
    _, answer = only_answer()
    assert (answer.max_tokens, answer.max_tokens_source) == (20, "default")  # type: ignore[attr-defined]
    result = ask("-m", "claude-x", "--base-url", gateway_url, "--max-tokens", "16", "lorem: 80")
    assert "cut at your max_tokens (16 tokens)" in result.stderr
    assert "--max-tokens" in result.stderr


def test_an_oversize_prompt_is_refused_without_a_request() -> None:
    prompt = "word " * 140_000  # about 175,000 tokens: gpt-4o reads 128,000
    with ScriptedServer(anthropic_answer("never")) as server:
        result = ask("-m", "gpt-4o", "--base-url", server.base_url, stdin=prompt)
        continued = ask("-m", "gpt-4o", "--base-url", server.base_url, "-c", prompt[:200])
    assert server.seen == []
    assert result.returncode == 2 and result.stdout == ""
    assert "more than gpt-4o's context window (128,000), so nothing was sent" in result.stderr
    assert "window: -m o3, -m o4-mini, -m gpt-5" in result.stderr  # same provider, smallest first
    with Store.open() as store:
        assert store.list_sessions() == []  # nothing recorded either
    assert continued.returncode == 2 and "no saved session" in continued.stderr


def test_continuing_an_oversize_session_is_refused_and_leaves_it_alone(gateway_url: str) -> None:
    config_file().write_text('[catalogue."gpt-tiny"]\ncontext_window = 40\n')
    first = ask("-m", "gpt-tiny", "--base-url", gateway_url, "echo: " + "x " * 20)
    assert first.returncode == 0
    session, _ = only_answer()
    with Store.open() as store:
        before = len(store.messages(session))
    result = ask("-c", "--base-url", gateway_url, "echo: " + "y " * 20)
    assert result.returncode == 2
    assert "start a new session (without --continue/--session)" in result.stderr
    with Store.open() as store:
        assert len(store.messages(session)) == before

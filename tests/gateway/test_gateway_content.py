"""Directives and the answer texts they produce, as pure functions (no server).

Tests and benchmarks elsewhere compare streamed text against `answer_text`, so its contract (word
counts, END lines, exact echo, determinism) is pinned here.
"""

from __future__ import annotations

import ast

import pytest

from tikhub_tui.gateway import answer_text, count_words, parse, reasoning_text, split_deltas
from tikhub_tui.gateway.plan import make_plan
from tikhub_tui.gateway.wire import Parsed


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 50, 199, 1000, 20000])
def test_lorem_has_exactly_n_words_then_the_end_line(n: int) -> None:
    text = answer_text(f"lorem: {n}")
    assert text.endswith(f"\n\nEND {n}") or text == f"END {n}"
    assert count_words(text) == n


def test_lorem_shows_off_markdown() -> None:
    text = answer_text("lorem: 400")
    assert text.startswith("# ")
    assert "\n## " in text
    assert "\n- " in text
    assert "```python\n" in text
    assert "| --- | --- | --- |" in text
    assert text.count("```") % 2 == 0


@pytest.mark.parametrize("n", [*range(1, 13), 13, 499, 500])
def test_code_is_one_python_block_of_n_lines(n: int) -> None:
    text = answer_text(f"code: {n}")
    head, body_end = text.split("\n", 1)
    assert head == "```python"
    body, tail = body_end.rsplit("\n```\n", 1)
    assert tail == f"END {n}"
    assert len(body.split("\n")) == n
    # a blank last line is dropped by renderers and line counts: the block would look N-1 long
    assert body.split("\n")[-1].strip()
    ast.parse(body)


@pytest.mark.parametrize(
    "text",
    ["plain", "  leading and trailing  ", "multi\nline\n\n  indented", "ünï ✓ 🎉", "tps: 9"],
)
def test_echo_answers_exactly_the_rest_of_the_message(text: str) -> None:
    assert answer_text(f"tps: 0 echo: {text}") == text
    assert answer_text(f"ECHO:\n{text}") == text


def test_deltas_are_words_with_their_whitespace() -> None:
    assert split_deltas("a  b\nc ") == ["a  ", "b\n", "c "]
    assert split_deltas("  lead") == ["  ", "lead"]
    assert split_deltas("") == []
    text = answer_text("lorem: 300")
    assert "".join(split_deltas(text)) == text


def test_directives_combine_case_insensitively() -> None:
    found = parse("Please TPS: 12.5 lorem: 20 Think: 4 fail-after: 3 chunk: 8 drop-after: 9")
    assert (found.tps, found.lorem, found.think, found.fail_after) == (12.5, 20, 4, 3)
    assert (found.chunk, found.drop_after, found.echo, found.error) == (8, 9, None, None)


def test_bad_values_are_not_directives() -> None:
    found = parse("lorem: lots error: 200 chunk: 0 code: 1.5 xtps: 3")
    assert found == parse("")


def test_directives_after_echo_are_echoed() -> None:
    found = parse("tps: 0 echo: lorem: 5")
    assert found.tps == 0 and found.lorem is None and found.echo == "lorem: 5"


def test_demo_answer_names_the_model_and_lists_directives() -> None:
    text = answer_text("hello!", model="gpt-4o")
    assert "**gpt-4o**" in text
    for word in ("echo:", "lorem:", "code:", "tps:", "error:", "fail-after:", "drop-after:"):
        assert word in text
    assert "```python" in text and "| --- |" in text
    assert answer_text("hello!", model="gpt-4o") == text


def test_reasoning_only_when_asked() -> None:
    assert reasoning_text("lorem: 3") == ""
    assert len(split_deltas(reasoning_text("think: 25"))) == 25


def _plan(prompt: str, max_tokens: int | None = None) -> tuple[int, str]:
    parsed = Parsed("m", prompt, 1, max_tokens)
    plan = make_plan(parsed, parse(prompt), 60)
    return len(plan.tokens), plan.outcome


def test_plan_cuts_at_the_smallest_limit() -> None:
    assert _plan("echo: a b c d") == (4, "stop")
    assert _plan("echo: a b c d", max_tokens=4) == (4, "stop")
    assert _plan("echo: a b c d", max_tokens=2) == (2, "max_tokens")
    assert _plan("fail-after: 3 echo: a b c d") == (3, "fail")
    assert _plan("fail-after: 9 echo: a b c d") == (4, "fail")
    assert _plan("drop-after: 1 fail-after: 3 echo: a b c d") == (1, "drop")
    assert _plan("fail-after: 3 echo: a b c d", max_tokens=2) == (2, "max_tokens")
    assert _plan("think: 3 echo: a b", max_tokens=4) == (4, "max_tokens")

"""Race panes as written on the command line and in model sets, and the sets file itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from tikhub_tui.core.catalogue import catalogue
from tikhub_tui.core.model import Reasoning
from tikhub_tui.core.providers import infer_provider
from tikhub_tui.core.race.panes import (
    PaneError,
    PaneSpec,
    check_count,
    parse_pane,
    provider_resolver,
)
from tikhub_tui.core.race.sets import ModelSets, SetsError, check_name, load_sets, save_sets

RESOLVE = provider_resolver({**catalogue(), "gemini": ["my-gemini"]}, infer_provider)


@pytest.mark.parametrize(
    ("text", "pane"),
    [
        ("gpt-5", PaneSpec("gpt-5", "openai")),
        ("my-gemini", PaneSpec("my-gemini", "gemini")),
        ("claude-x reasoning=high", PaneSpec("claude-x", "anthropic", None, Reasoning("high"))),
        ("gpt-5 effort=low", PaneSpec("gpt-5", "openai", None, Reasoning("low"))),
        ("gemini-2.5-pro think=8k", PaneSpec("gemini-2.5-pro", "gemini", None, Reasoning(None, 8000))),
        ("llama-3 provider=openai", PaneSpec("llama-3", "openai")),
        ("gpt-5 system='Be terse.'", PaneSpec("gpt-5", "openai", "Be terse.")),
        ("gpt-5 system=", PaneSpec("gpt-5", "openai", "")),
    ],
)
def test_a_pane_is_a_model_and_its_own_settings(text: str, pane: PaneSpec) -> None:
    assert parse_pane(text, RESOLVE) == pane
    assert parse_pane(pane.to_text(), RESOLVE) == pane  # written back, read the same


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "an empty model"),
        ("llama-3", "provider="),
        ("gpt-5 temperature=1", "is not a setting"),
        ("gpt-5 reasoning=huge", "off, minimal, low"),
        ("gpt-5 provider=mistral", "openai, anthropic, gemini"),
        ("gpt-5 system='unclosed", "No closing quotation"),
        ("gpt\x1b[2J", "no spaces or control characters"),
    ],
)
def test_a_bad_pane_says_what_is_wrong(text: str, words: str) -> None:
    with pytest.raises(PaneError, match=words):
        parse_pane(text, RESOLVE)


def test_a_pane_says_what_is_its_own() -> None:
    assert PaneSpec("m", "openai").settings_words() == ""
    both = PaneSpec("m", "openai", "x", Reasoning(budget=8000))
    assert both.settings_words() == "reasoning 8,000 · own system prompt"
    assert PaneSpec("m", "openai", "").settings_words() == "no system prompt"


def test_a_race_has_two_to_six_panes() -> None:
    pane = PaneSpec("gpt-5", "openai")
    check_count([pane] * 2)
    check_count([pane] * 6)
    for count in (0, 1, 7):
        with pytest.raises(PaneError, match="2 to 6"):
            check_count([pane] * count)


def test_sets_round_trip_and_the_last_set_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "race-sets.toml"
    fast = [PaneSpec("gpt-5-mini", "openai", reasoning=Reasoning("low")),
            PaneSpec("gemini-2.5-flash", "gemini", system="Be brief.")]
    same = [PaneSpec("gpt-5", "openai", reasoning=Reasoning(e)) for e in ("low", "medium", "high")]
    save_sets(ModelSets({"fast": fast, "gpt-5 three ways": same}, last=fast), path)
    loaded, problems = load_sets(RESOLVE, path)
    assert problems == []
    assert loaded.sets == {"fast": fast, "gpt-5 three ways": same}
    assert loaded.last == fast


def test_a_missing_file_is_no_sets(tmp_path: Path) -> None:
    assert load_sets(RESOLVE, tmp_path / "none.toml") == (ModelSets(), [])


def test_a_broken_file_or_entry_is_reported_and_left_out(tmp_path: Path) -> None:
    path = tmp_path / "race-sets.toml"
    path.write_text("last = [\n")
    sets, problems = load_sets(RESOLVE, path)
    assert sets == ModelSets() and "not valid TOML" in problems[0] and str(path) in problems[0]
    path.write_text(
        '[sets]\ngood = [{model = "gpt-5"}, {model = "claude-x", reasoning = 4000}]\n'
        'one = [{model = "gpt-5"}]\n'
        'odd = [{model = "gpt-5"}, {model = "gpt-5", colour = "red"}]\n'
    )
    sets, problems = load_sets(RESOLVE, path)
    assert list(sets.sets) == ["good"]
    assert sets.sets["good"][1] == PaneSpec("claude-x", "anthropic", None, Reasoning(budget=4000))
    assert len(problems) == 2
    assert any("sets.one" in p and "2 to 6" in p for p in problems)
    assert any("colour" in p for p in problems)


def test_set_names_are_checked() -> None:
    assert check_name("  my   fast  ") == "my fast"
    for bad in ("", "   ", "x" * 41, "bell\x07"):
        with pytest.raises(SetsError):
            check_name(bad)


def test_a_sets_file_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(SetsError, match="cannot save"):
        save_sets(ModelSets(), blocked / "race-sets.toml")

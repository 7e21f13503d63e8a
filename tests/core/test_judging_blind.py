"""Blind mode: seating under A–F, and lines naming a model or maker hidden whatever their form.

The property tests draw names from the whole class (every model, alias, family and tier of the
catalogue, every maker), dress them as answers do (case, spacing, Markdown, fullwidth and
look-alike letters, invisible characters) and check the line is hidden, the rest untouched.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.judging.blind import (
    CELL,
    HIDDEN,
    MAKERS,
    BlindStream,
    NameMask,
    Seating,
)

CATALOGUE = built_in()
MODELS = [*CATALOGUE.models, *CATALOGUE.aliases]
MASK = NameMask(MODELS)
SPOKEN = [
    "GPT", "GPT-5", "GPT-4o", "gpt-4.1-mini", "ChatGPT", "o3", "o4-mini", "Claude", "Claude 3.5",
    "Claude Opus 4.6", "Opus 4.1", "Sonnet 4.5", "Haiku 4.5", "Gemini", "Gemini 2.5 Pro",
    "Gemini Flash", "OpenAI", "Anthropic", "Google", "DeepMind", "Google DeepMind",
]  # fmt: skip
NAMES = sorted({*MODELS, *SPOKEN, *(m for makers in MAKERS.values() for m in makers)})
TEMPLATES = [
    "As {}, I can help with that.",
    "I'm {}.",
    "{} here! Let's start.",
    "I am a large language model, {}.",
    "I was trained by {}.",
    "This answer comes from {}'s model.",
    "Made by {}",
    "| {} | fast |",
    "# {}",
    "> I am {}",
    "- {} says hi",
    "1. {}",
    "Hello!{}",
]
SAFE_WORDS = """the answer is quick sort list returns value python function loop open file egypt
encrypt claudette googled haiku sonnet opus poem alphabet gem chat mini pro flash model ozone o2
o(n) zero version map deep learning api turbo light gemstone cloud opener anthem"""
SAFE = SAFE_WORDS.split()
LOOKALIKE = str.maketrans("aeopcxyi", "аеорсхуі")  # Cyrillic


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@st.composite
def dressed(draw: st.DrawFn) -> str:
    """A name from the class, written as an answer might write it."""
    name = draw(st.sampled_from(NAMES))
    if len(name) > 2 and draw(st.booleans()):  # spacing or Markdown between the letters
        gap = draw(st.sampled_from([" ", "-", ".", "_", "\u200b", "\u00ad", "**", "` "]))
        at = draw(st.integers(1, len(name) - 1))
        name = name[:at] + gap + name[at:]
    name = "".join(c.upper() if draw(st.booleans()) else c.lower() for c in name)
    form = draw(st.sampled_from(["plain", "fullwidth", "lookalike"]))
    if form == "fullwidth":
        name = fullwidth(name)
    elif form == "lookalike":
        name = name.translate(LOOKALIKE)
    wrap = draw(
        st.sampled_from(["{}", "**{}**", "*{}*", "_{}_", "`{}`", "~~{}~~", "[{}](https://x.test)", "<b>{}</b>", '"{}"'])
    )
    return wrap.format(name)


safe_line = st.lists(st.sampled_from(SAFE), min_size=0, max_size=12).map(" ".join)


@settings(max_examples=400, deadline=None)
@given(dressed(), st.sampled_from(TEMPLATES), st.lists(safe_line, max_size=4), st.lists(safe_line, max_size=4))
def test_a_line_naming_a_model_is_hidden_and_nothing_else(
    name: str, template: str, before: list[str], after: list[str]
) -> None:
    line = template.format(name)
    text = "\n".join([*before, line, *after])
    masked = MASK.mask(text)
    out = masked.text.split("\n")
    assert masked.hidden == (len(before),)
    assert len(out) == len(before) + 1 + len(after)
    assert out[: len(before)] == before and out[len(before) + 1 :] == after
    assert not MASK.names_one(out[len(before)])
    assert HIDDEN in out[len(before)] or CELL in out[len(before)]


@settings(max_examples=300, deadline=None)
@given(st.lists(safe_line, max_size=8))
def test_lines_naming_nobody_are_kept_as_they_are(lines: list[str]) -> None:
    text = "\n".join(lines)
    assert MASK.mask(text).text == text


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(safe_line, st.builds(str.format, st.sampled_from(TEMPLATES), dressed())), max_size=8), st.data())
def test_streamed_in_any_pieces_it_is_the_same(lines: list[str], data: st.DataObject) -> None:
    text = "\n".join(lines)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=10)))
    stream = BlindStream(MASK)
    shown, start = [], 0
    for cut in [*cuts, len(text)]:
        shown.append(stream.feed(text[start:cut]))
        start = cut
    shown.append(stream.end())
    whole = MASK.mask(text)
    assert "".join(shown) == whole.text
    assert stream.hidden == len(whole.hidden)
    assert MASK.mask(whole.text).text == whole.text  # masking twice changes nothing more


def test_a_partial_line_waits_for_its_end() -> None:
    stream = BlindStream(MASK)
    assert stream.feed("Hi! As Cla") == ""
    assert stream.feed("ude, I") == ""
    assert stream.feed(" think so.\nNext") == HIDDEN + "\n"
    assert stream.end() == "Next"


@pytest.mark.parametrize(
    "line, shown",
    [
        ("> As Claude, I think", "> " + HIDDEN),
        ("  - I'm GPT-4o", "  - " + HIDDEN),
        ("### Gemini here", "### " + HIDDEN),
        ("12. trained by Google", "12. " + HIDDEN),
        ("| Claude | 1.2 s | fast |", "|" + "|".join([CELL] * 3) + "|"),
        ("```anthropic", "```"),
        ("    # a comment from OpenAI", "    # " + HIDDEN),
    ],
)
def test_the_markdown_frame_of_a_hidden_line_is_kept(line: str, shown: str) -> None:
    assert MASK.mask(line).text == shown


def test_user_models_join_the_class() -> None:
    mask = NameMask([*MODELS, "deepseek-chat", "llama3.1-70b", "openrouter/qwen2.5-72b"])
    assert mask.names_one("I am DeepSeek.") and mask.names_one("Llama here")
    assert mask.names_one("I'm Qwen") and mask.names_one("served by OpenRouter")
    assert not mask.names_one("a chat about local models")  # generic parts stay words


def test_seating_is_a_shuffle_under_the_labels() -> None:
    seats = {Seating.shuffled(3, random.Random(seed)).order for seed in range(50)}
    assert len(seats) == 6  # every order of three turns up
    seating = Seating((2, 0, 1))
    assert [seating.label(p) for p in range(3)] == ["B", "C", "A"]
    assert seating.pane("a") == 2 and seating.pane("C") == 1 and seating.pane("D") is None
    assert Seating.decode(seating.encode()) == seating
    for stored in ["", "0,0", "1,2", "0,1,", "6,0", None, "0,1,2,3,4,5,6"]:
        assert Seating.decode(stored) is None
    with pytest.raises(ValueError):
        Seating.shuffled(7)

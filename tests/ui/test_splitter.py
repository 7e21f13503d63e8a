"""Cutting a streaming Markdown answer into segments never changes what it means."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from tikhub_tui.gateway import answer_text
from tikhub_tui.ui.splitter import FENCE_LINES, SEGMENT_CHARS, SegmentSplitter


def segments_of(
    text: str,
    pieces: list[str] | None = None,
    *,
    segment_chars: int = SEGMENT_CHARS,
    fence_lines: int = FENCE_LINES,
) -> list[tuple[str, bool]]:
    """Feed `pieces` (default: the text in one go); return (segment source, cut-in-fence)."""
    splitter = SegmentSplitter(segment_chars=segment_chars, fence_lines=fence_lines)
    done: list[tuple[str, bool]] = []
    current = ""
    for piece in pieces if pieces is not None else [text]:
        sealed, added = splitter.feed(piece)
        for rest, cut in sealed:
            done.append((current + rest, cut == "fence"))
            current = ""
        current += added
    done.append((current + splitter.finish(), False))
    return done


def blocks(markdown: str) -> list[tuple[str, str]]:
    """What Markdown means, block by block: (token type, content) of the top-level tokens."""
    tokens = MarkdownIt("gfm-like").parse(markdown)
    return [(t.type, t.content) for t in tokens if t.level == 0 and t.type != "softbreak"]


def merged_fences(parts: list[tuple[str, bool]]) -> list[tuple[str, str]]:
    """Blocks of all segments, with a fence cut across segments joined back into one."""
    result: list[tuple[str, str]] = []
    joining = False
    for source, cut_in_fence in parts:
        these = blocks(source)
        if joining and these and these[0][0] == "fence" and result[-1][0] == "fence":
            result[-1] = ("fence", result[-1][1] + these[0][1])
            these = these[1:]
        result.extend(these)
        joining = cut_in_fence
    return result


@pytest.mark.parametrize("prompt", ["lorem: 3000", "code: 500", "lorem: 500", "echo: short"])
def test_segments_mean_what_the_whole_answer_means(prompt: str) -> None:
    text = answer_text(prompt)
    parts = segments_of(text, segment_chars=800, fence_lines=40)
    assert len(parts) > 1 or prompt == "echo: short"
    assert merged_fences(parts) == blocks(text)


@pytest.mark.parametrize("seed", range(5))
def test_any_delivery_in_pieces_gives_the_same_segments(seed: int) -> None:
    text = answer_text("lorem: 2000") + "\n" + answer_text("code: 300")
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), 300))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert segments_of(text, pieces, segment_chars=700) == segments_of(text, segment_chars=700)


def test_plain_segments_join_back_to_the_text() -> None:
    text = answer_text("lorem: 3000")
    parts = segments_of(text, segment_chars=500)
    assert "".join(source for source, _ in parts) == text
    assert all(len(source) < 500 * 4 for source, _ in parts)


def test_a_long_fence_is_closed_and_reopened_with_its_language() -> None:
    text = "Intro\n\n```python\n" + "".join(f"x{n} = {n}\n" for n in range(100)) + "```\n\nafter\n"
    parts = segments_of(text, segment_chars=10_000, fence_lines=30)
    assert [cut for _, cut in parts][:-1] == [True, True, True]
    for source, _ in parts[1:]:
        assert source.startswith("```python\n")
    for source, cut in parts[:-1]:
        assert source.endswith("```\n") and cut
    assert merged_fences(parts) == blocks(text)


def test_the_real_closing_fence_right_after_a_cut_is_not_doubled() -> None:
    body = "".join(f"line {n}\n" for n in range(30))
    text = "```\n" + body + "```\nafter the fence\n"
    parts = segments_of(text, segment_chars=10_000, fence_lines=30)
    assert merged_fences(parts) == blocks(text)
    assert all("```\n```" not in source for source, _ in parts)


def test_no_cut_between_the_items_of_a_loose_list() -> None:
    items = "".join(f"{n}. item number {n} with some words in it\n\n" for n in range(1, 60))
    text = "Steps:\n\n" + items + "Done.\n"
    parts = segments_of(text, segment_chars=200)
    assert merged_fences(parts) == blocks(text)
    list_parts = [s for s, _ in parts if "1. item" in s]
    assert len(list_parts) == 1 and "59. item" in list_parts[0]


def test_tilde_fences_and_backticks_inside_them() -> None:
    inner = "".join(f"```not a fence {n}\n" for n in range(50))
    text = "~~~markdown\n" + inner + "~~~\nend\n"
    parts = segments_of(text, segment_chars=100, fence_lines=20)
    assert merged_fences(parts) == blocks(text)


def shown_code(parts: list[tuple[str, bool]]) -> list[str]:
    """The code of each fence as a renderer shows it (Textual drops the whitespace ending a
    fence), a fence cut across segments joined back into one."""
    codes: list[str] = []
    joining = False
    for source, cut_in_fence in parts:
        tokens = [t for t in MarkdownIt("gfm-like").parse(source) if t.type == "fence"]
        for index, token in enumerate(tokens):
            code = token.content.rstrip()
            if joining and index == 0 and codes:
                codes[-1] += "\n" + code
            else:
                codes.append(code)
        joining = cut_in_fence
    return codes


@given(
    lines=st.lists(
        st.sampled_from(["x = 1", "", "    ", "  y = 2", "# note", "```not the end", "~~~"]),
        min_size=1,
        max_size=50,
    ),
    fence_lines=st.integers(1, 12),
    cuts=st.lists(st.integers(1, 10_000), max_size=12),
)
def test_a_cut_fence_shows_every_line_in_any_delivery(
    lines: list[str], fence_lines: int, cuts: list[int]
) -> None:
    text = "Intro\n\n```python\n" + "\n".join(lines) + "\n```\nafter\n"
    positions = sorted({cut % len(text) for cut in cuts} - {0})
    pieces = [text[a:b] for a, b in zip([0, *positions], [*positions, len(text)], strict=True)]
    whole = segments_of(text, segment_chars=10_000, fence_lines=fence_lines)
    assert segments_of(text, pieces, segment_chars=10_000, fence_lines=fence_lines) == whole
    assert shown_code(whole) == shown_code([(text, False)])

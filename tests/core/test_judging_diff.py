"""The line diff of two answers: rows, word changes inside changed lines, counts and bounds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tikhub_tui.core.judging.diff import (
    MAX_LINES,
    MAX_WORDS_LINE,
    Diff,
    Piece,
    diff_answers,
    diff_words,
)

LEFT = """\
def mean(xs):
    total = 0
    for x in xs:
        total += x
    return total / len(xs)
"""
RIGHT = """\
def mean(xs: list[float]) -> float:
    if not xs:
        raise ValueError("empty")
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)
"""


def side(diff: Diff, which: str) -> list[str]:
    """One answer's lines put back together from the rows."""
    lines = [getattr(row, which) for row in diff.rows]
    return ["".join(piece.text for piece in line) for line in lines if line is not None]


def test_two_known_answers() -> None:
    diff = diff_answers(LEFT, RIGHT)
    assert [(row.kind, row.left_number, row.right_number) for row in diff.rows] == [
        ("changed", 1, 1),
        ("added", None, 2),
        ("added", None, 3),
        ("changed", 2, 4),
        ("same", 3, 5),
        ("same", 4, 6),
        ("same", 5, 7),
    ]
    assert (diff.changed, diff.added, diff.removed) == (2, 2, 0)
    assert diff_words(diff) == "4 lines differ: 2 changed, 2 added"
    # inside a changed line only the words that differ are marked
    total = diff.rows[3]
    assert total.left == (Piece("    total = 0", False),)
    assert total.right == (Piece("    total = 0", False), Piece(".0", True))
    head = diff.rows[0]
    assert head.left is not None and head.right is not None
    # the old line is all in the new one: nothing of it is marked, the rest of the new one is
    assert head.left == (Piece("def mean(xs):", False),)
    assert "".join(p.text for p in head.right if not p.changed) == "def mean(xs):"
    assert any(p.changed and "list[float]" in p.text for p in head.right)
    assert diff.rows[1].right == (Piece("    if not xs:", True),)


def test_removed_lines_and_a_line_too_unlike_to_be_a_change() -> None:
    diff = diff_answers("keep\nold idea\nend", "keep\nsomething else entirely\nend")
    assert [row.kind for row in diff.rows] == ["same", "removed", "added", "same"]
    assert diff_words(diff) == "2 lines differ: 1 added, 1 removed"


def test_same_answers_whatever_their_line_ends_and_trailing_spaces() -> None:
    diff = diff_answers("a  \r\nb\r\n", "a\nb")
    assert diff.identical and all(row.kind == "same" for row in diff.rows)
    assert diff_words(diff) == "the answers are the same"


def test_one_side_empty() -> None:
    diff = diff_answers("", "one\ntwo")
    assert [row.kind for row in diff.rows] == ["added", "added"]
    assert side(diff, "right") == ["one", "two"]


def test_bounds() -> None:
    long = "\n".join(f"line {n}" for n in range(MAX_LINES + 10))
    diff = diff_answers(long, long)
    assert diff.cut and len(diff.rows) == MAX_LINES and not diff.identical
    assert diff_words(diff).endswith(f"(only the first {MAX_LINES:,} lines compared)")
    wide = "x" * (MAX_WORDS_LINE + 1)
    row = diff_answers(wide, wide + "y").rows[0]
    assert row.kind == "changed" and row.left == (Piece(wide, True),)


lines = st.lists(
    st.sampled_from(["a", "b = 1", "b = 2", "c(x)", "", "    return x", "d e f"]), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(lines, lines)
def test_each_side_is_its_answer_line_by_line(left: list[str], right: list[str]) -> None:
    diff = diff_answers("\n".join(left), "\n".join(right))
    for which, answer in (("left", left), ("right", right)):
        text = "\n".join(answer).removesuffix("\n")
        assert side(diff, which) == (text.split("\n") if text else [])
    for which, number in (("left", "left_number"), ("right", "right_number")):
        numbers = [getattr(r, number) for r in diff.rows if getattr(r, which) is not None]
        assert numbers == list(range(1, len(numbers) + 1))
    same = "\n".join(left).removesuffix("\n") == "\n".join(right).removesuffix("\n")
    assert diff.identical == same


def test_an_insertion_is_marked_at_word_boundaries() -> None:
    # difflib alone matches the first backtick and marks "` with `reverse=True"
    row = diff_answers("Use `sorted()` when you need it", "Use `sorted()` with `reverse=True` when you need it").rows[0]
    assert row.right == (
        Piece("Use `sorted()`"),
        Piece(" with `reverse=True`", True),
        Piece(" when you need it"),
    )
    removed = diff_answers("a b b c", "a b c").rows[0]
    assert removed.left == (Piece("a"), Piece(" b", True), Piece(" b c"))

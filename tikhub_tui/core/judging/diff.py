"""The differences between two answers: a line diff with the changed words inside changed lines.

A neutral structure (rows of left and right pieces) that the diff view draws side by side or
stacked; built on difflib, bounded so that two long answers cannot stall the screen.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["same", "added", "removed", "changed"]
MAX_LINES = 5_000
"""Lines compared per answer; a longer answer's rest is left out (and the diff says so)."""
MAX_WORDS_LINE = 2_000
"""Characters of a changed line compared word by word; a longer line is marked changed whole."""
SIMILAR = 0.5
"""How alike (difflib's ratio) a removed and an added line must be to count as one changed line."""
LOOKAHEAD = 30
"""How far down the other side a changed line's partner is looked for."""
_TOKENS = re.compile(r"\w+|\s+|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a line's text, `changed` when it differs from the other side."""

    text: str
    changed: bool = False


Line = tuple[Piece, ...]


@dataclass(frozen=True, slots=True)
class DiffRow:
    """One row of the diff: the left line, the right line, or both (None where a side has none)."""

    kind: Kind
    left: Line | None
    right: Line | None
    left_number: int | None = None
    """1-based line numbers in each answer."""
    right_number: int | None = None


@dataclass(frozen=True, slots=True)
class Diff:
    """Two answers' differences, row by row, with counts of lines changed, added and removed."""

    rows: tuple[DiffRow, ...]
    changed: int
    added: int
    removed: int
    cut: bool = False
    """An answer had more than MAX_LINES lines; the rest was not compared."""

    @property
    def identical(self) -> bool:
        return not (self.changed or self.added or self.removed or self.cut)


def _lines(text: str) -> tuple[list[str], bool]:
    text = text.replace("\r\n", "\n").removesuffix("\n")
    if not text:
        return [], False
    lines = [line.rstrip() for line in text.split("\n")]
    return lines[:MAX_LINES], len(lines) > MAX_LINES


def _words(left: str, right: str) -> tuple[Line, Line]:
    """Both lines as pieces, the words that differ marked."""
    if max(len(left), len(right)) > MAX_WORDS_LINE:
        return (Piece(left, True),), (Piece(right, True),)
    a, b = _TOKENS.findall(left), _TOKENS.findall(right)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    marked_a, marked_b = [False] * len(a), [False] * len(b)
    for k, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            continue
        around = 0 < k < len(ops) - 1 and ops[k - 1][0] == ops[k + 1][0] == "equal"
        if op == "insert" and around:
            j1, j2 = _slid(b, j1, j2, ops[k - 1][3], ops[k + 1][4])
        elif op == "delete" and around:
            i1, i2 = _slid(a, i1, i2, ops[k - 1][1], ops[k + 1][2])
        marked_a[i1:i2] = [True] * (i2 - i1)
        marked_b[j1:j2] = [True] * (j2 - j1)
    return _pieces(a, marked_a), _pieces(b, marked_b)


def _slid(tokens: list[str], start: int, end: int, low: int, high: int) -> tuple[int, int]:
    """Where an inserted (or deleted) run of tokens reads best among the equal tokens around it
    (`low` to `high`): difflib may put ` with x` as `` ` with x``; slid to a word boundary."""

    def score(s: int, e: int) -> int:
        starts = s == 0 or tokens[s].isspace() or tokens[s - 1].isspace()
        ends = e == len(tokens) or tokens[e - 1].isspace() or tokens[e].isspace()
        return int(starts) + int(ends)

    while start > low and tokens[start - 1] == tokens[end - 1]:
        start, end = start - 1, end - 1
    best = (score(start, end), start, end)
    while end < high and tokens[end] == tokens[start]:
        start, end = start + 1, end + 1
        if score(start, end) > best[0]:
            best = (score(start, end), start, end)
    return best[1], best[2]


def _pieces(tokens: list[str], marked: list[bool]) -> Line:
    """Tokens joined into runs of the same mark."""
    pieces: list[Piece] = []
    for token, changed in zip(tokens, marked, strict=True):
        if pieces and pieces[-1].changed == changed:
            pieces[-1] = Piece(pieces[-1].text + token, changed)
        else:
            pieces.append(Piece(token, changed))
    return tuple(pieces)


def _likeness(left: str, right: str) -> float:
    """How alike two lines are, their indentation aside (it would make any two lines alike)."""
    matcher = difflib.SequenceMatcher(None, left.strip(), right.strip(), autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


class _Rows:
    def __init__(self) -> None:
        self.rows: list[DiffRow] = []
        self.counts = {"changed": 0, "added": 0, "removed": 0}

    def add(
        self, kind: Kind, left: str | None, right: str | None, i: int | None, j: int | None
    ) -> None:
        ours: Line | None
        theirs: Line | None
        if kind == "changed" and left is not None and right is not None:
            ours, theirs = _words(left, right)
        else:
            ours = None if left is None else (Piece(left, kind == "removed"),)
            theirs = None if right is None else (Piece(right, kind == "added"),)
        self.rows.append(
            DiffRow(kind, ours, theirs, None if i is None else i + 1, None if j is None else j + 1)
        )
        if kind != "same":
            self.counts[kind] += 1


def diff_answers(left: str, right: str) -> Diff:
    """The line diff of two answers (trailing spaces and a final newline do not count)."""
    a, cut_a = _lines(left)
    b, cut_b = _lines(right)
    out = _Rows()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                out.add("same", a[i], b[j], i, j)
        elif op == "delete":
            for i in range(i1, i2):
                out.add("removed", a[i], None, i, None)
        elif op == "insert":
            for j in range(j1, j2):
                out.add("added", None, b[j], None, j)
        else:
            _replace(out, a, b, (i1, i2), (j1, j2))
    c = out.counts
    return Diff(tuple(out.rows), c["changed"], c["added"], c["removed"], cut_a or cut_b)


def _replace(
    out: _Rows, a: list[str], b: list[str], left: tuple[int, int], right: tuple[int, int]
) -> None:
    """A block of lines replaced by another: each left line is paired with the most alike of
    the next right lines (those skipped on the way were added); unpaired lines were removed."""
    j, j2 = right
    for i in range(*left):
        near = [(_likeness(a[i], b[k]), -k) for k in range(j, min(j2, j + LOOKAHEAD))]
        likeness, partner = max(near, default=(0.0, 0))
        if likeness < SIMILAR:
            out.add("removed", a[i], None, i, None)
            continue
        for k in range(j, -partner):
            out.add("added", None, b[k], None, k)
        out.add("changed", a[i], b[-partner], i, -partner)
        j = -partner + 1
    for k in range(j, j2):
        out.add("added", None, b[k], None, k)


def diff_words(diff: Diff) -> str:
    """`2 lines changed, 1 added, 3 removed`, or that the answers are the same."""
    if diff.identical:
        return "the answers are the same"
    parts = [
        f"{diff.changed:,} changed" if diff.changed else "",
        f"{diff.added:,} added" if diff.added else "",
        f"{diff.removed:,} removed" if diff.removed else "",
    ]
    total = diff.changed + diff.added + diff.removed
    words = ", ".join(part for part in parts if part)
    text = (
        f"{total:,} line{'' if total == 1 else 's'} differ: {words}" if total else "no line differs"
    )
    return text + (f" (only the first {MAX_LINES:,} lines compared)" if diff.cut else "")

"""Search snippets: a window of a message around its first match, as plain marked text.

Messages are Markdown; a snippet shows what a reader sees (no `**`, `#`, fences or link
targets), with the matches marked. The window may start anywhere in a message, so the
Markdown is read line by line and forgivingly, never by a parser that wants whole blocks.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

from tikhub_tui.core.store.records import Span
from tikhub_tui.core.store.text import display_safe

MATCH_START = "\ue000"
MATCH_END = "\ue001"
"""Private-use characters that FTS5 `snippet()` puts around matches; split out into spans."""

BEFORE, AFTER = 30, 60
"""Characters of a message kept before and after its first match."""

_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})")
_RULE = re.compile(r"^[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+(?:[ \t]*:?-+:?)?[ \t]*$")
_PREFIXES = (
    re.compile(r"^[ \t]*(?:>[ \t]?)+"),  # quotes
    re.compile(r"^[ \t]{0,3}#{1,6}(?:[ \t]+|$)"),  # heading marks
    re.compile(r"^[ \t]*(?:[-+*]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?"),  # list items
)
_CODE_SPAN = re.compile(r"(`+)(.+?)\1")
_INLINE = (
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), r"\1"),  # images: their alt text
    (re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)"), r"\1"),  # links: their text
    (re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]"), r"\1"),  # reference links
    (re.compile(r"\[([^\]\n]*)\]\([^)\s]*$"), r"\1"),  # a link the window cut short
    (re.compile(r"\]\([^)\s]*\)?"), ""),  # the end of a link the window cut into
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),  # autolinks
    (re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"), ""),  # HTML tags
    (re.compile(r"\*\*|__|~~"), ""),  # strong, strikethrough
    (re.compile(r"(?<![^\W_])[*_](?=\S)|(?<=\S)[*_](?![^\W_])"), ""),  # emphasis
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_KEPT = re.compile("[\U000f0000-\U000f007f]")
"""An escaped character waits in a private-use stand-in while the marks are dropped."""
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case without accents (`Café` -> `cafe`): how titles and marks are compared."""
    if text.isascii():  # most titles: nothing to decompose
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def plain_markdown(text: str, *, in_fence: bool = False) -> str:
    """The text a reader sees in a piece of Markdown: marks, fences and link targets dropped.

    `in_fence` says the piece starts inside a code fence (whose lines are kept as they are).
    """
    lines: list[str] = []
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            lines.append(line)
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line):
            continue
        for prefix in _PREFIXES:
            line = prefix.sub("", line, count=1)
        stripped = line.strip()
        if stripped.startswith("|") or (stripped.endswith("|") and len(stripped) > 1):
            # a table row (perhaps cut by the window at either end)
            cells = stripped.removeprefix("|").removesuffix("|").split("|")
            line = " · ".join(cell.strip() for cell in cells)
        lines.append(_inline(line))
    return "\n".join(lines)


def _inline(line: str) -> str:
    """Inline marks dropped outside code spans; a code span keeps its text as it is."""
    out: list[str] = []
    start = 0
    for match in _CODE_SPAN.finditer(line):
        out.append(_unmark(line[start : match.start()]))
        out.append(match.group(2))
        start = match.end()
    out.append(_unmark(line[start:]))
    return "".join(out)


def _unmark(text: str) -> str:
    text = _ESCAPED.sub(lambda found: chr(0xF0000 + ord(found.group(1))), text)
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    return html.unescape(_KEPT.sub(lambda found: chr(ord(found.group()) - 0xF0000), text))


def fence_open_at(text: str, offset: int) -> bool:
    """Does `offset` of the Markdown `text` fall inside a code fence?"""
    inside = False
    for line in text[:offset].split("\n")[:-1]:
        if _FENCE.match(line):
            inside = not inside
    return inside


def first_match(text: str, terms: Iterable[str]) -> tuple[int, int]:
    """Where the first of `terms` appears in `text` (case ignored), or (0, 0)."""
    first: tuple[int, int] | None = None
    for term in terms:
        found = re.search(re.escape(term), text, re.IGNORECASE)
        if found and (first is None or found.start() < first[0]):
            first = found.span()
    return first or (0, 0)


def marked_match(text: str) -> tuple[int, int]:
    """Where the first MATCH_START ... MATCH_END pair of a highlighted text is, or (0, 0)."""
    start = text.find(MATCH_START)
    return (0, 0) if start < 0 else (start, text.find(MATCH_END, start) + 1 or start + 1)


def window(text: str, match: tuple[int, int]) -> tuple[str, int]:
    """The part of `text` around `match`, cut at spaces where there are some, with `…` where
    text was left out; and where it starts in `text`."""
    start, end = match
    low, high = max(0, start - BEFORE), min(len(text), end + AFTER)
    # room left over on one side goes to the other: a short text is shown whole
    low, high = max(0, low - (end + AFTER - high)), min(len(text), high + (low - start + BEFORE))
    if low > 0:
        space = text.find(" ", low, start)
        low = space + 1 if 0 <= space < low + 15 else low
    if high < len(text):
        space = text.rfind(" ", end, high)
        high = space if space > high - 15 else high
        if text.rfind(MATCH_START, low, high) > text.rfind(MATCH_END, low, high):
            high = text.find(MATCH_END, high) + 1 or len(text)  # never cut a mark in two
    return ("…" if low > 0 else "") + text[low:high] + ("…" if high < len(text) else ""), low


def marked_spans(
    raw: str, needles: Iterable[str], *, markdown: bool = False, in_fence: bool = False
) -> tuple[Span, ...]:
    """Display-safe spans of `raw`: the parts between MATCH_START/MATCH_END, and every place
    a (folded) needle appears, are marked. With `markdown`, the text is made plain first."""
    text = plain_markdown(raw, in_fence=in_fence) if markdown else raw
    pieces: list[str] = []
    marks: list[tuple[int, int]] = []
    position = 0
    opened: int | None = None
    for piece in re.split(f"([{MATCH_START}{MATCH_END}])", text):
        if piece == MATCH_START:
            opened = position
        elif piece == MATCH_END:
            if opened is not None and opened < position:
                marks.append((opened, position))
            opened = None
        else:
            pieces.append(piece)
            position += len(piece)
    plain = "".join(pieces)
    marks += _found(plain, needles)
    spans: list[Span] = []
    cursor = 0
    for start, end in _merged(marks):
        spans += [Span(plain[cursor:start], False), Span(plain[start:end], True)]
        cursor = end
    spans.append(Span(plain[cursor:], False))
    cleaned = [Span(_SPACES.sub(" ", display_safe(s.text)), s.match) for s in spans]
    return tuple(span for span in cleaned if span.text)


def _found(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Where each folded needle appears in `text`, as (start, end) in `text` itself."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in fold(char):
            folded.append(piece)
            origin.append(index)
    haystack = "".join(folded)
    found: list[tuple[int, int]] = []
    for needle in needles:
        at = haystack.find(needle) if needle else -1
        while at >= 0:
            found.append((origin[at], origin[at + len(needle) - 1] + 1))
            at = haystack.find(needle, at + len(needle))
    return found


def _merged(marks: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(marks):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged

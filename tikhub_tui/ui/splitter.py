"""Cuts a streaming Markdown answer into segments at safe block boundaries.

A long answer rendered as one Markdown widget costs more with every block (each append
re-parses, each layout visits every block widget). Cut into segments of a few KB, only the
segments near the viewport need real Markdown widgets. A cut is made only where Markdown means
the same on both sides: after a blank line that ends a block other than a list, or inside a
long code fence after a line of code (a renderer drops the blank lines that end a fence), the
fence closed before the cut and reopened after it. A single line too long
for one segment (a megabyte paragraph, a minified line of code) is cut too: prose before a
word, code anywhere; it then shows as two lines, the price of never rendering it whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

SEGMENT_CHARS = 2500
"""A segment is sealed at the first safe boundary after this many characters."""
FENCE_LINES = 60
"""A code fence is cut after this many of its lines in one segment."""
LONG_LINE = 2 * SEGMENT_CHARS
"""A line (a paragraph without line breaks, a line of code) is cut after this many characters
in one segment, so that a huge block costs what its visible part costs, not its whole size."""
HEAD = 256
"""Characters of a line kept to recognise a fence or a list item: the rest is only counted."""
SLACK = 2000
"""How far past LONG_LINE a paragraph may run to find a word to start the next segment with."""

Cut = Literal["block", "fence", "line"]
"""Where a segment ended: between blocks, inside a code fence (closed and reopened), or inside a
long line of prose (the next segment goes on with its next word)."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^`]*)$")
_LIST_ITEM = re.compile(r"^(?:[-+*]|\d{1,9}[.)])(?:\s|$)")
_WORD_START = re.compile(r"(?<=\s)[^\W\d_]")
"""A letter after a space: a paragraph cut there goes on with a word, never a block marker."""
_LETTER = re.compile(r"[^\W\d_]")


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


@dataclass
class SegmentSplitter:
    """Feed text as it arrives; learn where segments end and what the open one gained.

    `feed` returns `(sealed, added)`: for each `(text, cut)` of `sealed`, append `text` to the
    open segment and seal it (a new one opens; `cut` says where the cut went through); then
    append `added` to the open segment; at the end, append what `finish` returns. Whatever the
    text, no segment gets much more than `long_line` characters of one line, and each character
    is looked at a bounded number of times (a line of megabytes costs no more per character
    than short ones).
    """

    segment_chars: int = SEGMENT_CHARS
    fence_lines: int = FENCE_LINES
    long_line: int = LONG_LINE
    _head: str = ""
    _line_len: int = 0
    _line_blank: bool = True
    _seg_line: int = 0
    """Characters of the open line in the open segment."""
    _size: int = 0
    _fence: str = ""
    _fence_opener: str = ""
    _fence_lines: int = 0
    _fence_blank: bool = False
    _after_blank: bool = False
    _in_list: bool = False
    _reopen: str = ""
    _held: str | None = None
    _out: list[str] = field(default_factory=list)
    _sealed: list[tuple[str, Cut]] = field(default_factory=list)

    def feed(self, text: str) -> tuple[list[tuple[str, Cut]], str]:
        self._sealed = []
        self._out = []
        start = 0
        end = 0
        while start < len(text):
            if end <= start:  # looked for once per line, not once per cut of a long line
                newline = text.find("\n", start)
                end = len(text) if newline < 0 else newline + 1
            start = self._take(text, start, end)
        return self._sealed, "".join(self._out)

    def _emit(self, text: str) -> None:
        self._out.append(text)
        self._size += len(text)

    def _seal(self, cut: Cut) -> None:
        self._sealed.append(("".join(self._out), cut))
        self._out = []
        self._size = 0
        self._seg_line = 0

    def finish(self) -> str:
        """The end of the stream: text still waiting after a cut inside a fence, to append to
        the open segment ("" when it is only blank lines, which a renderer drops anyway)."""
        held, self._held = self._held, None
        if held is None or not held.strip():
            return ""
        reopen, self._reopen = self._reopen, ""
        return reopen + held

    def _take(self, text: str, start: int, end: int) -> int:
        """Take `text[start:end]` (a line or the start of one) or the part of it before a cut;
        return where the next call starts."""
        complete = text[end - 1] == "\n"
        if self._reopen and not self._line_len:
            return self._hold(text, start, end, complete)
        cut = self._long_line_cut(text, start, end)
        if cut is not None:
            self._grow(text[start:cut])
            self._cut_line()
            return cut
        self._grow(text[start:end])
        if complete:
            self._end_line()
        return end

    def _grow(self, part: str) -> None:
        """Add a part of the open line."""
        self._emit(part)
        if len(self._head) < HEAD:
            self._head += part[: HEAD - len(self._head)]
        self._line_len += len(part)
        self._seg_line += len(part)
        if self._line_blank and part.strip():
            self._line_blank = False

    def _end_line(self) -> None:
        line = self._head.removesuffix("\n")
        long, blank = self._line_len > HEAD, self._line_blank
        self._head, self._line_len, self._line_blank = "", 0, True
        self._seg_line = 0
        self._observe(line, blank=blank, long=long)
        self._maybe_cut()

    def _long_line_cut(self, text: str, start: int, end: int) -> int | None:
        """Where to cut this piece because its line grew too long in this segment, if it did:
        inside a fence anywhere; in prose before the next word (or any letter, or anywhere,
        if none comes soon)."""
        stop = end - 1 if text[end - 1] == "\n" else end
        over = self._seg_line + (stop - start) - self.long_line
        if over <= 0:
            return None
        begin = max(start, start + self.long_line - self._seg_line)
        if self._fence:
            return begin
        for pattern, slack in ((_WORD_START, SLACK), (_LETTER, 4 * SLACK)):
            limit = min(stop, start + self.long_line + slack - self._seg_line)
            found = pattern.search(text, begin, limit) if limit > begin else None
            if found is not None:
                return found.start()
            if limit < stop:
                begin = max(begin, limit)
            else:
                return None  # maybe in the next piece
        return begin

    def _cut_line(self) -> None:
        if self._fence:
            self._emit("\n" + self._fence + "\n")
            self._seal("fence")
            self._emit(self._fence_opener + "\n")  # the line goes on in the reopened fence
            self._fence_lines = 0
        else:
            self._seal("line")

    def _hold(self, text: str, start: int, end: int, complete: bool) -> int:
        """After a cut inside a fence, lines wait before the fence is reopened: blank ones (a
        reopened fence holding only them would show as an empty box, as a renderer drops the
        blank lines that end a fence) and what may be the fence's own closing line (then
        nothing needs reopening). What waits is bounded by `long_line`."""
        held = (self._held or "") + text[start:end]
        if len(held) > self.long_line:
            # too much to be blank lines and a closing line: lines of the reopened fence
            self._release(self._held or "")
            return start
        line = held[held.rfind("\n", 0, len(held) - 1) + 1 :]
        if not line.strip() or (not complete and line.lstrip()[:1] in ("`", "~")):
            self._held = held
            return end
        self._held = None
        if complete and _closes(line, self._fence):
            # the fence was already closed before the cut: neither it nor its blank lines
            # at the end (which a renderer drops) need a segment of their own
            self._reopen = ""
            self._fence = ""
            self._after_blank = False
            return end
        self._release(held)
        return end

    def _release(self, held: str) -> None:
        """Reopen the fence and take the lines that waited."""
        self._held = None
        self._emit(self._reopen)
        self._reopen = ""
        for part in held.splitlines(keepends=True):
            position = 0
            while position < len(part):
                position = self._take(part, position, len(part))

    def _maybe_cut(self) -> None:
        if self._fence:
            # never right after a blank line: a renderer drops blank lines at the end of a
            # fence, so the closed first half would lose it (the cut waits for a code line)
            if self._fence_lines >= self.fence_lines and not self._fence_blank:
                self._emit(self._fence + "\n")
                self._seal("fence")
                self._reopen = self._fence_opener + "\n"
                self._fence_lines = 0
        elif self._after_blank and not self._in_list and self._size >= self.segment_chars:
            self._seal("block")

    def _observe(self, line: str, *, blank: bool, long: bool) -> None:
        """Learn from a finished line (only its start when it is `long`)."""
        if self._fence:
            if not long and _closes(line, self._fence):
                self._fence = ""
            else:
                self._fence_lines += 1
                self._fence_blank = blank
            self._after_blank = False
            return
        match = None if long else _FENCE.match(line)
        if match:
            self._fence = match.group(1)
            self._fence_opener = line.strip()
            self._fence_lines = 0
            self._after_blank = False
        elif blank:
            self._after_blank = True
        else:
            if not line[0].isspace():
                self._in_list = bool(_LIST_ITEM.match(line))
            self._after_blank = False

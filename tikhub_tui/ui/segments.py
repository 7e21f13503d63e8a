"""Cuts a streaming Markdown answer into segments at safe block boundaries.

A long answer rendered as one Markdown widget costs more with every block (each append
re-parses, each layout visits every block widget). Cut into segments of a few KB, only the
segments near the viewport need real Markdown widgets. A cut is made only where Markdown means
the same on both sides: after a blank line that ends a block other than a list, or inside a
long code fence after a line of code (a renderer drops the blank lines that end a fence), the
fence closed before the cut and reopened after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEGMENT_CHARS = 2500
"""A segment is sealed at the first safe boundary after this many characters."""
FENCE_LINES = 60
"""A code fence is cut after this many of its lines in one segment."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})([^`]*)$")
_LIST_ITEM = re.compile(r"^(?:[-+*]|\d{1,9}[.)])(?:\s|$)")


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


@dataclass
class SegmentSplitter:
    """Feed text as it arrives; learn where segments end and what the open one gained.

    `feed` returns `(sealed, added)`: for each `(text, in_fence)` of `sealed`, append `text` to
    the open segment and seal it (a new one opens; `in_fence` says the cut went through a code
    fence); then append `added` to the open segment. At the end, append what `finish` returns.
    """

    segment_chars: int = SEGMENT_CHARS
    fence_lines: int = FENCE_LINES
    _line: str = ""
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
    _sealed: list[tuple[str, bool]] = field(default_factory=list)

    def feed(self, text: str) -> tuple[list[tuple[str, bool]], str]:
        self._sealed = []
        self._out = []
        start = 0
        while start < len(text):
            newline = text.find("\n", start)
            end = len(text) if newline < 0 else newline + 1
            self._take(text[start:end])
            start = end
        return self._sealed, "".join(self._out)

    def _emit(self, text: str) -> None:
        self._out.append(text)
        self._size += len(text)

    def _seal(self, in_fence: bool = False) -> None:
        self._sealed.append(("".join(self._out), in_fence))
        self._out = []
        self._size = 0

    def finish(self) -> str:
        """The end of the stream: text still waiting after a cut inside a fence, to append to
        the open segment ("" when it is only blank lines, which a renderer drops anyway)."""
        held, self._held = self._held, None
        if held is None or not held.strip():
            return ""
        reopen, self._reopen = self._reopen, ""
        return reopen + held

    def _take(self, piece: str) -> None:
        if self._held is not None or (not self._line and self._reopen):
            self._hold(piece)
            return
        self._emit(piece)
        self._line += piece
        if piece.endswith("\n"):
            line, self._line = self._line[:-1], ""
            self._observe(line)
            self._maybe_cut()

    def _hold(self, piece: str) -> None:
        """After a cut inside a fence, lines wait before the fence is reopened: blank ones (a
        reopened fence holding only them would show as an empty box, as a renderer drops the
        blank lines that end a fence) and what may be the fence's own closing line (then
        nothing needs reopening)."""
        held = (self._held or "") + piece
        line = held[held.rfind("\n", 0, len(held) - 1) + 1 :]
        complete = line.endswith("\n")
        if not line.strip() or (not complete and line.lstrip()[:1] in ("`", "~")):
            self._held = held
            return
        self._held = None
        if complete and _closes(line, self._fence):
            # the fence was already closed before the cut: neither it nor its blank lines
            # at the end (which a renderer drops) need a segment of their own
            self._reopen = ""
            self._fence = ""
            self._after_blank = False
            return
        self._emit(self._reopen)
        self._reopen = ""
        for part in held.splitlines(keepends=True):
            self._take(part)

    def _maybe_cut(self) -> None:
        if self._fence:
            # never right after a blank line: a renderer drops blank lines at the end of a
            # fence, so the closed first half would lose it (the cut waits for a code line)
            if self._fence_lines >= self.fence_lines and not self._fence_blank:
                self._emit(self._fence + "\n")
                self._seal(in_fence=True)
                self._reopen = self._fence_opener + "\n"
                self._fence_lines = 0
        elif self._after_blank and not self._in_list and self._size >= self.segment_chars:
            self._seal()

    def _observe(self, line: str) -> None:
        if self._fence:
            if _closes(line, self._fence):
                self._fence = ""
            else:
                self._fence_lines += 1
                self._fence_blank = not line.strip()
            self._after_blank = False
            return
        match = _FENCE.match(line)
        if match:
            self._fence = match.group(1)
            self._fence_opener = line.strip()
            self._fence_lines = 0
            self._after_blank = False
        elif not line.strip():
            self._after_blank = True
        else:
            if not line[0].isspace():
                self._in_list = bool(_LIST_ITEM.match(line))
            self._after_blank = False

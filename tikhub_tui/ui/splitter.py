"""Cuts a streaming Markdown answer into segments at safe block boundaries.

A long answer rendered as one Markdown widget costs more with every block (each append
re-parses, each layout visits every block widget). Cut into segments of a few KB, only the
segments near the viewport need real Markdown widgets. A cut is made only where Markdown means
the same on both sides: after a blank line that ends a block other than a list, or inside a
long code fence, which is closed before the cut and reopened after it.
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
    fence); then append `added` to the open segment.
    """

    segment_chars: int = SEGMENT_CHARS
    fence_lines: int = FENCE_LINES
    _line: str = ""
    _size: int = 0
    _fence: str = ""
    _fence_opener: str = ""
    _fence_lines: int = 0
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

    def _take(self, piece: str) -> None:
        complete = piece.endswith("\n")
        if self._held is not None:
            self._held += piece
            if complete:
                self._release_held()
            return
        if not self._line and self._reopen:
            if piece[0] in "`~":
                # after a cut inside a fence: this line may be the fence's real end
                self._held = piece
                if complete:
                    self._release_held()
                return
            self._emit(self._reopen)
            self._reopen = ""
        self._emit(piece)
        self._line += piece
        if complete:
            line, self._line = self._line[:-1], ""
            self._observe(line)
            self._maybe_cut()

    def _release_held(self) -> None:
        line = self._held or ""
        self._held = None
        if _closes(line, self._fence):
            # the fence was already closed before the cut: this closing line is not needed
            self._reopen = ""
            self._fence = ""
            self._after_blank = False
            return
        self._emit(self._reopen)
        self._reopen = ""
        self._emit(line)
        self._observe(line[:-1])
        self._maybe_cut()

    def _maybe_cut(self) -> None:
        if self._fence:
            if self._fence_lines >= self.fence_lines:
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

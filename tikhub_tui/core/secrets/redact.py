"""Finding an API key in text however a server dressed it, and replacing it.

A server can echo the key cut short, in other case, with invisible characters, escape sequences
or fullwidth letters between its characters, or spread over several events of a stream. The
key's text is matched on a skeleton of the text (those decorations left out) and the whole
stretch of the original it covers is replaced. Every key the process uses is remembered here,
so the places that turn messages into output (`ApiError`, the store's error column, the app's
notices) redact without being handed the key.
"""

from __future__ import annotations

import bisect
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

REDACTED = "[redacted]"
MIN_REDACT_LENGTH = 8
"""Shorter strings are never redacted: replacing them would mangle ordinary text."""
REDACT_PIECE = 12
"""A run of this many characters of a key in a text counts as the key."""

_INVISIBLE = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891"
    "\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000e0100-\U000e01ef"
)
"""Controls (not tab or newline), format characters (Cf: zero-width space, soft hyphen, bidi
controls, tags), variation selectors and blank fillers: characters that show nothing."""
_SKIP = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves
    r"|\x1b\][0-9]*;?|\x9d[0-9]*;?|\x1b\\"  # the frame of an OSC (its text stays)
    r"|\x1b[ -/]*[0-~]"  # other escapes
    r"|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"  # escapes written out
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]{2,31});"  # HTML character references
    f"|[{_INVISIBLE}]+"
)
_FULLWIDTH = re.compile("[\uff01-\uff5e]")
_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_INCOMPLETE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*|\][0-9]*)?\Z|\\[xuU]?[0-9a-fA-F]{0,7}\Z|&#?[0-9a-zA-Z]{0,30}\Z"
)
"""An escape of the kinds `_SKIP` leaves out, cut off at the end of a piece of a stream."""
_DRESSED = re.compile(f"[\x1b\\\\&{_INVISIBLE}\uff01-\uff5e]")
"""Where a skeleton differs from its text: at least one of these is in it."""

_lock = threading.Lock()
_known: tuple[str, ...] = ()


def remember(*secrets: str) -> None:
    """Redact these secrets from every message from now on (for the life of the process)."""
    global _known
    fresh = [s.strip() for s in secrets if len(s.strip()) >= MIN_REDACT_LENGTH]
    with _lock:
        _known = tuple(dict.fromkeys((*_known, *fresh)))


def forget_all() -> None:
    """Forget every remembered secret (tests start clean)."""
    global _known
    with _lock:
        _known = ()


def remembered() -> tuple[str, ...]:
    return _known


@dataclass(frozen=True, slots=True)
class _Matcher:
    """The pieces of a set of secrets, compiled for searching."""

    pieces: re.Pattern[str]
    runs: re.Pattern[str]
    """Runs of the secrets' characters long enough to hold a piece: the only places to look."""
    lowered: tuple[str, ...]
    longest: int

    def tail_in_secret(self, skeleton: str) -> int:
        """The length of the longest end of `skeleton` that occurs in a secret (a suffix of
        an occurrence occurs too, so the first failure ends the search)."""
        lowered = skeleton[-self.longest :].lower()
        found = 0
        while found < len(lowered) and any(lowered[-found - 1 :] in s for s in self.lowered):
            found += 1
        return found


@lru_cache(maxsize=8)
def _matcher(secrets: tuple[str, ...]) -> _Matcher | None:
    fragments: set[str] = set()
    chars: set[str] = set()
    for secret in secrets:
        if len(secret) >= MIN_REDACT_LENGTH:
            piece = min(len(secret), REDACT_PIECE)
            fragments.update(secret[i : i + piece].lower() for i in range(len(secret) - piece + 1))
            chars.update(secret.lower() + secret.upper())
    if not fragments:
        return None
    # every place a fragment starts, overlapping ones too (a lookahead consumes nothing)
    ordered = sorted(fragments, key=len, reverse=True)
    pieces = re.compile("(?=(" + "|".join(map(re.escape, ordered)) + "))", re.IGNORECASE)
    shortest = min(len(f) for f in fragments)
    runs = re.compile(f"[{re.escape(''.join(sorted(chars)))}]{{{shortest},}}")
    lowered = tuple(s.lower() for s in secrets if len(s) >= MIN_REDACT_LENGTH)
    return _Matcher(pieces, runs, lowered, max(len(s) for s in lowered))


def _wanted(secrets: tuple[str, ...]) -> _Matcher | None:
    known = _known
    if secrets:
        known = tuple(dict.fromkeys(s.strip() for s in (*secrets, *known) if s))
    return _matcher(known) if known else None


def redact(text: str, *secrets: str) -> str:
    """`text` with each secret (given here or remembered) replaced by "[redacted]", also in
    another case, cut short (any run of 12 or more of its characters), or with invisible
    characters, escape sequences or fullwidth forms between its characters."""
    matcher = _wanted(secrets)
    if matcher is None or not text:
        return text
    skeleton, starts, origins = _skeleton(text)
    spans: list[tuple[int, int]] = []
    for run in matcher.runs.finditer(skeleton):
        for match in matcher.pieces.finditer(skeleton, run.start(), run.end()):
            first, last = match.start(), match.start() + len(match.group(1)) - 1
            start, end = _origin(first, starts, origins), _origin(last, starts, origins) + 1
            if spans and start <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    if not spans:
        return text
    out: list[str] = []
    kept = 0
    for start, end in spans:
        out += [text[kept:start], REDACTED]
        kept = end
    out.append(text[kept:])
    return "".join(out)


def _skeleton(text: str) -> tuple[str, list[int], list[int]]:
    """The text without what `_SKIP` matches, fullwidth letters made ASCII, and where each
    kept stretch starts in the skeleton (`starts`) and in the text (`origins`)."""
    if _DRESSED.search(text) is None:
        return text, [0], [0]
    starts: list[int] = []
    origins: list[int] = []
    kept: list[str] = []
    length = position = 0
    for skip in _SKIP.finditer(text):
        if skip.start() > position:
            starts.append(length)
            origins.append(position)
            kept.append(text[position : skip.start()])
            length += skip.start() - position
        position = skip.end()
    if position == 0 and not kept:
        skeleton, starts, origins = text, [0], [0]
    else:
        starts.append(length)
        origins.append(position)
        kept.append(text[position:])
        skeleton = "".join(kept)
    if _FULLWIDTH.search(skeleton):
        skeleton = skeleton.translate(_TO_ASCII)
    return skeleton, starts, origins


def _origin(index: int, starts: list[int], origins: list[int]) -> int:
    """Where the skeleton's character `index` is in the text."""
    stretch = bisect.bisect_right(starts, index) - 1
    return origins[stretch] + index - starts[stretch]


class StreamRedactor:
    """Redacts a text that arrives in pieces. The end of a piece that could be the start of a
    key (its longest end that occurs in a secret, and an escape cut off) is held back until
    the next piece shows whether it is, so a key split over several events is still caught;
    ordinary text is held back by a character or two at most."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, text: str) -> str:
        """The part of everything fed so far that can be shown now, redacted."""
        matcher = _wanted(())
        buffer = self._held + text
        if matcher is None:
            self._held = ""
            return buffer
        offset = max(0, len(buffer) - 8 * matcher.longest - 32)
        window = buffer[offset:]
        cut_off = _INCOMPLETE.search(window)
        body = window[: cut_off.start()] if cut_off else window
        skeleton, starts, origins = _skeleton(body)
        held = matcher.tail_in_secret(skeleton)
        cut = offset + (_origin(len(skeleton) - held, starts, origins) if held else len(body))
        self._held = buffer[cut:]
        return redact(buffer[:cut]) if cut else ""

    def flush(self) -> str:
        """What is held back, redacted (the stream is over)."""
        held, self._held = self._held, ""
        return redact(held) if held else ""

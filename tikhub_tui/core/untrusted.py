"""Text from a server, a file or the store, made harmless before it is kept or shown.

Three rules every layer applies at its boundary: text is valid UTF-8 (a lone surrogate from a
JSON escape cannot be written to a terminal, a file or SQLite), text shown on a terminal never
drives it (controls and escape sequences are shown, not obeyed), and JSON from outside is parsed
within bounds of size and depth, with one classified error whatever went wrong.
"""

from __future__ import annotations

import json
import re
from typing import NoReturn

_SURROGATE = re.compile("[\ud800-\udfff]")

_PICTURES: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20) if c not in (9, 10)}
_PICTURES[0x7F] = "\u2421"  # ␡
# C1 controls act like ESC plus a letter (0x9B is CSI): shown as that pair, "␛["
_PICTURES.update({code: "\u241b" + chr(code - 0x40) for code in range(0x80, 0xA0)})
_BIDI = {
    0x202A: "LRE",
    0x202B: "RLE",
    0x202C: "PDF",
    0x202D: "LRO",
    0x202E: "RLO",
    0x2066: "LRI",
    0x2067: "RLI",
    0x2068: "FSI",
    0x2069: "PDI",
}
"""Bidirectional embeddings, overrides and isolates: they reorder what follows on screen."""
_PICTURES.update({code: f"\u27e8{name}\u27e9" for code, name in _BIDI.items()})  # ⟨RLO⟩
_PICTURES.update({code: "\ufffd" for code in range(0xD800, 0xE000)})
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

MAX_JSON_DEPTH = 64
"""Deeper JSON than this is refused: no wire format or export nests anywhere near it."""


def valid_utf8(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD, the rest kept."""
    if _SURROGATE.search(text) is None:
        return text
    return _SURROGATE.sub("\ufffd", text)


def for_terminal(text: str) -> str:
    """`text` made safe to show on a terminal: C0 and C1 controls (except newline and tab)
    become visible pictures (ESC is "␛", so `ESC ] 52 ;` reads "␛]52;"), bidi overrides are
    named instead of obeyed, lone surrogates become U+FFFD; CRLF becomes a newline."""
    if _UNSAFE.search(text) is None:
        return text
    return text.replace("\r\n", "\n").translate(_PICTURES)


class JSONRefused(ValueError):
    """Input that is not JSON, or JSON too big or too deeply nested; the message says which."""


def parse_json(text: str | bytes, *, max_chars: int, what: str = "the text") -> object:
    """JSON from outside, bounded and total: any failure is a JSONRefused naming the reason
    (never a RecursionError, never NaN or Infinity)."""
    if len(text) > max_chars:
        _refuse(f"{what} is larger than {max_chars:,} characters")
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        _refuse(f"{what} nests JSON deeper than {MAX_JSON_DEPTH} levels")
    except json.JSONDecodeError as error:
        _refuse(f"{what} is not JSON ({error.msg} at line {error.lineno}, column {error.colno})")
    except (ValueError, UnicodeDecodeError) as error:  # a huge number, bytes not UTF-8
        _refuse(f"{what} is not JSON ({error})")
    if _deeper_than(value, text, MAX_JSON_DEPTH):
        _refuse(f"{what} nests JSON deeper than {MAX_JSON_DEPTH} levels")
    return value


def _refuse(reason: str) -> NoReturn:
    raise JSONRefused(reason) from None


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def _deeper_than(value: object, text: str | bytes, limit: int) -> bool:
    """Whether `value` nests containers more than `limit` deep (checked without recursion,
    and only when the text has that many openings at all)."""
    opens = text.count("[") + text.count("{") if isinstance(text, str) else (
        text.count(b"[") + text.count(b"{")
    )
    if opens <= limit:
        return False
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False

"""What a person (or a terminal) could read in an output: the judge of every redaction test.

Written apart from the app's own redaction, and more suspicious than it needs to be: escape
sequences (raw or shown as ␛...), escapes written out (\\x.., \\u....), HTML references, and
invisible characters are all taken out, fullwidth letters read as ASCII, case ignored. A key
counts as shown when any 12 of its characters in a row can be read.
"""

from __future__ import annotations

import re
import unicodedata

PIECE = 12

_ESCAPES = re.compile(
    r"(?:\x1b|\u241b)(?:\[[0-?]*[ -/]*[@-~]|\][0-9]*;?|[ -/]*[0-~])?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
    r"|&#?\w{1,31};"
)


def readable(text: str | bytes) -> str:
    """The text as it reads, lowercased, with everything that hides a key taken out."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    text = _ESCAPES.sub("", unicodedata.normalize("NFKC", text))
    kept = (
        c
        for c in text
        if unicodedata.category(c) not in ("Cc", "Cf", "Mn", "Me", "Cs")
        and not "\u2400" <= c <= "\u243f"
        and c not in "\u115f\u1160\u3164\uffa0"
    )
    return "".join(kept).lower()


def shows_key(output: str | bytes, key: str) -> bool:
    """Whether any PIECE characters of `key` in a row can be read in `output`."""
    seen = readable(output)
    lowered = key.lower()
    return any(lowered[i : i + PIECE] in seen for i in range(len(lowered) - PIECE + 1))


def dressed(key: str) -> dict[str, str]:
    """The key as hostile servers echo it."""
    return {
        "plain": key,
        "upper": key.upper(),
        "zero-width": "\u200b".join(key),
        "soft-hyphen": "\u00ad".join(key),
        "bidi": "\u2066".join(key) + "\u202e",
        "escapes": "\x1b[0m".join(key),
        "osc": f"\x1b]0;{key}\x07",
        "fullwidth": "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in key),
        "cut": key[3:-3],
    }

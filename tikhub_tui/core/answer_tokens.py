"""The tokens of an answer as it streams, estimated until the provider counts them.

Tokenizers first cut text into words, numbers, punctuation and runs of white space, and most
such pieces of English and code are one token; so the estimate counts pieces: a word of up to
12 letters is one token, a longer one about a token per four letters less two, digits go in
groups of three, a run of punctuation (up to four, with the newlines after it) is one, so is a
run of newlines or of indentation, and other scripts count by their UTF-8 bytes (a CJK
character is about a token). Counted as pieces rather than characters over four, a word of six
letters is one token, as tokenizers make it; and the count is the same however the text was
split into deltas and network reads (a piece cut at the end of one waits for the next):
rounding each small delta up would make a stream of a word per event read twice its tokens.
"""

from __future__ import annotations

import math
import re
import string
import threading

_PIECES = re.compile(r"[A-Za-z]+|[0-9]{1,3}|[!-/:-@\[-`{-~]{1,4}\n*|\n+|[ \t]{2,}")
_LONG = re.compile(r"\b[A-Za-z]{13,}")
_OTHER = re.compile(r"[^\x00-\x7f]+")
_SPACE, _PUNCTUATION = string.whitespace, string.punctuation


def _ascii_tokens(text: str) -> int:
    pieces = len(_PIECES.findall(text))
    extra = sum(math.ceil(len(word) / 4) - 3 for word in _LONG.findall(text))
    return pieces + extra


def _open_end(text: str) -> int:
    """Where the piece the next text may continue starts (a word, a number, punctuation, or
    white space and the punctuation before it)."""
    last = text[-1]
    if last in _SPACE:
        head = text.rstrip(_SPACE).rstrip(_PUNCTUATION)
    elif last.isascii() and last.isalpha():
        head = text.rstrip(string.ascii_letters)
    elif last in string.digits:
        head = text.rstrip(string.digits)
    elif last in _PUNCTUATION:
        head = text.rstrip(_PUNCTUATION)
    else:
        head = text
    return len(head)


class AnswerTokens:
    """A running estimate of streamed text's tokens: `add` each piece (cheap, from the thread
    that reads the stream), read `value` from any thread (the pieces are counted then, so an
    answer whose provider counts it is never estimated at all)."""

    __slots__ = ("_carry", "_counted", "_lock", "_other_bytes", "_pending")

    def __init__(self, text: str = "") -> None:
        self._counted = 0
        self._other_bytes = 0
        self._carry = ""
        self._pending: list[str] = [text] if text else []
        self._lock = threading.Lock()

    def add(self, text: str) -> None:
        """The next piece of the text."""
        if text:
            with self._lock:
                self._pending.append(text)

    @property
    def value(self) -> int:
        """The estimate of the text so far."""
        with self._lock:
            if self._pending:
                self._count("".join(self._pending))
                self._pending.clear()
            carry = _ascii_tokens(self._carry) if self._carry else 0
            return self._counted + carry + math.ceil(self._other_bytes / 3)

    def _count(self, text: str) -> None:
        if not text.isascii():  # counted by bytes; a NUL still ends the word before it
            plain = len(text.encode("ascii", "ignore"))
            self._other_bytes += len(text.encode("utf-8", "surrogatepass")) - plain
            text = _OTHER.sub("\x00", text)
        text = self._carry + text
        cut = _open_end(text)
        self._counted += _ascii_tokens(text[:cut])
        self._carry = text[cut:]


def estimate_answer(text: str) -> int:
    """The estimate of a whole text (what `AnswerTokens` reaches, given it in any pieces)."""
    return AnswerTokens(text).value

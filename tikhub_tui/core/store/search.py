"""Search over every saved message and session title, with snippets in plain text.

Words go to the word index (accents and case folded, the last word a prefix while typing,
ranked by bm25). Chinese, Japanese, Korean and Thai are written without spaces and the word
index skips emoji and symbols, so a search word holding such a character is a substring
instead, found through a trigram index (the candidates' text checked). Every word must
match; titles match on any part.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from typing import Any

from tikhub_tui.core.store.records import SearchHit, from_iso
from tikhub_tui.core.store.snippets import (
    MATCH_END,
    MATCH_START,
    fence_open_at,
    first_match,
    fold,
    marked_match,
    marked_spans,
    window,
)
from tikhub_tui.core.store.text import display_safe

_NO_SPACES = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1100-\u11ff\u1780-\u17ff\u2e80-\u2fdf\u3000-\u33ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003134f]"
)
"""Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Chinese, Japanese),
and Korean, whose particles join the word before them."""
TRIGRAMS_PER_TERM = 12
"""Trigrams of a long substring looked up in the index; the text check does the rest."""
MAX_STARTS = 400
"""A short substring starting more trigrams than this is common: the newest messages are read
instead (and hold it soon enough)."""

_HIGHLIGHT = f"highlight(messages_fts, 0, char({ord(MATCH_START)}), char({ord(MATCH_END)}))"


@dataclass(frozen=True, slots=True)
class Terms:
    """What a search looks for: words for the word index, substrings for the rest."""

    words: tuple[str, ...]
    substrings: tuple[str, ...]
    prefix: bool
    """The last word matches as the start of a word (live search while typing)."""

    def word_query(self) -> str | None:
        """The words as an FTS5 query: each quoted (operators lose their meaning), all required."""
        if not self.words:
            return None
        terms = [_quoted(word) for word in self.words]
        if self.prefix:
            terms[-1] += "*"
        return " ".join(terms)


def is_substring(word: str) -> bool:
    """Is `word` looked for as a substring (text without spaces, emoji, symbols) or a word?"""
    return (
        _NO_SPACES.search(word) is not None
        or any(unicodedata.category(char)[0] == "S" for char in word)
        or not any(char.isalnum() for char in word)
    )


def parse_terms(text: str, *, prefix: bool = True) -> Terms | None:
    """Split what a user typed into terms; None when nothing is left to look for.

    The last word is a prefix when `prefix` and it has two characters or more (a one-letter
    prefix matches nearly everything, slowly).
    """
    typed = display_safe(text).split()
    if not typed:
        return None
    words = tuple(word for word in typed if not is_substring(word))
    substrings = tuple(dict.fromkeys(word for word in typed if is_substring(word)))
    last_is_word = bool(words) and not is_substring(typed[-1])
    return Terms(words, substrings, prefix and last_is_word and len(words[-1]) >= 2)


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _index_query(conn: sqlite3.Connection, substrings: tuple[str, ...]) -> str | None:
    """An FTS5 query of the trigram index for messages that may hold every substring (their
    text is checked after), None when the index cannot narrow them down, "" when nothing can
    match. A long substring needs some of its trigrams; a short one (one or two characters)
    any trigram that starts with it, looked up in the index's own list of trigrams (every
    text is indexed with two line breaks after it, so one at the very end has some too)."""
    parts: list[str] = []
    for text in substrings:
        if len(text) >= 3:
            own = [text[i : i + 3] for i in range(len(text) - 2)]
            step = max(1, -(-len(own) // TRIGRAMS_PER_TERM))
            parts += [_quoted(gram) for gram in dict.fromkeys([*own[::step], own[-1]])]
            continue
        start = text.lower()
        rows = conn.execute(
            "SELECT term FROM messages_trigram_terms WHERE term >= ? AND term < ? LIMIT ?",
            (start, start + "\U0010ffff", MAX_STARTS + 1),
        ).fetchall()
        if not rows:
            return ""
        if len(rows) <= MAX_STARTS:
            parts.append("(" + " OR ".join(_quoted(row[0]) for row in rows) + ")")
    return " AND ".join(parts) or None


def _caseless(text: str) -> bool:
    return text.lower() == text.upper()


def search(conn: sqlite3.Connection, terms: Terms, limit: int) -> list[SearchHit]:
    """Sessions whose title holds every term (newest first, at most half the hits), then
    messages matching every term (best first, or newest first for substrings only)."""
    conn.create_function("tikhub_contains", 2, _contains, deterministic=True)
    conn.create_function("tikhub_fold", 1, fold, deterministic=True)
    titles = _titles(conn, terms, max(1, limit // 2))
    return titles + _messages(conn, terms, limit - len(titles))


def _contains(text: str | None, lowered: str) -> bool:
    return text is not None and lowered in text.lower()


def _titles(conn: sqlite3.Connection, terms: Terms, limit: int) -> list[SearchHit]:
    needles = [fold(term) for term in (*terms.words, *terms.substrings)]
    checks = " AND ".join("instr(tikhub_fold(title), ?) > 0" for _ in needles)
    rows = conn.execute(
        f"SELECT id, title, updated_at FROM sessions WHERE deleted_at IS NULL AND title != '' "
        f"AND {checks} ORDER BY updated_at DESC LIMIT ?",
        (*needles, limit),
    )
    return [
        SearchHit(r[0], r[1], None, "title", from_iso(r[2]), marked_spans(r[1], needles), 0.0)
        for r in rows
    ]


def _messages(conn: sqlite3.Connection, terms: Terms, limit: int) -> list[SearchHit]:
    if limit <= 0:
        return []
    where: list[str] = []
    params: list[Any] = []
    words = terms.word_query()
    substrings = _index_query(conn, terms.substrings) if terms.substrings else None
    if substrings == "":
        return []
    if words is not None:
        source = "messages_fts JOIN messages m ON m.id = messages_fts.rowid"
        where.append("messages_fts MATCH ?")
        params.append(words)
        if substrings:
            where.append(
                "m.id IN (SELECT rowid FROM messages_trigram WHERE messages_trigram MATCH ?)"
            )
            params.append(substrings)
        columns = f"{_HIGHLIGHT}, bm25(messages_fts)"
        order = "rank"
    elif substrings:
        source = "messages_trigram JOIN messages m ON m.id = messages_trigram.rowid"
        where.append("messages_trigram MATCH ?")
        params.append(substrings)
        columns, order = "m.text, 0.0", "messages_trigram.rowid DESC"
    else:
        source, columns, order = "messages m", "m.text, 0.0", "m.id DESC"
    for text in terms.substrings:
        if len(text) < 3 and _caseless(text):
            where.append("instr(m.text, ?) > 0")
            params.append(text)
        else:
            where.append("tikhub_contains(m.text, ?)")
            params.append(text.lower())
    rows = conn.execute(
        f"""SELECT m.session_id, s.title, m.id, m.role, m.created_at, {columns}
        FROM {source} JOIN sessions s ON s.id = m.session_id
        WHERE s.deleted_at IS NULL AND {" AND ".join(where)}
        ORDER BY {order} LIMIT ?""",
        (*params, limit),
    ).fetchall()
    needles = [fold(text) for text in terms.substrings]
    hits = []
    for row in rows:
        text = row[5]  # highlighted by the word index, or as it is
        match = marked_match(text) if words is not None else first_match(text, terms.substrings)
        raw, start = window(text, match)
        inside = fence_open_at(text, start)  # no marks before the first match: same offsets
        spans = marked_spans(raw, needles, markdown=True, in_fence=inside)
        hits.append(SearchHit(row[0], row[1], row[2], row[3], from_iso(row[4]), spans, row[6]))
    return hits

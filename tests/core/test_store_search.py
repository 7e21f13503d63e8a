"""Full-text search: ranking, snippets with marked matches, and user input that must never raise."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import Span
from tikhub_tui.core.store.text import fts_query, parse_snippet


@pytest.fixture
def store() -> Iterator[Store]:
    opened = Store.open()
    yield opened
    opened.close()


def _session(store: Store, title: str, *texts: str) -> tuple[str, list[int]]:
    sid = store.create_session(title)
    ids = [
        store.add_message(sid, "user" if i % 2 == 0 else "assistant", text)
        for i, text in enumerate(texts)
    ]
    return sid, ids


def test_ranked_best_first_with_session_and_message(store: Store) -> None:
    filler = " ".join(["other words about nothing in particular"] * 30)
    _, (weak,) = _session(store, "Long one", f"{filler} kubernetes {filler}")
    strong_sid, (_, strong) = _session(
        store, "Kube", "how to deploy", "Kubernetes deploys pods; kubernetes restarts pods."
    )
    hits = store.search("kubernetes")
    assert [h.message_id for h in hits] == [strong, weak]
    assert hits[0].session_id == strong_sid and hits[0].title == "Kube"
    assert hits[0].role == "assistant" and hits[0].score < hits[1].score
    assert len(store.search("kubernetes", limit=1)) == 1


def test_snippet_marks_matches_as_spans_of_plain_text(store: Store) -> None:
    text = "First line\nThe \x1b[31mred\x1b[0m fox\tjumps over the lazy dog.\nLast line"
    _session(store, "t", text)
    (hit,) = store.search("fox")
    assert Span("fox", True) in hit.spans
    assert all(
        "\n" not in s.text and "\x1b" not in s.text and "\t" not in s.text for s in hit.spans
    )
    assert "␛[31mred␛[0m fox jumps over the lazy dog." in hit.snippet  # shown, not obeyed
    assert [s.match for s in hit.spans].count(True) == 1


def test_long_messages_get_an_ellipsis_snippet_around_the_match(store: Store) -> None:
    words = [f"word{i}" for i in range(400)]
    words[200] = "needle"
    _session(store, "t", " ".join(words))
    (hit,) = store.search("needle")
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) < 200


def test_all_words_must_match_and_the_last_is_a_prefix(store: Store) -> None:
    _, (both, _) = _session(store, "a", "python generators are lazy", "x")
    _session(store, "b", "python lists are eager")
    assert [h.message_id for h in store.search("python gener")] == [both]
    assert store.search("python gener", prefix=False) == []
    assert [h.message_id for h in store.search("PYTHON Generators")] == [both]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "*",
        "**",
        "AND",
        "OR",
        "NOT",
        "a AND",
        "AND b",
        "-",
        "--x",
        "-x",
        "x -y",
        "NEAR(a b)",
        "text:foo",
        "col:",
        "(",
        ")",
        "(a OR b",
        "^start",
        "a + b",
        "'",
        "\\",
        "\x00",
        "💥",
        "é",
        "  ",
        "",
        '😀 AND "(',
        "%",
        "_",
        "a*b",
        "{x}",
        "[x]",
        ":",
    ],
)
def test_odd_queries_never_raise(store: Store, query: str) -> None:
    _session(store, "t", 'quote " star * dash - and AND or OR (paren) emoji 💥 text:foo')
    assert isinstance(store.search(query), list)


def test_operators_are_plain_words(store: Store) -> None:
    _, (with_and,) = _session(store, "a", "salt and pepper")
    _session(store, "b", "salt or pepper")
    assert [h.message_id for h in store.search("salt AND pepper")] == [with_and]
    assert len(store.search("salt NOT")) == 0
    assert len(store.search("salt -pepper")) == 2  # "-pepper" is the word "pepper"


def test_unicode_text_and_queries(store: Store) -> None:
    _, (cafe, zh, emoji, cyr) = _session(
        store,
        "u",
        "Un café à Paris",
        "你好世界，今天天气很好",
        "party time 🎉 tonight",
        "Привет мир",
    )
    assert [h.message_id for h in store.search("cafe")] == [cafe]  # accents folded
    assert [h.message_id for h in store.search("CAFÉ")] == [cafe]
    assert [h.message_id for h in store.search("你好")] == [zh]  # prefix of a CJK run
    assert [h.message_id for h in store.search("party 🎉")] == [emoji]  # symbols are separators
    assert [h.message_id for h in store.search("привет")] == [cyr]
    assert Span("Привет", True) in store.search("привет")[0].spans


def test_index_follows_streamed_and_edited_text(store: Store) -> None:
    sid, _ = _session(store, "s", "question")
    answer = store.begin_answer(sid, "m", "p")
    with store.answer_writer(answer) as writer:
        writer.append("an ornithopter flies")
        writer.flush()
        assert [h.message_id for h in store.search("ornithopter")] == [answer]
        writer.append(" like a zeppelin")
        writer.finish("complete", "stop")
    assert [h.message_id for h in store.search("ornithopter zeppelin")] == [answer]
    assert store.search("questio")[0].role == "user"


def test_fts_query_quotes_every_word() -> None:
    assert fts_query("") is None and fts_query("  \t ") is None
    assert fts_query('say "hi" now') == '"say" """hi""" "now"*'
    assert fts_query("a AND b", prefix=False) == '"a" "AND" "b"'
    assert fts_query("x") == '"x"' and fts_query("x yz") == '"x" "yz"*'


def test_parse_snippet_splits_marks_and_shows_control_chars() -> None:
    raw = "…a \ue000hit\ue001 and\n\ue000two\ue001\x07…"
    assert parse_snippet(raw) == (
        Span("…a ", False),
        Span("hit", True),
        Span(" and ", False),
        Span("two", True),
        Span("␇…", False),
    )

"""Search: words and substrings (CJK, emoji), titles, plain-text snippets with marked matches,
and user input that must never raise."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import Span
from tikhub_tui.core.store.search import Terms, parse_terms
from tikhub_tui.core.store.snippets import marked_spans, plain_markdown


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
    assert [h.message_id for h in store.search("你好")] == [zh]  # start of a CJK run
    assert [h.message_id for h in store.search("party 🎉")] == [emoji]
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


def test_words_are_quoted_and_text_without_spaces_is_a_substring() -> None:
    assert parse_terms("") is None and parse_terms("  \t ") is None
    assert parse_terms('say "hi" now') == Terms(("say", '"hi"', "now"), (), True)
    assert parse_terms('say "hi" now').word_query() == '"say" """hi""" "now"*'  # type: ignore[union-attr]
    assert parse_terms("a AND b", prefix=False).word_query() == '"a" "AND" "b"'  # type: ignore[union-attr]
    assert parse_terms("x").word_query() == '"x"'  # type: ignore[union-attr]
    assert parse_terms("x yz").word_query() == '"x" "yz"*'  # type: ignore[union-attr]
    for substring in ("天气", "今天天气很好", "お天気", "날씨가", "อากาศ", "🎉", "C++", "$5", "...", "→"):
        assert parse_terms(f"go {substring}") == Terms(("go",), (substring,), False)
    assert parse_terms("🎉 party") == Terms(("party",), ("🎉",), True)


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("你好世界，今天天气很好，我们去公园吧", "天气"),  # two characters: the text is read
        ("你好世界，今天天气很好，我们去公园吧", "天气很好"),  # four: the trigram index
        ("東京は今日とても暑いです", "暑い"),
        ("東京は今日とても暑いです", "とても暑い"),
        ("오늘 날씨가 좋네요", "날씨"),
        ("วันนี้อากาศดีมาก", "อากาศ"),
        ("party time 🎉 tonight", "🎉"),
        ("family: 👨‍👩‍👧 at home", "👨‍👩‍👧"),
        ("I write C++ at work", "c++"),
        ("Ärger über den Bug🐛", "ärger über bug🐛"),
    ],
)
def test_substrings_are_found_inside_text_without_spaces(
    store: Store, text: str, query: str
) -> None:
    _, (wanted, _) = _session(store, "t", text, "something else entirely 天 🎈")
    hits = store.search(query)
    assert [h.message_id for h in hits] == [wanted]
    marked = "".join(s.text for s in hits[0].spans if s.match).lower()
    assert all(part in marked for part in query.lower().split() if not part.isascii())


def test_trigram_candidates_are_checked(store: Store) -> None:
    # every trigram of the query is in the first text, but never the whole query
    _session(store, "t", "今天天X 天天气 天气很 气很好")
    _, (real,) = _session(store, "u", "今天天气很好")
    assert [h.message_id for h in store.search("今天天气很好")] == [real]


def test_substrings_and_words_combine(store: Store) -> None:
    _, (both, zh_only, word_only) = _session(
        store, "t", "Python 的生成器很好用", "生成器", "Python generators"
    )
    assert [h.message_id for h in store.search("python 生成器")] == [both]
    assert {h.message_id for h in store.search("生成器")} == {both, zh_only}
    assert word_only not in {h.message_id for h in store.search("生成")}


def test_titles_are_searched_too(store: Store) -> None:
    sid, (message,) = _session(store, "Kubernetes 部署笔记", "how to roll back a release")
    store.rename_session(sid, "Kubernetes 部署笔记 — Café")
    _session(store, "Other", "kubernetes restarts pods")
    hits = store.search("部署")
    assert [(h.session_id, h.message_id, h.role) for h in hits] == [(sid, None, "title")]
    assert Span("部署", True) in hits[0].spans
    title_hit, message_hit = store.search("kubernetes")
    assert (title_hit.session_id, title_hit.role) == (sid, "title")
    assert message_hit.role == "user" and message_hit.message_id != message
    assert Span("Café", True) in store.search("cafe")[0].spans  # accents folded in titles too
    store.delete_session(sid)
    assert [h.role for h in store.search("kubernetes")] == ["user"]


def test_snippets_are_plain_text_not_markdown(store: Store) -> None:
    answer = (
        "## Deploying **with** `kubectl`\n\n"
        "> Use [the docs](https://example.com/docs) and *read* them.\n\n"
        "| name | kind |\n| --- | --- |\n| web | deployment |\n\n"
        "```yaml\nkind: Deployment\n```\n\n- a __bold__ item with snake_case and 2 * 3\n"
    )
    _session(store, "t", "q", answer)
    (hit,) = store.search("deploying")
    snippet = hit.snippet
    for markup in ("##", "**", "`", "](", "https://", "| ---", "```", "> ", "- a"):
        assert markup not in snippet, markup
    assert snippet.startswith("Deploying with kubectl Use the docs")
    in_table = store.search("deployment")[0].snippet
    assert "web · deployment" in in_table and "|" not in in_table
    assert "a bold item with snake_case and 2 * 3" in store.search("bold")[0].snippet
    assert Span("Deploying", True) in hit.spans
    _session(store, "z", "**加粗** 的 `部署` 文本")
    (zh,) = store.search("部署")
    assert zh.snippet == "加粗 的 部署 文本" and Span("部署", True) in zh.spans


def test_a_snippet_inside_a_long_code_block_keeps_the_code(store: Store) -> None:
    lines = "".join(f"    x{n} = {n}\n" for n in range(80))
    _session(store, "t", f"Intro.\n\n```python\n{lines}    def __init__(self): pass  # needle\n```\n")
    (hit,) = store.search("needle")
    assert "def __init__(self): pass # needle" in hit.snippet
    _session(store, "u", f"```\n{lines}```\n\nAfter the **code**, a haystack.\n")
    (after,) = store.search("haystack")
    assert "the code, a haystack." in after.snippet


def test_plain_markdown_keeps_code_as_it_is() -> None:
    assert plain_markdown("call `__init__` and **go**") == "call __init__ and go"
    assert plain_markdown("```py\ndef __init__(self): **x**\n```") == "def __init__(self): **x**"
    assert plain_markdown("# Title #\n1. first\n- [x] done") == "Title #\nfirst\ndone"
    assert plain_markdown("| a | `b|c` |\n|---|:-:|\n| d | e") == "a · b · c\nd · e"
    assert plain_markdown("a \\*literal\\* star &amp; <b>bold</b>") == "a *literal* star & bold"
    # a window may begin or end inside a link
    assert plain_markdown("docs](https://x.io/a) and [the guide](https://x.io/g") == "docs and the guide"


def test_marked_spans_split_marks_fold_needles_and_drop_control_chars() -> None:
    raw = "…a \ue000hit\ue001 and\n\ue000two\ue001\x07 Café…"
    assert marked_spans(raw, ["cafe"]) == (
        Span("…a ", False),
        Span("hit", True),
        Span(" and ", False),
        Span("two", True),
        Span("␇ ", False),
        Span("Café", True),
        Span("…", False),
    )


def test_one_or_two_characters_are_found_anywhere_even_at_the_very_end(store: Store) -> None:
    _, (end, middle, emoji, alone) = _session(
        store, "t", "我想知道今天天气", "天气预报说今天有雨", "what a party 🎉", "雨"
    )
    assert {h.message_id for h in store.search("天气")} == {end, middle}
    assert [h.message_id for h in store.search("🎉")] == [emoji]
    assert {h.message_id for h in store.search("雨")} == {middle, alone}
    assert store.search("雪") == []


def test_the_trigram_index_follows_edits_and_deletes_exactly(store: Store) -> None:
    sid, _ = _session(store, "t", "question")
    answer = store.begin_answer(sid, "m", "p")
    with store.answer_writer(answer) as writer:
        for piece in ("起初是", "暴风雪", "，后来", "晴天了"):
            writer.append(piece)
            writer.flush()
        writer.finish("complete", "stop")
    assert [h.message_id for h in store.search("暴风雪")] == [answer]
    assert [h.message_id for h in store.search("晴天")] == [answer]
    terms = {row[0] for row in store._conn.execute("SELECT term FROM messages_trigram_terms")}
    assert "起初是" in terms and "晴天了" in terms
    store.delete_session(sid)
    store.clock = lambda: datetime.now(UTC) + timedelta(days=60)
    assert store.purge_deleted() == 1
    left = {row[0] for row in store._conn.execute("SELECT term FROM messages_trigram_terms")}
    assert left == set()  # every trigram of every version of the text is gone

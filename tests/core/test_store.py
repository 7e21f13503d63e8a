"""Session store basics: sessions, the message tree and its paging, branches, soft delete."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import LEAF, Store, default_path, title_from_prompt
from tikhub_tui.core.store.records import AmbiguousSession, NoSuchMessage, NoSuchSession
from tikhub_tui.core.store.schema import SCHEMA_VERSION
from tikhub_tui.core.store.text import ID_ALPHABET, format_age

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class Clock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock: Clock) -> Iterator[Store]:
    opened = Store.open(clock=clock)
    yield opened
    opened.close()


def test_opens_in_the_data_dir_with_wal_and_foreign_keys(isolated_env: Path) -> None:
    with Store.open() as store:
        assert store.path == isolated_env / "data" / "sessions.db" == default_path()
        conn = sqlite3.connect(store.path)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        conn.close()
        assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert store.path.stat().st_mode & 0o777 == 0o600


def test_creates_a_missing_data_dir(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "sessions.db"
    Store.open(path).close()
    assert path.exists()


def test_session_ids_are_short_url_safe_and_unique(store: Store) -> None:
    ids = {store.create_session() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 10 and set(i) <= set(ID_ALPHABET) for i in ids)


def test_title_comes_from_the_first_prompt_unless_given(store: Store) -> None:
    sid = store.create_session()
    store.add_message(sid, "user", "\n  How do   I reverse a list in Python?\nthanks")
    store.add_message(sid, "user", "second prompt does not retitle")
    assert store.get_session(sid).title == "How do I reverse a list in Python?"
    named = store.create_session(title="Mine", system="be brief")
    store.add_message(named, "user", "hello")
    assert store.get_session(named).title == "Mine"
    assert store.get_session(named).system == "be brief"


def test_title_from_prompt_cuts_on_a_word_boundary() -> None:
    long = "Explain the difference between processes and threads in operating systems please"
    title = title_from_prompt(long)
    assert len(title) <= 60 and title.endswith("…")
    assert title == "Explain the difference between processes and threads in…"
    assert title_from_prompt("x" * 100) == "x" * 59 + "…"
    assert title_from_prompt("   \n\n") == ""
    assert title_from_prompt("tab\there \x1b[31mred") == "tab here ␛[31mred"  # shown, not obeyed


def test_list_sessions_most_recent_first_with_counts_and_model(store: Store, clock: Clock) -> None:
    first = store.create_session("first")
    clock.tick()
    second = store.create_session("second")
    clock.tick()
    store.add_message(first, "user", "hi")
    store.add_message(first, "assistant", "hello", model="gpt-4o", provider="openai")
    listed = store.list_sessions()
    assert [s.id for s in listed] == [first, second]
    assert listed[0].message_count == 2 and listed[0].last_model == "gpt-4o"
    assert listed[1].message_count == 0 and listed[1].last_model == ""
    assert listed[0].updated_at == START + timedelta(seconds=2)
    assert [s.id for s in store.list_sessions(limit=1, offset=1)] == [second]
    assert store.latest_session_id() == first


def test_find_session_by_prefix_like_git(store: Store) -> None:
    ids = iter(["abc1234567", "abd1234567", "xyz1234567"])
    store._new_id = lambda: next(ids)
    for title in ("one", "two", "three"):
        store.create_session(title)
    assert store.find_session("x") == "xyz1234567"
    assert store.find_session("ABC") == "abc1234567"
    assert store.find_session(" abd1234567 ") == "abd1234567"
    with pytest.raises(AmbiguousSession) as ambiguous:
        store.find_session("ab")
    assert "abc1234567 (one)" in str(ambiguous.value) and "abd1234567 (two)" in str(ambiguous.value)
    assert len(ambiguous.value.candidates) == 2
    for missing in ("q", "", "%", "ab_", "a'; DROP TABLE sessions; --"):
        with pytest.raises(NoSuchSession):
            store.find_session(missing)


def test_active_path_edit_and_resend_keeps_the_old_branch(store: Store) -> None:
    sid = store.create_session()
    q1 = store.add_message(sid, "user", "q1")
    a1 = store.add_message(sid, "assistant", "a1")
    q2 = store.add_message(sid, "user", "q2")
    a2 = store.add_message(sid, "assistant", "a2")
    assert [m.text for m in store.messages(sid)] == ["q1", "a1", "q2", "a2"]
    assert [m.depth for m in store.messages(sid)] == [0, 1, 2, 3]

    q2b = store.edit_message(q2, "q2 edited")
    a2b = store.add_message(sid, "assistant", "a2 again")
    assert [m.text for m in store.messages(sid)] == ["q1", "a1", "q2 edited", "a2 again"]
    assert store.siblings(q2) == [q2, q2b]
    assert store.get_message(a2).text == "a2"  # the old answer is still there

    assert store.set_leaf(sid, q2, descend=True) == a2
    assert [m.text for m in store.messages(sid)] == ["q1", "a1", "q2", "a2"]
    store.set_leaf(sid, a2b)
    assert store.messages(sid)[-1].id == a2b

    root2 = store.edit_message(q1, "q1 edited")  # editing the first prompt: a new root
    assert store.get_message(root2).parent_id is None
    assert [m.text for m in store.messages(sid)] == ["q1 edited"]
    assert store.siblings(q1) == [q1, root2]
    regenerated = store.begin_answer(sid, "m", "p", parent_id=q1)
    assert [m.id for m in store.messages(sid)] == [q1, regenerated]
    assert store.siblings(a1) == [a1, regenerated]


def test_paging_newest_and_before(store: Store) -> None:
    sid = store.create_session()
    ids = [
        store.add_message(sid, "user" if i % 2 == 0 else "assistant", f"m{i}") for i in range(25)
    ]
    newest = store.messages(sid, limit=10)
    assert [m.id for m in newest] == ids[15:]
    older = store.messages(sid, limit=10, before_id=newest[0].id)
    assert [m.id for m in older] == ids[5:15]
    oldest = store.messages(sid, limit=10, before_id=older[0].id)
    assert [m.id for m in oldest] == ids[:5] and oldest[0].depth == 0
    assert store.messages(sid, limit=10, before_id=ids[0]) == []
    assert store.messages(sid, limit=0) == []
    assert len(store.messages(sid)) == 25
    other = store.create_session()
    with pytest.raises(NoSuchMessage):
        store.messages(other, before_id=ids[3])
    assert store.messages(other) == []


def test_message_fields_round_trip(store: Store, clock: Clock) -> None:
    sid = store.create_session()
    clock.tick(5)
    mid = store.add_message(
        sid,
        "assistant",
        "text",
        reasoning="why",
        model="claude",
        provider="anthropic",
        usage=Usage(12, 34, 5),
        ttft=0.25,
        duration=2.5,
        finish_reason="max_tokens",
        status="error",
        error="overloaded",
    )
    msg = store.get_message(mid)
    assert (msg.role, msg.text, msg.reasoning, msg.model, msg.provider) == (
        "assistant",
        "text",
        "why",
        "claude",
        "anthropic",
    )
    assert msg.usage == Usage(12, 34, 5) and (msg.ttft, msg.duration) == (0.25, 2.5)
    assert (msg.finish_reason, msg.status, msg.error) == ("max_tokens", "error", "overloaded")
    assert msg.created_at == START + timedelta(seconds=5)
    with pytest.raises(ValueError):
        store.add_message(sid, "system", "x")
    with pytest.raises(ValueError):
        store.add_message(sid, "user", "x", status="done")
    with pytest.raises(NoSuchSession):
        store.add_message("nope", "user", "x")
    with pytest.raises(NoSuchMessage):
        store.add_message(store.create_session(), "user", "x", parent_id=mid)


def test_branch_session_copies_the_path(store: Store, clock: Clock) -> None:
    sid = store.create_session("Topic", system="sys")
    q1 = store.add_message(sid, "user", "q1")
    a1 = store.add_message(sid, "assistant", "a1", model="m", usage=Usage(1, 2, 3))
    store.add_message(sid, "user", "q2")
    clock.tick(60)
    copy = store.branch_session(sid, a1)
    assert copy != sid
    session = store.get_session(copy)
    assert (session.title, session.system) == ("Topic (branch)", "sys")
    copied = store.messages(copy)
    assert [m.text for m in copied] == ["q1", "a1"]
    assert copied[1].usage == Usage(1, 2, 3) and copied[1].model == "m"
    assert copied[0].created_at == store.get_message(q1).created_at
    assert {m.id for m in copied}.isdisjoint({q1, a1})
    assert store.get_session(store.branch_session(copy, copied[0].id)).title == "Topic (branch)"
    assert len(store.messages(sid)) == 3  # the source is unchanged


def test_soft_delete_restore_and_purge(store: Store, clock: Clock) -> None:
    keep = store.create_session("keep")
    gone = store.create_session("gone")
    store.add_message(gone, "user", "findme please")
    store.delete_session(gone)
    assert [s.id for s in store.list_sessions()] == [keep]
    assert [s.id for s in store.list_sessions(deleted=True)] == [gone]
    assert store.search("findme") == []
    assert store.latest_session_id() == keep
    with pytest.raises(NoSuchSession):
        store.find_session(gone)
    assert store.find_session(gone, include_deleted=True) == gone
    store.restore_session(gone)
    assert {s.id for s in store.list_sessions()} == {keep, gone}
    assert len(store.search("findme")) == 1

    store.delete_session(gone)
    clock.tick(86400)
    assert store.purge_deleted(timedelta(days=2)) == 0
    clock.tick(86400 * 2)
    assert store.purge_deleted(timedelta(days=2)) == 1
    with pytest.raises(NoSuchSession):
        store.get_session(gone)
    assert store._conn.execute("SELECT count(*) FROM messages").fetchone()[0] == 0
    assert store._conn.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 0
    with pytest.raises(NoSuchSession):
        store.delete_session(gone)


def test_rename_keeps_the_order_and_conversation_for_sending(store: Store, clock: Clock) -> None:
    older = store.create_session()
    clock.tick()
    newer = store.create_session()
    store.rename_session(older, "Renamed")
    assert [s.id for s in store.list_sessions()] == [newer, older]
    store.set_system(older, "be terse")
    store.add_message(older, "user", "q")
    store.begin_answer(older, "m", "p")  # empty, failed answer: not sent again
    store.add_message(older, "user", "q again")
    conversation = store.conversation(older)
    assert conversation.system == "be terse"
    # the prompt that got no answer is left out with it: turns alternate
    assert [(m.role, m.text) for m in conversation.messages] == [("user", "q again")]
    with pytest.raises(NoSuchSession):
        store.rename_session("missing", "x")


def test_leaf_sentinel_and_explicit_root(store: Store) -> None:
    sid = store.create_session()
    first = store.add_message(sid, "user", "a", parent_id=LEAF)
    root = store.add_message(sid, "user", "b", parent_id=None)
    assert store.get_message(root).parent_id is None and store.siblings(first) == [first, root]


def test_format_age() -> None:
    now = START
    assert format_age(now - timedelta(seconds=10), now) == "just now"
    assert format_age(now + timedelta(seconds=10), now) == "just now"
    assert format_age(now - timedelta(minutes=3), now) == "3 min ago"
    assert format_age(now - timedelta(minutes=59, seconds=50), now) == "59 min ago"
    assert format_age(now - timedelta(hours=5), now) == "5 h ago"
    assert format_age(now - timedelta(hours=30), now) == "yesterday"
    assert format_age(now - timedelta(days=4), now) == "4 days ago"
    assert format_age(now - timedelta(days=40), now) == "2025-01-20"

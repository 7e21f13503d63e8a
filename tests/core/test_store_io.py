"""Export and import: the JSON shape scripts rely on, its round trip, and Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import AlreadyImported, InvalidSessionData, to_iso

START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def store() -> Iterator[Store]:
    ticks = iter(range(10_000))
    ids = iter(f"s{n:09d}" for n in range(10_000))
    opened = Store.open(
        clock=lambda: START + timedelta(seconds=next(ticks)), new_id=lambda: next(ids)
    )
    yield opened
    opened.close()


MESSAGE_FIELDS = {
    "role",
    "text",
    "reasoning",
    "model",
    "provider",
    "status",
    "finish_reason",
    "usage",
    "created_at",
}
"""What every message of a JSON export carries, for scripts (`sessions export --format json`)."""


def _conversation(store: Store) -> str:
    sid = store.create_session(system="You are terse.\nAlways cite.")
    store.add_message(sid, "user", "What is **WAL**?")
    store.add_message(
        sid,
        "assistant",
        "Write-ahead logging.",
        reasoning="recall sqlite docs",
        model="gpt-4o",
        provider="openai",
        usage=Usage(10, 5, 2, cache_read_tokens=4, cache_write_tokens=1),
        max_tokens=4096,
        max_tokens_source="setting",
        ttft=0.31,
        duration=1.25,
        finish_reason="stop",
    )
    old = store.add_message(sid, "user", "an earlier question")
    store.edit_message(old, "And FTS5?")
    store.add_message(
        sid,
        "assistant",
        "Full-text search",
        model="claude",
        provider="anthropic",
        status="stopped",
        finish_reason="other",
    )
    store.add_message(sid, "user", "hello?")
    store.add_message(
        sid,
        "assistant",
        "",
        model="gemini",
        provider="gemini",
        status="error",
        error="HTTP 529 overloaded",
    )
    return sid


def test_json_shape_for_scripts(store: Store) -> None:
    sid = _conversation(store)
    data = store.export_json(sid)
    json.dumps(data)  # plain JSON types only
    assert {"id", "title", "created_at", "messages", "leaf", "version"} <= set(data)
    assert data["version"] == 2 and data["origin"] is None
    assert data["title"] == "What is **WAL**?" and data["created_at"] == "2025-03-01T12:00:00.000Z"
    messages: list[dict[str, Any]] = data["messages"]
    assert [m["text"] for m in messages] == [  # every branch: the edited prompt too
        "What is **WAL**?",
        "Write-ahead logging.",
        "an earlier question",
        "And FTS5?",
        "Full-text search",
        "hello?",
        "",
    ]
    ids = [m["id"] for m in messages]
    assert [m["parent"] for m in messages] == [None, ids[0], ids[1], ids[1], ids[3], ids[4], ids[5]]
    assert data["leaf"] == ids[-1] == store.get_session(sid).leaf_id
    assert all(set(m) >= MESSAGE_FIELDS for m in messages)
    assert [m["status"] for m in messages] == [
        "complete",
        "complete",
        "complete",
        "complete",
        "stopped",
        "complete",
        "error",
    ]
    assert messages[1]["usage"] == {
        "input_tokens": 10,
        "output_tokens": 5,
        "reasoning_tokens": 2,
        "cache_read_tokens": 4,
        "cache_write_tokens": 1,
        "estimated": False,
    }
    assert (messages[1]["max_tokens"], messages[1]["max_tokens_source"]) == (4096, "setting")
    assert messages[1]["reasoning"] == "recall sqlite docs" and messages[1]["ttft"] == 0.31
    assert messages[6]["error"] == "HTTP 529 overloaded"
    assert all(m["created_at"].endswith("Z") for m in messages)


def _branched(store: Store) -> str:
    """Thirteen messages: a conversation with an edit-and-resend and a regenerate, the active
    branch in the middle of the tree (as a user who went back to an older answer leaves it)."""
    sid = store.create_session(system="Be brief.")
    ids = []
    for turn in range(4):
        ids.append(store.add_message(sid, "user", f"question {turn}"))
        ids.append(store.add_message(sid, "assistant", f"answer {turn}", model="gpt-4o",
                                     provider="openai", usage=Usage(3, 4, None), ttft=0.5))
    edited = store.edit_message(ids[4], "question 2, asked better")  # a sibling of question 2
    store.add_message(sid, "assistant", "answer 2b", model="claude-x", provider="anthropic",
                      status="stopped", reasoning="thinking it over")
    store.add_message(sid, "user", "question 3b")
    again = store.add_message(sid, "assistant", "answer 3b, regenerated", parent_id=ids[4],
                              model="gemini-2.5-pro", provider="gemini", status="error",
                              error="HTTP 503")
    store.add_message(sid, "user", "follow-up", parent_id=again)
    store.set_leaf(sid, edited, descend=True)
    return sid


def _rows(store: Store, sid: str) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The session's row and its messages' rows as stored, with ids replaced by positions."""
    conn = store._conn
    rows = conn.execute("SELECT * FROM messages WHERE session_id = ? ORDER BY id", (sid,))
    names = [d[0] for d in conn.execute("SELECT * FROM messages LIMIT 0").description]
    messages = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
    position = {m["id"]: index for index, m in enumerate(messages)}
    for m in messages:
        m["id"], m["session_id"] = position[m["id"]], "-"
        m["parent_id"] = None if m["parent_id"] is None else position[m["parent_id"]]
    session = conn.execute(
        "SELECT title, system, created_at, updated_at, leaf_id, deleted_at FROM sessions "
        "WHERE id = ?",
        (sid,),
    ).fetchone()
    return (*session[:4], position[session[4]], session[5]), [tuple(m.values()) for m in messages]


def test_the_whole_tree_round_trips_row_for_row(store: Store, tmp_path: Any) -> None:
    original = _branched(store)
    assert len(store.tree(original)) == 13 and len(store.messages(original)) == 7
    exported = json.loads(json.dumps(store.export_json(original)))
    with Store.open(tmp_path / "other" / "sessions.db") as other:
        copy = other.import_json(exported)
        assert _rows(other, copy) == _rows(store, original)
        assert [m.text for m in other.messages(copy)] == [m.text for m in store.messages(original)]
        again = other.export_json(copy)
    assert again["id"] == copy and again["origin"] == original
    for data in (exported, again):  # the same but for the ids
        position = {m["id"]: n for n, m in enumerate(data["messages"])}
        data["leaf"] = position[data["leaf"]]
        for m in data["messages"]:
            m["id"] = position[m["id"]]
            m["parent"] = None if m["parent"] is None else position[m["parent"]]
        del data["id"], data["origin"]
    assert again == exported


def test_an_imported_session_keeps_its_own_times(store: Store, tmp_path: Any) -> None:
    old = store.export_json(_branched(store))
    with Store.open(tmp_path / "other" / "sessions.db") as other:
        newer = other.create_session("made today")
        other.add_message(newer, "user", "hello")
        imported = other.import_json(old)
        session = other.get_session(imported)
        assert to_iso(session.created_at) == old["created_at"]
        assert to_iso(session.updated_at) == old["updated_at"]
        assert [s.id for s in other.list_sessions()] == [newer, imported]  # not "now"


def test_the_same_file_twice_is_refused_unless_a_copy_is_asked_for(
    store: Store, tmp_path: Any
) -> None:
    original = _branched(store)
    data = store.export_json(original)
    with pytest.raises(AlreadyImported) as here:  # back into the store it came from
        store.import_json(data)
    assert here.value.session_id == original and original in str(here.value)
    with Store.open(tmp_path / "other" / "sessions.db") as other:
        first = other.import_json(data)
        with pytest.raises(AlreadyImported) as twice:
            other.import_json(data)
        assert twice.value.session_id == first and not twice.value.deleted
        other.delete_session(first)
        with pytest.raises(AlreadyImported) as deleted:
            other.import_json(data)
        assert deleted.value.deleted and "sessions restore" in str(deleted.value)
        second = other.import_json(data, copy=True)
        assert second != first and len(other.tree(second)) == 13
        # an export of the import names where it came from: it is the same session still
        with pytest.raises(AlreadyImported):
            store.import_json(other.export_json(second))
    hand_made = {"messages": [{"role": "user", "text": "no ids at all"}]}
    made = store.import_json(hand_made)
    with pytest.raises(AlreadyImported) as same:
        store.import_json(dict(hand_made))
    assert same.value.session_id == made


def test_files_without_a_tree_import_as_one_branch(store: Store) -> None:
    sid = store.import_json(
        {
            "version": 1,
            "messages": [
                {"role": "user", "text": "a"},
                {"role": "assistant", "text": "b"},
                {"id": "x", "parent": None, "role": "user", "text": "another start"},
                {"role": "assistant", "text": "c"},
            ],
            "leaf": "x",
        }
    )
    tree = store.tree(sid)
    assert [m.parent_id for m in tree] == [None, tree[0].id, None, tree[2].id]
    assert [m.depth for m in tree] == [0, 1, 0, 1]
    assert [m.text for m in store.messages(sid)] == ["another start"]


def test_minimal_import_gets_defaults(store: Store) -> None:
    sid = store.import_json(
        {"messages": [{"role": "user", "text": "hi"}, {"role": "assistant", "text": "hello"}]}
    )
    session = store.get_session(sid)
    assert session.title == "" and session.system == ""
    messages = store.messages(sid)
    assert [(m.role, m.text, m.status) for m in messages] == [
        ("user", "hi", "complete"),
        ("assistant", "hello", "complete"),
    ]
    assert messages[1].usage == Usage()
    assert store.import_json({"title": "empty", "messages": []})


@pytest.mark.parametrize(
    ("data", "named"),
    [
        ([], "JSON object"),
        ({"title": "x"}, "messages must be a list"),
        ({"messages": "nope"}, "messages must be a list"),
        ({"messages": [1]}, "messages[0] must be an object"),
        ({"messages": [{"role": "system", "text": "x"}]}, "messages[0].role"),
        ({"messages": [{"role": "user", "text": 5}]}, "messages[0].text must be a string"),
        ({"messages": [{"role": "user", "status": "done"}]}, "messages[0].status"),
        ({"messages": [{"role": "user", "usage": []}]}, "messages[0].usage must be an object"),
        ({"messages": [{"role": "user", "usage": {"input_tokens": -1}}]}, "input_tokens"),
        ({"messages": [{"role": "user", "usage": {"input_tokens": 1.5}}]}, "input_tokens"),
        ({"messages": [{"role": "user", "ttft": "fast"}]}, "messages[0].ttft"),
        ({"messages": [{"role": "user", "ttft": True}]}, "messages[0].ttft"),
        ({"messages": [{"role": "user", "created_at": "yesterday"}]}, "created_at"),
        ({"format": "other.app", "messages": []}, "format"),
        ({"messages": [{"role": "user", "parent": 7}]}, "messages[0].parent is 7"),
        ({"messages": [{"role": "user", "id": 1}, {"role": "user", "id": 1}]}, "used twice"),
        ({"messages": [{"role": "user", "id": True}]}, "messages[0].id"),
        ({"messages": [{"role": "user", "parent": 2, "id": 2}]}, "messages[0].parent"),
        ({"leaf": 3, "messages": [{"role": "user", "id": 1}]}, "leaf is 3"),
    ],
)
def test_invalid_imports_name_the_field_and_write_nothing(
    store: Store, data: object, named: str
) -> None:
    with pytest.raises(InvalidSessionData) as error:
        store.import_json(data)
    assert named in str(error.value)
    assert store.list_sessions() == []


def test_markdown_export(store: Store) -> None:
    text = store.export_markdown(_conversation(store))
    assert text.startswith(
        "# What is **WAL**?\n\n*Session s000000000, started 2025-03-01 12:00 UTC"
    )
    assert "> You are terse.\n> Always cite." in text
    assert "### You · " in text and "### Assistant · gpt-4o (openai) · " in text
    assert "<details><summary>Reasoning</summary>\n\nrecall sqlite docs\n\n</details>" in text
    assert "*10 in / 5 out tokens · first token 0.31 s · 1.2 s*" in text
    assert "*stopped*" in text and "*error: HTTP 529 overloaded*" in text
    assert "*(no text)*" in text and "an earlier question" not in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "### You · 2/2 · " in text  # the edited prompt: the second of two
    assert "6 messages on the branch shown; 1 other branch (`tikhub-tui sessions show" in text


def test_markdown_of_a_session_without_branches_says_nothing_of_them(store: Store) -> None:
    sid = store.create_session()
    store.add_message(sid, "user", "one")
    text = store.export_markdown(sid)
    assert ", 1 message.*" in text and "branch" not in text and "1/1" not in text


def test_markdown_counts_every_other_branch(store: Store) -> None:
    text = store.export_markdown(_branched(store))
    assert "7 messages on the branch shown; 2 other branches" in text
    assert "### You · 2/2 · " in text
    assert "answer 2b" in text and "answer 2\n" not in text

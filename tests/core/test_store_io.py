"""Export and import: the JSON shape scripts rely on, its round trip, and Markdown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import InvalidSessionData

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
    data = store.export_json(_conversation(store))
    json.dumps(data)  # plain JSON types only
    assert {"id", "title", "created_at", "messages"} <= set(data)
    assert data["title"] == "What is **WAL**?" and data["created_at"] == "2025-03-01T12:00:00.000Z"
    messages: list[dict[str, Any]] = data["messages"]
    assert [m["text"] for m in messages] == [
        "What is **WAL**?",
        "Write-ahead logging.",
        "And FTS5?",
        "Full-text search",
        "hello?",
        "",
    ]
    assert all(set(m) >= MESSAGE_FIELDS for m in messages)
    assert [m["status"] for m in messages] == [
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
    assert messages[5]["error"] == "HTTP 529 overloaded"
    assert all(m["created_at"].endswith("Z") for m in messages)


def test_round_trip_equal_except_id_and_updated_at(store: Store) -> None:
    original = _conversation(store)
    first = store.export_json(original)
    new_id = store.import_json(json.loads(json.dumps(first)))
    second = store.export_json(new_id)
    assert new_id != original and second["id"] == new_id
    assert second["updated_at"] > first["updated_at"]
    for data in (first, second):
        del data["id"], data["updated_at"]
    assert second == first
    assert store.list_sessions()[0].id == new_id  # an import counts as activity
    assert {h.session_id for h in store.search("FTS5")} == {original, new_id}


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

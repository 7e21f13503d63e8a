"""`sessions import` takes any file: imported, or refused with a reason (exit 2), never a crash.

A valid export with any field replaced by any JSON value, nested JSON hundreds of thousands
deep, lone surrogates, numbers too big for SQLite, impossible times, bytes that are not UTF-8.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tikhub_tui.cli import main
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | st.text(max_size=10)
    | st.sampled_from(["\ud800", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "user"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=10,
)


def export() -> dict[str, Any]:
    """A real export of a small session (whatever shape the export has)."""
    with Store.open() as store:
        session = store.create_session(title="t", system="s")
        notes = from_bytes(b"a note\n", "notes.txt")
        store.add_message(session, "user", "question", attachments=[notes])
        store.add_message(
            session, "assistant", "answer", model="m", provider="openai", usage=Usage(1, 2, 3),
            ttft=0.5, duration=1.0, reasoning="why",
        )
        data = store.export_json(session)
        store.delete_session(session)
        store.purge_deleted(older_than=__import__("datetime").timedelta(0))
    return data


def leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
    for key, inner in items:
        found += leaves(inner, (*path, key))
    return found


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[path[0]] = replaced(data[path[0]], path[1:], value)
    return copy


def import_file(tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    target = tmp_path / "in.json"
    target.write_bytes(content)
    code = main(["sessions", "import", str(target)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


@settings(max_examples=60)
@given(data=st.data(), value=values)
def test_any_field_of_any_value_is_imported_or_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: st.DataObject, value: Any
) -> None:
    base = export()
    path = data.draw(st.sampled_from(leaves(base)))
    content = json.dumps(replaced(base, path, value), ensure_ascii=True).encode()
    code, err = import_file(tmp_path, content, capsys)
    assert code in (0, 2), err
    with Store.open() as store:  # the store still works, and holds only valid text
        for summary in store.list_sessions():
            for message in store.messages(summary.id):
                message.text.encode("utf-8")
                message.error.encode("utf-8")


@pytest.mark.parametrize(
    "content",
    [
        b"[" * 300_000,
        b'{"messages": ' * 200_000,
        b'{"format": "tikhub-tui.session", "messages": [' + b"[" * 100_000 + b"]}",
        b"\xff\xfe not utf-8",
        b'{"messages": [{"role": "user", "text": "a\\ud800b"}]}',
        b'{"messages": [{"role": "assistant", "usage": {"input_tokens": 1e999}}]}',
        b'{"messages": [{"role": "assistant", "usage": {"input_tokens": 100000000000000000000000}}]}',
        b'{"messages": [{"role": "user", "created_at": "0001-01-01T00:00:00+05:00"}]}',
        b'{"messages": [], "title": NaN}',
        b"",
    ],
    ids=[
        "deep-list", "deep-object", "deep-messages", "not-utf8", "surrogate", "infinity",
        "huge-integer", "overflowing-time", "nan", "empty",
    ],
)
def test_hostile_files_never_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    code, err = import_file(tmp_path, content, capsys)
    assert code in (0, 2), err
    assert len(err) < 2000  # a reason, not the file


def test_a_lone_surrogate_is_imported_as_the_replacement_character(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = b'{"title": "x\\udfff", "messages": [{"role": "user", "text": "a\\ud800b"}]}'
    code, _ = import_file(tmp_path, content, capsys)
    assert code == 0
    with Store.open() as store:
        (summary,) = store.list_sessions()
        assert summary.title == "x\ufffd"
        assert [m.text for m in store.messages(summary.id)] == ["a\ufffdb"]

"""`tikhub-tui sessions ...` as real processes: output for people and scripts, exit codes, errors."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.core.test_store_io import MESSAGE_FIELDS
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store

IDS = ["abc0000001", "abd0000002", "xyz0000003"]


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "sessions", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    return result


@pytest.fixture
def seeded(isolated_env: Path) -> Iterator[Store]:
    """Three sessions with known ids; the newest is xyz0000003."""
    ids = iter(IDS)
    store = Store.open(new_id=lambda: next(ids))
    first = store.create_session()
    store.add_message(first, "user", "How do Python generators work?")
    store.add_message(
        first,
        "assistant",
        "They yield values lazily, one at a time.",
        model="gpt-4o",
        provider="openai",
        usage=Usage(5, 9, None),
        reasoning="explain yield",
        finish_reason="stop",
    )
    second = store.create_session(title="Evil \x1b[2J title")
    store.add_message(second, "user", "Tell me about sqlite WAL mode")
    store.add_message(
        second,
        "assistant",
        "WAL lets readers and a writer work at once.",
        model="claude-sonnet",
        provider="anthropic",
        status="stopped",
    )
    third = store.create_session()
    store.add_message(third, "user", "Bonjour, ça va ?")
    yield store
    store.close()


def test_list_human_and_json(seeded: Store) -> None:
    human = cli("list")
    assert human.returncode == 0
    lines = human.stdout.splitlines()
    assert lines[0].split() == ["ID", "UPDATED", "MSGS", "MODEL", "TITLE"]
    assert [line.split()[0] for line in lines[1:]] == list(reversed(IDS))
    assert lines[1].index("just now") == lines[0].index("UPDATED")  # aligned columns
    assert "\x1b" not in human.stdout and "Evil ␛[2J title" in human.stdout
    assert "gpt-4o" in lines[3] and "How do Python generators work?" in lines[3]

    data = json.loads(cli("list", "--json").stdout)
    assert [row["id"] for row in data] == list(reversed(IDS))
    assert all({"id", "title", "updated_at"} <= set(row) for row in data)
    assert data[2]["message_count"] == 2 and data[2]["last_model"] == "gpt-4o"
    assert data[1]["title"] == "Evil \x1b[2J title"  # JSON keeps the data as is, escaped
    assert [row["id"] for row in json.loads(cli("list", "--json", "--limit", "1").stdout)] == [
        IDS[2]
    ]
    assert cli().stdout == human.stdout  # `sessions` alone lists


def test_list_when_empty_and_bad_limit(isolated_env: Path) -> None:
    assert "No saved sessions yet" in cli("list").stdout
    assert json.loads(cli("list", "--json").stdout) == []
    bad = cli("list", "--limit", "0")
    assert bad.returncode == 2 and "--limit" in bad.stderr


def test_show_by_prefix_and_id_errors(seeded: Store) -> None:
    shown = cli("show", "abc", "--reasoning")
    assert shown.returncode == 0
    out = shown.stdout
    assert out.startswith("How do Python generators work?\nid abc0000001 · ")
    assert "── you · " in out and "── assistant · gpt-4o (openai) · " in out
    assert "  │ explain yield" in out and "They yield values lazily" in out
    assert "explain yield" not in cli("show", "abc0000001").stdout
    assert "· stopped ──" in cli("show", "abd").stdout

    ambiguous = cli("show", "ab")
    assert ambiguous.returncode == 2
    assert "abc0000001" in ambiguous.stderr and "abd0000002" in ambiguous.stderr
    assert "more characters" in ambiguous.stderr
    unknown = cli("show", "qqq")
    assert unknown.returncode == 2 and "'qqq'" in unknown.stderr
    assert "tikhub-tui sessions list" in unknown.stderr
    assert cli("show").returncode == 2  # argparse: the id is required


def test_search_human_and_json(seeded: Store) -> None:
    found = cli("search", "lazily")
    assert found.returncode == 0
    assert found.stdout.splitlines()[0].startswith("abc0000001  ")
    assert "assistant: They yield values lazily, one at a time." in found.stdout
    data = json.loads(cli("search", "--json", "sqlite", "wa").stdout)
    assert [(hit["session_id"], hit["role"]) for hit in data] == [("abd0000002", "user")]
    assert {"text": "WAL", "match": True} in data[0]["spans"]
    assert data[0]["snippet"] == "Tell me about sqlite WAL mode"
    assert cli("search", "nothing-like-this").stdout == "No matches.\n"
    for odd in ('"', "*", "AND", "-", "NEAR(", "ça"):
        assert cli("search", odd).returncode == 0
    assert "Bonjour" in cli("search", "ca").stdout  # accents folded


def test_search_finds_titles_and_text_without_spaces(seeded: Store) -> None:
    with Store.open() as store:
        chinese = store.create_session()
        store.add_message(chinese, "user", "今天天气很好，我们去公园吧 🎉")
        store.rename_session(chinese, "Weather **notes**")
    found = cli("search", "天气")
    assert found.returncode == 0
    assert found.stdout.splitlines()[1] == "    you: 今天天气很好，我们去公园吧 🎉"
    assert "🎉" in cli("search", "🎉").stdout
    data = json.loads(cli("search", "--json", "weather").stdout)
    assert [(hit["session_id"], hit["role"], hit["message_id"]) for hit in data] == [
        (chinese, "title", None)
    ]
    assert {"text": "Weather", "match": True} in data[0]["spans"]


def test_export_import_round_trip(seeded: Store, tmp_path: Path) -> None:
    exported = cli("export", "abc", "--format", "json")
    assert exported.returncode == 0
    data = json.loads(exported.stdout)
    assert {"id", "title", "created_at", "messages"} <= set(data)
    message = data["messages"][1]
    assert set(message) >= MESSAGE_FIELDS
    assert message["status"] == "complete" and message["usage"]["output_tokens"] == 9

    target = tmp_path / "out" / "session.json"
    target.parent.mkdir()
    written = cli("export", "abc0000001", "--format", "json", "-o", str(target))
    assert written.returncode == 0 and written.stdout == "" and str(target) in written.stderr
    refused = cli("import", str(target))  # it came from this store: it is here already
    assert refused.returncode == 2 and refused.stdout == ""
    assert "already in the store as abc0000001" in refused.stderr
    assert f"tikhub-tui sessions import --copy {target}" in refused.stderr
    from_file = cli("import", "--copy", str(target))
    from_stdin = cli("import", "--copy", "-", stdin=target.read_text())
    for result in (from_file, from_stdin):
        assert result.returncode == 0
        new_id = result.stdout.strip()
        again = json.loads(cli("export", new_id, "--format", "json").stdout)
        assert again["id"] == new_id and again["origin"] == "abc0000001"
        assert again["updated_at"] == data["updated_at"]  # an import keeps its own times
        assert [m["text"] for m in again["messages"]] == [m["text"] for m in data["messages"]]
        assert [m["created_at"] for m in again["messages"]] == [
            m["created_at"] for m in data["messages"]
        ]

    markdown = cli("export", "abd")
    assert markdown.stdout.startswith("# Evil")
    assert "### Assistant · claude-sonnet (anthropic)" in markdown.stdout


def test_import_into_another_store_twice(seeded: Store, tmp_path: Path) -> None:
    target = tmp_path / "session.json"
    assert cli("export", "abc", "--format", "json", "-o", str(target)).returncode == 0
    other = {**os.environ, "TIKHUB_TUI_DATA_DIR": str(tmp_path / "elsewhere")}
    first = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "sessions", "import", str(target)],
        capture_output=True, text=True, env=other, timeout=60,
    )
    assert first.returncode == 0 and "imported 'How do Python generators work?'" in first.stderr
    second = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "sessions", "import", str(target)],
        capture_output=True, text=True, env=other, timeout=60,
    )
    new_id = first.stdout.strip()
    assert second.returncode == 2 and f"already in the store as {new_id}" in second.stderr


def test_show_marks_alternatives_and_tree_prints_every_branch(seeded: Store) -> None:
    with Store.open() as store:
        first = store.messages("abc0000001")
        store.edit_message(first[0].id, "How do Python generators REALLY work?")
        store.add_message("abc0000001", "assistant", "With yield.", model="gpt-4o")
        regenerated = store.add_message(
            "abc0000001", "assistant", "Lazily, via the\niterator protocol.", model="o3",
            parent_id=store.messages("abc0000001")[0].id, status="stopped",
        )
        assert regenerated
    shown = cli("show", "abc").stdout
    assert "2 messages; 2 other branches (--tree shows them)" in shown
    assert "── you · 2/2 · " in shown and "── assistant · o3 · 2/2 · " in shown
    tree = cli("show", "abc", "--tree")
    assert tree.returncode == 0
    assert tree.stdout.splitlines()[1].endswith("5 messages in 3 branches")
    assert tree.stdout.split("\n\n")[1].splitlines() == [
        "  ├─ you · 1/2: How do Python generators work?",
        "  │  assistant · gpt-4o: They yield values lazily, one at a time.",
        "* └─ you · 2/2: How do Python generators REALLY work?",
        "     ├─ assistant · gpt-4o · 1/2: With yield.",
        "*    └─ assistant · o3 · 2/2 · stopped: Lazily, via the iterator protocol.",
    ]
    assert "* the active branch" in tree.stdout


def test_import_errors_name_the_problem(isolated_env: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"messages": [{"role": "robot", "text": "x"}]}))
    result = cli("import", str(bad))
    assert result.returncode == 2 and "messages[0].role" in result.stderr
    not_json = cli("import", "-", stdin="{oops")
    assert not_json.returncode == 2 and "not JSON" in not_json.stderr
    missing = cli("import", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and "No such file" in missing.stderr
    assert json.loads(cli("list", "--json").stdout) == []


def test_export_to_an_unwritable_place(seeded: Store, tmp_path: Path) -> None:
    result = cli("export", "abc", "-o", str(tmp_path / "no" / "such" / "dir" / "x.md"))
    assert result.returncode == 1 and "cannot write" in result.stderr and "-o" in result.stderr


def test_delete_restore_rename(seeded: Store) -> None:
    refused = cli("delete", "abc")
    assert refused.returncode == 2 and "--yes" in refused.stderr
    assert len(json.loads(cli("list", "--json").stdout)) == 3
    deleted = cli("delete", "abc", "--yes")
    assert deleted.returncode == 0 and "sessions restore abc0000001" in deleted.stdout
    assert [row["id"] for row in json.loads(cli("list", "--json").stdout)] == [
        "xyz0000003",
        "abd0000002",
    ]
    assert "abc0000001" in cli("list", "--deleted").stdout
    assert cli("search", "lazily").stdout == "No matches.\n"
    assert cli("delete", "abc0000001", "--yes").returncode == 2  # already deleted
    restored = cli("restore", "abc")
    assert restored.returncode == 0 and restored.stdout.startswith("Restored abc0000001 ")
    assert len(json.loads(cli("list", "--json").stdout)) == 3
    again = cli("restore", "abc")  # not deleted (any more): said so, not "Restored"
    assert again.returncode == 2 and again.stdout == ""
    assert "abc0000001" in again.stderr and "is not deleted" in again.stderr
    renamed = cli("rename", "xyz", "Greetings", "in", "French")
    assert renamed.returncode == 0
    assert json.loads(cli("list", "--json").stdout)[0]["title"] == "Greetings in French"


def _on_a_terminal(args: list[str], answer: bytes) -> tuple[int, str]:
    """Run with stdin on a pseudo-terminal and type `answer` at the prompt."""
    leader, follower = pty.openpty()
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "tikhub_tui", "sessions", *args],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.write(leader, answer)
        out, err = child.communicate(timeout=60)
    finally:
        os.close(leader)
        os.close(follower)
    assert "Traceback" not in err
    return child.returncode, out + err


def test_delete_asks_on_a_terminal(seeded: Store) -> None:
    code, output = _on_a_terminal(["delete", "abc"], b"n\n")
    assert code == 1 and "Delete session abc0000001" in output and "Not deleted." in output
    assert len(json.loads(cli("list", "--json").stdout)) == 3
    code, output = _on_a_terminal(["delete", "abc"], b"y\n")
    assert code == 0 and "Deleted abc0000001" in output
    assert len(json.loads(cli("list", "--json").stdout)) == 2


def test_broken_database_exit_1_untouched_then_move_aside(isolated_env: Path) -> None:
    path = isolated_env / "data" / "sessions.db"
    path.write_bytes(b"\x00garbage, not sqlite\xff" * 100)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for args in (["list"], ["list", "--json"], ["show", "abc"], ["search", "x"]):
        result = cli(*args)
        assert result.returncode == 1 and result.stdout == ""
        assert str(path) in result.stderr and "not a SQLite database" in result.stderr
        assert "sessions move-aside" in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert cli("move-aside").returncode == 2  # no terminal and no --yes
    moved = cli("move-aside", "--yes")
    assert moved.returncode == 0 and "Nothing was deleted" in moved.stdout
    (aside,) = (p for p in path.parent.iterdir() if p.name.startswith("sessions.db.broken-"))
    assert hashlib.sha256(aside.read_bytes()).hexdigest() == digest
    assert cli("list").returncode == 0
    assert cli("move-aside", "--yes").returncode == 1  # a healthy store is never moved


def test_an_older_store_is_updated_and_says_so(isolated_env: Path) -> None:
    from tests.core.test_store_schema import _make_v2

    _make_v2(isolated_env / "data" / "sessions.db")
    first = cli("search", "天气很好")
    assert first.returncode == 0 and "updating " in first.stderr and "(once" in first.stderr
    assert first.stdout.count("v2session0") == 2  # the prompt and the answer
    again = cli("search", "天气很好")
    assert again.stderr == "" and again.stdout == first.stdout


def test_newer_schema_exit_1(isolated_env: Path) -> None:
    Store.open().close()
    conn = sqlite3.connect(isolated_env / "data" / "sessions.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    result = cli("list")
    assert result.returncode == 1 and "newer tikhub-tui" in result.stderr
    assert "upgrade tikhub-tui" in result.stderr

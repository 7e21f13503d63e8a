"""Attachments in the JSON export: listed per message, their bytes embedded once by SHA-256,
restored by import (every branch), and checked on import as attaching checks a file."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.attachment_files import pdf, png
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.store import Store, transfer_files
from tikhub_tui.core.store.records import InvalidSessionData

PNG = from_bytes(png(30, 20), "shot.png")
PDF = from_bytes(pdf(2), "report.pdf")
NOTES = from_bytes("naïve notes\n".encode(), "notes.md")


def seeded(store: Store) -> str:
    """A session with files on two prompts, one file twice, and a second branch."""
    session = store.create_session(title="files")
    first = store.add_message(session, "user", "look", attachments=[PNG, PDF])
    store.add_message(session, "assistant", "a chart and a report")
    store.add_message(session, "user", "and these?", attachments=[NOTES, PNG])
    store.add_message(session, "assistant", "notes, and the chart again")
    store.edit_message(first, "look again")  # a branch: the edited prompt keeps its files
    return session


def exported(tmp_path: Path) -> dict[str, Any]:
    with Store.open(tmp_path / "a" / "sessions.db") as store:
        data = store.export_json(seeded(store))
    carried: dict[str, Any] = json.loads(json.dumps(data))  # as a file would carry it
    return carried


def imported(tmp_path: Path, data: object, name: str = "b") -> Store:
    store = Store.open(tmp_path / name / "sessions.db")
    store.import_json(data)
    return store


def test_an_export_embeds_each_file_once_and_imports_it_back(tmp_path: Path) -> None:
    data = exported(tmp_path)
    files = data["files"]
    assert sorted(files) == sorted({PNG.sha256, PDF.sha256, NOTES.sha256})
    for item in (PNG, PDF, NOTES):
        assert base64.b64decode(files[item.sha256]) == item.data
    listed = [[a["name"] for a in m["attachments"]] for m in data["messages"]]
    both = ["shot.png", "report.pdf"]
    assert listed == [both, [], ["notes.md", "shot.png"], [], both]
    assert data["messages"][0]["attachments"][1] == {
        "name": "report.pdf",
        "media_type": "application/pdf",
        "kind": "pdf",
        "size": PDF.size,
        "sha256": PDF.sha256,
        "pages": 2,
        "width": None,
        "height": None,
    }
    with Store.open(tmp_path / "a" / "sessions.db") as before:
        (original,) = before.list_sessions()
        tree_before = before.tree(original.id)
    with imported(tmp_path, data) as store:
        (summary,) = store.list_sessions()
        tree = store.tree(summary.id)
        assert [m.attachments for m in tree] == [m.attachments for m in tree_before]

        # the bytes are back on disk: the conversation sends them again
        def sent() -> list[str]:
            said = store.conversation(summary.id)
            return [
                hashlib.sha256(a.data).hexdigest() for m in said.messages for a in m.attachments
            ]

        assert sent() == [PNG.sha256, PDF.sha256]  # the active branch: the edited prompt
        store.set_leaf(summary.id, tree[0].id, descend=True)
        assert sent() == [PNG.sha256, PDF.sha256, NOTES.sha256, PNG.sha256]


def test_a_session_without_files_exports_as_before_and_older_files_import(tmp_path: Path) -> None:
    with Store.open(tmp_path / "sessions.db") as store:
        session = store.create_session()
        store.add_message(session, "user", "plain")
        data = store.export_json(session)
        assert data["files"] == {} and data["messages"][0]["attachments"] == []
        del data["files"]
        del data["messages"][0]["attachments"]  # an export written before files travelled
        assert store.import_json(data, copy=True)


def _broken(data: dict[str, Any], how: str) -> dict[str, Any]:
    data = copy.deepcopy(data)
    entry = data["messages"][0]["attachments"][0]
    digest = entry["sha256"]
    if how == "not-a-list":
        data["messages"][0]["attachments"] = {"a": 1}
    elif how == "entry-not-object":
        data["messages"][0]["attachments"][0] = "shot.png"
    elif how == "no-name":
        entry["name"] = ""
    elif how == "unknown-hash":
        entry["sha256"] = "0" * 64
    elif how == "files-not-object":
        data["files"] = ["x"]
    elif how == "not-base64":
        data["files"][digest] = "not base64!"
    elif how == "not-a-string":
        data["files"][digest] = 12
    elif how == "other-bytes":
        data["files"][digest] = base64.b64encode(b"other bytes").decode()
    elif how == "not-attachable":  # an executable, its hash made to match
        elf = b"\x7fELF" + bytes(200)
        digest2 = hashlib.sha256(elf).hexdigest()
        entry["sha256"] = digest2
        data["files"][digest2] = base64.b64encode(elf).decode()
    elif how == "on-an-answer":
        data["messages"][1]["attachments"] = [entry]
    return data


@pytest.mark.parametrize(
    ("how", "words"),
    [
        ("not-a-list", "messages[0].attachments must be a list"),
        ("entry-not-object", "messages[0].attachments[0] must be an object"),
        ("no-name", "messages[0].attachments[0].name must be a non-empty string"),
        ("unknown-hash", "messages[0].attachments[0].sha256 does not name a file"),
        ("files-not-object", "files must be an object"),
        ("not-base64", "is not valid base64"),
        ("not-a-string", "must be a base64 string"),
        ("other-bytes", "the bytes in files do not match its sha256"),
        ("not-attachable", "cannot be attached"),
        ("on-an-answer", "messages[1].attachments: only prompts"),
    ],
)
def test_a_hostile_export_is_refused_naming_the_field(tmp_path: Path, how: str, words: str) -> None:
    data = _broken(exported(tmp_path), how)
    with Store.open(tmp_path / "b" / "sessions.db") as store:
        with pytest.raises(InvalidSessionData, match=re.escape(words)):
            store.import_json(data)
        assert store.list_sessions() == []  # nothing half imported
        assert not (tmp_path / "b" / "attachments").exists() or not any(
            (tmp_path / "b" / "attachments").rglob("*.*")
        )


def test_sizes_are_checked_before_decoding_and_each_file_is_decoded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = exported(tmp_path)
    decoded: list[str] = []
    sniff = from_bytes

    def counting(raw: bytes, name: str) -> Any:
        decoded.append(name)
        return sniff(raw, name)

    monkeypatch.setattr(transfer_files, "from_bytes", counting)
    entry = data["messages"][0]["attachments"][0]
    data["messages"][0]["attachments"] = [entry] * 500  # one file named 500 times
    with imported(tmp_path, data, "many") as store:
        (summary,) = store.list_sessions()
        assert len(store.tree(summary.id)[0].attachments) == 500
    assert decoded.count("shot.png") == 1
    monkeypatch.setattr(transfer_files, "MAX_PER_MESSAGE", 100)
    with (
        Store.open(tmp_path / "c" / "sessions.db") as store,
        pytest.raises(InvalidSessionData, match="more than 100 attachments"),
    ):
        store.import_json(data)
    monkeypatch.setattr(transfer_files, "MAX_ENCODED", 16)
    decoded.clear()
    data["messages"][0]["attachments"] = [entry]
    with (
        Store.open(tmp_path / "d" / "sessions.db") as store,
        pytest.raises(InvalidSessionData, match="larger than a file can be attached"),
    ):
        store.import_json(data)
    assert decoded == []

"""Private files are created 0600 whatever the umask, written whole, and leave nothing behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tikhub_tui.core.files import write_private


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The common umask 022, under which a plain open() makes files 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_is_0600_in_a_0700_directory(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "new" / "draft.txt"
    write_private(target, "half a thought")
    assert target.read_text(encoding="utf-8") == "half a thought"
    assert mode(target) == 0o600 and mode(target.parent) == 0o700
    assert sorted(p.name for p in target.parent.iterdir()) == ["draft.txt"]


def test_a_looser_file_is_replaced_by_a_private_one(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "draft.txt"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o644)
    write_private(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓" and mode(target) == 0o600


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "private" / "draft.txt"
    write_private(target, "kept")
    with pytest.raises(UnicodeEncodeError):
        write_private(target, "\ud800")  # a lone surrogate cannot be encoded
    assert target.read_text(encoding="utf-8") == "kept"
    assert [p.name for p in target.parent.iterdir()] == ["draft.txt"]

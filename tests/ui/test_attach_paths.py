"""Paths in the prompt: `@path` words, Tab completion, and a paste that is nothing but paths
(as terminals paste a dropped file: quoted, escaped, or a file:// URI)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tikhub_tui.ui.attach_paths import MAX_PASTED, at_paths, complete, pasted_paths


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (folder / "docs" / "reply.txt").write_text("hi")
    (folder / "my file.png").write_bytes(b"x")
    (folder / ".hidden").write_text("x")
    return folder


def test_at_words_that_name_files_are_found_others_stay_text(root: Path) -> None:
    found = at_paths("see @docs/report.pdf, @nobody and me@example.com or @docs", root)
    assert found == [root / "docs" / "report.pdf"]
    assert at_paths(f"@{root / 'docs' / 'reply.txt'} twice @docs/reply.txt", root) == [
        root / "docs" / "reply.txt"
    ]


def test_tab_completes_as_far_as_the_names_agree(root: Path) -> None:
    assert complete("@d", root) == "@docs/"  # one folder: its slash too
    assert complete("@docs/re", root) == "@docs/rep"  # report.pdf and reply.txt share "rep"
    assert complete("@docs/repo", root) == "@docs/report.pdf"
    assert complete("@.h", root) == "@.hidden"  # hidden names only when asked for
    assert complete("@", root) == "@"  # docs/ and "my file.png": nothing in common
    assert complete("@nothing", root) is None
    assert complete(f"@{root}/do", Path("/")) == f"@{root}/docs/"


@pytest.mark.parametrize(
    "pasted",
    [
        "{root}/my\\ file.png",
        "'{root}/my file.png'",
        '"{root}/my file.png"',
        "file://{root}/my%20file.png",
        "my\\ file.png\n",
    ],
)
def test_a_pasted_path_is_a_file_however_the_terminal_quotes_it(root: Path, pasted: str) -> None:
    assert pasted_paths(pasted.format(root=root), root) == [root / "my file.png"]


def test_a_paste_is_text_unless_every_word_is_a_file(root: Path) -> None:
    assert pasted_paths("docs/report.pdf docs/reply.txt", root) == [
        root / "docs" / "report.pdf",
        root / "docs" / "reply.txt",
    ]
    assert pasted_paths("docs/report.pdf and more", root) == []
    assert pasted_paths("docs", root) == []  # a folder is not a file
    assert pasted_paths("'unclosed", root) == []
    assert pasted_paths(" ".join(["docs/reply.txt"] * (MAX_PASTED + 1)), root) == []
    assert pasted_paths("x" * 100_000, root) == []
    assert pasted_paths("a\x00b", root) == []

"""Finding the code blocks of an answer, and writing one to a file whole or not at all."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tikhub_tui.gateway import answer_text
from tikhub_tui.ui.clipboard import save_error, save_text
from tikhub_tui.ui.screens.code_blocks import CodeBlock, code_blocks, extension, option_prompt


@pytest.fixture
def unwritable_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody may write in: mode 0500, or immutable when the tests run as root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
        yield folder
        folder.chmod(0o700)
        return
    if shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: every folder is writable")
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if made.returncode != 0:
        pytest.skip("running as root on a file system without immutable folders")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_fences_with_and_without_language_and_tildes() -> None:
    answer = (
        "Here:\n\n```python title=demo.py\nprint('hi')\n\nx = [1]\n```\n\nthen\n\n"
        "```\nplain text\n```\n\n~~~bash\necho ```not a fence```\n~~~\n"
    )
    assert code_blocks(answer) == [
        CodeBlock(1, "python", "print('hi')\n\nx = [1]"),
        CodeBlock(2, "", "plain text"),
        CodeBlock(3, "bash", "echo ```not a fence```"),
    ]


def test_fences_nested_in_lists_and_quotes_lose_only_the_container_indent() -> None:
    answer = (
        "1. Install:\n\n   ```sh\n   pip install x\n     --upgrade\n   ```\n"
        "2. Run:\n   - nested\n\n     ```js\n     run();\n     ```\n\n"
        "> quoted\n>\n> ```toml\n> a = 1\n> ```\n"
    )
    blocks = code_blocks(answer)
    assert [(b.language, b.code, b.closed) for b in blocks] == [
        ("sh", "pip install x\n  --upgrade", True),
        ("js", "run();", True),
        ("toml", "a = 1", True),
    ]


def test_indented_code_and_a_longer_fence_around_backticks() -> None:
    answer = "Text\n\n    indented()\n\tline_two\n\nmore\n\n````md\n```py\nx\n```\n````\n"
    blocks = code_blocks(answer)
    assert blocks[0] == CodeBlock(1, "", "indented()\nline_two", fenced=False)
    assert blocks[1] == CodeBlock(2, "md", "```py\nx\n```")


def test_a_fence_left_open_at_the_end_is_still_a_block() -> None:
    blocks = code_blocks("Start\n\n```rust\nfn main() {\n    loop {}\n\n\n")
    assert blocks == [CodeBlock(1, "rust", "fn main() {\n    loop {}", closed=False)]
    # a list item that ends closes its fence without a closing line
    cut = code_blocks("- a\n  ```py\n  x = 1\nafter\n")
    assert [(b.code, b.closed) for b in cut] == [("x = 1", False)]


def test_unicode_crlf_and_empty_blocks() -> None:
    answer = "```Python\r\nprint('grüß 表 😀')\r\n```\r\n\r\n```\n```\n"
    first, empty = code_blocks(answer)
    assert first.code == "print('grüß 表 😀')" and first.language == "Python"
    assert empty.code == "" and empty.line_count == 0 and empty.file_text() == ""
    assert code_blocks("no code here, only `inline` code") == []


def test_a_fence_split_across_stream_deltas_is_text_until_joined() -> None:
    deltas = ["Intro\n\n``", "`py\nprint(1", ")\n`", "``\n"]
    assert code_blocks("".join(deltas)) == [CodeBlock(1, "py", "print(1)")]


def test_long_answers_find_every_block() -> None:
    answer = ("Some *words* and `code` [links](x) " * 40 + "\n\n```py\nx = 1\n```\n\n") * 400
    assert len(code_blocks(answer)) == 400


@pytest.mark.parametrize("n", [1, 5, 10, 499, 500])
def test_the_picker_counts_every_line_of_a_gateway_code_answer(n: int) -> None:
    (block,) = code_blocks(answer_text(f"code: {n}"))
    assert block.line_count == n
    assert f" · {n} line" in option_prompt(block).plain


def test_a_blank_last_line_is_counted_and_kept_in_the_file() -> None:
    (block,) = code_blocks("```py\nx = 1\n\n```\n")
    assert block.code == "x = 1\n" and block.line_count == 2
    assert block.file_text() == "x = 1\n\n"


def test_names_and_file_text() -> None:
    block = CodeBlock(3, "python", "x = 1")
    assert block.what() == "code block 3 (python)"
    assert block.default_name() == "answer-block-3.py"
    assert block.file_text() == "x = 1\n"
    assert CodeBlock(1, "", "a").what() == "code block 1"
    assert [extension(n) for n in ("bash", "TypeScript", "", "console", "nonsense-lang")] == [
        ".sh",
        ".ts",
        ".txt",
        ".txt",
        ".txt",
    ]


def test_save_creates_folders_and_refuses_to_replace(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "er" / "block.py"
    save_text(target, "print('é')\n")
    assert target.read_bytes() == "print('é')\n".encode()
    target.chmod(0o750)
    with pytest.raises(FileExistsError):
        save_text(target, "new\n")
    assert target.read_text() == "print('é')\n"
    save_text(target, "new\r\n", overwrite=True)
    assert target.read_bytes() == b"new\r\n"
    assert target.stat().st_mode & 0o777 == 0o750
    assert sorted(p.name for p in target.parent.iterdir()) == ["block.py"]


def test_a_full_disk_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    target = tmp_path / "out" / "block.py"
    with pytest.raises(OSError) as caught:
        save_text(target, "x\n")
    assert list(target.parent.iterdir()) == []
    assert save_error(target, caught.value).startswith("The disk is full:")


def test_permission_denied_is_reported(unwritable_dir: Path) -> None:
    with pytest.raises(PermissionError) as caught:
        save_text(unwritable_dir / "sub" / "x.py", "x\n")
    assert save_error(unwritable_dir / "x.py", caught.value).startswith("Permission denied")
    assert list(unwritable_dir.iterdir()) == []


def test_error_messages_name_cause_and_fix(tmp_path: Path) -> None:
    path = tmp_path / "x.py"
    denied = PermissionError(errno.EACCES, "Permission denied")
    assert save_error(path, denied) == (
        f"Permission denied: you cannot write {path}. Choose a folder you own."
    )
    assert "read-only" in save_error(path, OSError(errno.EROFS, "Read-only file system"))
    assert "too long" in save_error(path, OSError(errno.ENAMETOOLONG, "File name too long"))
    afile = tmp_path / "afile"
    afile.write_text("")
    with pytest.raises(OSError) as caught:
        save_text(afile / "x.py", "x")
    assert "is a file, not a folder" in save_error(afile / "x.py", caught.value)
    with pytest.raises(IsADirectoryError) as folder:
        save_text(tmp_path, "x")
    assert "is a folder" in save_error(tmp_path, folder.value)

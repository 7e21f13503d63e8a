"""Paths the user gives in the prompt: `@path` words, and a paste that is nothing but paths
(a file dropped on a terminal pastes its path, quoted or escaped as a shell would).

Only names of existing files count; anything else stays text, as typed.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path
from urllib.parse import unquote, urlparse

AT_PATH = re.compile(r"(?<!\S)@(\S+)")
"""`@path` in a prompt: an @ at the start of a word."""
MAX_PASTED = 20
"""A paste of more paths than this is text, not files to attach."""
MAX_PASTE_CHARS = 8192


def _as_path(word: str, root: Path) -> Path | None:
    """The file `word` names (relative to `root`, `~` expanded, a file:// URI), if it is one."""
    if word.startswith("file://"):
        word = unquote(urlparse(word).path)
    try:
        path = Path(word).expanduser()
        path = path if path.is_absolute() else root / path
        return path if path.is_file() else None
    except (OSError, ValueError, RuntimeError):  # a name too long, a NUL, no home directory
        return None


def at_paths(text: str, root: Path) -> list[Path]:
    """The files named `@path` in a prompt (words after an @ that are not files stay text)."""
    found: list[Path] = []
    for match in AT_PATH.finditer(text):
        path = _as_path(match.group(1).rstrip(",.;:!?)"), root)
        if path is not None and path not in found:
            found.append(path)
    return found


def pasted_paths(text: str, root: Path) -> list[Path]:
    """The files a paste names when it is nothing but paths (a file dropped on the terminal
    pastes its path, quoted or escaped as a shell would); [] when it is text."""
    if not text.strip() or len(text) > MAX_PASTE_CHARS:
        return []
    try:
        words = shlex.split(text)
    except ValueError:  # an unmatched quote: text
        return []
    if not words or len(words) > MAX_PASTED:
        return []
    paths = [_as_path(word, root) for word in words]
    return [p for p in paths if p is not None] if all(paths) else []


MAX_LISTED = 2000
"""Entries of one folder looked at when completing (a huge folder completes from its start)."""


def complete(word: str, root: Path) -> str | None:
    """`@path` completed as far as it goes (as a shell completes): the longest start all the
    matching names share, with a `/` after a single folder; None when nothing matches."""
    typed = word.removeprefix("@")
    folder_part, slash, start = typed.rpartition("/")
    prefix = folder_part + slash  # what is kept as typed: `~/docs/`, `/`, or nothing
    try:
        folder = Path(prefix or ".").expanduser()
    except RuntimeError:  # `~` with no home directory
        return None
    base = folder if folder.is_absolute() else root / folder
    try:
        names = []
        with os.scandir(base) as entries:
            for index, entry in enumerate(entries):
                if index >= MAX_LISTED:
                    break
                hidden = entry.name.startswith(".") and not start.startswith(".")
                if entry.name.startswith(start) and not hidden:
                    names.append((entry.name, entry.is_dir()))
    except (OSError, ValueError):
        return None
    if not names:
        return None
    common = os.path.commonprefix([name for name, _ in names])  # noqa: RUF071 (names, not paths)
    if len(names) == 1 and names[0][1]:
        common += "/"
    return "@" + prefix + common

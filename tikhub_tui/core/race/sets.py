"""Saved model sets (`fast`, `frontier`, the same model three ways) and the last set raced.

They live in `race-sets.toml` beside config.toml, a file of their own: remembering the last set
after every race must not rewrite the user's hand-written settings. A broken file or entry is
reported (file, set and what is wrong) and left out, never a crash; writes are atomic.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tikhub_tui.core.files import write_private
from tikhub_tui.core.paths import config_dir
from tikhub_tui.core.race.panes import (
    MAX_PANES,
    MIN_PANES,
    PaneError,
    PaneSpec,
    Resolver,
    pane_from_table,
)

FILE_NAME = "race-sets.toml"
MAX_NAME = 40
MAX_FILE = 1_000_000
"""A sets file bigger than this is not read (no real one comes near)."""


class SetsError(Exception):
    """The sets file cannot be written, or a set cannot be saved; the message says why."""


def sets_file() -> Path:
    return config_dir() / FILE_NAME


@dataclass
class ModelSets:
    """The saved sets by name, and the panes of the last race."""

    sets: dict[str, list[PaneSpec]] = field(default_factory=dict)
    last: list[PaneSpec] = field(default_factory=list)


def check_name(name: str) -> str:
    """A set's name, trimmed; raises SetsError when it cannot be one."""
    name = " ".join(name.split())
    if not name:
        raise SetsError("a set needs a name")
    if len(name) > MAX_NAME or not name.isprintable():
        raise SetsError(f"a set's name is printable text of at most {MAX_NAME} characters")
    return name


def _panes(value: object, where: str, resolve: Resolver) -> list[PaneSpec]:
    if not isinstance(value, list):
        raise PaneError(f"{where}: a list of panes")
    if not MIN_PANES <= len(value) <= MAX_PANES:
        raise PaneError(f"{where}: {MIN_PANES} to {MAX_PANES} panes, not {len(value)}")
    return [pane_from_table(item, f"{where}[{i}]", resolve) for i, item in enumerate(value)]


def load_sets(resolve: Resolver, path: Path | None = None) -> tuple[ModelSets, list[str]]:
    """The saved sets and the problems found reading them (each naming the file and entry)."""
    path = path or sets_file()
    try:
        if path.stat().st_size > MAX_FILE:
            return ModelSets(), [f"{path}: larger than {MAX_FILE:,} bytes, not read"]
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return ModelSets(), []
    except (OSError, UnicodeDecodeError) as error:
        return ModelSets(), [f"{path}: cannot be read ({getattr(error, 'strerror', error)})"]
    except tomllib.TOMLDecodeError as error:
        return ModelSets(), [f"{path}: not valid TOML ({error}); fix or delete it"]
    found = ModelSets()
    problems: list[str] = []
    if "last" in data:
        try:
            found.last = _panes(data["last"], "last", resolve)
        except PaneError as error:
            problems.append(f"{path}: {error}")
    raw_sets = data.get("sets", {})
    if not isinstance(raw_sets, dict):
        return found, [*problems, f"{path}: [sets] must be a table of named sets"]
    for name, panes in raw_sets.items():
        try:
            found.sets[check_name(name)] = _panes(panes, f"sets.{name}", resolve)
        except (PaneError, SetsError) as error:
            problems.append(f"{path}: {error}")
    return found, problems


def to_data(sets: ModelSets) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if sets.last:
        data["last"] = [pane.to_table() for pane in sets.last]
    data["sets"] = {name: [p.to_table() for p in panes] for name, panes in sets.sets.items()}
    return data


def save_sets(sets: ModelSets, path: Path | None = None) -> Path:
    """Write the sets atomically; raises SetsError naming the file and the fix."""
    import tomli_w

    path = path or sets_file()
    text = "# Model sets of tikhub-tui races (the race screen and `tikhub-tui race --set`).\n"
    text += tomli_w.dumps(to_data(sets))
    try:
        write_private(path, text, durable=True)
    except OSError as error:
        raise SetsError(
            f"cannot save {path}: {error.strerror or error}; check the disk space and the "
            "directory's permissions"
        ) from None
    return path

"""No module of the package grows past 400 lines: a module that big has several jobs, and the
seams between them are where it splits (docs/ARCHITECTURE.md lists each module's one job)."""

from __future__ import annotations

from pathlib import Path

import tikhub_tui

LIMIT = 400


def test_no_module_is_over_400_lines() -> None:
    root = Path(tikhub_tui.__file__).parent
    sizes = {
        str(path.relative_to(root)): len(path.read_text(encoding="utf-8").splitlines())
        for path in root.rglob("*.py")
    }
    assert len(sizes) > 100, "the package's modules were found"
    over = {name: lines for name, lines in sizes.items() if lines > LIMIT}
    assert not over, f"split these along their seams: {over}"

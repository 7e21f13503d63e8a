"""Every module of `core` and of the gateway imports in a fresh process without Textual or Rich.

import-linter checks the import statements; this checks what a real import loads (a module
that imports something that imports Textual would pass the first and fail here), as
harlequin does for its headless core.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import tikhub_tui.core
import tikhub_tui.gateway

FORBIDDEN = ("textual", "rich")
CHECK = """
import importlib, sys
importlib.import_module(sys.argv[1])
loaded = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))
print(",".join(loaded))
"""


def modules() -> list[str]:
    found = []
    for package in (tikhub_tui.core, tikhub_tui.gateway):
        found.append(package.__name__)
        prefix = f"{package.__name__}."
        found += [info.name for info in pkgutil.walk_packages(package.__path__, prefix)]
    return found


def loaded_by(module: str) -> tuple[str, str]:
    """What of FORBIDDEN importing `module` alone loads (or the error if it cannot import)."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK, module, *FORBIDDEN],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        return module, f"import failed: {result.stderr.strip().splitlines()[-1]}"
    return module, result.stdout.strip()


def test_every_core_and_gateway_module_loads_no_textual() -> None:
    names = modules()
    assert "tikhub_tui.core.exchange" in names and "tikhub_tui.core.store.shared" in names
    assert "tikhub_tui.gateway.server" in names
    with ThreadPoolExecutor(4) as pool:
        results = dict(pool.map(loaded_by, names))
    offenders = {module: what for module, what in results.items() if what}
    assert offenders == {}

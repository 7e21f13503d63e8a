"""The suite's isolation cannot be undone by a test, and a write to the real dirs fails loudly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

INNER = '''
import pytest
from tests import conftest
from tikhub_tui.core.settings import Settings, save_settings


def test_undo_then_save(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # also undoes the per-test dirs: the session layer must still hold
    save_settings(Settings(base_url="http://127.0.0.1:9"))


def test_write_to_the_real_config_dir() -> None:
    real = conftest._REAL_DIRS[0]
    real.mkdir(parents=True, exist_ok=True)
    (real / "stray.txt").write_text("written by a careless test\\n")
'''


def test_a_test_cannot_reach_the_users_dirs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (tmp_path / "test_inner.py").write_text(INNER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "TIKHUB_TUI_"))}
    env.update(HOME=str(home), PYTHONPATH=str(REPO))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.conftest", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_inner.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode != 0 and "2 passed, 1 error" in out, out
    assert "test_write_to_the_real_config_dir wrote outside its temp dirs" in out, out
    real_config = home / ".config" / "tikhub-tui"
    # the undone test saved its config.toml into the session's temp dir, not the (fake) home
    assert [p.name for p in real_config.iterdir()] == ["stray.txt"]

"""Where tikhub-tui keeps its files; every directory can be moved by an environment variable.

Tests and scripts set `TIKHUB_TUI_CONFIG_DIR` / `TIKHUB_TUI_DATA_DIR` so that nothing ever
touches a real home directory.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tikhub-tui"


def config_dir() -> Path:
    """The directory of `config.toml`, the opt-in key file and user themes."""
    override = os.environ.get("TIKHUB_TUI_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """The directory of `sessions.db`."""
    override = os.environ.get("TIKHUB_TUI_DATA_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


def config_file() -> Path:
    return config_dir() / "config.toml"

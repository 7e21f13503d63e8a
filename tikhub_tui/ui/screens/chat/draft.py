"""The prompt typed but not sent when the app quit, kept in a file for the next start."""

from __future__ import annotations

from tikhub_tui.core.files import write_private
from tikhub_tui.core.paths import data_dir

DRAFT_FILE = "draft.txt"
"""In the data directory: the prompt typed but not sent when the app quit."""


def keep_draft(text: str) -> None:
    """Keep an unsent prompt for the next start, private (0600) like the sessions (or forget
    the old one); never raises."""
    path = data_dir() / DRAFT_FILE
    try:
        if text.strip():
            write_private(path, text)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass  # a full or read-only disk: the draft is lost, as it was before drafts were kept


def kept_draft() -> str:
    """The prompt kept by the last run ("" when there is none or it cannot be read)."""
    try:
        return (data_dir() / DRAFT_FILE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""

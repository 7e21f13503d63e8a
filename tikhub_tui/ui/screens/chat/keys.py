"""The chat screen's keys: its bindings (each with an id for the keymap), and the tables the
help screen shows for the screen and the widgets on it."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from tikhub_tui.ui.screens.help import KeyTable
from tikhub_tui.ui.widgets.attachments import AttachmentChips
from tikhub_tui.ui.widgets.prompt import KEYS as PROMPT_KEYS
from tikhub_tui.ui.widgets.prompt import OWN_BINDINGS as PROMPT_BINDINGS
from tikhub_tui.ui.widgets.sessions import SessionList
from tikhub_tui.ui.widgets.transcript import Transcript

BINDINGS: list[BindingType] = [
    Binding("escape", "cancel", "Stop", id="cancel"),  # in the footer while streaming
    Binding("escape", "back", "Back to the prompt", id="back", show=False),
    Binding("ctrl+r", "regenerate", "Regenerate", id="regenerate"),
    # priority, and skipped when the prompt wants the key (see the actions): Ctrl+E ends
    # the line of a prompt with text, Ctrl+Z undoes typing unless a delete just happened
    Binding(
        "ctrl+e", "edit_prompt", "Edit prompt", id="edit-prompt", show=False, priority=True
    ),
    Binding("ctrl+n", "new_session", "New", id="new-session"),
    Binding("ctrl+f", "search", "Search", id="search"),
    Binding("ctrl+t", "rename_session", "Rename", id="rename-session", show=False),
    Binding(
        "ctrl+z", "undo_delete", "Undo delete", id="undo-delete", show=False, priority=True
    ),
    Binding("ctrl+y", "copy_answer", "Copy answer", id="copy-answer", priority=True),
    Binding("ctrl+k", "copy_code", "Copy code", id="copy-code", show=False, priority=True),
    # not Ctrl+B: tmux's prefix (see ui/terminal_keys.py for every key checked)
    Binding("ctrl+backslash", "toggle_sidebar", "Sidebar", id="toggle-sidebar", show=False),
    Binding("ctrl+g", "toggle_reasoning", "Reasoning", id="toggle-reasoning", show=False),
    Binding(
        "alt+g", "toggle_all_reasoning", "All reasoning", id="toggle-all-reasoning", show=False
    ),
    Binding("ctrl+l", "focus_models", "Models", id="focus-models", show=False),
    Binding("ctrl+o", "focus_sessions", "Sessions", id="focus-sessions"),
    Binding("ctrl+up", "select_messages", "Select messages", id="select-messages", show=False),
    Binding("alt+v", "select_text", "Select text to copy", id="select-text", show=False),
    Binding("ctrl+end", "follow", "Follow", id="follow", show=False),
    Binding("f4", "attach", "Attach", id="attach"),
    Binding("pageup", "page_up", "Page up", id="page-up", show=False, priority=True),
    Binding("pagedown", "page_down", "Page down", id="page-down", show=False, priority=True),
]


def key_tables() -> list[KeyTable]:
    """The keys of the chat screen and of the widgets on it, for the help screen."""
    own = [b for b in SessionList.BINDINGS if isinstance(b, Binding) and b.id]
    return [
        KeyTable("Chat", "chat", BINDINGS),
        KeyTable("Prompt", "prompt", [*PROMPT_KEYS, *PROMPT_BINDINGS]),
        KeyTable(
            "Messages (Ctrl+Up from the prompt, then Up and Down)", "messages", Transcript.BINDINGS
        ),
        KeyTable("Session list (Ctrl+O)", "sessions", own),  # not the keys every list has
        KeyTable(
            "Attached files (Shift+Tab from the prompt)", "attachments", AttachmentChips.BINDINGS
        ),
    ]

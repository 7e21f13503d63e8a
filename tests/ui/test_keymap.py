"""Checking a [keymap]: unknown ids, key names no terminal sends, and clashes are reported."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.keymap import (
    Scope,
    binding_scopes,
    check_keymap,
    key_problem,
    normalize_key,
    usable_keymap,
)

APP = [
    Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    Binding("f1", "help", "Help", id="help"),
    Binding("ctrl+p", "command_palette", "palette", priority=True),
]
CHAT = Scope(
    "the chat screen",
    [
        Binding("escape", "cancel", "Stop", id="cancel"),
        Binding("ctrl+r", "regenerate", "Regenerate", id="regenerate"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="toggle-sidebar"),
        Binding("tab", "app.focus_next", "Focus Next"),
        *APP,
    ],
    {"ctrl+z": "the prompt's Undo", "up": "used by the prompt"},
)
HELP = Scope(
    "the help screen",
    [Binding("escape,f1,q", "dismiss", "Close", id="close-help"), APP[0], APP[2]],
)
SCOPES = [CHAT, HELP]


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("ctrl+g", None),
        ("f13", None),
        ("?", None),
        ("question_mark", None),
        ("ctrl+shift+pageup", None),
        ("alt+space", None),
        ("R", None),
        ("", "an empty key"),
        ("entr", "did you mean `enter`?"),
        ("ctrl+pgup", "did you mean `pageup`?"),
        ("control+g", "write `ctrl`"),
        ("hyperspace+g", "modifiers are alt, ctrl"),
        ("shift+ctrl+g", "write `ctrl+shift+g`"),
        ("ctrl+ctrl+g", "write `ctrl+g`"),
        ("ctrl+G", "write `ctrl+shift+g`"),
        ("ctrl++", "write the + key as `plus`"),
    ],
)
def test_key_names(key: str, problem: str | None) -> None:
    found = key_problem(key)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_single_characters_get_textual_names() -> None:
    assert [normalize_key(k) for k in ["?", "+", "a", " ctrl+g "]] == [
        "question_mark",
        "plus",
        "a",
        "ctrl+g",
    ]


def test_a_good_keymap_has_no_problems_and_is_used_whole() -> None:
    keymap = {"regenerate": "ctrl+g", "help": "f1,question_mark", "close-help": "escape,q"}
    assert check_keymap(keymap, SCOPES) == []
    assert usable_keymap(keymap, SCOPES) == {
        "regenerate": "ctrl+g",
        "help": "f1,question_mark",
        "close-help": "escape,q",
    }


def test_an_unknown_id_is_named_with_a_suggestion() -> None:
    [problem] = check_keymap({"regenrate": "ctrl+g"}, SCOPES)
    assert problem.startswith('regenrate = "ctrl+g": no binding has this id')
    assert "did you mean `regenerate`?" in problem and "Help (F1)" in problem
    assert usable_keymap({"regenrate": "ctrl+g"}, SCOPES) == {}


def test_a_bad_key_name_is_named() -> None:
    [problem] = check_keymap({"regenerate": "ctrl+g,ctrl+entr"}, SCOPES)
    assert problem.startswith('regenerate = "ctrl+g,ctrl+entr": `entr` is not a key name')


def test_a_clash_with_another_binding_names_both() -> None:
    keymap = {"regenerate": "ctrl+b", "cancel": "ctrl+g"}
    [problem] = check_keymap(keymap, SCOPES)
    assert problem == (
        'regenerate = "ctrl+b": on the chat screen ctrl+b is also Sidebar (toggle-sidebar); '
        "choose another key"
    )
    assert usable_keymap(keymap, SCOPES) == {"cancel": "ctrl+g"}


def test_clashes_with_unnamed_and_priority_bindings() -> None:
    problems = check_keymap({"regenerate": "tab", "toggle-sidebar": "ctrl+q"}, SCOPES)
    assert problems == [
        'regenerate = "tab": on the chat screen tab is also Focus Next; choose another key',
        'toggle-sidebar = "ctrl+q": on the chat screen ctrl+q is also Quit (quit); '
        "choose another key",
    ]


def test_two_entries_on_one_key_both_clash() -> None:
    problems = check_keymap({"regenerate": "ctrl+g", "toggle-sidebar": "ctrl+g"}, SCOPES)
    assert len(problems) == 2
    assert "is also Sidebar (toggle-sidebar)" in problems[0]
    assert "is also Regenerate (regenerate)" in problems[1]


def test_swapping_two_keys_is_not_a_clash() -> None:
    keymap = {"regenerate": "ctrl+b", "toggle-sidebar": "ctrl+r"}
    assert check_keymap(keymap, SCOPES) == []


def test_keys_shared_by_design_stay_allowed() -> None:
    """F1 opens help (app) and closes it (help screen): keeping it is no new clash."""
    assert check_keymap({"close-help": "f1,escape"}, SCOPES) == []
    [problem] = check_keymap({"close-help": "ctrl+q"}, SCOPES)
    assert "on the help screen ctrl+q is also Quit (quit)" in problem


def test_keys_a_widget_needs_are_taken() -> None:
    problems = check_keymap({"regenerate": "enter", "cancel": "ctrl+z", "help": "up"}, SCOPES)
    assert problems == [
        'regenerate = "enter": Enter sends the prompt and picks items in lists; choose another key',
        'cancel = "ctrl+z": on the chat screen ctrl+z is the prompt\'s Undo; choose another key',
        'help = "up": on the chat screen up is used by the prompt; choose another key',
    ]
    assert check_keymap({"regenerate": "ctrl+m"}, SCOPES)[0].endswith(
        "Ctrl+M is Enter in most terminals; choose another key"
    )


def test_the_app_scopes_cover_every_screen_and_the_prompt() -> None:
    scopes = {scope.name: scope for scope in binding_scopes(TikhubApp(Settings()))}
    chat = scopes["the chat screen"]
    ids = {b.id for b in chat.bindings}
    assert {"regenerate", "cancel", "copy-answer", "quit", "help", "settings"} <= ids
    assert chat.widget_keys["ctrl+z"] == "the prompt's Undo"
    assert chat.widget_keys["ctrl+j"] == "used by the prompt"
    assert "ctrl+p" in {b.key for b in chat.bindings}, "the palette key counts"
    help_ids = {b.id for b in scopes["the help screen"].bindings}
    assert "close-help" in help_ids and "quit" in help_ids
    assert "help" not in help_ids, "a modal screen hides the app's ordinary bindings"


def test_the_real_app_reports_a_clash_with_the_palette_key() -> None:
    scopes = binding_scopes(TikhubApp(Settings()))
    [problem] = check_keymap({"regenerate": "ctrl+p"}, scopes)
    assert "ctrl+p is also palette" in problem

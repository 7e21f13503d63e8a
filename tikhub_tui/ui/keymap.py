"""User key bindings: the `[keymap]` table of config.toml, checked, then applied by binding id.

Textual's keymap silently drops a binding whose key another one takes, so every entry is
checked first: an unknown id, a key name no terminal sends, or a key that clashes with another
binding (or one a widget needs) is reported by name, and that binding keeps its default key.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, KEY_TO_UNICODE_NAME, Keys

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from tikhub_tui.ui.app import TikhubApp

MODIFIERS = ("alt", "ctrl", "hyper", "meta", "shift", "super")
"""Key modifiers in the (alphabetical) order in which Textual reports them."""
MODIFIER_ALIASES = {"control": "ctrl", "ctl": "ctrl", "cmd": "super", "option": "alt", "opt": "alt"}
NAMED_KEYS = frozenset(
    {k.value.rsplit("+", 1)[-1] for k in Keys if not k.value.startswith("<")}
    | set(KEY_NAME_REPLACEMENTS.values())
    | set(KEY_TO_UNICODE_NAME)
    | {f"f{n}" for n in range(1, 25)}
    | {"space", "plus", "minus", "comma", "full_stop", "question_mark", "semicolon", "colon"}
)
RESERVED = {
    "enter": "Enter sends the prompt and picks items in lists",
    "ctrl+j": "Ctrl+J inserts a newline in the prompt",
    "ctrl+m": "Ctrl+M is Enter in most terminals",
    "ctrl+i": "Ctrl+I is Tab in most terminals",
    "ctrl+h": "Ctrl+H is Backspace in many terminals",
}
"""Keys no binding may take, on any screen, and why."""
TYPING_SCREENS = {"ChatScreen": "the prompt", "RaceScreen": "the prompt"}
"""Screens where a text field usually has the focus: its own keys count as taken."""


@dataclass(frozen=True)
class Scope:
    """The bindings active together on one screen, and the keys its focused widget needs."""

    name: str
    bindings: Sequence[Binding]
    widget_keys: Mapping[str, str] = field(default_factory=dict)
    """Key -> what the widget does with it, e.g. "ctrl+z" -> "the prompt's Undo"."""


def normalize_key(key: str) -> str:
    """The name Textual uses for a key: single characters become names ("?" -> question_mark)."""
    key = key.strip()
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return KEY_NAME_REPLACEMENTS.get(name, name)


def key_problem(key: str) -> str | None:
    """Why a key name can never fire (None if it is fine), with the fix."""
    key = normalize_key(key)
    if not key:
        return "an empty key (a stray comma?)"
    *mods, base = key.split("+")
    if not base or not all(mods):
        return f"`{key}` is not a key; write the + key as `plus`"
    for mod in mods:
        if mod not in MODIFIERS:
            hint = MODIFIER_ALIASES.get(mod.lower())
            fix = f"write `{hint}`" if hint else f"modifiers are {', '.join(MODIFIERS)}"
            return f"`{mod}` in `{key}` is not a modifier; {fix}"
    if len(set(mods)) != len(mods) or mods != sorted(mods):
        return f"write `{'+'.join([*sorted(set(mods)), base])}` (modifiers in this order)"
    if len(base) == 1:
        if mods and base.isupper():
            return f"write `{'+'.join([*sorted({*mods, 'shift'}), base.lower()])}`"
        return None if base.isprintable() else f"`{key}` is not a key"
    if base not in NAMED_KEYS:
        close = difflib.get_close_matches(base.lower(), NAMED_KEYS, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        return f"`{base}` is not a key name{hint}"
    return None


def _keys(keys: str) -> list[str]:
    return [normalize_key(k) for k in keys.split(",")]


def _label(binding: Binding) -> str:
    what = binding.description or binding.action.replace("_", " ")
    return f"{what} ({binding.id})" if binding.id else what


def _review(keymap: Mapping[str, str], scopes: Sequence[Scope]) -> tuple[list[str], dict[str, str]]:
    """Problems with the keymap and the entries that are safe to apply."""
    known = {b.id for scope in scopes for b in scope.bindings if b.id}
    problems: dict[str, str] = {}
    for bid, keys in keymap.items():
        if bid not in known:
            close = difflib.get_close_matches(bid, known, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            problems[bid] = f"no binding has this id; {hint}Help (F1) lists the ids"
        elif bad := [p for k in keys.split(",") if (p := key_problem(k))]:
            problems[bid] = bad[0]
    good = {bid: ",".join(_keys(keys)) for bid, keys in keymap.items() if bid not in problems}
    for scope in scopes:
        for bid, problem in _clashes(good, scope).items():
            problems.setdefault(bid, problem)
    lines = [
        f'{bid} = "{keys}": {problems[bid]}' for bid, keys in keymap.items() if bid in problems
    ]
    return lines, {bid: keys for bid, keys in good.items() if bid not in problems}


def _clashes(good: Mapping[str, str], scope: Scope) -> dict[str, str]:
    """For each remapped binding that clashes in this scope: what it clashes with."""

    def owners(keymap: Mapping[str, str]) -> dict[str, dict[str, Binding]]:
        found: dict[str, dict[str, Binding]] = {}
        for binding in scope.bindings:
            keys = keymap.get(binding.id or "", binding.key)
            for key in _keys(keys):
                found.setdefault(key, {})[binding.id or binding.action] = binding
        return found

    before, after = owners({}), owners(good)
    problems: dict[str, str] = {}
    for key, bound in after.items():
        was = before.get(key, {})
        for name, binding in bound.items():
            if binding.id not in good or name in problems:
                continue
            rivals = [b for other, b in bound.items() if other != name and {name, other} - set(was)]
            if rivals:
                names = " and ".join(_label(b) for b in rivals)
                problems[name] = f"on {scope.name} {key} is also {names}; choose another key"
            elif name in was:
                continue
            elif key in RESERVED:
                problems[name] = f"{RESERVED[key]}; choose another key"
            elif key in scope.widget_keys:
                problems[name] = (
                    f"on {scope.name} {key} is {scope.widget_keys[key]}; choose another key"
                )
    return problems


def check_keymap(keymap: Mapping[str, str], scopes: Sequence[Scope]) -> list[str]:
    """Every problem with a keymap, one line per entry, each naming the entry and the fix."""
    return _review(keymap, scopes)[0]


def usable_keymap(keymap: Mapping[str, str], scopes: Sequence[Scope]) -> dict[str, str]:
    """The entries of a keymap that can be applied without breaking another binding."""
    return _review(keymap, scopes)[1]


def binding_scopes(app: App[Any]) -> list[Scope]:
    """One scope per screen class of the app, with the app's bindings active there."""
    from textual.screen import ModalScreen, Screen

    import tikhub_tui.ui.screens as package
    from tikhub_tui.ui.widgets.prompt import NEWLINE_KEYS, PromptArea

    app_bindings = [b for _, b in app._bindings]
    scopes: list[Scope] = []
    for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
        try:
            module = importlib.import_module(info.name)
        except ImportError:
            continue
        for cls in vars(module).values():
            if not (isinstance(cls, type) and issubclass(cls, Screen)):
                continue
            if cls.__module__ != module.__name__ or cls._merged_bindings is None:
                continue
            modal = issubclass(cls, ModalScreen)
            bindings = [b for _, b in cls._merged_bindings]
            bindings += [b for b in app_bindings if b.priority or not modal]
            widget_keys: dict[str, str] = {}
            if cls.__name__ in TYPING_SCREENS:
                field_name = TYPING_SCREENS[cls.__name__]
                for key, found in PromptArea._merged_bindings or ():
                    widget_keys[key] = f"{field_name}'s {found.description or found.action}"
                for key in ("up", "down", *NEWLINE_KEYS):
                    widget_keys.setdefault(key, f"used by {field_name}")
            scopes.append(Scope(_screen_name(cls.__name__), bindings, widget_keys))
    return scopes


def _screen_name(class_name: str) -> str:
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", class_name.removesuffix("Screen")).lower()
    return f"the {words} screen"


def apply_keymap(app: App[Any], keymap: Mapping[str, str]) -> list[str]:
    """Apply the usable entries of `keymap` with `App.set_keymap`; return the problems."""
    if not keymap:  # the usual case: no need to import every screen to check nothing
        app.set_keymap({})
        return []
    problems, good = _review(keymap, binding_scopes(app))
    app.set_keymap(good)
    return problems


def effective_keys(app: App[Any], binding: Binding) -> str:
    """The keys of a binding after the keymap, as Textual uses them (comma-separated)."""
    return app._keymap.get(binding.id, binding.key) if binding.id else binding.key


def setup_keymap(app: TikhubApp) -> list[str]:
    """Apply the settings' keymap and report its problems in one notification."""
    from tikhub_tui.core.paths import config_file

    problems = apply_keymap(app, app.settings.keymap)
    if problems:
        head = f"In [keymap] of {config_file()} (these keep their default keys):"
        lines = [head, *(f"• {problem}" for problem in problems)]
        app.notify(
            "\n".join(lines), title="Key bindings", severity="warning", timeout=20, markup=False
        )
    return problems


_reported: weakref.WeakKeyDictionary[Any, set[frozenset[tuple[str, str]]]] = (
    weakref.WeakKeyDictionary()
)


def report_bindings_clash(app: App[Any], clashed: Iterable[Binding], node: DOMNode) -> None:
    """Textual's clash hook: say once which bindings lost their key (it runs on every key).

    Textual also reports a binding whose several default keys the keymap narrows to one of
    them (close-help = "escape"), a clash with itself: those are left out.
    """
    mapped = app._keymap
    bindings = sorted(
        (b for b in clashed if b.key not in mapped.get(b.id or "", "").split(",")),
        key=lambda b: (b.key, b.id or b.action),
    )
    seen = _reported.setdefault(app, set())
    marker = frozenset((b.key, b.id or b.action) for b in bindings)
    if not bindings or marker in seen:
        return
    seen.add(marker)
    lost = ", ".join(f"{b.key} ({_label(b)})" for b in bindings)
    app.notify(
        f"The keymap took these keys from other bindings in {type(node).__name__}: {lost}. "
        "Change [keymap] in config.toml so that each key has one binding.",
        title="Key bindings",
        severity="warning",
        timeout=20,
        markup=False,
    )

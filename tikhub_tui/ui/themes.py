"""Colour themes: TOML files validated, turned into Textual themes, registered and remembered.

The bundled themes live in the repository's top-level `themes/` (installed into the wheel as
`tikhub_tui/_themes`); users add or override themes with files in the config dir's `themes/`.
A broken file is skipped and named in one notification, so a typo never stops the app.
"""

from __future__ import annotations

import re
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.color import Color, ColorParseError
from textual.css.styles import Styles
from textual.design import ColorSystem
from textual.theme import Theme

from tikhub_tui.core.paths import config_dir

if TYPE_CHECKING:
    from textual.app import App

    from tikhub_tui.ui.app import TikhubApp

COLOURS = (
    "primary", "secondary", "accent", "warning", "error", "success",
    "foreground", "background", "surface", "panel", "boost",
)  # fmt: skip
"""The base colours of a theme file; Textual derives every other shade from them."""
NUMBERS = {"luminosity_spread": (0.0, 1.0), "text_alpha": (0.0, 1.0)}
KNOWN_KEYS = frozenset({"name", "dark", "variables", *COLOURS, *NUMBERS})
FALLBACK_THEME = "tikhub-dark"
"""Used when the configured theme is unknown; Textual's own default backs it up."""
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,47}")
_VARIABLES = frozenset(ColorSystem("#000000").generate())


class ThemeFileError(Exception):
    """A theme file cannot be used; the message says what is wrong and how to fix it."""


def bundled_theme_dirs() -> list[Traversable]:
    """Where the bundled themes are: the wheel's `_themes`, else a checkout's `themes/`."""
    found: list[Traversable] = []
    packaged = resources.files("tikhub_tui") / "_themes"
    if packaged.is_dir():
        found.append(packaged)
    checkout = Path(__file__).resolve().parents[2] / "themes"
    if not found and checkout.is_dir():
        found.append(checkout)
    return found


def user_theme_dir() -> Path:
    """The directory where users drop their own theme files."""
    return config_dir() / "themes"


def parse_theme(text: str) -> Theme:
    """A Textual theme from the text of a theme file, or `ThemeFileError` saying what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ThemeFileError(f"not valid TOML ({error})") from None
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ThemeFileError(
            f"unknown key `{unknown[0]}`; the keys are name, dark, {', '.join(COLOURS)}, "
            "luminosity_spread, text_alpha and a [variables] table"
        )
    name = data.get("name")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ThemeFileError(
            'needs `name = "my-theme"` (letters, digits, - and _, up to 48 characters)'
        )
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeFileError("`dark` must be true or false")
    if "primary" not in data:
        raise ThemeFileError('needs at least `primary = "#rrggbb"`')
    colours = {key: _colour(key, data[key]) for key in COLOURS if key in data}
    numbers = {key: _number(key, data[key]) for key in NUMBERS if key in data}
    variables = _variables(data.get("variables", {}))
    return Theme(name=name, dark=dark, variables=variables, **colours, **numbers)  # type: ignore[arg-type]


def _colour(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeFileError(f'`{key}` must be a colour in quotes, e.g. "#5AA9FF"')
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeFileError(
            f"`{key} = {value!r}` is not a colour; use #rrggbb, rgb(r, g, b) or a colour name"
        ) from None
    return value


def _number(key: str, value: Any) -> float:
    low, high = NUMBERS[key]
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ThemeFileError(f"`{key}` must be a number from {low:g} to {high:g}")
    return float(value)


def _variables(table: Any) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ThemeFileError('[variables] must be a table of names to values, e.g. border = "red"')
    variables: dict[str, str] = {}
    for key, value in table.items():
        if key not in _VARIABLES:
            raise ThemeFileError(f"[variables] has unknown variable `{key}`; check the spelling")
        if not isinstance(value, str):
            raise ThemeFileError(f"[variables] `{key}` must be a string in quotes")
        prop = "text-style" if key.endswith("style") else "color"
        try:
            Styles.parse(f"{prop}: {value};", ("theme", ""))
        except Exception:  # Textual raises several declaration error types
            kind = "a text style such as bold" if prop == "text-style" else "a colour"
            raise ThemeFileError(f"[variables] `{key} = {value!r}` is not {kind}") from None
        variables[key] = value
    return variables


def load_themes(
    extra_dirs: Sequence[Path | Traversable] | None = None,
) -> tuple[list[Theme], list[str]]:
    """The bundled themes, then those in `extra_dirs` (default: the user's), and the problems.

    A later theme with the same name replaces an earlier one, so users can override a bundled
    theme; a problem names the file and the fix.
    """
    dirs: list[Path | Traversable] = [*bundled_theme_dirs()]
    dirs += [user_theme_dir()] if extra_dirs is None else list(extra_dirs)
    themes: dict[str, Theme] = {}
    origins: dict[str, str] = {}
    problems: list[str] = []
    for directory in dirs:
        for file in _theme_files(directory):
            where = str(file)
            try:
                theme = parse_theme(file.read_text(encoding="utf-8"))
            except (ThemeFileError, UnicodeDecodeError, OSError) as error:
                problems.append(f"{where}: {_reason(error)}")
                continue
            if theme.name in origins and Path(origins[theme.name]).parent == Path(where).parent:
                problems.append(
                    f"{where}: the name {theme.name!r} is also used by {origins[theme.name]}; "
                    "rename one of them"
                )
            themes[theme.name] = theme
            origins[theme.name] = where
    return list(themes.values()), problems


def _theme_files(directory: Path | Traversable) -> list[Traversable]:
    try:
        if not directory.is_dir():
            return []
        entries = list(directory.iterdir())
    except OSError:
        return []
    return sorted((e for e in entries if e.name.endswith(".toml")), key=lambda e: e.name)


def _reason(error: Exception) -> str:
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text; save it as UTF-8"
    if isinstance(error, OSError):
        return f"cannot be read ({error.strerror or error})"
    return str(error)


def register_themes(app: App[Any], extra_dirs: Sequence[Path] | None = None) -> list[str]:
    """Register every good theme file with the app; return the problems with the others."""
    themes, problems = load_themes(extra_dirs)
    for theme in themes:
        app.register_theme(theme)
    return problems


def apply_theme(app: App[Any], name: str) -> str | None:
    """Make `name` the app's theme; if it is unknown, fall back and return a notice saying so."""
    if name in app.available_themes:
        app.theme = name
        return None
    fallback = FALLBACK_THEME if FALLBACK_THEME in app.available_themes else "textual-dark"
    app.theme = fallback
    return (
        f"There is no theme named {name!r}, so {fallback!r} is used. Pick one with Ctrl+P → "
        f"Theme, or add {name}.toml to {user_theme_dir()}."
    )


def report(app: App[Any], title: str, problems: Iterable[str]) -> None:
    """Show problems in one notification (markup off: file names may contain brackets)."""
    lines = list(problems)
    if lines:
        text = "\n".join(f"• {line}" for line in lines)
        app.notify(text, title=title, severity="warning", timeout=20, markup=False)


class ThemeSaver:
    """Writes the chosen theme into `config.toml` from a worker thread, latest choice last.

    Saving re-reads the file and changes only `theme`, so command-line overrides held in the
    app's settings are never written, and a broken file is left for the user to fix. Themes
    previewed on the settings screen are not saved here: that screen saves its own choice.
    """

    def __init__(self, app: TikhubApp, previewing: Callable[[], bool]) -> None:
        self.app = app
        self.previewing = previewing
        """True while a screen shows themes as a preview (Settings saves its own choice)."""
        self.current = app.theme
        """The theme in use; the fallback applied at start is not a choice to save."""
        self._lock = threading.Lock()
        self._wanted: str | None = None

    def on_theme_changed(self, theme: Theme) -> None:
        """Signal callback: save a theme chosen from the palette (or any other live switch)."""
        name = theme.name
        if name == self.current:  # e.g. the theme applied at start, announced late
            return
        self.current = name
        if name == self.app.settings.theme or self.previewing():
            return
        self._wanted = self.app.settings.theme = name
        self.app.run_worker(self.save, thread=True, group="save-theme", exit_on_error=False)

    def save(self) -> None:
        """Write the latest wanted theme (worker thread); warn in the app if it cannot."""
        from tikhub_tui.core.settings import SettingsError, load_settings, save_settings

        with self._lock:
            name = self._wanted
            try:
                stored, _ = load_settings()
                if name is None or stored.theme == name:
                    return
                stored.theme = name
                save_settings(stored)
            except SettingsError as error:
                self.app.call_from_thread(
                    self.app.notify,
                    f"The theme {name!r} is in use but was not saved: {error}",
                    severity="warning",
                    timeout=15,
                    markup=False,
                )


def setup_themes(app: TikhubApp, previewing: Callable[[], bool]) -> ThemeSaver:
    """At start: register the theme files, apply the configured theme, save later changes
    (not those `previewing` says are a preview)."""
    problems = register_themes(app)
    notice = apply_theme(app, app.settings.theme)
    report(app, "Theme files skipped", problems)
    if notice:
        app.notify(notice, severity="warning", timeout=15, markup=False)
    saver = ThemeSaver(app, previewing)
    app.theme_changed_signal.subscribe(app, saver.on_theme_changed)
    return saver

"""What the settings screen's thread workers do: save the key and config.toml, read config.toml.

No widget is touched here (nor Textual imported); the screen posts the results as messages
and shows them. Every
failure becomes a message for the person (never a traceback), and the key never appears in it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass

from tikhub_tui.core.secrets import KeyStoreError, mask, redact
from tikhub_tui.core.settings import Settings, SettingsError, load_settings, save_settings
from tikhub_tui.ui.screens.settings.form import FormValues
from tikhub_tui.ui.screens.settings.key import Destination, store_key

FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "base_url": ("base_url",),
    "provider": ("provider", "model"),
    "model": ("provider", "model"),
    "theme": ("theme",),
    "connect_timeout": ("connect_timeout",),
    "read_timeout": ("read_timeout",),
    "max_tokens": ("max_tokens",),
    "system_prompt": ("system_prompt",),
    "extra": ("models",),
}
"""Each field of the form and the settings it writes (a model goes with its provider)."""


def changed_settings(values: FormValues, baseline: FormValues) -> frozenset[str]:
    """The settings the user changed in the form: only these are written to config.toml, so
    a one-off `-m` model or a value set elsewhere is never saved as a side effect."""
    return frozenset(
        name
        for form_field, names in FORM_FIELDS.items()
        if getattr(values, form_field) != getattr(baseline, form_field)
        for name in names
    )


def on_disk_with(new: Settings, changed: Collection[str]) -> Settings:
    """config.toml's own settings (the defaults when it is missing) with the `changed` ones
    taken from `new`; all of `new` when the file is broken (the form shows what is in use)."""
    try:
        saved, _ = load_settings()
    except SettingsError:  # saving writes a good file
        return new
    return dataclasses.replace(saved, **{name: getattr(new, name) for name in changed})


@dataclass(frozen=True)
class SaveOutcome:
    """What a save stored and where, or why it stopped."""

    settings: Settings
    path: str = ""
    """config.toml, when it was written."""
    key_where: str = ""
    """Where the key went, in words, when one was saved."""
    key_masked: str = ""
    key_error: str = ""
    """Why the key could not be stored (then nothing was saved)."""
    error: str = ""
    """Why config.toml could not be written."""


def save_everything(
    new: Settings, key: str, destination: Destination, changed: Collection[str]
) -> SaveOutcome:
    """Store the key (if one was typed), then write the `changed` settings into config.toml
    atomically; never raises.

    The key goes first: when it cannot be stored, nothing is saved and the screen says why.
    """
    where = masked = ""
    try:
        if key:
            try:
                where, masked = store_key(key, destination), mask(key)
            except KeyStoreError as error:
                return SaveOutcome(new, key_error=error.message)
        path = save_settings(on_disk_with(new, changed))
    except SettingsError as error:
        return SaveOutcome(new, key_where=where, key_masked=masked, error=str(error))
    except Exception as error:  # reported on the screen, never raised at the user
        message = redact(f"saving failed ({type(error).__name__}: {error})", key)
        return SaveOutcome(new, key_where=where, key_masked=masked, error=message)
    return SaveOutcome(new, path=str(path), key_where=where, key_masked=masked)


def config_problems() -> list[str]:
    """Why config.toml cannot be used as it is (file and line), or the keys saving will drop."""
    try:
        _, warnings = load_settings()
    except SettingsError as error:
        return [
            f"{error}. The values below are the ones in use (the defaults); Save (Ctrl+S) "
            "writes a good file."
        ]
    return [f"{warning}; saving removes it" for warning in warnings]

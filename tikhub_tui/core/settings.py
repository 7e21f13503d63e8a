"""Settings in `config.toml`: read with tomllib, written atomically with tomli-w.

One typed class with a docstring per field. A broken file is reported with its path and line
(never a crash), unknown keys are reported and kept out, and the API key never lives here.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tikhub_tui.core.files import write_private
from tikhub_tui.core.paths import config_file

DEFAULT_BASE_URL = "https://ai.tikhub.io"


class SettingsError(Exception):
    """The settings file cannot be read or written; the message names the file and the fix."""


@dataclass
class Settings:
    """Everything a user can set; the defaults are what a fresh install uses."""

    base_url: str = DEFAULT_BASE_URL
    """The gateway's root URL; the protocol paths are joined onto it."""
    provider: str = "openai"
    """The provider of the default model."""
    model: str = "gpt-5"
    """The model a new conversation starts with."""
    max_tokens: int | None = None
    """The most tokens an answer may have; None: as many as the model can write (its output
    limit in the catalogue)."""
    system_prompt: str = ""
    """Sent as the system prompt with every conversation (empty: none)."""
    theme: str = "tikhub-dark"
    """The name of the colour theme."""
    connect_timeout: float = 10.0
    """Seconds to wait for a connection."""
    read_timeout: float = 120.0
    """Seconds to wait for new text once an answer has begun (keep-alive bytes do not count)."""
    first_token_timeout: float = 300.0
    """Seconds to wait for the first text or reasoning of an answer (a model may think long)."""
    total_timeout: float = 0.0
    """Seconds an answer may take in all; 0 means no limit."""
    max_event_mb: float = 16.0
    """The largest single event of a stream, in MB; a larger one stops the stream."""
    max_answer_mb: float = 8.0
    """The longest answer (text and reasoning), in millions of characters; the rest is cut."""
    max_retries: int = 4
    """How often a 429/502/503/504/529 is retried before any text arrived."""
    max_retry_wait: float = 30.0
    """Seconds spent waiting between retries, in all."""
    models: dict[str, list[str]] = field(default_factory=dict)
    """Extra model names per provider, added to the built-in catalogue."""
    keymap: dict[str, str] = field(default_factory=dict)
    """Key bindings by binding id, e.g. `regenerate = "ctrl+g"` (F1 lists the ids)."""
    price_factor: float = 1.0
    """Every shipped list price is multiplied by this (a gateway's discount or markup)."""
    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per model: prices (per million tokens), context window and output limit, over or
    beside the shipped catalogue, e.g. `[catalogue."gpt-5"] input = 1.0`."""
    cursor_blink: bool = True
    """The cursor blinks in the prompt and the text fields."""
    show_timings: bool = True
    """Timings under each answer: time to first token, tokens per second, duration."""
    race_blind: bool = False
    """Races run blind: panes labelled A–F in a random order, the models named after the vote."""
    judge_model: str = ""
    """The model that judges a race's answers (empty: the default model)."""
    judge_provider: str = ""
    """The judge model's provider (empty: the default model's)."""
    judge_mode: str = "score"
    """What the judge writes: score, fuse or differences."""
    reading_width: int = 100
    """The widest the transcript's text runs, in columns (0: the whole terminal): long lines
    are hard to read on a wide terminal."""
    reading_align: str = "center"
    """Where that column sits on a wider terminal: "center" or "left"."""


_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "int | None": (int,),
    "float": (int, float),
    "bool": (bool,),
}
_SCALARS = {
    f.name: _TYPES[str(f.type)] for f in dataclasses.fields(Settings) if str(f.type) in _TYPES
}


def load_settings(path: Path | None = None) -> tuple[Settings, list[str]]:
    """The settings in the file (defaults if it does not exist) and warnings about odd keys."""
    path = path or config_file()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings(), []
    except PermissionError:
        raise SettingsError(
            f"cannot read {path}: permission denied. Fix: make it yours and readable "
            f"(chmod 600 {path}), or remove it to start from the defaults"
        ) from None
    except OSError as error:
        raise SettingsError(
            f"cannot read {path}: {error.strerror or error}. Fix: check the file, or remove it "
            "to start from the defaults"
        ) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{path} is not UTF-8 text; fix or delete the file") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: {error}; fix the file or delete it to start afresh") from None
    return from_dict(data, path)


def from_dict(data: dict[str, Any], path: Path) -> tuple[Settings, list[str]]:
    """Typed settings from parsed TOML; wrong types are errors, unknown keys warnings."""
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in data.items():
        if key in _SCALARS:
            expected = _SCALARS[key]
            wrong_bool = isinstance(value, bool) and bool not in expected
            if not isinstance(value, expected) or wrong_bool:
                want = {str: "string", int: "whole number", bool: "true or false"}.get(
                    expected[-1], "number"
                )
                raise SettingsError(
                    f"{path}: `{key}` must be a {want}, not {value!r}; fix it or remove the line"
                )
            values[key] = float(value) if float in expected else value  # type: ignore[arg-type]
        elif key == "models":
            values[key] = _models(value, path)
        elif key == "keymap":
            values[key] = _keymap(value, path)
        elif key == "catalogue":
            values[key] = _catalogue(value, path)
        else:
            warnings.append(f"{path}: unknown setting `{key}` ignored")
    settings = Settings(**values)
    for name in (
        "connect_timeout",
        "read_timeout",
        "first_token_timeout",
        "max_tokens",
        "price_factor",
        "max_event_mb",
        "max_answer_mb",
    ):
        value = getattr(settings, name)
        if value is not None and not 0 < value <= LARGEST[name]:
            raise SettingsError(
                f"{path}: `{name}` must be greater than 0 and at most {LARGEST[name]:,.0f}"
            )
    if settings.reading_align not in ("center", "left"):
        raise SettingsError(f'{path}: `reading_align` must be "center" or "left"')
    for name in ("max_retries", "max_retry_wait", "total_timeout", "reading_width"):
        if not 0 <= getattr(settings, name) <= LARGEST[name]:
            raise SettingsError(f"{path}: `{name}` must be from 0 to {LARGEST[name]:,.0f}")
    return settings, warnings


LARGEST: dict[str, float] = {  # the settings form checks the same bounds
    "connect_timeout": 3600.0,  # an hour: anything longer is a typo (and 1e309 is infinity)
    "read_timeout": 3600.0,
    "first_token_timeout": 3600.0,
    "total_timeout": 86_400.0,
    "max_event_mb": 1024.0,
    "max_answer_mb": 1024.0,
    "max_tokens": 10_000_000,
    "max_retries": 100,
    "max_retry_wait": 3600.0,
    "price_factor": 100.0,
    "reading_width": 10_000,
}


def _models(value: Any, path: Path) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(
        isinstance(v, list) and all(isinstance(m, str) for m in v) for v in value.values()
    ):
        raise SettingsError(
            f'{path}: [models] must map a provider to a list of names, e.g. openai = ["gpt-5"]'
        )
    return {str(k): list(v) for k, v in value.items()}


def _keymap(value: Any, path: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SettingsError(
            f'{path}: [keymap] must map a binding id to keys, e.g. regenerate = "ctrl+g"'
        )
    return {str(k): v for k, v in value.items()}


def _catalogue(value: Any, path: Path) -> dict[str, dict[str, Any]]:
    from tikhub_tui.core.catalogue import CatalogueError, built_in

    if not isinstance(value, dict):
        raise SettingsError(f'{path}: [catalogue] must hold tables, e.g. [catalogue."gpt-5"]')
    try:
        built_in().configured(value, 1.0)
    except CatalogueError as error:
        raise SettingsError(f"{path}: {error}; fix it or remove the entry") from None
    return {str(k): dict(v) for k, v in value.items()}


def to_dict(settings: Settings) -> dict[str, Any]:
    """The settings as TOML-ready data: unset values (None) are left out."""
    return {k: v for k, v in dataclasses.asdict(settings).items() if v is not None}


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    """Write the settings atomically (a temp file renamed over the old one) and return the path."""
    import tomli_w

    path = path or config_file()
    text = tomli_w.dumps(to_dict(settings))
    try:
        write_private(path, text, durable=True)
    except OSError as error:
        raise SettingsError(
            f"cannot save {path}: {error.strerror or error}; check the disk space and "
            "the directory's permissions"
        ) from None
    return path

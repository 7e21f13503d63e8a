"""config.toml: defaults, round trips, atomic saves and clear errors for broken files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tikhub_tui.core.paths import config_file
from tikhub_tui.core.settings import Settings, SettingsError, load_settings, save_settings


def test_no_file_means_defaults() -> None:
    settings, warnings = load_settings()
    assert settings == Settings() and warnings == []
    assert settings.base_url == "https://ai.tikhub.io"


def test_round_trip_through_the_file() -> None:
    settings = Settings(base_url="http://127.0.0.1:9/x", model="claude-opus-4-6",
                        provider="anthropic", read_timeout=5, models={"gemini": ["gemini-x"]},
                        keymap={"send": "ctrl+s"}, system_prompt='Say "hi"\nthen stop')
    path = save_settings(settings)
    assert path == config_file()
    loaded, warnings = load_settings()
    assert loaded == settings and warnings == []
    assert isinstance(loaded.read_timeout, float)


def test_broken_toml_names_the_file_and_line() -> None:
    path = config_file()
    path.write_text('base_url = "http://x"\nmodel = \n')
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert str(path) in str(caught.value) and "line 2" in str(caught.value)


def test_wrong_type_names_the_key() -> None:
    config_file().write_text("read_timeout = \"soon\"\n")
    with pytest.raises(SettingsError, match="`read_timeout` must be a number"):
        load_settings()


def test_booleans_are_not_numbers() -> None:
    config_file().write_text("max_tokens = true\n")
    with pytest.raises(SettingsError, match="`max_tokens` must be a whole number"):
        load_settings()


def test_non_positive_timeouts_are_refused() -> None:
    config_file().write_text("connect_timeout = 0\n")
    with pytest.raises(SettingsError, match="greater than 0"):
        load_settings()


@pytest.mark.parametrize(
    "line",
    ["read_timeout = 1e309", "read_timeout = nan", "connect_timeout = 1e12",
     "max_tokens = 1e20", "max_retries = -1", "max_retry_wait = -5"],
)
def test_out_of_range_numbers_are_refused_with_the_file(line: str) -> None:
    config_file().write_text(line + "\n")
    with pytest.raises(SettingsError, match=r"config.toml: `\w+` must be"):
        load_settings()


def test_unknown_keys_are_warnings_not_errors() -> None:
    config_file().write_text('colour = "blue"\nmodel = "gpt-4o"\n')
    settings, warnings = load_settings()
    assert settings.model == "gpt-4o"
    assert len(warnings) == 1 and "colour" in warnings[0]


def test_bad_models_table_is_explained() -> None:
    config_file().write_text("[models]\nopenai = \"gpt-x\"\n")
    with pytest.raises(SettingsError, match=r"\[models\]"):
        load_settings()


def test_not_utf8_is_explained() -> None:
    config_file().write_bytes(b"model = \"\xff\xfe\"\n")
    with pytest.raises(SettingsError, match="UTF-8"):
        load_settings()


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    save_settings(Settings(model="a"))
    save_settings(Settings(model="b"))
    assert sorted(p.name for p in config_file().parent.iterdir()) == ["config.toml"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_unwritable_directory_is_explained() -> None:
    directory = config_file().parent
    directory.chmod(0o500)
    try:
        with pytest.raises(SettingsError, match="permissions"):
            save_settings(Settings())
    finally:
        directory.chmod(0o700)


def test_a_failed_save_keeps_the_old_file(monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(Settings(model="kept"))

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(SettingsError, match="No space left on device"):
        save_settings(Settings(model="lost"))
    assert load_settings()[0].model == "kept"
    assert sorted(p.name for p in config_file().parent.iterdir()) == ["config.toml"]


def test_the_settings_file_never_holds_a_key() -> None:
    save_settings(Settings())
    text = config_file().read_text()
    assert "key =" not in text.replace("keymap", "")


def test_max_tokens_is_unset_by_default_and_stays_out_of_the_file() -> None:
    """Unset, each model's own output limit applies (an old 4096 default cut long answers)."""
    assert Settings().max_tokens is None
    save_settings(Settings(model="gpt-5-mini"))
    assert "max_tokens" not in config_file().read_text()
    assert load_settings()[0].max_tokens is None
    save_settings(Settings(max_tokens=2048))
    assert load_settings()[0].max_tokens == 2048


def test_catalogue_entries_and_price_factor_round_trip() -> None:
    settings = Settings(
        price_factor=0.8,
        catalogue={
            "gpt-5": {"input": 1.0, "output": 8.0},
            "local-model": {"input": 0.0, "output": 0.0, "context_window": 32768},
        },
    )
    save_settings(settings)
    loaded, warnings = load_settings()
    assert loaded == settings and warnings == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[catalogue."gpt-5"]\ninput = -1\n', "`catalogue.gpt-5.input` must be a price"),
        ('[catalogue."gpt-5"]\ncontext = 8000\n', "unknown key `context`"),
        ('catalogue = 3\n', r"\[catalogue\] must hold tables"),
        ("price_factor = 0\n", "`price_factor` must be greater than 0"),
        ('price_factor = "half"\n', "`price_factor` must be a number"),
    ],
)
def test_bad_catalogue_entries_name_the_file_and_key(text: str, message: str) -> None:
    config_file().write_text(text)
    with pytest.raises(SettingsError, match=message) as caught:
        load_settings()
    assert str(config_file()) in str(caught.value)

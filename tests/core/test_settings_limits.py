"""The limits and clocks a hostile server meets are settings with sane defaults and bounds."""

from __future__ import annotations

from pathlib import Path

import pytest

from tikhub_tui.core.client import ClientSettings
from tikhub_tui.core.settings import Settings, SettingsError, from_dict


def test_defaults_let_a_model_think_for_minutes_and_bound_everything() -> None:
    settings = Settings()
    assert settings.first_token_timeout >= 300 and settings.read_timeout >= 60
    assert settings.total_timeout == 0  # no limit unless asked for
    assert 1 <= settings.max_answer_mb <= settings.max_event_mb <= 64
    client = ClientSettings.of(settings, "http://127.0.0.1:9")
    assert (client.first_token_timeout, client.max_event_mb) == (300, settings.max_event_mb)
    assert client.clocks.socket_timeout() == max(settings.first_token_timeout, settings.read_timeout)


@pytest.mark.parametrize(
    ("key", "value"),
    [("max_event_mb", 0), ("max_answer_mb", -1), ("first_token_timeout", 0), ("total_timeout", -5),
     ("max_event_mb", 1e309), ("first_token_timeout", 99_999)],
)
def test_limits_out_of_bounds_are_refused_naming_the_setting(key: str, value: float) -> None:
    with pytest.raises(SettingsError, match=key):
        from_dict({key: value}, Path("config.toml"))


def test_limits_are_read_from_the_file() -> None:
    settings, warnings = from_dict(
        {"max_event_mb": 2, "max_answer_mb": 0.5, "total_timeout": 600, "first_token_timeout": 30},
        Path("config.toml"),
    )
    assert warnings == []
    assert (settings.max_event_mb, settings.max_answer_mb) == (2.0, 0.5)
    assert (settings.total_timeout, settings.first_token_timeout) == (600.0, 30.0)

"""The settings form's rules without a screen: what is accepted, what is refused and why."""

from __future__ import annotations

import dataclasses

from tikhub_tui.core.settings import Settings
from tikhub_tui.ui.screens.settings.form import FormValues, parse_form, split_models


def form(**changes: object) -> FormValues:
    return dataclasses.replace(FormValues.from_settings(Settings(), "nord"), **changes)  # type: ignore[arg-type]


def test_unchanged_form_gives_back_the_same_settings() -> None:
    base = Settings(keymap={"send": "ctrl+s"}, max_retries=2, models={"other": ["x"]})
    new, errors = parse_form(FormValues.from_settings(base, base.theme), base)
    assert errors == {} and new == base


def test_fields_become_typed_settings() -> None:
    values = form(
        base_url=" http://127.0.0.1:9/x ",
        connect_timeout="2.5",
        read_timeout="30",
        max_tokens="100",
        provider="gemini",
        model="gemini-2.5-pro",
        extra={"openai": "a, b,, a ", "anthropic": "", "gemini": "g1"},
        system_prompt="Be brief.\n",
    )
    new, errors = parse_form(values, Settings())
    assert errors == {} and new is not None
    assert new.base_url == "http://127.0.0.1:9/x"
    assert (new.connect_timeout, new.read_timeout, new.max_tokens) == (2.5, 30.0, 100)
    assert (new.provider, new.model, new.theme) == ("gemini", "gemini-2.5-pro", "nord")
    assert new.models == {"openai": ["a", "b"], "gemini": ["g1"]}
    assert new.system_prompt == "Be brief.\n"


def test_each_bad_field_is_explained_by_id() -> None:
    values = form(
        base_url="ftp://example.com",
        connect_timeout="0",
        read_timeout="nan",
        max_tokens="1.5",
        model="",
        extra={"openai": "good, two words"},
    )
    new, errors = parse_form(values, Settings())
    assert new is None
    assert set(errors) == {
        "base-url",
        "connect-timeout",
        "read-timeout",
        "max-tokens",
        "model",
        "extra-openai",
    }
    assert "http:// or https://" in errors["base-url"]
    assert "more than 0" in errors["connect-timeout"]
    assert "whole number" in errors["max-tokens"]
    assert "'two words'" in errors["extra-openai"]


def test_values_the_settings_file_would_refuse_are_refused_here() -> None:
    _, errors = parse_form(form(read_timeout="1e12", max_tokens="20000000"), Settings())
    assert errors["read-timeout"] == "must be at most 3,600 seconds"
    assert errors["max-tokens"] == "must be at most 10,000,000"


def test_a_url_without_a_host_is_refused() -> None:
    _, errors = parse_form(form(base_url="https://"), Settings())
    assert "name a host" in errors["base-url"]


def test_split_models_drops_blanks_and_repeats() -> None:
    assert split_models(" a ,b,,a, c ") == ["a", "b", "c"]
    assert split_models("") == []


def test_an_empty_max_tokens_leaves_the_limit_to_the_model() -> None:
    assert FormValues.from_settings(Settings(), "nord").max_tokens == ""
    new, errors = parse_form(form(max_tokens="  "), Settings(max_tokens=4096))
    assert errors == {} and new is not None and new.max_tokens is None
    again = parse_form(FormValues.from_settings(Settings(max_tokens=4096), "nord"), Settings())
    assert again[0] is not None and again[0].max_tokens == 4096

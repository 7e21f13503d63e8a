"""`tikhub-tui usage` over a seeded store: the JSON shape for scripts, grouping, the table."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tikhub_tui.cli import main
from tikhub_tui.core.model import Usage
from tikhub_tui.core.paths import config_file
from tikhub_tui.core.store import Store


@pytest.fixture
def tokyo() -> Iterator[None]:
    """Local time nine hours ahead of UTC: days are the user's local days."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Tokyo"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def _seed() -> tuple[str, str]:
    now = [datetime(2026, 12, 1, 10, tzinfo=UTC)]
    with Store.open(clock=lambda: now[0]) as store:
        first = store.create_session("Cache test")
        store.add_message(first, "user", "hi")
        store.add_message(first, "assistant", "a", model="gpt-5", provider="openai",
                          usage=Usage(2106, 412, 384, cache_read_tokens=1920,
                                      cache_write_tokens=128))
        now[0] = datetime(2026, 12, 1, 20, tzinfo=UTC)
        second = store.create_session("Mixed")
        store.add_message(second, "user", "hello")
        store.add_message(second, "assistant", "b", model="claude-haiku-4-5",
                          provider="anthropic",
                          usage=Usage(1809, 130, 96, cache_read_tokens=1800, cache_write_tokens=0))
        store.add_message(second, "user", "more")
        store.add_message(second, "assistant", "c", model="local-llm", provider="openai",
                          usage=Usage(100, 50, estimated=True))
        store.add_message(second, "assistant", "", model="gpt-5", provider="openai",
                          status="error", error="HTTP 401")  # no counts: not an answer to bill
        store.delete_session(second)
        now[0] = datetime(2026, 12, 3, 9, tzinfo=UTC)
        third = store.create_session("Later")
        store.add_message(third, "user", "x")
        store.add_message(third, "assistant", "d", model="gpt-5", provider="openai",
                          usage=Usage(1_000_000, 100_000))
    return first, second


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    assert main(["usage", "--json", *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def test_json_by_model_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    data = _json(capsys)
    assert data["by"] == "model" and data["since"] is None and data["currency"] == "USD"
    prices = data["prices"]
    assert isinstance(prices, dict) and prices["taken"] and prices["factor"] == 1.0
    groups = data["groups"]
    assert isinstance(groups, list)
    assert [(g["model"], g["provider"], g["answers"]) for g in groups] == [
        ("gpt-5", "openai", 2),  # costliest first
        ("claude-haiku-4-5", "anthropic", 1),
        ("local-llm", "openai", 1),
    ]
    gpt5 = groups[0]
    # 0.0045925 (the cached answer) + 1M x 1.25 + 100k x 10
    assert gpt5["cost"] == pytest.approx(0.0045925 + 1.25 + 1.0)
    assert gpt5["input_tokens"] == 1_002_106 and gpt5["cache_read_tokens"] == 1920
    assert gpt5["cache_write_tokens"] == 128 and gpt5["reasoning_tokens"] == 384
    assert groups[2]["cost"] is None and groups[2]["unpriced_answers"] == 1
    assert groups[2]["estimated_answers"] == 1
    total = data["total"]
    assert isinstance(total, dict)
    assert total["answers"] == 4 and total["unpriced_answers"] == 1
    assert total["cost"] == pytest.approx(0.0045925 + 2.25 + 0.000839)
    assert data["unpriced_models"] == ["local-llm"]
    expected_keys = {
        "answers", "input_tokens", "cache_read_tokens", "cache_write_tokens", "output_tokens",
        "reasoning_tokens", "cost", "unpriced_answers", "estimated_answers",
    }
    assert set(total) == expected_keys
    assert all(set(g) == expected_keys | {"model", "provider"} for g in groups)


def test_by_day_uses_local_days_and_since(
    capsys: pytest.CaptureFixture[str], tokyo: None
) -> None:
    _seed()
    data = _json(capsys, "--by", "day")
    # 2026-12-01T20:00Z is already 2 December in Tokyo
    assert [(g["day"], g["answers"]) for g in data["groups"]] == [
        ("2026-12-01", 1),
        ("2026-12-02", 2),
        ("2026-12-03", 1),
    ]
    later = _json(capsys, "--by", "day", "--since", "2026-12-03")
    assert later["since"] == "2026-12-03T00:00:00+09:00"
    assert [g["day"] for g in later["groups"]] == ["2026-12-03"]


def test_by_session_includes_deleted_sessions(capsys: pytest.CaptureFixture[str]) -> None:
    first, second = _seed()
    groups = _json(capsys, "--by", "session")["groups"]
    assert [(g["session"], g["title"], g["deleted"], g["answers"]) for g in groups][:2] == [
        (first, "Cache test", False, 1),
        (second, "Mixed", True, 2),
    ]


def test_price_factor_and_catalogue_from_config(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    config_file().write_text(
        'price_factor = 0.5\n[catalogue."local-llm"]\ninput = 1.0\noutput = 2.0\n'
    )
    data = _json(capsys)
    total = data["total"]
    assert isinstance(total, dict) and total["unpriced_answers"] == 0
    # list prices halved; the user's own price as given (estimated counts: 100 in, 50 out)
    assert total["cost"] == pytest.approx((0.0045925 + 2.25 + 0.000839) / 2 + 200e-6)
    assert data["prices"]["factor"] == 0.5


def test_table_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    _seed()
    assert main(["usage"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "MODEL", "ANSWERS", "INPUT", "CACHED", "TO", "CACHE", "OUTPUT", "REASONING", "COST",
    ]
    assert lines[1].split() == [
        "gpt-5", "2", "1,002,106", "1,920", "128", "100,412", "384", "$2.25",
    ]
    assert lines[3].split()[:3] == ["local-llm", "1", "~100"] and lines[3].endswith("—")
    assert lines[5].startswith("total") and lines[5].endswith("≥$2.26")
    assert "the gateway may bill differently" in out
    assert 'No price for 1 answer (local-llm)' in out and "~ 1 answer estimated" in out


def test_empty_store_and_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["usage"]) == 0
    assert "No answers with token counts" in capsys.readouterr().out
    with pytest.raises(SystemExit) as caught:
        main(["usage", "--since", "last tuesday"])
    assert caught.value.code == 2
    assert "is not a date" in capsys.readouterr().err

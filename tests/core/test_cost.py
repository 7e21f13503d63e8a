"""Cost from usage and the catalogue: hand-computed examples, cache writes and reads, tiers,
unknown prices, and the usage folded from recorded wire bytes of each protocol."""

from __future__ import annotations

import pytest

from tests.core.conftest import decode_bytes, recorded
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.cost import cost, money
from tikhub_tui.core.model import Usage, UsageUpdate


def folded(provider: str, name: str) -> Usage:
    """The usage of a whole recorded stream, folded as the app and `ask` fold it."""
    usage = Usage()
    for event in decode_bytes(provider, recorded(name)):
        if isinstance(event, UsageUpdate):
            usage = usage.merged(event.usage)
    return usage


@pytest.mark.parametrize(
    ("provider", "name", "model", "usage", "dollars"),
    [
        # 58 fresh x 1.25 + 1,920 cached x 0.125 + 128 written x 1.25 + 412 out x 10 (per M)
        (
            "openai",
            "openai_cached.sse",
            "gpt-5-2025-08-07",
            Usage(2106, 412, 384, cache_read_tokens=1920, cache_write_tokens=128),
            0.0045925,
        ),
        # reasoning-only answer: 57 in x 1.10 + 4,096 out x 4.40
        (
            "openai",
            "openai_reasoning_cut.sse",
            "o4-mini",
            Usage(57, 4096, 4096, cache_read_tokens=0),
            0.0180851,
        ),
        # 12 fresh x 3 + 1,800 written x 3.75 (the 5-minute write price) + 57 out x 15
        (
            "anthropic",
            "anthropic_cache_write.sse",
            "claude-sonnet-4-5-20250929",
            Usage(1812, 57, cache_read_tokens=0, cache_write_tokens=1800),
            0.007641,
        ),
        # 9 fresh x 1 + 1,800 read x 0.10 + 130 out (96 of them thinking) x 5
        (
            "anthropic",
            "anthropic_cache_read.sse",
            "claude-haiku-4-5-20251001",
            Usage(1809, 130, 96, cache_read_tokens=1800, cache_write_tokens=0),
            0.000839,
        ),
        # 24 fresh x 0.30 + 4,096 cached x 0.03 + (3 answer + 58 thoughts) out x 2.50
        (
            "gemini",
            "gemini_cached.sse",
            "gemini-2.5-flash",
            Usage(4120, 61, 58, cache_read_tokens=4096),
            0.00028258,
        ),
    ],
)
def test_cost_of_recorded_streams_by_hand(
    provider: str, name: str, model: str, usage: Usage, dollars: float
) -> None:
    assert folded(provider, name) == usage
    assert cost(usage, built_in().info(model)) == pytest.approx(dollars, abs=1e-12)


def test_long_prompts_take_the_long_context_prices_for_the_whole_request() -> None:
    pro = built_in().info("gemini-2.5-pro")
    short = Usage(100_000, 1_000)
    assert cost(short, pro) == pytest.approx((100_000 * 1.25 + 1_000 * 10) / 1e6)
    long = Usage(250_000, 1_000, cache_read_tokens=50_000)
    assert cost(long, pro) == pytest.approx((200_000 * 2.5 + 50_000 * 0.25 + 1_000 * 15) / 1e6)


def test_unknown_model_or_counts_have_no_cost() -> None:
    catalogue = built_in()
    assert catalogue.info("my-own-model") is None
    assert cost(Usage(10, 10), catalogue.info("my-own-model")) is None
    assert cost(Usage(10, None), catalogue.info("gpt-5")) is None
    assert cost(Usage(None, 10), catalogue.info("gpt-5")) is None
    assert money(None) == "—"


def test_dated_snapshots_are_priced_only_where_listed() -> None:
    catalogue = built_in()
    assert catalogue.info("claude-haiku-4-5-20251001") is catalogue.info("claude-haiku-4-5")
    assert catalogue.info("models/gemini-2.5-flash") is catalogue.info("GEMINI-2.5-FLASH")
    # gpt-4o's first snapshot cost twice as much: a date is never stripped to guess a price
    assert catalogue.info("gpt-4o-2024-05-13") is None


def test_cache_counts_beyond_the_prompt_are_clamped() -> None:
    """A hostile usage block cannot make a cost negative."""
    info = built_in().info("gpt-5")
    odd = Usage(10, 0, cache_read_tokens=50, cache_write_tokens=50)
    assert cost(odd, info) == pytest.approx(10 * 0.125 / 1e6)


def test_config_overrides_extend_and_scale_the_catalogue() -> None:
    overrides = {
        "gpt-5": {"input": 1.0},
        "My-Model": {"input": 0.5, "output": 1.5, "context_window": 32_000, "max_output": 4_000},
        "half-priced": {"input": 1.0},
    }
    catalogue = built_in().configured(overrides, 0.5)
    gpt5 = catalogue.info("gpt-5")
    assert gpt5 is not None and gpt5.prices is not None
    # what the user wrote is taken as given; the rest of the shipped prices are scaled
    assert (gpt5.prices.input, gpt5.prices.output, gpt5.prices.cached_input) == (1.0, 5.0, 0.0625)
    assert cost(Usage(1_000_000, 1_000_000), gpt5) == pytest.approx(6.0)
    mine = catalogue.info("my-model")
    assert mine is not None and (mine.context_window, mine.max_output) == (32_000, 4_000)
    assert cost(Usage(2_000_000, 1_000_000), mine) == pytest.approx(2.5)
    assert cost(Usage(10, 10), catalogue.info("half-priced")) is None  # no output price
    assert built_in().info("gpt-5").prices.input == 1.25  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"input": -1}, "price of 0 or more"),
        ({"input": "cheap"}, "price of 0 or more"),
        ({"input": float("nan")}, "price of 0 or more"),
        ({"context_window": 0}, "whole number above 0"),
        ({"max_output": 1.5}, "whole number above 0"),
        ({"inptu": 1.0}, "unknown key `inptu`"),
        ({"provider": "acme"}, "must be one of"),
        ({"long_context": {"input": 1}}, "needs `above = TOKENS`"),
    ],
)
def test_malformed_overrides_name_the_key(table: dict[str, object], message: str) -> None:
    from tikhub_tui.core.catalogue import CatalogueError

    with pytest.raises(CatalogueError, match=message) as caught:
        built_in().configured({"gpt-5": table}, 1.0)
    assert "catalogue.gpt-5" in str(caught.value)


@pytest.mark.parametrize(
    ("value", "estimated", "shown"),
    [
        (0.0, False, "$0.00"),
        (0.00004, False, "<$0.0001"),
        (0.0045925, False, "$0.0046"),
        (0.0045925, True, "≈$0.0046"),
        (0.5275, False, "$0.527"),
        (1234.5, False, "$1,234.50"),
    ],
)
def test_money(value: float, estimated: bool, shown: str) -> None:
    assert money(value, estimated=estimated) == shown


def test_every_listed_model_has_limits_and_prices_with_a_source() -> None:
    catalogue = built_in()
    assert catalogue.taken and catalogue.sources
    for provider in ("openai", "anthropic", "gemini"):
        assert catalogue.sources[provider].startswith("https://")
        assert catalogue.names(provider)
    for info in catalogue.models.values():
        assert info.context_window and info.max_output and info.prices
        assert info.max_output <= info.context_window
        prices = info.prices
        assert prices.cached_input is not None and prices.cached_input <= prices.input
        assert prices.cache_write is not None and prices.cache_write >= prices.input
        assert prices.output >= prices.input

"""What an answer cost, computed locally from its usage and the catalogue's prices.

Cache-aware: prompt tokens read from the cache are priced as cached input, tokens written to it
as cache writes, the rest as input; reasoning is part of the output and priced as output. A
model without a price has no cost (None), never a made-up one.
"""

from __future__ import annotations

from tikhub_tui.core.catalogue import ModelInfo
from tikhub_tui.core.model import Usage

PER = 1_000_000
"""Prices are per million tokens."""


def cost(usage: Usage, info: ModelInfo | None) -> float | None:
    """US dollars for one answer, or None when the price or the counts are unknown."""
    if info is None or usage.input_tokens is None or usage.output_tokens is None:
        return None
    prompt = usage.input_tokens
    prices = info.prices_for(prompt)
    if prices is None:
        return None
    read = min(usage.cache_read_tokens or 0, prompt)
    written = min(usage.cache_write_tokens or 0, prompt - read)
    fresh = prompt - read - written
    cached_price = prices.input if prices.cached_input is None else prices.cached_input
    write_price = prices.input if prices.cache_write is None else prices.cache_write
    total = (
        fresh * prices.input
        + read * cached_price
        + written * write_price
        + usage.output_tokens * prices.output
    )
    return total / PER


def money(value: float | None, *, estimated: bool = False) -> str:
    """`$0.0123` with enough digits to tell small answers apart; `—` for an unknown cost."""
    if value is None:
        return "—"
    if 0 < value < 0.0001:
        return "<$0.0001"
    sign = "≈" if estimated else ""
    if value == 0:
        return f"{sign}$0.00"
    if value < 0.01:
        return f"{sign}${value:.4f}"
    if value < 1:
        return f"{sign}${value:.3f}"
    return f"{sign}${value:,.2f}"

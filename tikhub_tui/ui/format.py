"""Words for the screen: the metrics line under an answer and the advice for an error."""

from __future__ import annotations

from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import Usage
from tikhub_tui.core.tally import Ending, Tally

ADVICE = {
    "auth": "open Settings (F2) to set the API key, or set TIKHUB_API_KEY",
    "rate_limit": "wait a minute, then regenerate (Ctrl+R)",
    "network": "check the base URL in Settings (F2) and your connection",
    "upstream": "regenerate (Ctrl+R) or try another model (Ctrl+L)",
    "ended_early": "what arrived is kept; regenerate (Ctrl+R) for a whole answer",
    "config": "fix it in Settings (F2)",
}

ENDING_WORDS: dict[Ending, str] = {
    "done": "finished",
    "token_limit": "cut at the token limit",
    "filtered": "stopped by the provider's content filter",
    "refused": "refused by the provider",
    "cut_off": "incomplete",
    "stopped": "stopped by you (Esc)",
    "error": "failed",
}


def error_hint(error: ApiError) -> str:
    return ADVICE.get(error.kind, error.hint)


def meta_line(model: str, provider: str, tally: Tally, now: float, *, timings: bool = True) -> str:
    """The metrics line of an answer that just streamed (`now` ends one still streaming)."""
    return meta_text(
        model,
        provider,
        tally.usage,
        ending_words(tally),
        ttft=tally.ttft,
        rate=tally.tokens_per_second(now),
        duration=tally.duration(now),
        timings=timings,
    )


def meta_text(
    model: str,
    provider: str,
    usage: Usage,
    outcome: str,
    *,
    ttft: float | None = None,
    rate: float | None = None,
    duration: float | None = None,
    timings: bool = True,
) -> str:
    """model · provider · first token · tokens/s · tokens in/out · duration · how it ended;
    `timings=False` leaves the clock readings out (for snapshots and screenshots)."""
    parts = [model or "?", provider or "?"]
    if timings and ttft is not None:
        parts.append(f"first token {ttft:.2f} s")
    if timings and rate is not None:
        parts.append(f"{rate:,.0f} tok/s")
    if usage.input_tokens is not None or usage.output_tokens is not None:
        parts.append(f"{_n(usage.input_tokens)} in / {_n(usage.output_tokens)} out")
    if timings and duration is not None:
        parts.append(f"{duration:.1f} s")
    parts.append(outcome)
    return " · ".join(parts)


def ending_words(tally: Tally) -> str:
    """How the answer ended, in words, with the provider's own reason where it says more."""
    ending = tally.ending
    raw = tally.finish.raw if tally.finish is not None else ""
    if ending is None:
        return "streaming…"
    if ending == "cut_off":
        if tally.error is not None:
            return "incomplete: stream ended early"
        return f"stopped by the provider ({raw})" if raw else ENDING_WORDS[ending]
    words = ENDING_WORDS[ending]
    return f"{words} ({raw})" if raw and ending in ("token_limit", "filtered", "refused") else words


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"

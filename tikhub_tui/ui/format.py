"""Words for the screen: the metrics line under an answer and the advice for an error."""

from __future__ import annotations

from tikhub_tui.core.errors import ApiError, wait_advice
from tikhub_tui.core.model import Usage
from tikhub_tui.ui.streaming import LiveStream

ADVICE = {
    "auth": "open Settings (F2) to set the API key, or set TIKHUB_API_KEY",
    "rate_limit": "{wait}, then regenerate (Ctrl+R)",
    "network": "check the base URL in Settings (F2) and your connection",
    "upstream": "regenerate (Ctrl+R) or try another model (Ctrl+L)",
    "ended_early": "what arrived is kept; regenerate (Ctrl+R) for a whole answer",
    "config": "fix it in Settings (F2)",
}

FINISH_WORDS = {
    "stop": "finished",
    "max_tokens": "cut at the token limit",
    "content_filter": "stopped by the provider's content filter",
    "other": "stopped by the provider",
}


def error_hint(error: ApiError) -> str:
    """The app's advice: its keys instead of `ask`'s options; the wait after a 429 is the
    same words `ask` uses (the server's Retry-After when it gave one)."""
    return ADVICE.get(error.kind, error.hint).format(wait=wait_advice(error.retry_after))


def meta_line(live: LiveStream, *, timings: bool = True) -> str:
    """The metrics line of an answer that just streamed."""
    return meta_text(
        live.model,
        live.provider,
        live.usage,
        ending(live),
        ttft=live.ttft,
        rate=live.tokens_per_second(),
        duration=live.duration,
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


def ending(live: LiveStream) -> str:
    if live.error is not None:
        return "incomplete: stream ended early" if live.error.kind == "ended_early" else "failed"
    if live.cancelled:
        return "stopped by you (Esc)"
    if live.finish is None:
        return "incomplete"
    words = FINISH_WORDS[live.finish.reason]
    return f"{words} ({live.finish.raw})" if live.finish.reason != "stop" else words


def _n(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"

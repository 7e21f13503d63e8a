"""The metrics of one answer: a fold over its stream's events, with the time each one arrived.

Everything the chat's metrics line, `ask`'s saved row and a race pane show comes from here,
computed once: how the answer ended (one vocabulary for the three protocols), the times to
the first byte, the first reasoning and the first answer token, tokens and tokens per second.
The fold does no I/O and reads no clock (each event comes with its time), so a table of
events and times tests all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tikhub_tui.core.answer_tokens import AnswerTokens
from tikhub_tui.core.errors import ApiError
from tikhub_tui.core.model import (
    ErrorEvent,
    Finished,
    ReasoningDelta,
    StreamEvent,
    TextDelta,
    Usage,
    UsageUpdate,
)

Ending = Literal["done", "token_limit", "filtered", "refused", "cut_off", "stopped", "error"]
"""How an answer ended, the same words whatever the protocol: whole; cut at the token limit;
cut by a content filter; refused (the prompt was blocked, or the model declined); cut off
(the connection dropped, the stream ended without its end event, or the provider ended it for
a reason of its own); stopped by the user; failed."""

Phase = Literal["waiting", "responded", "thinking", "answering", "ended"]
"""Where an answer is: no response yet; the response arrived (headers); reasoning arrives;
answer text arrives; over."""

Status = Literal["complete", "stopped", "incomplete", "error"]
"""How the session store records an answer (see `core.store.records.STATUSES`)."""

REFUSALS = frozenset({"blocked", "refusal"})
"""What the adapters say for a refusal: the code of a blocked prompt's error, or the raw stop
reason of a model that declined (its finish is content_filter otherwise)."""


@dataclass(frozen=True, slots=True)
class Responded:
    """The response to the request arrived (its status and headers): the first byte."""


@dataclass(frozen=True, slots=True)
class Failed:
    """The stream failed; `error` says why, for the person and for the exit code."""

    error: ApiError


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The user stopped the answer (or its reader went away)."""


ExchangeEvent = StreamEvent | Responded | Failed | Cancelled


@dataclass(frozen=True, slots=True)
class Count:
    """A number of tokens: the provider's count, or an estimate from the text until it comes."""

    value: int
    estimated: bool

    def __str__(self) -> str:
        return f"~{self.value:,}" if self.estimated else f"{self.value:,}"


class Tally:
    """The running metrics of one answer; `step` folds in one event and the time it arrived.

    Written by the thread that reads the stream, read by any (each field is replaced whole).
    Deltas may be folded one by one or joined per network read: only their sizes count.
    """

    def __init__(self, started: float) -> None:
        self.started = started
        self.first_byte: float | None = None
        self.first_reasoning: float | None = None
        self.first_text: float | None = None
        self.ended: float | None = None
        self.text_chars = 0
        self.reasoning_chars = 0
        self._text_tokens = AnswerTokens()
        self._reasoning_tokens = AnswerTokens()
        self.usage = Usage()
        self.finish: Finished | None = None
        self.error: ApiError | None = None
        self.cancelled = False

    @classmethod
    def saved(cls, usage: Usage, ttft: float | None, duration: float | None) -> Tally:
        """The tally of a saved answer as far as its row tells: its usage, and the first token
        and the end as times since the start (None when the row has them not)."""
        tally = cls(0.0)
        tally.usage = usage
        tally.first_text = ttft
        tally.ended = duration
        return tally

    @classmethod
    def restored(
        cls,
        *,
        usage: Usage,
        ttft: float | None,
        duration: float | None,
        text: str,
        reasoning: str,
        finish: Finished | None,
        status: Status,
        error: str,
    ) -> Tally:
        """The tally of a saved answer rebuilt from its row (times since the start, the text,
        how it was stored to have ended), so a reopened answer reads as it did live.

        A row without a duration gets an end equal to its start (no time is shown for it).
        """
        tally = cls.saved(usage, ttft, duration if duration is not None else 0.0)
        tally.text_chars, tally.reasoning_chars = len(text), len(reasoning)
        tally._text_tokens = AnswerTokens(text)
        tally._reasoning_tokens = AnswerTokens(reasoning)
        if status == "error":
            tally.error = ApiError("upstream", error or "the answer failed")
        elif status == "incomplete" and error:
            tally.error = ApiError("ended_early", error)
        elif finish is not None and finish.raw == "cancelled":
            tally.cancelled = True
        elif status != "incomplete":
            tally.finish = finish or Finished("stop" if status == "complete" else "other")
        return tally

    def step(self, event: ExchangeEvent, at: float) -> None:
        """Fold in one event that arrived at `at` (same clock as `started`)."""
        if isinstance(event, TextDelta):
            if self.first_text is None:
                self.first_text = at
                self._responded(at)
            self.text_chars += len(event.text)
            self._text_tokens.add(event.text)
        elif isinstance(event, ReasoningDelta):
            if self.first_reasoning is None:
                self.first_reasoning = at
                self._responded(at)
            self.reasoning_chars += len(event.text)
            self._reasoning_tokens.add(event.text)
        elif isinstance(event, UsageUpdate):
            self.usage = self.usage.merged(event.usage)
        elif isinstance(event, Finished):
            self.finish = event
        elif isinstance(event, Responded):
            self._responded(at)
        elif isinstance(event, ErrorEvent | Failed):
            if self.error is None:
                self.error = (
                    event.error
                    if isinstance(event, Failed)
                    else ApiError("upstream", event.message, code=event.code)
                )
            self.end(at)
        elif isinstance(event, Cancelled):
            self.cancelled = True
            self.end(at)

    def _responded(self, at: float) -> None:
        if self.first_byte is None:
            self.first_byte = at

    def end(self, at: float) -> None:
        """The stream is over (the first call counts)."""
        if self.ended is None:
            self.ended = at

    # -- where it is and how it ended --------------------------------------------------------

    @property
    def phase(self) -> Phase:
        if self.ended is not None:
            return "ended"
        if self.first_text is not None:
            return "answering"
        if self.first_reasoning is not None:
            return "thinking"
        return "responded" if self.first_byte is not None else "waiting"

    @property
    def ending(self) -> Ending | None:
        """How it ended (None while it streams)."""
        if self.error is not None:
            if self.error.kind == "ended_early":
                return "cut_off"
            return "refused" if self.error.code in REFUSALS else "error"
        if self.cancelled:
            return "stopped"
        if self.ended is None:
            return None
        finish = self.finish
        if finish is None:
            return "cut_off"
        if finish.reason == "stop":
            return "done"
        if finish.reason == "max_tokens":
            return "token_limit"
        if finish.reason == "content_filter":
            return "refused" if finish.raw in REFUSALS else "filtered"
        return "cut_off"

    @property
    def status(self) -> Status:
        """complete, stopped (by the user, or cut short with its end event), incomplete (the
        stream ended early) or error: what the session store keeps."""
        if self.error is not None:
            return "incomplete" if self.error.kind == "ended_early" else "error"
        if self.cancelled:
            return "stopped"
        if self.finish is None:
            return "incomplete"
        return "complete" if self.finish.reason == "stop" else "stopped"

    @property
    def finish_reason(self) -> str:
        """The provider's own word for the end, "cancelled" when the user stopped it."""
        if self.finish is not None:
            return self.finish.raw
        return "cancelled" if self.cancelled else ""

    @property
    def error_message(self) -> str:
        return self.error.message if self.error is not None else ""

    # -- times -------------------------------------------------------------------------------

    def _since_start(self, moment: float | None) -> float | None:
        return None if moment is None else moment - self.started

    @property
    def ttfb(self) -> float | None:
        """Seconds to the first byte of the response."""
        return self._since_start(self.first_byte)

    @property
    def first_token(self) -> float | None:
        """When the first token of either kind arrived."""
        firsts = [t for t in (self.first_reasoning, self.first_text) if t is not None]
        return min(firsts) if firsts else None

    @property
    def ttft(self) -> float | None:
        """Seconds to the first token, reasoning or answer."""
        return self._since_start(self.first_token)

    @property
    def to_reasoning(self) -> float | None:
        """Seconds to the first reasoning token."""
        return self._since_start(self.first_reasoning)

    @property
    def to_answer(self) -> float | None:
        """Seconds to the first answer token."""
        return self._since_start(self.first_text)

    def duration(self, now: float) -> float:
        """Seconds from the start to the end (to `now` while it streams)."""
        return (self.ended if self.ended is not None else now) - self.started

    # -- tokens ------------------------------------------------------------------------------

    @property
    def text_estimate(self) -> int:
        """Tokens of the answer so far, estimated from its text (core.answer_tokens): the
        same however the text was split into deltas and network reads."""
        return self._text_tokens.value

    @property
    def reasoning_estimate(self) -> int:
        return self._reasoning_tokens.value

    @property
    def output_tokens(self) -> Count:
        """Tokens generated, the answer and its reasoning together: the provider's count, or
        an estimate from the text until it comes."""
        usage = self.usage
        if usage.output_tokens is not None:
            return Count(usage.output_tokens, usage.estimated)
        return Count(self.text_estimate + self.reasoning_estimate, True)

    @property
    def reasoning_tokens(self) -> Count:
        if self.usage.reasoning_tokens is not None:
            return Count(self.usage.reasoning_tokens, self.usage.estimated)
        return Count(self.reasoning_estimate, True)

    @property
    def answer_tokens(self) -> Count:
        """The answer's tokens: the provider's output less its reasoning (an estimate where
        either is one)."""
        output, reasoning = self.output_tokens, self.reasoning_tokens
        if output.estimated and self.usage.output_tokens is None:
            return Count(self.text_estimate, True)
        if not reasoning.value:
            return output
        estimated = output.estimated or reasoning.estimated
        return Count(max(0, output.value - reasoning.value), estimated)

    # -- rates -------------------------------------------------------------------------------

    @staticmethod
    def _rate(tokens: int, start: float | None, end: float) -> float | None:
        if start is None or not tokens or end <= start:
            return None
        return tokens / (end - start)

    def tokens_per_second(self, now: float) -> float | None:
        """Output tokens over the time since the first token (the metrics line's figure); the
        estimate counts only the answer's text, as the line always has."""
        end = self.ended if self.ended is not None else now
        tokens = self.usage.output_tokens or max(1, self.text_estimate)
        return self._rate(tokens, self.first_token, end)

    def answer_rate(self, now: float) -> float | None:
        """Answer tokens per second, from the first answer token to the end."""
        end = self.ended if self.ended is not None else now
        return self._rate(self.answer_tokens.value, self.first_text, end)

    def reasoning_rate(self, now: float) -> float | None:
        """Reasoning tokens per second, from the first reasoning token to the first answer
        token (or the end)."""
        end = self.first_text if self.first_text is not None else self.ended
        end = end if end is not None else now
        return self._rate(self.reasoning_tokens.value, self.first_reasoning, end)

"""The neutral events of one network read on their way to the caller.

Consecutive pieces of text (or of reasoning) are joined, so the caller acts once per read; the
key is redacted from them even when a server splits it over several pieces; the answer is cut
at its size limit; the provider's words for how it ended are redacted and bounded.
"""

from __future__ import annotations

from tikhub_tui.core.errors import safe_message
from tikhub_tui.core.model import Finished, ReasoningDelta, StreamEvent, TextDelta
from tikhub_tui.core.secrets.redact import StreamRedactor


class Delivery:
    """The neutral events decoded from one network read, on their way out: consecutive pieces
    of text (or of reasoning) joined, the key redacted even when split over pieces, the answer
    cut at its size limit, an end marker's words bounded."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._size = 0
        self._events: list[StreamEvent] = []
        self._parts: list[str] = []
        self._kind: type[TextDelta] | type[ReasoningDelta] | None = None
        self._redactors: dict[type[TextDelta] | type[ReasoningDelta], StreamRedactor] = {
            TextDelta: StreamRedactor(),
            ReasoningDelta: StreamRedactor(),
        }
        self._progress = False
        self.finished = False
        self.too_long = False

    def add(self, event: StreamEvent) -> None:
        if self.too_long or self.finished:
            return  # nothing after the limit or the end marker
        if isinstance(event, TextDelta | ReasoningDelta):
            text = event.text[: self._limit - self._size]
            self._size += len(text)
            self.too_long = len(text) < len(event.text)
            if not text:
                return
            self._progress = True
            if type(event) is not self._kind:
                self._close_run()
                self._kind = type(event)
            self._parts.append(text)
            return
        self._close_run()
        if isinstance(event, Finished):
            self._events += self._flush_redactors()
            event = Finished(event.reason, safe_message(event.raw)[:64])
            self.finished = True
        self._events.append(event)

    def progressed(self) -> bool:
        progressed, self._progress = self._progress, False
        return progressed

    def take(self) -> list[StreamEvent]:
        """Everything decoded so far, for the caller (part of a possible key held back)."""
        self._close_run()
        events, self._events = self._events, []
        return events

    def flush(self) -> list[StreamEvent]:
        """Everything, the held-back text too (the stream is over)."""
        return [*self.take(), *self._flush_redactors()]

    def _close_run(self) -> None:
        if self._kind is not None:
            text = self._redactors[self._kind].feed("".join(self._parts))
            if text:
                self._events.append(self._kind(text))
            self._parts.clear()
            self._kind = None

    def _flush_redactors(self) -> list[StreamEvent]:
        events: list[StreamEvent] = []
        for kind, redactor in self._redactors.items():
            held = redactor.flush()
            if held:
                events.append(kind(held))
        return events

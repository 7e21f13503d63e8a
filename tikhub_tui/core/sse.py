"""Server-Sent Events from a response body, within bounds.

httpx-sse parses the fields; this module feeds it so that no line and no event can grow past a
limit (a server can send a gigabyte without a newline, or a gzip body that inflates to one) and
hands the events out in one batch per network read, so callers act once per read, not per
event. The body is decoded as UTF-8 whatever the headers claim, as the SSE standard says.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

from httpx_sse import ServerSentEvent

# the field parser and line splitter of httpx-sse (pinned below 0.5 in pyproject.toml)
from httpx_sse._decoders import SSEDecoder, SSELineDecoder


class EventTooLarge(Exception):
    """A line or an event of the stream is larger than the limit; `what` says which."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} of the stream is larger than the limit")
        self.what = what


def event_batches(chunks: Iterable[bytes], max_event: int) -> Iterator[list[ServerSentEvent]]:
    """The events completed by each chunk of the body (possibly none), in order.

    Raises EventTooLarge as soon as a line, or the data of one event, passes `max_event`
    characters: the rest is never buffered.
    """
    text_decoder = codecs.getincrementaldecoder("utf-8")("replace")
    lines = SSELineDecoder()
    fields = SSEDecoder()
    pending = 0
    """Characters of the line still open."""
    event_size = 0
    """Characters of the fields of the event still open (comments do not count)."""
    started = False
    for chunk in chunks:
        text = text_decoder.decode(chunk)
        if not started and text:
            started = True
            text = text.removeprefix("\ufeff")  # one byte order mark may start a stream
        batch: list[ServerSentEvent] = []
        if text:
            done = lines.decode(text)
            pending = sum(map(len, lines.buffer)) if done else pending + len(text)
            if pending > max_event:
                raise EventTooLarge("a line")
            for line in done:
                event_size = _take(line, fields, batch, event_size, max_event)
        yield batch
    tail = text_decoder.decode(b"", final=True)
    batch = []
    for line in [*lines.decode(tail), *lines.flush()] if tail else lines.flush():
        event_size = _take(line, fields, batch, event_size, max_event)
    if batch:
        yield batch


def _take(
    line: str, fields: SSEDecoder, batch: list[ServerSentEvent], size: int, limit: int
) -> int:
    """Feed one line to the field parser; returns the size of the event still open."""
    line = line.rstrip("\n")
    if len(line) > limit:
        raise EventTooLarge("a line")
    if not line.startswith(":"):
        size += len(line)
        if size > limit:
            raise EventTooLarge("an event")
    event = fields.decode(line)
    if event is not None:
        batch.append(event)
    return 0 if not line else size

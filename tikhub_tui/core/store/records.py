"""The plain values and errors of the session store, with its timestamp format.

Kept apart from the store itself so that the UI, `ask` and the CLI can name them without
opening a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, NamedTuple

from tikhub_tui.core.model import AttachmentKind, Role, Usage

Status = Literal["complete", "stopped", "incomplete", "error"]
STATUSES: tuple[Status, ...] = ("complete", "stopped", "incomplete", "error")
"""How an answer ended: whole, stopped by the user, cut off (crash, kill), or failed."""

Clock = Callable[[], datetime]
"""Returns the current time as an aware UTC datetime; injected so tests are deterministic."""


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """Format as ISO 8601 UTC with milliseconds (`2025-01-31T09:05:00.000Z`): sorts as text."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def from_iso(text: str) -> datetime:
    """Parse an ISO 8601 timestamp; naive ones are taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class StoreError(Exception):
    """The session store cannot be used; the message names the file, the cause and the fix.

    `kind` is one of: not_a_database, newer_schema, corrupt, readonly, full, busy, io.
    `can_move_aside` says whether offering `move_aside(path)` makes sense for this failure.
    """

    def __init__(self, message: str, *, path: Path, kind: str, can_move_aside: bool = False):
        super().__init__(message)
        self.path = path
        self.kind = kind
        self.can_move_aside = can_move_aside


class SessionLookupError(LookupError):
    """A session id (or an abbreviation of one) does not name exactly one session."""


class NoSuchSession(SessionLookupError):
    """No session has this id or id prefix."""


class AmbiguousSession(SessionLookupError):
    """Several sessions start with this prefix; `candidates` lists some of them."""

    def __init__(self, message: str, candidates: list[tuple[str, str]]):
        super().__init__(message)
        self.candidates = candidates


class NoSuchMessage(LookupError):
    """No message with this id belongs to the given session."""


class InvalidSessionData(ValueError):
    """Data given to `import_json` is not a session export; the message names the field."""


class AlreadyImported(Exception):
    """The session of an export is in the store already (imported before, or exported from
    here); `session_id` names it. Importing it as a copy is still possible."""

    def __init__(self, message: str, session_id: str, deleted: bool):
        super().__init__(message)
        self.session_id = session_id
        self.deleted = deleted


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One row of the session list."""

    id: str
    title: str
    created_at: datetime
    updated_at: datetime
    message_count: int
    """Messages on the active path (what opening the session shows)."""
    last_model: str
    """Model of the newest message that names one, or ""."""


@dataclass(frozen=True, slots=True)
class Session:
    """A session's own fields."""

    id: str
    title: str
    system: str
    created_at: datetime
    updated_at: datetime
    leaf_id: int | None
    """The last message of the active path (None while the session is empty)."""
    deleted_at: datetime | None
    """Set while the session is soft-deleted (restorable)."""
    origin: str | None = None
    """For an imported session: what identifies the session it came from (see transfer)."""


@dataclass(frozen=True, slots=True)
class StoredAttachment:
    """What a message had attached: the file's name and facts; the bytes stay on disk until
    `Store.load_attachment` reads them."""

    name: str
    media_type: str
    kind: AttachmentKind
    size: int
    sha256: str
    pages: int | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """One saved message; messages form a tree through `parent_id`."""

    id: int
    session_id: str
    parent_id: int | None
    depth: int
    """Messages before this one on its path: 0 for the first; older ones exist when > 0."""
    role: Role
    text: str
    reasoning: str
    model: str
    provider: str
    usage: Usage
    ttft: float | None
    duration: float | None
    finish_reason: str
    status: Status
    error: str
    created_at: datetime
    max_tokens: int | None = None
    """The output limit the answer was asked with, when known."""
    max_tokens_source: str = ""
    """Whose limit that was: 'setting' (the user's max_tokens) or 'default' (the model's)."""
    attachments: tuple[StoredAttachment, ...] = ()
    """Files sent with this (user) message, in the order they were attached."""


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """One answer's counts, with what `tikhub-tui usage` groups them by."""

    session_id: str
    title: str
    deleted: bool
    model: str
    provider: str
    created_at: datetime
    usage: Usage


USAGE_COLUMNS = (
    "input_tokens",
    "output_tokens",
    "reasoning_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "usage_estimated",
)
"""The message columns that hold a `Usage`, in its field order."""


def usage_columns(usage: Usage) -> dict[str, int | None]:
    """A usage as message column values."""
    return dict(
        zip(
            USAGE_COLUMNS,
            (
                usage.input_tokens,
                usage.output_tokens,
                usage.reasoning_tokens,
                usage.cache_read_tokens,
                usage.cache_write_tokens,
                int(usage.estimated),
            ),
            strict=True,
        )
    )


def last_model(messages: list[StoredMessage]) -> StoredMessage | None:
    """The newest message that names its model and provider: a session goes on with that
    model (in the app and with `ask --continue`)."""
    return next((m for m in reversed(messages) if m.model and m.provider), None)


class Span(NamedTuple):
    """A piece of a search snippet (plain text); `match` marks what matched the query."""

    text: str
    match: bool


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A message that matched a search, best first; the snippet is plain, display-safe text."""

    session_id: str
    title: str
    message_id: int | None
    """None when the session's title matched."""
    role: Role | Literal["title"]
    """Who wrote the message, or "title" when the session's title matched."""
    created_at: datetime
    """When the message was written (for a title: when the session was last updated)."""
    spans: tuple[Span, ...]
    score: float
    """bm25 rank of a word search (lower is better); 0 for titles and substrings only."""

    @property
    def snippet(self) -> str:
        """The snippet without match marks."""
        return "".join(span.text for span in self.spans)

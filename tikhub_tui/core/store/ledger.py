"""The store's usage ledger: every answer's counts, for `tikhub-tui usage` and running totals.

Kept apart from the session operations in `database.py`; it only reads.
"""

from __future__ import annotations

from datetime import datetime

from tikhub_tui.core.model import Usage
from tikhub_tui.core.store.base import StoreBase, guarded
from tikhub_tui.core.store.records import UsageRecord, from_iso, to_iso

_RECORDS = """
    SELECT m.session_id, s.title, s.deleted_at IS NOT NULL, m.model, m.provider, m.created_at,
           m.input_tokens, m.output_tokens, m.reasoning_tokens, m.cache_read_tokens,
           m.cache_write_tokens, m.usage_estimated
    FROM messages m JOIN sessions s ON s.id = m.session_id
    WHERE m.role = 'assistant' AND (m.input_tokens IS NOT NULL OR m.output_tokens IS NOT NULL)
      AND m.created_at >= ? AND (? IS NULL OR m.session_id = ?)
    UNION ALL
    SELECT r.session_id, s.title, s.deleted_at IS NOT NULL, j.model, j.provider, j.created_at,
           j.input_tokens, j.output_tokens, j.reasoning_tokens, j.cache_read_tokens,
           j.cache_write_tokens, j.usage_estimated
    FROM race_judgements j JOIN races r ON r.id = j.race_id JOIN sessions s ON s.id = r.session_id
    WHERE (j.input_tokens IS NOT NULL OR j.output_tokens IS NOT NULL)
      AND j.created_at >= ? AND (? IS NULL OR r.session_id = ?)
    ORDER BY 6
"""
"""Every answer with counts: the sessions' messages, and the judge's replies to races (saved
with the race, not as messages; their tokens were spent all the same), counted in the race's
session."""


class Ledger(StoreBase):
    """Read-only usage queries over the answers of every session (deleted ones too: their
    tokens were spent), the judge's replies to its races included."""

    @guarded
    def usage_records(
        self, since: datetime | None = None, session_id: str | None = None
    ) -> list[UsageRecord]:
        """Every answer with counts, oldest first: since a time, of one session, or all."""
        start = to_iso(since) if since is not None else ""
        rows = self._conn.execute(_RECORDS, (start, session_id, session_id) * 2)
        return [
            UsageRecord(
                session_id=row[0],
                title=row[1],
                deleted=bool(row[2]),
                model=row[3],
                provider=row[4],
                created_at=from_iso(row[5]),
                usage=Usage(row[6], row[7], row[8], row[9], row[10], bool(row[11])),
            )
            for row in rows
        ]

"""The judging tables: the votes cast on a race and the judge's replies (store/judgements.py).

`race_votes` has the shape race_stats.CONTRACT names (the leaderboard reads it); a judgement
keeps, besides the reply and its figures, which pane each "Answer N" was, so its verdict can be
read back and adopted as a vote.
"""

from __future__ import annotations

JUDGING_TABLES: tuple[str, ...] = (
    """CREATE TABLE IF NOT EXISTS race_votes (
        race_id TEXT NOT NULL,
        blind   INTEGER NOT NULL,
        vote    TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS race_votes_race ON race_votes(race_id)",
    """CREATE TABLE race_judgements (
        id                 INTEGER PRIMARY KEY,
        race_id            INTEGER NOT NULL,
        round              INTEGER NOT NULL DEFAULT 1,
        created_at         TEXT NOT NULL,
        mode               TEXT NOT NULL,
        model              TEXT NOT NULL,
        provider           TEXT NOT NULL,
        answer_order       TEXT NOT NULL,
        text               TEXT NOT NULL DEFAULT '',
        reasoning          TEXT NOT NULL DEFAULT '',
        status             TEXT NOT NULL,
        finish_reason      TEXT NOT NULL DEFAULT '',
        error              TEXT NOT NULL DEFAULT '',
        input_tokens       INTEGER,
        output_tokens      INTEGER,
        reasoning_tokens   INTEGER,
        cache_read_tokens  INTEGER,
        cache_write_tokens INTEGER,
        usage_estimated    INTEGER NOT NULL DEFAULT 0,
        ttft               REAL,
        duration           REAL,
        adopted            INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX race_judgements_race ON race_judgements(race_id)",
)
"""The judging migration."""

"""The race tables (migration 6), and the two relations the leaderboard reads from them.

A race's answers are messages; these tables add each pane's model and settings, each pane's
answer per round with the timings a message row does not keep, the rule and the winner. The
view `race_answers` and the table `race_votes` have the shape `race_stats.CONTRACT` names, so
the leaderboard reads races without knowing how they are laid out.
"""

from __future__ import annotations

RACE_TABLES: tuple[str, ...] = (
    """CREATE TABLE races (
        id         INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        rule       TEXT NOT NULL DEFAULT 'threads' CHECK (rule IN ('threads', 'winner')),
        winner     INTEGER
    )""",
    "CREATE INDEX races_session ON races(session_id)",
    """CREATE TABLE race_panes (
        race_id   INTEGER NOT NULL REFERENCES races(id) ON DELETE CASCADE,
        pane      INTEGER NOT NULL,
        label     TEXT NOT NULL,
        model     TEXT NOT NULL,
        provider  TEXT NOT NULL,
        system    TEXT,
        reasoning TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (race_id, pane)
    )""",
    """CREATE TABLE race_rounds (
        race_id        INTEGER NOT NULL,
        pane           INTEGER NOT NULL,
        round          INTEGER NOT NULL,
        prompt_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        answer_id      INTEGER REFERENCES messages(id) ON DELETE SET NULL,
        first_byte     REAL,
        to_reasoning   REAL,
        to_answer      REAL,
        answer_rate    REAL,
        reasoning_rate REAL,
        elapsed        REAL,
        ending         TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (race_id, pane, round),
        FOREIGN KEY (race_id, pane) REFERENCES race_panes(race_id, pane) ON DELETE CASCADE
    )""",
    "CREATE INDEX race_rounds_answer ON race_rounds(answer_id)",
    # the leaderboard's answers: each round of a race is one race there (its panes answered
    # one prompt), `<race id>.<round>`; the time to the first token is of either kind; the
    # counts and how it ended come from the answer's message; deleted sessions are left out
    """CREATE VIEW race_answers AS
    SELECT r.id || '.' || a.round AS race_id,
           r.created_at AS created_at,
           a.pane AS pane,
           m.model AS model,
           m.provider AS provider,
           coalesce(min(a.to_reasoning, a.to_answer), a.to_reasoning, a.to_answer) AS ttft,
           a.elapsed AS duration,
           m.input_tokens AS input_tokens,
           m.output_tokens AS output_tokens,
           m.reasoning_tokens AS reasoning_tokens,
           m.cache_read_tokens AS cache_read_tokens,
           m.cache_write_tokens AS cache_write_tokens,
           m.usage_estimated AS usage_estimated,
           m.status AS status
    FROM races r
    JOIN race_rounds a ON a.race_id = r.id
    JOIN messages m ON m.id = a.answer_id
    JOIN sessions s ON s.id = r.session_id
    WHERE s.deleted_at IS NULL""",
    # votes are not recorded yet: the leaderboard reads an empty table until they are
    """CREATE TABLE race_votes (
        race_id TEXT NOT NULL,
        blind   INTEGER NOT NULL,
        vote    TEXT NOT NULL
    )""",
    "CREATE INDEX race_votes_race ON race_votes(race_id)",
)
"""Migration 6: the race tables, the leaderboard's view of their answers and the votes."""

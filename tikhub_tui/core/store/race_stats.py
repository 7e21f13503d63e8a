"""Reading the races for the leaderboard: one row per answer, one row per vote.

The query asks the store for two relations, `race_answers` and `race_votes` (CONTRACT below),
which the race's own tables provide as they are or through views; so the leaderboard depends
on the columns it needs, not on how a race is laid out. SQLite checks, prices and groups the
rows (10,000 races are about 35,000 answers), so Python handles one row per model and one per
vote.
"""

from __future__ import annotations

import functools
import json
import sqlite3

from tikhub_tui.core.catalogue import Catalogue, Prices
from tikhub_tui.core.cost import PER
from tikhub_tui.core.judging.board import Leaderboard, StatsFilter
from tikhub_tui.core.judging.leaderboard import Standings
from tikhub_tui.core.judging.votes import MAX_PANES, Vote
from tikhub_tui.core.store.records import to_iso

CONTRACT = """
CREATE TABLE race_answers (       -- one row per answer of a race that was not deleted
    race_id            TEXT NOT NULL,  -- a round of a race, `<race>.<round>` (or just `<race>`)
    created_at         TEXT NOT NULL,  -- when the race started (ISO 8601 UTC, as the store writes)
    pane               INTEGER NOT NULL,  -- 0-based place of the answer in the race
    model              TEXT NOT NULL,
    provider           TEXT NOT NULL DEFAULT '',
    ttft               REAL,           -- seconds to the first token
    duration           REAL,           -- seconds from the request to the end
    input_tokens       INTEGER,
    output_tokens      INTEGER,
    reasoning_tokens   INTEGER,
    cache_read_tokens  INTEGER,
    cache_write_tokens INTEGER,
    usage_estimated    INTEGER NOT NULL DEFAULT 0,
    status             TEXT NOT NULL   -- complete, stopped, incomplete or error
);
CREATE TABLE race_votes (         -- one row per vote
    race_id TEXT NOT NULL,             -- the round voted on, as race_answers names it
    blind   INTEGER NOT NULL,          -- 1: cast before the names were shown
    vote    TEXT NOT NULL              -- Vote.encode(): pick:2,0 / tie / bad
);
CREATE INDEX race_votes_race ON race_votes(race_id);
-- what makes it fast: the metrics read from two indexes, never from the rows (which, kept
-- with the answers' text, are mostly text)
CREATE INDEX race_answers_metrics ON race_answers(
    model, created_at, race_id, status, provider, ttft, duration,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens
);
CREATE INDEX race_answers_race ON race_answers(race_id, pane, model, created_at);
"""
"""The shape the leaderboard reads: tables or views with these names and columns, and the
indexes (on the tables under the views) that keep 10,000 races under 300 ms."""

# Guards without function calls (the query runs them 200,000 times): SQLite orders every
# number before every text, so `x BETWEEN 0 AND 1e12` holds only for a number in range.
_NUMBER = "{0} BETWEEN 0 AND 1e12"
_USAGE = f"{_NUMBER.format('input_tokens')} AND {_NUMBER.format('output_tokens')}"
_READ = """(CASE WHEN cache_read_tokens BETWEEN 0 AND input_tokens THEN cache_read_tokens
                 WHEN cache_read_tokens BETWEEN input_tokens AND 1e12 THEN input_tokens
                 ELSE 0 END)"""
_WRITTEN = f"""(CASE WHEN cache_write_tokens BETWEEN 0 AND input_tokens - {_READ}
                     THEN cache_write_tokens
                     WHEN cache_write_tokens BETWEEN input_tokens - {_READ} AND 1e12
                     THEN input_tokens - {_READ}
                     ELSE 0 END)"""
_RACE = """(CASE WHEN instr(race_id, '.') THEN substr(race_id, 1, instr(race_id, '.') - 1)
               ELSE race_id END)"""
"""The race of a round (`7.2` -> `7`, as board.race_of): its rounds (and the retries in them)
are one race on the leaderboard, the votes are per round."""
_PER_MODEL = f"""
SELECT model, max(provider), count(DISTINCT {_RACE}), count(*), sum(status = 'error'),
       group_concat(CASE WHEN {_NUMBER.format("ttft")} THEN CAST(ttft * 1e6 AS INTEGER) END),
       group_concat(CASE WHEN {_NUMBER.format("ttft")} AND {_NUMBER.format("duration")}
                          AND output_tokens BETWEEN 1 AND 1e12 AND duration > ttft
                         THEN CAST(output_tokens * 1e3 / (duration - ttft) AS INTEGER) END),
       group_concat(CASE WHEN {_USAGE} THEN CAST(round(1e12 * CASE model {{prices}} END)
                                                  AS INTEGER) END)
FROM (SELECT *, {_READ} AS rr, {_WRITTEN} AS ww FROM race_answers
      WHERE created_at >= ? AND created_at < ?)
GROUP BY model
"""
"""Per model: its totals, and every answer's time to first token (in microseconds), tokens
per second (in thousandths) and cost (in millionths of a millionth of a dollar), each a
comma-joined column: one row per model instead of one per answer. Whole numbers, because
SQLite writes them several times faster than fractions."""
_PRICE = """WHEN ? THEN CASE WHEN input_tokens > ?
    THEN (input_tokens - rr - ww) * ? + rr * ? + ww * ? + output_tokens * ?
    ELSE (input_tokens - rr - ww) * ? + rr * ? + ww * ? + output_tokens * ? END"""
"""An answer's cost in dollars: core.cost.cost's rule in SQL (the tests hold the two to the
same answers), with the model's long-context prices above its threshold."""
_MODELS = "SELECT DISTINCT model FROM race_answers WHERE created_at >= ? AND created_at < ?"
_VOTES = """
SELECT v.blind, v.vote, n.panes, n.names
FROM race_votes v JOIN (
    SELECT race_id, count(*) AS panes, group_concat(pane || ? || model, ?) AS names
    FROM race_answers
    WHERE created_at >= ? AND created_at < ? AND race_id IN (SELECT race_id FROM race_votes)
    GROUP BY race_id
) n ON n.race_id = v.race_id
"""
"""Every vote, with its race's models as `pane US model RS pane US model` (in no set order)."""
_RACE_COUNT = f"""
SELECT count(DISTINCT {_RACE}) FROM race_answers
WHERE created_at >= ? AND created_at < ? AND (? OR model IN (SELECT value FROM json_each(?)))
"""
_END_OF_TIME = "9999"
_UNIT, _RECORD = "\x1f", "\x1e"
"""Between a pane and its model, and between panes, in a race's list of models."""
_PANE_MARKS = tuple(f"{pane}{_UNIT}" for pane in range(MAX_PANES))
Rates = tuple[float, float, float, float]


def _rates(prices: Prices) -> Rates:
    """Dollars per token: fresh input, cached input, cache write, output (a missing cache
    price is the input price, as in core.cost)."""
    cached = prices.input if prices.cached_input is None else prices.cached_input
    write = prices.input if prices.cache_write is None else prices.cache_write
    return (prices.input / PER, cached / PER, write / PER, prices.output / PER)


def _prices(
    conn: sqlite3.Connection, bounds: tuple[str, str], catalogue: Catalogue
) -> tuple[str, list[object]]:
    """The WHEN clauses and parameters that price each stored model that has a price."""
    clauses: list[str] = []
    values: list[object] = []
    for (model,) in conn.execute(_MODELS, bounds):
        info = catalogue.info(str(model))
        if info is None or info.prices is None:
            continue
        base = _rates(info.prices)
        above, tier = info.long_context or (None, None)
        clauses.append(_PRICE)
        values += [model, above, *(_rates(tier) if tier else base), *base]
    return " ".join(clauses) or "WHEN NULL THEN NULL", values


@functools.lru_cache(maxsize=1024)
def _vote(text: object, blind: bool) -> Vote | None:
    """Vote.decode, once per distinct stored vote (a history repeats a few dozen of them)."""
    return Vote.decode(text, blind=blind)


def _numbers(joined: str | None, scale: float) -> list[float]:
    """The whole numbers of a comma-joined column (SQLite wrote them: the guards let only
    numbers in), divided by `scale`."""
    return [value / scale for value in map(int, joined.split(","))] if joined else []


def _names(joined: str, count: int) -> tuple[str, ...] | None:
    """A race's `count` models in pane order, from `pane US model RS pane US model` (the
    race index hands them over in pane order; panes are one digit, so sorting the parts sorts
    them otherwise); None unless the panes are exactly 0 to count-1 (a name holding the
    separators: its votes are then left out)."""
    parts = joined.split(_RECORD)
    if len(parts) != count or count > MAX_PANES:
        return None
    if any(part[:2] != _PANE_MARKS[pane] for pane, part in enumerate(parts)):
        parts.sort()
        if any(part[:2] != _PANE_MARKS[pane] for pane, part in enumerate(parts)):
            return None
    return tuple(part[2:] for part in parts)


def store_leaderboard(
    conn: sqlite3.Connection, catalogue: Catalogue, wanted: StatsFilter | None = None
) -> Leaderboard:
    """The leaderboard of the races stored in `conn`, each answer priced with today's
    catalogue (as `usage` prices saved answers). Values that are not what the contract says
    (a hand-edited row) count as unknown; votes that cannot be read are left out. sqlite3
    errors are the caller's to turn into a StoreError."""
    standings = Standings(wanted)
    wanted = standings.wanted
    since = to_iso(wanted.since) if wanted.since else ""
    bounds = (since, to_iso(wanted.until) if wanted.until else _END_OF_TIME)
    clauses, prices = _prices(conn, bounds, catalogue)
    for row in conn.execute(_PER_MODEL.replace("{prices}", clauses), (*prices, *bounds)):
        metrics = (_numbers(row[5], 1e6), _numbers(row[6], 1e3), _numbers(row[7], 1e12))
        standings.add_model(str(row[0]), str(row[1] or ""), (row[2], row[3], row[4] or 0), metrics)
    everyone = wanted.models is None
    kept = json.dumps(standings.models)
    standings.races = conn.execute(_RACE_COUNT, (*bounds, everyone, kept)).fetchone()[0]
    for blind, text, count, joined in conn.execute(_VOTES, (_UNIT, _RECORD, *bounds)):
        vote = _vote(text, bool(blind))
        names = _names(str(joined), count) if vote is not None else None
        if vote is None or names is None:
            continue
        if everyone or any(standings.kept(name) for name in names):
            standings.add_votes((vote,), names)
    return standings.result()

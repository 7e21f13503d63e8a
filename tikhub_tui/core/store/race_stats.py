"""Reading the races for the leaderboard: one row per answer, one row per vote.

The query asks the store for two relations, `race_answers` and `race_votes` (CONTRACT below),
which the race's own tables provide as they are or through views; so the leaderboard depends
on the columns it needs, not on how a race is laid out. SQLite checks, prices and groups the
rows (10,000 races are about 35,000 answers), so Python handles one row per model and one per
race: the leaderboard of 10,000 races takes well under 300 ms.
"""

from __future__ import annotations

import functools
import sqlite3

from tikhub_tui.core.catalogue import Catalogue, Prices
from tikhub_tui.core.cost import PER
from tikhub_tui.core.judging.board import Leaderboard, StatsFilter
from tikhub_tui.core.judging.leaderboard import Standings
from tikhub_tui.core.judging.votes import MAX_PANES, Vote
from tikhub_tui.core.store.records import to_iso

CONTRACT = """
CREATE TABLE race_answers (       -- one row per answer of a race that was not deleted
    race_id            TEXT NOT NULL,
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
CREATE INDEX race_answers_time ON race_answers(created_at, race_id, pane);
CREATE TABLE race_votes (         -- one row per vote
    race_id TEXT NOT NULL,
    blind   INTEGER NOT NULL,          -- 1: cast before the names were shown
    vote    TEXT NOT NULL              -- Vote.encode(): pick:2,0 / tie / bad
);
CREATE INDEX race_votes_race ON race_votes(race_id);
"""
"""The shape the leaderboard reads: tables or views with these names and columns."""

_NUMBER = "typeof({0}) IN ('integer', 'real') AND {0} >= 0"
_COUNT = "typeof({0}) = 'integer' AND {0} >= 0"
_PER_MODEL = f"""
WITH prices(model, input, cached, write, output, above, l_input, l_cached, l_write, l_output)
     AS (VALUES {{prices}}),
checked AS (
    SELECT race_id, CAST(model AS TEXT) AS model, CAST(provider AS TEXT) AS provider,
           status = 'error' AS failed,
           CASE WHEN {_NUMBER.format("ttft")} THEN ttft END AS t,
           CASE WHEN {_NUMBER.format("duration")} THEN duration END AS d,
           CASE WHEN {_COUNT.format("input_tokens")} THEN input_tokens END AS i,
           CASE WHEN {_COUNT.format("output_tokens")} THEN output_tokens END AS o,
           CASE WHEN {_COUNT.format("cache_read_tokens")} THEN cache_read_tokens ELSE 0 END AS r,
           CASE WHEN {_COUNT.format("cache_write_tokens")} THEN cache_write_tokens ELSE 0 END AS w
    FROM race_answers WHERE created_at >= ? AND created_at < ?
),
tiered AS (  -- core.cost.cost in SQL (the tests hold the two to the same answers)
    SELECT c.*, min(c.r, c.i) AS rr, min(c.w, c.i - min(c.r, c.i)) AS ww,
           CASE WHEN c.i > p.above THEN p.l_input ELSE p.input END AS pi,
           CASE WHEN c.i > p.above THEN p.l_cached ELSE p.cached END AS pc,
           CASE WHEN c.i > p.above THEN p.l_write ELSE p.write END AS pw,
           CASE WHEN c.i > p.above THEN p.l_output ELSE p.output END AS po
    FROM checked c LEFT JOIN prices p ON p.model = c.model
)
SELECT model, max(provider), count(DISTINCT race_id), count(*), sum(failed), group_concat(t),
       group_concat(CASE WHEN o > 0 AND t IS NOT NULL AND d > t THEN o * 1.0 / (d - t) END),
       group_concat(CASE WHEN pi IS NOT NULL AND i IS NOT NULL AND o IS NOT NULL
                         THEN ((i - rr - ww) * pi + rr * pc + ww * pw + o * po) / {PER:.1f} END)
FROM tiered GROUP BY model
"""
_RACES = """
SELECT n.race_id, n.names, n.panes, v.blind, v.vote
FROM (SELECT race_id, count(*) AS panes,
             group_concat(pane || char(31) || CAST(model AS TEXT), char(30)) AS names
      FROM race_answers WHERE created_at >= ? AND created_at < ? GROUP BY race_id) n
LEFT JOIN race_votes v ON v.race_id = n.race_id
ORDER BY n.race_id
"""
_MODELS = (
    "SELECT DISTINCT CAST(model AS TEXT) FROM race_answers WHERE created_at >= ? AND created_at < ?"
)
_END_OF_TIME = "9999"
_PANES = tuple(str(pane) for pane in range(MAX_PANES))


def _price_rows(models: list[str], catalogue: Catalogue) -> list[object]:
    """The VALUES of the prices CTE, flattened: each model's prices (a missing cache price is
    the input price, as in core.cost), and its long-context tier."""

    def four(prices: Prices | None) -> list[object]:
        if prices is None:
            return [None] * 4
        cached = prices.input if prices.cached_input is None else prices.cached_input
        write = prices.input if prices.cache_write is None else prices.cache_write
        return [prices.input, cached, write, prices.output]

    values: list[object] = []
    for model in models:
        info = catalogue.info(model)
        tier = info.long_context if info is not None else None
        values += [model, *four(info.prices if info else None)]
        values += [tier[0], *four(tier[1])] if tier else [None] * 5
    return values


@functools.lru_cache(maxsize=1024)
def _vote(text: object, blind: bool) -> Vote | None:
    """Vote.decode, once per distinct stored vote (a history repeats a few dozen of them)."""
    return Vote.decode(text, blind=blind)


def _numbers(joined: str | None) -> list[float]:
    return [float(value) for value in joined.split(",")] if joined else []


def _names(joined: str, count: int) -> list[str] | None:
    """A race's `count` models in pane order, from `pane US model RS pane US model`; None
    unless the panes are 0 to count-1 (a name holding the separators; its votes are then
    left out)."""
    pairs = [part.split("\x1f") for part in joined.split("\x1e")]
    names: list[str | None] = [None] * count
    for pair in pairs:
        if len(pairs) != count or len(pair) != 2 or pair[0] not in _PANES[:count]:
            return None
        names[int(pair[0])] = pair[1]
    return None if None in names else [name for name in names if name is not None]


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
    models = [row[0] for row in conn.execute(_MODELS, bounds) if row[0] is not None]
    if not models:
        return standings.result()
    sql = _PER_MODEL.replace("{prices}", ", ".join(["(" + ", ".join("?" * 10) + ")"] * len(models)))
    for row in conn.execute(sql, (*_price_rows(models, catalogue), *bounds)):
        metrics = (_numbers(row[5]), _numbers(row[6]), _numbers(row[7]))
        standings.add_model(row[0], row[1] or "", (row[2], row[3], row[4] or 0), metrics)
    race: tuple[object, str, int] | None = None  # id, names, panes
    votes: list[Vote] = []
    for race_id, joined, count, blind, text in conn.execute(_RACES, bounds):
        if race is None or race_id != race[0]:
            _add_race(standings, race, votes)
            race, votes = (race_id, str(joined), count), []
        vote = _vote(text, bool(blind)) if text is not None else None
        if vote is not None:
            votes.append(vote)
    _add_race(standings, race, votes)
    return standings.result()


def _add_race(
    standings: Standings, race: tuple[object, str, int] | None, votes: list[Vote]
) -> None:
    if race is None:
        return
    names = _names(race[1], race[2]) if votes or standings.wanted.models is not None else []
    if names is None:
        standings.races += standings.wanted.models is None
        return
    if standings.wanted.models is None or any(standings.kept(name) for name in names):
        standings.races += 1
        standings.add_votes(votes, names)

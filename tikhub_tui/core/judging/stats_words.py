"""The leaderboard in words: the cells of its table, the table as text lines, and its JSON.

One wording for `tikhub-tui race stats`, its `--json` and the app's stats screen, so a number
reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tikhub_tui.core.cost import money
from tikhub_tui.core.judging.board import Leaderboard, ModelStats, Spread
from tikhub_tui.core.judging.rating import BASE, PRIOR_TIES, SCALE
from tikhub_tui.core.store.text import display_safe

HEADER = (
    "#", "MODEL", "RATING", "W-L-T", "RACES", "TTFT p50/p90", "TOK/S p50/p90", "COST/ANS", "ERRORS",
)  # fmt: skip
RIGHT = frozenset({0, 2, 3, 4, 5, 6, 7, 8})
"""Columns aligned right (numbers)."""
NONE = "—"
SWITCHES: Mapping[str, str] = {"blind": "--blind", "sighted": "--sighted", "all": "--all-votes"}
"""How `race stats` is asked for each set of votes."""
MIN_MODEL = 12


def _pair(spread: Spread, digits: int, unit: str = "") -> str:
    if spread.median is None or spread.p90 is None:
        return NONE
    return f"{spread.median:,.{digits}f} / {spread.p90:,.{digits}f}{unit}"


def cells(row: ModelStats, rank: int) -> tuple[str, ...]:
    """One row of the table as text, in HEADER's order (`rank` from 1)."""
    return (
        str(rank),
        display_safe(row.model) or "(unknown model)",
        NONE if row.rating is None else f"{row.rating:.0f}",
        f"{row.wins}-{row.losses}-{row.ties}",
        f"{row.races:,}",
        _pair(row.ttft, 2, " s"),
        _pair(row.tokens_per_s, 0),
        money(row.cost) if row.cost is not None else NONE,
        f"{row.error_rate:.0%}",
    )


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def notes(board: Leaderboard, hint: str | None = None) -> list[str]:
    """What the ratings come from, and how to see the votes left out."""
    kind = {"blind": "blind ", "sighted": "sighted ", "all": ""}[board.filter.votes]
    counted = _plural(board.votes, kind + "vote")
    lines = [
        f"Ratings: Bradley–Terry over {counted}"
        f"{' (blind and sighted together)' if not kind else ''}, on the Elo scale "
        f"({BASE:g} = the average, {SCALE:g} points = 10-to-1 odds); "
        f"{NONE} = no {kind}vote yet. W-L-T: wins, losses, ties (both bad is a tie).",
        "RACES: the races a model took part in (a race's follow-up rounds and retries count "
        "once); ERRORS: of its answers.",
    ]
    if board.other_votes:
        other = "sighted" if board.filter.votes == "blind" else "blind"
        hint = hint or f"{SWITCHES[other]} rates those instead, {SWITCHES['all']} both together."
        lines.append(f"{_plural(board.other_votes, other + ' vote')} not counted: {hint}")
    if any(row.priced_answers < row.answers for row in board.rows):
        lines.append(f"COST/ANS: median over answers with a price; {NONE} when none has one.")
    return lines


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def table_lines(board: Leaderboard, width: int | None = None) -> list[str]:
    """The table, aligned, then its notes; the model column is cut to fit `width` if given."""
    if not board.rows:
        return [f"No races{_range_words(board)}: race some models first (`tikhub-tui race`)."]
    rows: list[Sequence[str]] = [HEADER, *(cells(r, i) for i, r in enumerate(board.rows, 1))]
    widths = [max(len(row[col]) for row in rows) for col in range(len(HEADER))]
    if width is not None:
        spare = width - (sum(widths) + 2 * (len(widths) - 1))
        if spare < 0:
            widths[1] = max(MIN_MODEL, widths[1] + spare)
    lines = []
    for row in rows:
        parts = [
            _fit(cell, widths[col]).rjust(widths[col])
            if col in RIGHT
            else _fit(cell, widths[col]).ljust(widths[col])
            for col, cell in enumerate(row)
        ]
        lines.append("  ".join(parts).rstrip())
    return [*lines, "", *notes(board)]


def _range_words(board: Leaderboard) -> str:
    wanted, words = board.filter, []
    if wanted.since is not None:
        words.append(f" since {wanted.since.astimezone():%Y-%m-%d %H:%M}")
    if wanted.until is not None:
        words.append(f" before {wanted.until.astimezone():%Y-%m-%d %H:%M}")
    if wanted.models is not None:
        words.append(" with " + ", ".join(sorted(display_safe(m) for m in wanted.models)))
    return "".join(words)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def _spread(spread: Spread, digits: int) -> dict[str, float | None]:
    return {"median": _round(spread.median, digits), "p90": _round(spread.p90, digits)}


def to_json(board: Leaderboard) -> dict[str, object]:
    """The object `race stats --json` prints: the filter, the counts, one entry per model."""
    wanted = board.filter
    return {
        "filter": {
            "since": wanted.since.isoformat() if wanted.since else None,
            "until": wanted.until.isoformat() if wanted.until else None,
            "models": sorted(wanted.models) if wanted.models is not None else None,
            "votes": wanted.votes,
        },
        "races": board.races,
        "votes": board.votes,
        "other_votes": board.other_votes,
        "rating": {"method": "bradley-terry", "base": BASE, "scale": SCALE, "prior": PRIOR_TIES},
        "models": [
            {
                "model": row.model,
                "provider": row.provider,
                "rating": _round(row.rating, 1),
                "wins": row.wins,
                "losses": row.losses,
                "ties": row.ties,
                "both_bad": row.both_bad,
                "races": row.races,
                "answers": row.answers,
                "errors": row.errors,
                "error_rate": round(row.error_rate, 4),
                "ttft_s": _spread(row.ttft, 3),
                "tokens_per_s": _spread(row.tokens_per_s, 1),
                "cost_per_answer_usd": {
                    "median": _round(row.cost, 8),
                    "priced_answers": row.priced_answers,
                },
            }
            for row in board.rows
        ],
    }

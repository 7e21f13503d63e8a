"""Judging a race: votes and ratings, the personal leaderboard, blind mode, the judge, diffs.

Each module is pure (no Textual, no I/O except `core.store.race_stats`), so the race screen,
the stats screen and `tikhub-tui race stats` share one set of rules.
"""

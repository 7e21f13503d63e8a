"""Judging a race on screen: blind mode, votes, the judge, the differences of two answers."""

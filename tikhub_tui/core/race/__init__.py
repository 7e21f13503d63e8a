"""Races: one prompt sent to several models at once, their answers and numbers side by side.

`panes` says what runs (a model, its protocol, its own system prompt and reasoning), `sets`
keeps named sets of panes and the last one used, `race` builds each round's exchanges (one
core Exchange per pane, the same path as a chat answer) and records them as one session,
`board` turns each pane's tally into the numbers, statuses and badges every front end shows,
and `export` writes a race as Markdown with its metrics table. No Textual in here: the race
screen and `tikhub-tui race` share all of it.
"""

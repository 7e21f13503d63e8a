"""The vote on a race, one key: which answer is better, a tie, or all bad.

For two panes a, b, t or x is the whole vote. For more, the first letter picks the best and is
cast at once; further letters rank the next ones (the vote is amended), Enter or Esc ends it.
The bar only takes keys while it has the focus; any other key hands the focus back to the
prompt, so typing is never lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.message import Message
from textual.widgets import Static

from tikhub_tui.core.judging.votes import BAD_KEY, LABELS, TIE_KEY, Vote


def choices(panes: int) -> str:
    """What the keys do, in words."""
    letters = LABELS[:panes]
    if panes == 2:
        return "a: A better · b: B better · t: tie · x: both bad"
    return f"{letters[0]}–{letters[-1]}: the best (then the next, in order) · t: tie · x: all bad"


class VoteBar(Static, can_focus=True):
    """See the module docstring; the race screen shows it once a round has answered."""

    DEFAULT_CSS = """
    VoteBar { display: none; height: auto; padding: 0 1; background: $boost;
        color: $text-muted; }
    VoteBar.-open { display: block; }
    VoteBar:focus { color: $text; background: $accent 25%; text-style: bold; }
    """

    @dataclass
    class Cast(Message):
        """A vote (`amend`: it replaces the one just cast, ranked further; `over`: no more
        keys will change it)."""

        vote: Vote
        amend: bool
        over: bool

    @dataclass
    class Left(Message):
        """The bar gave the focus back (`key`: the key that was not a vote, to type; `cast`:
        a pick was cast and is now over)."""

        key: events.Key | None
        cast: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.panes = 0
        self.blind = True
        self.ranking: list[int] = []
        self.closed = False
        """The vote is over (cast and, for a pick of many, ranked as far as wanted)."""
        self.taking = False
        """The bar was given the keys (`take`); until then it says how to give them."""

    def open(self, panes: int, *, blind: bool) -> None:
        """Ask for a vote on a round of `panes` answers."""
        self.panes, self.blind, self.ranking, self.closed = panes, blind, [], False
        self.taking = False
        self.add_class("-open")
        self._say()

    def shut(self) -> None:
        self.remove_class("-open")
        self.panes = 0

    @property
    def asking(self) -> bool:
        return self.has_class("-open") and not self.closed and self.panes >= 2

    def _say(self, done: str = "") -> None:
        kind = "blind" if self.blind else "names shown"
        if done:
            self.update(done)
        elif self.ranking:
            ranked = " > ".join(LABELS[p].upper() for p in self.ranking)
            self.update(f"Voted {ranked} · next best: a letter · Enter: done")
        elif not self.taking:  # its keys are letters: they vote only once F5 gives it them
            self.update(f"F5: vote on these answers ({kind}, one key)")
        else:
            self.update(f"Vote ({kind}, one key) · {choices(self.panes)} · Esc: later")

    def take(self) -> None:
        """Take the keys (the focus): the next letter votes."""
        self.taking = True
        self._say()
        self.focus()

    def finish(self, words: str) -> None:
        """The vote is over: say so (the race screen reveals the names when blind)."""
        self.closed = True
        self._say(words)

    def on_key(self, event: events.Key) -> None:
        # a terminal's Enter and Esc come with a character too ("\r", "\x1b"): use their name
        key = event.character.lower() if event.is_printable and event.character else event.key
        if not self.asking or not (event.is_printable or key in ("enter", "escape")):
            return  # the screen's and the app's keys still work
        event.stop()
        event.prevent_default()
        if key in (TIE_KEY, BAD_KEY) and not self.ranking:
            vote = Vote.tie(blind=self.blind) if key == TIE_KEY else Vote.bad(blind=self.blind)
            self.post_message(self.Cast(vote, amend=False, over=True))
            return
        place = LABELS.find(key) if len(key) == 1 else -1
        if 0 <= place < self.panes and place not in self.ranking:
            amend = bool(self.ranking)
            self.ranking.append(place)
            over = len(self.ranking) >= self.panes - 1
            self.post_message(self.Cast(Vote.pick(*self.ranking, blind=self.blind), amend, over))
            if not over:
                self._say()
            return
        cast = bool(self.ranking)
        self.taking = False
        if not cast:
            self._say()
        self.post_message(self.Left(event if event.is_printable else None, cast))

"""The line under the prompt that says how full the model's context window is.

The conversation's share is worked out when the conversation or the model changes (the
provider's own count after an answer, an estimate before); typing only adds the draft's
estimate to it, so a keystroke costs one pass over the draft, never over the history.
"""

from __future__ import annotations

from textual.widgets import Static

from tikhub_tui.core.tokens import PER_MESSAGE, ContextUse, with_draft
from tikhub_tui.ui.format import context_words

WARN_SHARE = 0.8
"""From this share of the window on, the line is drawn as a warning."""


class ContextLine(Static):
    """`context 12% (~15,204 of 128,000 tokens)`: the conversation and the draft together."""

    DEFAULT_CSS = """
    ContextLine { height: 1; padding: 0 2; color: $text-muted; }
    ContextLine.-full { color: $text-warning; }
    ContextLine.-over { color: $text-error; text-style: bold; }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.base: ContextUse | None = None
        """The conversation so far (None until the screen has worked it out)."""
        self.extra = 0
        """Tokens of what goes with the draft (its attachments), beyond its text."""
        self.draft = ""

    @property
    def use(self) -> ContextUse | None:
        """The conversation with the draft (and its files) as it would be sent."""
        if self.base is None:
            return None
        use = with_draft(self.base, self.draft)
        if self.extra:  # files without text still make a turn
            turn = PER_MESSAGE if use is self.base else 0
            use = ContextUse(use.tokens + self.extra + turn, use.window)
        return use

    def set_base(self, base: ContextUse | None) -> None:
        self.base = base
        self._show()

    def set_draft(self, draft: str, extra: int = 0) -> None:
        self.draft, self.extra = draft, extra
        self._show()

    def _show(self) -> None:
        use = self.use
        if use is None:
            self.update("")
        elif not use.tokens and use.window:  # nothing said or typed yet
            self.update(f"context window {use.window:,} tokens")
        else:
            self.update(context_words(use))
        over = use is not None and not use.fits
        share = use.share if use is not None else None
        self.set_class(over, "-over")
        self.set_class(not over and share is not None and share >= WARN_SHARE, "-full")

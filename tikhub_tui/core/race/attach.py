"""A race's files checked against every pane's protocol and model before any request.

A race that fails in one pane only is no race: one protocol refusing a GIF, or a PDF over one
provider's size or page limit, stops the whole round before anything is sent, naming the pane,
the file, the limit and the fix. Images are downscaled only when the caller says so, once for
every pane, so all the models see the same pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tikhub_tui.core.providers import LimitExceeded, check_limits

if TYPE_CHECKING:
    from tikhub_tui.core.model import Attachment
    from tikhub_tui.core.race.race import Race

ROUNDS = 6
"""Checks and downscales in turn before giving up (each pane's protocol can surface another
limit: three protocols, and a GIF that becomes a PNG first)."""


class PaneRefused(LimitExceeded):
    """A pane's protocol or model cannot take the round's files: nothing was sent."""

    def __init__(self, label: str, model: str, provider: str, error: LimitExceeded) -> None:
        fix = error.fix if "another provider" in error.fix else f"{error.fix}, or race without it"
        super().__init__(f"pane {label} ({model}, {provider}): {error.message}", fix, error.shrink)
        self.label = label


@dataclass(frozen=True, slots=True)
class Shrunk:
    """An image downscaled to fit a pane's limit (said to the user)."""

    before: Attachment
    after: Attachment


def check_round(race: Race, text: str, attachments: tuple[Attachment, ...]) -> None:
    """Raise PaneRefused for the first pane whose protocol or model refuses what the next
    round would send it (its own thread's earlier files count too): a file past the
    protocol's limits, or more than the model's context window (when the race knows it)."""
    from tikhub_tui.core.tokens import context_before

    for lane, conversation in zip(
        race.lanes, race.next_conversations(text, attachments), strict=True
    ):
        model, provider = lane.spec.model, lane.spec.provider
        try:
            check_limits(conversation, model, provider)
            if race.catalogue is not None:
                use = context_before(conversation, race.catalogue.info(model))
                if not use.fits:
                    raise LimitExceeded(
                        f"this prompt would be about {use.tokens:,} tokens with its files and "
                        f"the pane's thread, more than {model}'s context window ({use.window:,})",
                        "attach fewer or smaller files, or start a new race",
                    )
        except LimitExceeded as error:
            raise PaneRefused(lane.label, model, provider, error) from None


def fit_round(
    race: Race, text: str, attachments: Sequence[Attachment], *, downscale: bool = False
) -> tuple[tuple[Attachment, ...], list[Shrunk]]:
    """The round's files once every pane accepts them, and the images that were downscaled
    for that (only with `downscale`, only the round's own files); raises PaneRefused."""
    files, shrunk = tuple(attachments), list[Shrunk]()
    for _ in range(ROUNDS):
        try:
            check_round(race, text, files)
            return files, shrunk
        except PaneRefused as error:
            targets = {sha: size for sha, size in error.shrink.items()
                       if any(item.sha256 == sha for item in files)}  # fmt: skip
            if not downscale or not targets:
                raise
            files, done = _shrink(files, targets)
            shrunk += done
    check_round(race, text, files)
    return files, shrunk


def _shrink(
    files: tuple[Attachment, ...], targets: dict[str, tuple[int, int]]
) -> tuple[tuple[Attachment, ...], list[Shrunk]]:
    from tikhub_tui.core.attachments.shrink import downscale

    done: dict[str, Attachment] = {}
    shrunk: list[Shrunk] = []
    for item in files:
        if item.sha256 in targets and item.sha256 not in done:
            side, size = targets[item.sha256]
            done[item.sha256] = smaller = downscale(item, side, size)
            shrunk.append(Shrunk(item, smaller))
    return tuple(done.get(item.sha256, item) for item in files), shrunk

"""The race screen's files: the chat's picker, chips and `@path`, checked for every pane.

A file joins the chips only when every pane's protocol accepts it, and a round starts only
when every pane's protocol and model accept all its files with each pane's own thread
(`core.race.attach`): a race never fails in one pane only. Files are read in a thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tikhub_tui.core.model import Attachment
from tikhub_tui.core.race.attach import PaneRefused, check_round
from tikhub_tui.core.race.race import Race
from tikhub_tui.ui.attach_paths import at_paths
from tikhub_tui.ui.screens.attach import ScreenFiles
from tikhub_tui.ui.screens.chat.files import read_files

if TYPE_CHECKING:
    from tikhub_tui.ui.screens.race.screen import RaceScreen


def refusal(error: PaneRefused) -> str:
    """Why the files cannot go, naming the pane, and the fix."""
    return f"Not sent: {error.message}. {error.fix[:1].upper()}{error.fix[1:]}."


class RaceFiles(ScreenFiles):
    """What the race screen does with files (see the module docstring)."""

    screen: RaceScreen

    def _probe(self) -> Race:
        """The race as it stands (or a new one of the picked panes) to check files against."""
        return self.screen.race or Race(self.screen.specs, store=None)

    async def attach(self, paths: Sequence[Path]) -> bool:
        """Read the files (in a thread) and add them to the chips, each checked against every
        pane; False when one could not be attached (said why)."""
        made, problems = await asyncio.to_thread(read_files, paths)
        for problem in problems:
            self._refuse(problem)
        for item in made:
            try:
                if self.screen.specs:
                    check_round(self._probe(), "", (*self.chips.items, item))
            except PaneRefused as error:
                problems.append(error.message)
                self._refuse(f"{item.name}: {refusal(error).removeprefix('Not sent: ')}")
                continue
            self.chips.add(item)
        return not problems

    async def ready(self, text: str, race: Race) -> tuple[Attachment, ...] | None:
        """The round's files: the chips and the `@path`s of the prompt, once every pane takes
        them; None (said why, nothing sent) otherwise."""
        have = {item.name for item in self.chips.items}
        named = [path for path in at_paths(text, Path.cwd()) if path.name not in have]
        if named and not await self.attach(named):
            return None
        files = tuple(self.chips.items)
        try:
            check_round(race, text, files)
        except PaneRefused as error:
            self._refuse(refusal(error), "Not sent")
            return None
        return files

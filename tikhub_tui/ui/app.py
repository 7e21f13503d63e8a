"""The Textual app: wiring of screens, themes, keymap and clipboard.

Behaviour lives in the screens and the stream controller; this module only connects them (the
key lookup and gateway are its base in app_access.py, the palette's commands and the help's
tables are built in app_commands.py). The
state screens show (the settings, the model the next prompts go to, the gateway and key in
use) lives in reactives here, which the screens watch; the App reaches a screen only through
its small public methods.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen

from tikhub_tui.core.catalogue import catalogue
from tikhub_tui.core.settings import Settings
from tikhub_tui.core.store.shared import SharedStore
from tikhub_tui.ui.access import ClientCache
from tikhub_tui.ui.app_access import AppAccess
from tikhub_tui.ui.collector import COLLECTOR

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.core.race.panes import PaneSpec
    from tikhub_tui.gateway import Gateway
    from tikhub_tui.ui.screens.race import RaceScreen

RACE = "race"
"""The name the race screen is installed under: it keeps its race while the chat is shown."""


THREADS = 32
"""Default executor size: race panes, keyring and store work never queue behind each other."""


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model the next prompts go to, and its protocol."""

    provider: str
    model: str


class TikhubApp(AppAccess):
    """tikhub-tui."""

    settings: reactive[Settings] = reactive(Settings, init=False)
    """The settings in force (replaced whole when Settings saves new ones)."""
    chosen: reactive[ModelChoice] = reactive(ModelChoice("openai", "gpt-5"), init=False)
    """The model the next prompts go to."""

    TITLE = "tikhub-tui"
    CSS_PATH = Path(__file__).with_name("app.tcss")
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
        Binding("f1,question_mark", "help", "Help", id="help"),
        Binding("f2", "settings", "Settings", id="settings"),
        Binding("f3", "race", "Race/chat", id="race"),
        Binding("f9", "race_stats", "Leaderboard", id="race-stats", show=False),
    ]

    def __init__(
        self,
        settings: Settings,
        *,
        demo: bool = False,
        base_url: str | None = None,
        notices: Iterable[str] = (),
        model_given: bool = False,
        store: SharedStore | None = None,
        race: list[PaneSpec] | None = None,
        blind: bool = False,
    ) -> None:
        super().__init__()
        self._race_at_start = race
        """Open on the race screen with these models (`tikhub-tui race` with no prompt)."""
        self._blind = blind
        """The race screen starts blind whatever the setting (`tikhub-tui race --blind`)."""
        self.model_given = model_given
        """The model was chosen on the command line: the session reopened at start keeps it."""
        self.set_reactive(TikhubApp.settings, settings)
        self.set_reactive(TikhubApp.chosen, ModelChoice(settings.provider, settings.model))
        self._force_demo = demo
        self._base_url = base_url or settings.base_url
        self._notices = list(notices)
        self.access_ready = asyncio.Event()
        self._clients = ClientCache()
        self._gateway: Gateway | None = None
        self.store = store or SharedStore()
        """The sessions store of the process, opened by the first screen that needs it (in a
        worker) and shared by every screen and answer."""

    # -- start-up ----------------------------------------------------------------------------

    def on_load(self) -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(THREADS, thread_name_prefix="tikhub"))

    def get_default_screen(self) -> Screen[None]:
        from tikhub_tui.ui.screens.chat import ChatScreen

        return ChatScreen()

    def on_mount(self) -> None:
        from tikhub_tui.ui.keymap import setup_keymap
        from tikhub_tui.ui.themes import setup_themes

        if self.console.color_system in ("standard", "windows"):  # TERM=xterm, a console
            self.add_class("-sixteen-colours")
        setup_themes(self, self._previewing_theme)
        setup_keymap(self)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGHUP, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self._on_hangup, signum)
        for notice in self._notices:
            self.notify(notice, severity="error", timeout=15, markup=False)
        if self._force_demo:
            self._use_demo("Demo mode: answers come from the embedded local gateway.")
        else:
            self._find_key()
        if self._race_at_start is not None:
            self.call_after_refresh(self.action_race)

    @property
    def provider(self) -> str:
        return self.chosen.provider

    @property
    def model(self) -> str:
        return self.chosen.model

    # -- what screens ask for ----------------------------------------------------------------

    def client(self) -> ChatClient:
        assert self.access is not None, "access is resolved before the first prompt"
        return self._clients.get(self.access, self.settings)

    def models(self) -> dict[str, list[str]]:
        return catalogue(self.settings.models)

    def apply_settings(self, settings: Settings, *, key_changed: bool = False) -> None:
        """Use new settings at once (the settings screen calls this after saving them)."""
        old = self.settings
        if settings.keymap != old.keymap:
            from tikhub_tui.ui.keymap import setup_keymap

            setup_keymap(self)
        if settings.theme != self.theme:
            from tikhub_tui.ui.themes import apply_theme

            apply_theme(self, settings.theme)
        self.settings = settings  # the screens watching it see the change
        if (settings.provider, settings.model) != (old.provider, old.model):
            self.chosen = ModelChoice(settings.provider, settings.model)
        if settings.base_url != old.base_url:
            self._base_url = settings.base_url
        if key_changed or settings.base_url != old.base_url:
            self.access = None
            self.access_ready.clear()
            self._find_key()

    def choose_model(self, provider: str, model: str, *, say: bool = True) -> None:
        """Send the next prompts to `model` (`say`: tell the user so)."""
        self.chosen = ModelChoice(provider, model)
        if say:
            self.notify(f"Next prompts go to {model} ({provider}).", markup=False, timeout=3)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's notification, for every notice of the app: what it says is redacted of
        any key and shown, never obeyed, by the terminal (its errors quote servers and files)."""
        from tikhub_tui.core.secrets import redact
        from tikhub_tui.core.untrusted import for_terminal

        super().notify(
            for_terminal(redact(message)),
            title=for_terminal(redact(title)),
            severity=severity,
            timeout=timeout,
            markup=markup,
        )

    def copy_text(self, text: str, what: str, filename: str = "answer.md") -> bool:
        """Put text on the clipboard with OSC 52 (works over SSH) and say what was copied.

        Where the terminal cannot take it (known to ignore OSC 52, or too large) the save
        dialog opens instead; inside tmux the message says how to let it through. True when
        the text went to the terminal.
        """
        from tikhub_tui.ui.clipboard import copy_or_save
        from tikhub_tui.ui.screens.save_text import SaveTextScreen

        def offer_file(why: str) -> None:
            self.push_screen(SaveTextScreen(text, filename, what, why))

        return copy_or_save(self, text, what, offer_file)

    def pick_code_block(self, answer: str) -> None:
        from tikhub_tui.ui.screens.code_blocks import CodeBlocksScreen, code_blocks

        blocks = code_blocks(answer)
        if not blocks:
            self.notify("The last answer has no code block.", severity="warning")
            return
        self.push_screen(CodeBlocksScreen(blocks))

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        from tikhub_tui.ui.keymap import report_bindings_clash

        report_bindings_clash(self, clashed_bindings, node)

    # -- actions and commands ----------------------------------------------------------------

    def action_help(self) -> None:
        from tikhub_tui.ui.app_commands import help_tables
        from tikhub_tui.ui.screens.help import HelpScreen

        if not any(isinstance(screen, HelpScreen) for screen in self.screen_stack):
            self.push_screen(HelpScreen(help_tables(self, self.screen)))

    def _previewing_theme(self) -> bool:
        """The settings screen is open: its theme choice is a preview until it saves."""
        from tikhub_tui.ui.screens.settings import SettingsScreen

        return any(isinstance(screen, SettingsScreen) for screen in self.screen_stack)

    def action_race(self) -> None:
        """Open the race screen (the one of this run, as it was left), or go back to the chat."""
        from tikhub_tui.ui.screens.race import RaceScreen

        if isinstance(self.screen, RaceScreen):
            if self.screen.streaming:
                self.notify("The models are still answering: Esc stops them first.")
            else:
                self.pop_screen()
            return
        if not self.is_screen_installed(RACE):
            self.install_screen(RaceScreen(self._race_at_start or [], blind=self._blind), RACE)
        self.push_screen(RACE)

    def _race_screen(self) -> RaceScreen | None:
        return self.get_screen(RACE) if self.is_screen_installed(RACE) else None  # type: ignore[return-value]

    def on_race_screen_continued(self, event: RaceScreen.Continued) -> None:
        """A race's winner goes on as a chat: its session opened, its model chosen."""
        from tikhub_tui.ui.screens.chat import ChatScreen

        if self.screen is self._race_screen():
            self.pop_screen()
        self.uninstall_screen(RACE)  # the race went on as a chat: F3 starts a new one
        self._race_at_start = None
        self.choose_model(event.provider, event.model, say=False)
        chat = self.screen
        if isinstance(chat, ChatScreen):
            chat.open_session(event.session_id)
        self.notify(
            f"Going on with {event.model} alone; the other answers stay in the session as "
            "branches.",
            markup=False,
            timeout=5,
        )

    def action_settings(self) -> None:
        from tikhub_tui.ui.screens.settings import SettingsScreen

        if not any(isinstance(screen, SettingsScreen) for screen in self.screen_stack):
            self.push_screen(SettingsScreen())

    def action_race_stats(self) -> None:
        """The leaderboard of the user's races (again F9, or Esc, closes it)."""
        from tikhub_tui.ui.screens.race_stats import StatsScreen

        if isinstance(self.screen, StatsScreen):
            self.screen.dismiss()
        elif not any(isinstance(screen, StatsScreen) for screen in self.screen_stack):
            self.push_screen(StatsScreen())

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        from tikhub_tui.ui.app_commands import system_commands

        yield from super().get_system_commands(screen)
        yield from system_commands(self, screen)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            COLLECTOR.input_seen()  # a deferred garbage collection waits for a quiet moment
        await super().on_event(event)

    def on_unmount(self) -> None:
        COLLECTOR.restore()
        self.store.close()

    async def action_quit(self) -> None:
        """Stop the streams (their answers are saved, marked stopped), then exit."""
        await self._stop_streams()
        self._clients.close()
        if self._gateway is not None:
            self._gateway.stop()
            self._gateway = None
        self.exit()

    async def _stop_streams(self, patience: float = 3.0) -> None:
        from tikhub_tui.ui.screens.chat import ChatScreen

        screens: list[ChatScreen | RaceScreen] = [
            s for s in self.screen_stack if isinstance(s, ChatScreen)
        ]
        race = self._race_screen()
        if race is not None:
            screens.append(race)
        for screen in screens:
            screen.stop_streams()
        deadline = asyncio.get_running_loop().time() + patience
        while any(s.streaming for s in screens):
            if asyncio.get_running_loop().time() > deadline:
                break  # what arrived is in the store already; the rest is marked incomplete
            await asyncio.sleep(0.02)

    def _on_hangup(self, signum: int) -> None:
        """SIGHUP (the SSH connection dropped) or SIGTERM: save and exit cleanly."""
        self.call_later(self._hang_up if signum == signal.SIGHUP else self.action_quit)

    async def _hang_up(self) -> None:
        """The terminal is gone: save the answers in flight and leave at once. Giving a
        vanished terminal its screen back would wait forever (Textual's writer thread dies on
        the first failed write, and the queue it leaves full blocks the exit): the process
        stayed, streaming to nobody."""
        import os

        await self._stop_streams()
        self._clients.close()
        self.store.close()
        os._exit(0)

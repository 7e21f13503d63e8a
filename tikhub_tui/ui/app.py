"""The Textual app: wiring of screens, commands, themes, keymap, access and clipboard.

Behaviour lives in the screens and the stream controller; this module only connects them. The
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

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from tikhub_tui.core.catalogue import catalogue
from tikhub_tui.core.settings import Settings
from tikhub_tui.core.store.shared import SharedStore
from tikhub_tui.ui.access import DEMO_KEY, Access, ClientCache
from tikhub_tui.ui.collector import COLLECTOR

if TYPE_CHECKING:
    from tikhub_tui.core.client import ChatClient
    from tikhub_tui.core.race.panes import PaneSpec
    from tikhub_tui.core.secrets import ResolvedKey
    from tikhub_tui.gateway import Gateway
    from tikhub_tui.ui.screens.race import RaceScreen

RACE = "race"
"""The name the race screen is installed under: it keeps its race while the chat is shown."""


def sentence(text: str) -> str:
    """Text that ends as a sentence does (a message from below may end without a stop)."""
    text = text.rstrip()
    return text if not text or text[-1] in ".!?" else f"{text}."


THREADS = 32
"""Default executor size: race panes, keyring and store work never queue behind each other."""


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """The model the next prompts go to, and its protocol."""

    provider: str
    model: str


class TikhubApp(App[None]):
    """tikhub-tui."""

    settings: reactive[Settings] = reactive(Settings, init=False)
    """The settings in force (replaced whole when Settings saves new ones)."""
    chosen: reactive[ModelChoice] = reactive(ModelChoice("openai", "gpt-5"), init=False)
    """The model the next prompts go to."""
    access: reactive[Access | None] = reactive(None, init=False)
    """The gateway and key in use (None while the key is looked up)."""

    @dataclass
    class KeyLooked(Message):
        """The key lookup ended (posted from its worker): the key, or why there is none."""

        found: ResolvedKey | None
        problem: str = ""
        """What to tell the user about the missing key ("" when it was said before)."""
        why: str = ""
        """The same in a few words, for the status line."""

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
    ) -> None:
        super().__init__()
        self._race_at_start = race
        """Open on the race screen with these models (`tikhub-tui race` with no prompt)."""
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
                loop.add_signal_handler(signum, self._on_hangup)
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

    @work(thread=True, exit_on_error=False, group="access")
    def _find_key(self) -> None:
        from tikhub_tui.core.secrets import KeyStoreError, resolve_key
        from tikhub_tui.core.seen import first_time

        try:
            found = resolve_key()
        except KeyStoreError as error:
            # no keyring on this machine is explained once, then the status line says it
            lasting = error.kind == "no-backend"
            said = sentence(str(error)) if not lasting or first_time("no-keyring") else ""
            notice = f"{said} Running on the local demo gateway meanwhile." if said else ""
            why = "no keyring, F2 adds a key" if lasting else ""
            self.post_message(self.KeyLooked(None, notice, why))
            return
        if found is None:
            notice = (
                "No API key yet, so this is demo mode on the local gateway. Add your key in "
                "Settings (F2) or set TIKHUB_API_KEY."
                if first_time("no-key")
                else ""
            )
            self.post_message(self.KeyLooked(None, notice, "no API key, F2 adds one"))
        else:
            self.post_message(self.KeyLooked(found))

    def on_tikhub_app_key_looked(self, event: KeyLooked) -> None:
        if event.found is not None:
            found = event.found
            self._set_access(Access(self._base_url, found.value, False, found.source))
        else:
            self._use_demo(event.problem, event.why)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A key lookup that broke is said, and the app goes on in demo mode (Enter never
        waits for a key that is not coming)."""
        if event.state == WorkerState.ERROR and event.worker.group == "access":
            error = event.worker.error
            why = f"{type(error).__name__}: {error}"
            if self.access is None:
                self._use_demo(f"The key could not be looked up ({why}). Running on the demo.")
            else:
                self.notify(f"Preparing the connection failed: {why}", severity="error")

    def _use_demo(self, message: str, why: str = "") -> None:
        """Answer from the embedded gateway; `message` ("" for none) explains it in a notice,
        `why` in a few words on the status line."""
        from tikhub_tui.gateway import Gateway

        if self._gateway is None:
            self._gateway = Gateway(host="127.0.0.1", port=0)
            self._gateway.start()
        self._set_access(Access(self._gateway.base_url, DEMO_KEY, True, why or "demo"))
        if message:
            self.notify(message, title="DEMO", timeout=12, markup=False)

    def _set_access(self, access: Access) -> None:
        self.access = access
        self.sub_title = "DEMO · local gateway" if access.demo else access.label()
        self.access_ready.set()
        self._prepare_client(access, self.settings)

    @work(thread=True, exit_on_error=False, group="access")
    def _prepare_client(self, access: Access, settings: Settings) -> None:
        """Build the HTTP client before the first prompt needs it."""
        from tikhub_tui.core.errors import ApiError

        with contextlib.suppress(ApiError):  # a bad base URL is reported when sending
            self._clients.get(access, settings)

    # -- what screens ask for ----------------------------------------------------------------

    def access_label(self) -> str:
        return self.access.label() if self.access else "looking for the API key…"

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
        from tikhub_tui.ui.screens.chat import ChatScreen
        from tikhub_tui.ui.screens.help import HelpScreen, KeyTable
        from tikhub_tui.ui.screens.race import RaceScreen
        from tikhub_tui.ui.screens.race_stats import StatsScreen

        if not any(isinstance(screen, HelpScreen) for screen in self.screen_stack):
            what = "Command palette: every action, models, themes"
            palette = Binding(self.COMMAND_PALETTE_BINDING, "command_palette", what)
            own = KeyTable("App", "app", [*self.BINDINGS, palette])
            race = KeyTable("Race (F3)", "race", RaceScreen.BINDINGS)
            board = KeyTable("Leaderboard (F9)", "leaderboard", StatsScreen.BINDINGS)
            self.push_screen(HelpScreen([*ChatScreen.key_tables(), race, own, board]))

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
            self.install_screen(RaceScreen(self._race_at_start or []), RACE)
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
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Settings", "API key, base URL, models, theme (F2)", self.action_settings
        )
        yield SystemCommand("Help", "Every key binding (F1)", self.action_help)
        yield SystemCommand(
            "Race", "One prompt to 2-6 models at once, side by side (F3)", self.action_race
        )
        yield SystemCommand(
            "Leaderboard", "Your races: ratings from your votes, speed and cost (F9)",
            self.action_race_stats,
        )  # fmt: skip
        for provider, names in self.models().items():
            for name in names:
                yield SystemCommand(
                    f"Model: {name}",
                    f"Send the next prompts to {name} ({provider})",
                    lambda p=provider, n=name: self.choose_model(p, n),
                    discover=False,
                )
        from tikhub_tui.ui.keymap import effective_keys
        from tikhub_tui.ui.screens.chat import ChatScreen
        from tikhub_tui.ui.screens.race import RaceScreen

        if isinstance(screen, RaceScreen):
            for binding in RaceScreen.BINDINGS:
                if isinstance(binding, Binding) and binding.description:
                    yield SystemCommand(
                        f"Race: {binding.description}",
                        effective_keys(self, binding),
                        lambda a=binding.action: screen.run_action(a),
                    )

        if isinstance(screen, ChatScreen):
            if self.store.error is not None and self.store.error.can_move_aside:
                yield SystemCommand(
                    "Move the broken sessions file aside",
                    "Rename it (nothing is deleted) and start a new sessions file",
                    screen.action_move_store_aside,
                )
            for binding in ChatScreen.BINDINGS:
                if isinstance(binding, Binding) and binding.description:
                    yield SystemCommand(
                        binding.description,
                        effective_keys(self, binding),
                        lambda a=binding.action: screen.run_action(a),
                    )

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

    def _on_hangup(self) -> None:
        """SIGHUP (the SSH connection dropped) or SIGTERM: save and exit cleanly."""
        self.call_later(self.action_quit)

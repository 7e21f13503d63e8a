"""`tikhub-tui` with no command: the full-screen chat app."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tikhub_tui.core.race.panes import PaneSpec
    from tikhub_tui.core.settings import Settings


def add_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo", action="store_true", help="use the embedded local gateway (no key, no network)"
    )
    parser.add_argument("--model", "-m", help="model for the first prompt")
    parser.add_argument(
        "--provider",
        choices=("openai", "anthropic", "gemini"),
        help="protocol of --model (default: from its name)",
    )
    parser.add_argument("--base-url", help="gateway root URL (default: config.toml)")


def _upgrade_store() -> None:
    """Bring an older session store up to date before the screen is taken over, saying so:
    a big one takes seconds, which the app would spend frozen on a blank screen."""
    import sys

    from tikhub_tui.core.store import Store, StoreError, default_path
    from tikhub_tui.core.store.schema import needs_migration

    path = default_path()
    if not needs_migration(path):
        return
    print(f"tikhub-tui: updating {path} for this version (once)…", end="", file=sys.stderr)
    try:
        Store.open(path).close()
    except StoreError:
        print(" failed; the app says why.", file=sys.stderr)
    else:
        print(" done.", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from tikhub_tui.core.providers import UsageError, infer_provider
    from tikhub_tui.core.settings import Settings, SettingsError, load_settings

    notices: list[str] = []
    try:
        settings, notices = load_settings()
    except SettingsError as error:
        settings = Settings()
        notices = [f"{error}. Using the default settings for now; Settings (F2) saves a good file."]
    if args.model:
        settings.model = args.model
        try:
            settings.provider = args.provider or infer_provider(args.model)
        except UsageError as error:
            print(f"tikhub-tui: {error}")
            return 2
    return open_app(
        settings,
        base_url=args.base_url,
        demo=args.demo,
        notices=notices,
        model_given=bool(args.model),
    )


def open_app(
    settings: Settings,
    *,
    base_url: str | None = None,
    demo: bool = False,
    notices: list[str] | None = None,
    model_given: bool = False,
    race: list[PaneSpec] | None = None,
    blind: bool = False,
) -> int:
    """Run the app (on its race screen when `race` is given, with those models picked; a
    blind race with `blind`)."""
    import sys

    # the app reads keys from stdin and draws on stderr: both must be a terminal
    screen = sys.__stderr__
    terminal = sys.stdin.isatty() and screen is not None and screen.isatty()
    if not terminal or screen is None:
        print(
            "tikhub-tui: the chat app needs a terminal (stdin and stderr are not one)\n"
            '  fix: run it in a terminal, or use `tikhub-tui ask "..."` from scripts',
            file=sys.stderr,
        )
        return 2
    _upgrade_store()
    from tikhub_tui.ui.graphics import ask_terminal, hear_terminal

    ask_terminal(os.environ, sys.stdin.fileno(), screen.fileno())  # does it draw Sixel?
    try:  # the answer comes back while the app's modules load
        from tikhub_tui.ui.app import TikhubApp

        app = TikhubApp(
            settings,
            demo=demo,
            base_url=base_url or os.environ.get("TIKHUB_BASE_URL") or None,
            notices=notices or [],
            model_given=model_given,
            race=race,
            blind=blind,
        )
    finally:
        hear_terminal()
    app.run()
    return app.return_code or 0

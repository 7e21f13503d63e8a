"""`tikhub-tui sessions list|show|search|export|import|delete|restore|rename|move-aside`.

Saved sessions from the command line, for people (aligned tables, ages, marked matches) and
for scripts (`--json`, ids on stdout). Ids may be abbreviated like git hashes. Exit codes: 0 ok,
1 the store failed or nothing was done, 2 a usage error (unknown or ambiguous id, bad file).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tikhub_tui.cli import EXIT_OK, EXIT_USAGE, sessions_show
from tikhub_tui.cli.output import write_trusted
from tikhub_tui.core.store import Store, default_path, move_aside
from tikhub_tui.core.store.records import (
    AlreadyImported,
    InvalidSessionData,
    SearchHit,
    SessionLookupError,
    StoreError,
    to_iso,
)
from tikhub_tui.core.store.schema import needs_migration
from tikhub_tui.core.store.text import display_safe, format_age
from tikhub_tui.core.untrusted import JSONRefused, parse_json

EXIT_FAILURE = 1
"""The store could not be used, an output file could not be written, or the user declined."""
MAX_IMPORT_BYTES = 512_000_000
"""A bigger file is no session export (a session of 100,000 long answers fits)."""

_HINT = "see `tikhub-tui sessions list` (deleted ones: `sessions list --deleted`)"


class _UsageError(Exception):
    """A problem with what the user asked for: printed, exit 2."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    """Add the actions and their options; with no action, `list` runs."""
    parser.set_defaults(action="list", json=False, limit=50, deleted=False)
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    listing = actions.add_parser("list", help="saved sessions, most recent first (the default)")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.add_argument("--limit", type=_positive, default=50, help="at most N (default 50)")
    listing.add_argument("--deleted", action="store_true", help="list deleted (restorable) ones")
    sessions_show.add_parser(actions)
    search = actions.add_parser(
        "search",
        help="search every message and title",
        description="Find sessions by title and messages by text. Every word must match; "
        "the last may be the start of a word. Chinese, Japanese, Korean, Thai, emoji and "
        "symbols (C++) match any part of the text.",
    )
    search.add_argument("query", nargs="+", help="words to find (all must match)")
    search.add_argument("--limit", type=_positive, default=20, help="at most N hits (default 20)")
    search.add_argument("--json", action="store_true", help="print JSON for scripts")
    export = actions.add_parser("export", help="write a session as Markdown or JSON")
    export.add_argument("id", help="session id or a unique start of it")
    export.add_argument("--format", choices=("md", "json"), default="md", help="default md")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    importing = actions.add_parser(
        "import",
        help="add a session from an `export --format json`",
        description="Add a session from a JSON export, with every branch and its own times. "
        "A session already in the store (imported before, or exported from here) is not "
        "imported again unless --copy asks for a second one.",
    )
    importing.add_argument("file", help="the JSON file, or - for stdin")
    importing.add_argument(
        "--copy", action="store_true", help="import it even if it is here already, as a copy"
    )
    delete = actions.add_parser("delete", help="delete a session (restorable)")
    delete.add_argument("id", help="session id or a unique start of it")
    delete.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    restore = actions.add_parser("restore", help="bring back a deleted session")
    restore.add_argument("id", help="session id or a unique start of it")
    rename = actions.add_parser("rename", help="set a session's title")
    rename.add_argument("id", help="session id or a unique start of it")
    rename.add_argument("title", nargs="+", help="the new title")
    aside = actions.add_parser(
        "move-aside", help="rename a broken sessions.db so that a new one can start"
    )
    aside.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def say(message: str) -> None:
    """A diagnostic line on stderr."""
    print(f"tikhub-tui: {message}", file=sys.stderr)


def announce_upgrade() -> None:
    """Say so before an older store is brought up to date (a big one takes seconds)."""
    path = default_path()
    if needs_migration(path):
        say(f"updating {path} for this version (once; a big store takes a few seconds)…")


def run(args: argparse.Namespace) -> int:
    """Run one action and return its exit code; errors are reported, never raised. What is
    printed goes through `cli.output` (set up by `cli.main`: stored text never drives a
    terminal)."""
    try:
        action = args.action or "list"
        if action == "move-aside":
            return _move_aside(args)
        announce_upgrade()
        with Store.open() as store:
            return _ACTIONS[action](store, args)
    except StoreError as exc:
        say(str(exc))
        return EXIT_FAILURE
    except SessionLookupError as exc:
        say(f"{exc}; {_HINT}")
        return EXIT_USAGE
    except _UsageError as exc:
        say(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:  # `sessions list | head`: the reader has gone, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


def _list(store: Store, args: argparse.Namespace) -> int:
    sessions = store.list_sessions(limit=args.limit, deleted=args.deleted)
    if args.json:
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "created_at": to_iso(s.created_at),
                "updated_at": to_iso(s.updated_at),
                "message_count": s.message_count,
                "last_model": s.last_model,
            }
            for s in sessions
        ]
        _print_json(rows)
        return EXIT_OK
    if not sessions:
        print(
            "No deleted sessions."
            if args.deleted
            else "No saved sessions yet: the app and `tikhub-tui ask` save them."
        )
        return EXIT_OK
    now = store.clock()
    table = [("ID", "UPDATED", "MSGS", "MODEL", "TITLE")]
    table += [
        (
            s.id,
            format_age(s.updated_at, now),
            str(s.message_count),
            display_safe(s.last_model)[:24] or "-",
            display_safe(s.title) or "(untitled)",
        )
        for s in sessions
    ]
    widths = [max(len(row[col]) for row in table) for col in range(4)]
    room = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 0
    for row in table:
        line = "  ".join(
            [
                row[0].ljust(widths[0]),
                row[1].ljust(widths[1]),
                row[2].rjust(widths[2]),
                row[3].ljust(widths[3]),
                row[4],
            ]
        )
        print(_fit(line, room))
    if args.deleted:
        print("\nRestore one with: tikhub-tui sessions restore ID")
    return EXIT_OK


def _search(store: Store, args: argparse.Namespace) -> int:
    hits = store.search(" ".join(args.query), limit=args.limit)
    if args.json:
        _print_json([_hit_json(hit) for hit in hits])
        return EXIT_OK
    if not hits:
        print("No matches.")
        return EXIT_OK
    now = store.clock()
    marked = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    for hit in hits:
        title = display_safe(hit.title) or "(untitled)"
        print(f"{hit.session_id}  {format_age(hit.created_at, now)}  {title}")
        who = {"user": "you"}.get(hit.role, hit.role)
        spans = "".join(  # span text is display-safe already: only our own escapes remain
            f"\x1b[1;4m{s.text}\x1b[0m" if s.match and marked else s.text for s in hit.spans
        )
        write_trusted(f"    {who}: {spans}\n")
    return EXIT_OK


def _hit_json(hit: SearchHit) -> dict[str, Any]:
    return {
        "session_id": hit.session_id,
        "title": hit.title,
        "message_id": hit.message_id,
        "role": hit.role,
        "created_at": to_iso(hit.created_at),
        "snippet": hit.snippet,
        "spans": [{"text": span.text, "match": span.match} for span in hit.spans],
        "score": hit.score,
    }


def _export(store: Store, args: argparse.Namespace) -> int:
    from tikhub_tui.core.race import export as race_export  # a race: every pane, its metrics

    session_id = store.find_session(args.id, include_deleted=True)
    if args.format == "json":
        data = race_export.export_json(store, session_id)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = race_export.export_markdown(store, session_id, race_export.user_catalogue())
    if args.output in (None, "-"):
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        say(f"cannot write {target}: {exc.strerror or exc}. Fix: choose a writable path with -o.")
        return EXIT_FAILURE
    say(f"wrote {target}")
    return EXIT_OK


def _import(store: Store, args: argparse.Namespace) -> int:
    name = "stdin" if args.file == "-" else display_safe(args.file)
    raw = _read_import(args.file, name)
    try:
        data = parse_json(raw, max_chars=MAX_IMPORT_BYTES, what=name)
    except JSONRefused as exc:
        raise _UsageError(
            f"{exc}; it should come from `tikhub-tui sessions export ID --format json`"
        ) from None
    try:
        session_id = store.import_json(data, copy=args.copy)
    except InvalidSessionData as exc:
        raise _UsageError(f"{name} is not a session export: {exc}") from None
    except AlreadyImported as exc:
        again = "tikhub-tui sessions import --copy " + ("-" if args.file == "-" else args.file)
        raise _UsageError(
            f"{name} was not imported: {display_safe(str(exc))}. To add it again as a "
            f"separate session: {again}"
        ) from None
    print(session_id)
    title = store.get_session(session_id).title or "(untitled)"
    say(f"imported {display_safe(title)!r} as {session_id}")
    return EXIT_OK


def _read_import(path: str, name: str) -> str:
    """The file's text, if it is UTF-8 and no larger than MAX_IMPORT_BYTES."""
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
        else:
            with open(path, "rb") as file:
                raw = file.read(MAX_IMPORT_BYTES + 1)
    except OSError as exc:
        raise _UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise _UsageError(
            f"{name} is larger than {MAX_IMPORT_BYTES // 1_000_000} MB: not a session export"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _UsageError(
            f"cannot read {name}: it is not UTF-8 text (byte {exc.start + 1})"
        ) from None


def _delete(store: Store, args: argparse.Namespace) -> int:
    session = store.get_session(store.find_session(args.id))
    title = display_safe(session.title) or "(untitled)"
    if not args.yes:
        count = len(store.messages(session.id))
        question = f"Delete session {session.id} {title!r} ({count} messages)?"
        if not _confirm(question, f"not deleting {session.id}"):
            print("Not deleted.")
            return EXIT_FAILURE
    store.delete_session(session.id)
    print(f"Deleted {session.id} {title!r}. Undo: tikhub-tui sessions restore {session.id}")
    return EXIT_OK


def _restore(store: Store, args: argparse.Namespace) -> int:
    session = store.get_session(store.find_session(args.id, include_deleted=True))
    title = display_safe(session.title) or "(untitled)"
    if session.deleted_at is None:
        raise _UsageError(
            f"session {session.id} {title!r} is not deleted, so there is nothing to restore "
            "(deleted ones: `tikhub-tui sessions list --deleted`)"
        )
    store.restore_session(session.id)
    print(f"Restored {session.id} {title!r}.")
    return EXIT_OK


def _rename(store: Store, args: argparse.Namespace) -> int:
    session_id = store.find_session(args.id)
    title = " ".join(" ".join(args.title).split())
    store.rename_session(session_id, title)
    print(f"Renamed {session_id} to {display_safe(title)!r}.")
    return EXIT_OK


def _move_aside(args: argparse.Namespace) -> int:
    path = default_path()
    if not path.exists():
        print(f"Nothing to move: {path} does not exist.")
        return EXIT_OK
    try:
        Store.open(path).close()
    except StoreError as exc:
        if not exc.can_move_aside:
            say(str(exc))
            return EXIT_FAILURE
        print(exc)
    else:
        say(f"{path} opens fine; moving it aside would hide your sessions, so it stays.")
        return EXIT_FAILURE
    question = f"Rename {path} and start a new, empty store?"
    if not args.yes and not _confirm(question, f"not moving {path}"):
        print("Left as it is.")
        return EXIT_FAILURE
    target = move_aside(path)
    print(f"Moved to {target}; a new store starts on next use. Nothing was deleted.")
    return EXIT_OK


def _confirm(question: str, refusal: str) -> bool:
    """Ask on the terminal; without one, refuse (a script must say --yes)."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise _UsageError(
            f"{refusal} without confirmation: stdin is not a terminal. Fix: pass --yes."
        )
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def _fit(line: str, room: int) -> str:
    return line if room <= 0 or len(line) <= room else line[: room - 1] + "…"


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


_ACTIONS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "list": _list,
    "show": sessions_show.show,
    "search": _search,
    "export": _export,
    "import": _import,
    "delete": _delete,
    "restore": _restore,
    "rename": _rename,
}

"""`tikhub-tui keys set|status|delete`: store, check or delete the API key.

The key is read from a hidden prompt or from stdin, never from the command line (it would stay
in the shell history and show in the process list), and it is never printed: at most its last
four characters.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from tikhub_tui.cli import EXIT_AUTH, EXIT_OK, EXIT_USAGE, seconds_argument
from tikhub_tui.core.secrets.text import MAX_KEY_LENGTH

PROMPT = "TikHub API key (typing is hidden): "


def add_parser(parser: argparse.ArgumentParser) -> None:
    """Add the set, status and delete actions and their options."""
    parser.epilog = (
        "The key used is TIKHUB_API_KEY when it is set, else the key file when you made one "
        "(`keys set --file`), else the OS keyring. The key is never printed; exit status 3 "
        "means no key or no usable store."
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--timeout",
        type=seconds_argument,
        metavar="SECONDS",
        help="how long to wait for the OS keyring before giving up "
        "(default 3, or TIKHUB_TUI_KEYRING_TIMEOUT)",
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    store = actions.add_parser(
        "set",
        parents=[common],
        help="store the key (hidden prompt, or stdin when piped)",
        description="Store the API key in the OS keyring, or with --file in a file only you "
        "can read. Type it at the hidden prompt or pipe it in on stdin.",
    )
    store.add_argument(
        "--file",
        action="store_true",
        help="store it in the config dir's api-key file (mode 0600) instead of the keyring: "
        "for machines with no keyring, such as a server over SSH",
    )
    store.add_argument("argv_key", nargs="*", help=argparse.SUPPRESS)
    actions.add_parser(
        "status", parents=[common], help="say which key is used and where it comes from"
    )
    actions.add_parser(
        "delete", parents=[common], help="delete the stored key (keyring and key file)"
    )


def run(args: argparse.Namespace) -> int:
    """Run one action and return its exit code."""
    action = {"set": _set, "status": _status, "delete": _delete}[args.action]
    return action(args)


def say(message: str) -> None:
    """A diagnostic line on stderr."""
    print(f"tikhub-tui: {message}", file=sys.stderr)


def _read_key() -> str:
    if sys.stdin is None:
        return ""
    try:
        if sys.stdin.isatty():
            return getpass.getpass(PROMPT)
        return sys.stdin.read(MAX_KEY_LENGTH + 2)
    except EOFError:
        return ""


def _set(args: argparse.Namespace) -> int:
    from tikhub_tui.core.secrets import ENV_VAR, KeyStoreError, clean_key, mask, save_key

    if args.argv_key:
        say(
            "the key is never taken from the command line (it would stay in your shell "
            "history and show in the process list); type it at the prompt of "
            "`tikhub-tui keys set`, or pipe it in: `printenv MY_KEY | tikhub-tui keys set`"
        )
        return EXIT_USAGE
    if not args.file:  # find out before asking for the key that it cannot be kept
        from tikhub_tui.core.secrets import backend_status

        backend = backend_status(args.timeout)
        if not backend.usable:
            say(f"nothing saved: {backend.reason}")
            return EXIT_AUTH
    try:
        key = clean_key(_read_key())
    except KeyStoreError as error:
        say(f"nothing saved: {error.message}")
        return EXIT_USAGE
    if os.environ.get(ENV_VAR, "").strip():
        say(
            f"warning: {ENV_VAR} is set in this environment and wins over the saved key; "
            f"`unset {ENV_VAR}` to use the saved one"
        )
    try:
        where = save_key(key, to_file=args.file, timeout=args.timeout)
    except KeyStoreError as error:
        say(f"nothing saved: {error.message}")
        return EXIT_AUTH
    print(f"saved the API key ({mask(key)}) to {where}")
    if not args.file:
        from tikhub_tui.core.secrets.keyfile import key_file_path

        path = key_file_path()
        if path.exists():
            say(f"note: the key file {path} is used before the keyring; `rm {path}` to stop that")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from tikhub_tui.core.secrets import (
        KeyStoreError,
        backend_status,
        missing_key_message,
        resolve_key,
    )
    from tikhub_tui.core.secrets.keyfile import key_file_path, key_file_problem

    problems: list[str] = []
    try:
        resolved = resolve_key(args.timeout)
    except KeyStoreError as error:
        resolved = None
        problems.append(error.message)
    backend = backend_status(args.timeout)
    if backend.usable:
        memory_only = "" if backend.persistent else " (forgets keys when the process ends)"
        keyring_line = backend.name + memory_only
    else:
        keyring_line = "not usable (see below)"
        problems.append(backend.reason)
    path = key_file_path()
    file_problem = key_file_problem()
    if file_problem:
        file_line = f"{path} (refused, see below)"
        problems.append(file_problem)
    else:
        file_line = f"{path} ({'present, mode 0600' if path.exists() else 'none'})"
    where = f"{resolved.masked} from {resolved.where()}" if resolved is not None else "none"
    print(f"API key:  {where}")
    print(f"keyring:  {keyring_line}")
    print(f"key file: {file_line}")
    if resolved is None and not problems:
        problems.append(missing_key_message())
    for message in dict.fromkeys(problems):
        say(message if resolved is None else f"note: {message}")
    return EXIT_OK if resolved is not None else EXIT_AUTH


def _delete(args: argparse.Namespace) -> int:
    from tikhub_tui.core.secrets import ENV_VAR, KeyStoreError, delete_key

    try:
        removed = delete_key(args.timeout)
    except KeyStoreError as error:
        if error.removed:
            print(f"deleted the API key from {' and '.join(error.removed)}")
        say(error.message)
        return EXIT_AUTH
    if removed:
        print(f"deleted the API key from {' and '.join(removed)}")
    else:
        print("no stored API key was found; nothing was deleted")
    if os.environ.get(ENV_VAR, "").strip():
        say(f"note: {ENV_VAR} is still set in this environment and still used; `unset {ENV_VAR}`")
    return EXIT_OK

"""Copying over SSH: the OSC 52 escape sequence, wrapped for tmux and GNU screen, and the file
to save to where a terminal cannot take it.

The terminal (not the remote machine) owns the clipboard, so the app asks it through the
terminal's output stream. Inside tmux or screen the sequence must get past the multiplexer,
and tmux lets it through only when configured to, so a copy also says when it cannot arrive.
Where it never can (a terminal that ignores OSC 52, a text too long), the text goes to a file.
"""

from __future__ import annotations

import base64
import errno
import os
import re
import stat
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.app import App

OSC52_LIMIT = 750_000
"""UTF-8 bytes of text above which a copy is refused: the base64 sequence then passes 1 MB,
tmux's default input buffer, and many terminals drop requests that long."""

SCREEN_CHUNK = 76
"""Characters per DCS string for GNU screen (its limit is 768 bytes, 256 before 4.2)."""

TMUX_FIX = "add `set -g set-clipboard on` to ~/.tmux.conf and run `tmux source ~/.tmux.conf`"

LACKING = {
    "Apple_Terminal": "Apple's Terminal ignores OSC 52 clipboard requests",
    "linux": "The Linux console has no clipboard",
    "vte": "VTE terminals (GNOME Terminal, Tilix, Terminator…) ignore OSC 52 clipboard requests",
}


@dataclass(frozen=True)
class TmuxClipboard:
    """How the tmux server around the app treats clipboard requests from programs."""

    set_clipboard: str = ""
    """`on` (tmux keeps a buffer and forwards), `external`, `off`; "" if unknown."""
    passthrough: str = ""
    """`on`/`off` for tmux >= 3.3's allow-passthrough; `always` on older tmux; "" if unknown."""

    @property
    def takes_plain(self) -> bool:
        return self.set_clipboard == "on"

    @property
    def passes_through(self) -> bool:
        return self.passthrough in ("on", "always")

    @property
    def known(self) -> bool:
        return bool(self.set_clipboard and self.passthrough)


def _env(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def multiplexer(env: Mapping[str, str] | None = None) -> str:
    """'tmux', 'screen' or '' (for the wrapping and the message that says how it was sent)."""
    env = _env(env)
    if env.get("TMUX") or env.get("TERM", "").startswith("tmux"):
        return "tmux"
    if env.get("STY") or env.get("TERM", "").startswith("screen"):
        return "screen"
    return ""


def osc52(
    text: str, env: Mapping[str, str] | None = None, tmux: TmuxClipboard | None = None
) -> str:
    """The escape sequence that puts `text` on the clipboard, wrapped for the multiplexer.

    Inside tmux the plain request feeds `set-clipboard on` and the passthrough feeds
    `allow-passthrough on`; both go out unless `tmux` (probed settings) says which one works.
    """
    env = _env(env)
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    plain = f"\x1b]52;c;{payload}\x07"
    where = multiplexer(env)
    if where == "tmux":
        # DCS tmux; <sequence with every ESC doubled> ST
        wrapped = "\x1bPtmux;" + plain.replace("\x1b", "\x1b\x1b") + "\x1b\\"
        if tmux is not None and tmux.takes_plain:
            return plain
        if tmux is not None and tmux.passes_through:
            return wrapped
        return wrapped + plain
    if where == "screen":
        # screen caps a DCS string: split the sequence over several, the terminal rejoins it
        chunks = [plain[i : i + SCREEN_CHUNK] for i in range(0, len(plain), SCREEN_CHUNK)]
        wrapped = "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks)
        # TERM=screen without STY may be a tmux further out (over SSH): it takes the plain one
        return wrapped if env.get("STY") else wrapped + plain
    return plain


def lacking_terminal(env: Mapping[str, str] | None = None) -> str:
    """Why this terminal cannot take an OSC 52 copy, or "" when it can (as far as we know)."""
    env = _env(env)
    if multiplexer(env):
        return ""  # the multiplexer may keep the copy, and the outer terminal may differ
    if env.get("TERM_PROGRAM") == "Apple_Terminal":
        return LACKING["Apple_Terminal"]
    if env.get("TERM") == "linux":
        return LACKING["linux"]
    if env.get("VTE_VERSION"):
        return LACKING["vte"]
    return ""


def terminal_lacks_osc52(env: Mapping[str, str] | None = None) -> bool:
    """Terminals known to ignore OSC 52, where saving to a file is the way."""
    return bool(lacking_terminal(env))


Runner = Callable[..., "subprocess.CompletedProcess[str]"]

PROBE_SECONDS = 1.0
"""How long a copy waits for tmux to say its options (it answers in a few ms; a tmux that does
not is treated as unknown, and the copy goes out both ways with a hint)."""


def probe_tmux(env: Mapping[str, str] | None = None, run: Runner = subprocess.run) -> TmuxClipboard:
    """Ask the tmux server around the app for its clipboard options (a 2 ms call)."""
    env = _env(env)
    if not env.get("TMUX"):
        return TmuxClipboard()
    command = ["tmux", "display-message", "-p"]
    if env.get("TMUX_PANE"):
        command += ["-t", env["TMUX_PANE"]]
    command.append("#{version}|#{set-clipboard}|#{allow-passthrough}")
    try:
        done = run(command, capture_output=True, text=True, timeout=PROBE_SECONDS, env=dict(env))
    except (OSError, subprocess.SubprocessError):
        return TmuxClipboard()
    parts = done.stdout.strip().split("|")
    if done.returncode != 0 or len(parts) != 3:
        return TmuxClipboard()
    version, set_clipboard, passthrough = parts
    if passthrough in ("1", "on", "all", "2"):
        passthrough = "on"
    elif passthrough in ("0", "off"):
        passthrough = "off"
    elif not passthrough and _version(version) < (3, 3):
        passthrough = "always"  # the option came with 3.3; before it passthrough was open
    return TmuxClipboard(set_clipboard, passthrough)


def _version(text: str) -> tuple[int, int]:
    """(3, 3) for "3.3a"; (99, 0) when unreadable ("next-3.6"), which has the option."""
    found = re.match(r"(\d+)\.(\d+)", text)
    return (int(found[1]), int(found[2])) if found else (99, 0)


def size_text(text: str) -> str:
    """'12 lines, 340 characters': how much a copy or a saved file holds."""
    lines = len(text.splitlines()) or 1
    return f"{lines:,} line{'s' if lines != 1 else ''}, {len(text):,} characters"


def copy_refusal(text: str, what: str, env: Mapping[str, str] | None = None) -> str:
    """Why `text` cannot go to the clipboard here (then offer a file), or "" when it can."""
    reason = lacking_terminal(env)
    if reason:
        return f"{reason}: save {what} to a file instead."
    size = len(text.encode("utf-8"))
    if size > OSC52_LIMIT:
        return (
            f"{what[:1].upper()}{what[1:]} is {size / 1000:,.0f} KB, more than a terminal "
            f"takes through OSC 52 (about {OSC52_LIMIT // 1000} KB): save it to a file instead."
        )
    return ""


@dataclass(frozen=True)
class CopyPlan:
    """What a copy does: the bytes for the terminal ("" = offer a file) and what to say."""

    sequence: str
    message: str
    warning: bool = False


def plan_copy(
    text: str,
    what: str,
    env: Mapping[str, str] | None = None,
    probe: Callable[[Mapping[str, str]], TmuxClipboard] = probe_tmux,
) -> CopyPlan:
    """Decide how to copy `text` and word the notification (what, lines, characters, route)."""
    env = _env(env)
    refusal = copy_refusal(text, what, env)
    if refusal:
        return CopyPlan("", refusal, warning=True)
    copied = f"Copied {what} ({size_text(text)})"
    where = multiplexer(env)
    if where == "screen":
        return CopyPlan(osc52(text, env), f"{copied} through GNU screen.")
    if where != "tmux" or not env.get("TMUX"):
        return CopyPlan(osc52(text, env), f"{copied}.")
    tmux = probe(env)
    sequence = osc52(text, env, tmux)
    if tmux.takes_plain:
        return CopyPlan(sequence, f"{copied} through tmux (also in its paste buffer).")
    if tmux.passes_through:
        return CopyPlan(sequence, f"{copied} through tmux.")
    if tmux.known:
        return CopyPlan(
            sequence, f"Not copied: tmux drops clipboard requests from programs; {TMUX_FIX}.", True
        )
    return CopyPlan(sequence, f"{copied} through tmux. If it does not arrive, {TMUX_FIX}.")


def copy_or_save(app: App[Any], text: str, what: str, offer_file: Callable[[str], object]) -> bool:
    """Copy `text` with OSC 52 and say what was copied; where that cannot work, call
    `offer_file(why)` (the app's save dialog). True when the sequence was sent.

    The body of the app's `copy_text`: one place decides, so every copy says the same.
    """
    plan = plan_copy(text, what)
    if not plan.sequence:
        offer_file(plan.message)
        return False
    app._clipboard = text  # what App.clipboard returns
    driver = app._driver  # the pinned Textual has no public raw-write API
    if driver is not None:
        driver.write(plan.sequence)
    if plan.warning:
        app.notify(plan.message, severity="warning", markup=False, timeout=10)
    else:
        app.notify(plan.message, markup=False, timeout=4)
    return True


# -- the file, where the clipboard cannot take the text -------------------------------------------


def save_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write `text` to `path` whole or not at all, creating parent folders.

    The text goes to a temporary file beside the target first, so a full disk never leaves a
    truncated file and a replaced file keeps its permissions. Raises FileExistsError or OSError.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    old_mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    if old_mode is not None and not overwrite:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if old_mode is not None:
            os.chmod(temporary, old_mode)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def save_error(path: Path, error: OSError) -> str:
    """The cause and the fix for a failed save, in words."""
    code = error.errno
    if isinstance(error, PermissionError) or code in (errno.EACCES, errno.EPERM):
        return f"Permission denied: you cannot write {path}. Choose a folder you own."
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"The disk is full: {path} was not written. Free some space or save elsewhere."
    if code == errno.EROFS:
        return f"{path.parent} is on a read-only file system: save elsewhere."
    if isinstance(error, IsADirectoryError):
        return f"{path} is a folder: add a file name."
    if isinstance(error, (NotADirectoryError, FileExistsError)):
        return f"Part of {path} is a file, not a folder: choose another path."
    if code == errno.ENAMETOOLONG:
        return "That file name is too long: choose a shorter one."
    return f"Could not write {path}: {error.strerror or error}. Choose another path."

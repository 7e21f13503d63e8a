"""OSC 52 sequences for plain terminals, tmux and GNU screen, and what a copy says."""

from __future__ import annotations

import base64
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tikhub_tui.ui import clipboard
from tikhub_tui.ui.clipboard import (
    OSC52_LIMIT,
    TmuxClipboard,
    copy_refusal,
    multiplexer,
    osc52,
    plan_copy,
    probe_tmux,
    size_text,
    terminal_lacks_osc52,
)

TEXT = 'def grüß(x):\n    return "[bold]$x\\e"  # ✓ 表\n' * 40
PLAIN = {"TERM": "xterm-256color"}
TMUX = {"TERM": "screen-256color", "TMUX": "/tmp/tmux-1000/default,123,0", "TMUX_PANE": "%3"}
SCREEN = {"TERM": "screen.xterm-256color", "STY": "4242.pts-0.host"}


def payloads(sequence: str) -> list[str]:
    """The texts carried by every OSC 52 request in `sequence`, decoded."""
    return [
        base64.b64decode(found).decode("utf-8")
        for found in re.findall(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", sequence)
    ]


def test_plain_terminal_gets_one_bare_request() -> None:
    sequence = osc52(TEXT, PLAIN)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert payloads(sequence) == [TEXT]
    assert multiplexer(PLAIN) == ""


def test_tmux_passthrough_doubles_every_escape_and_keeps_a_plain_request() -> None:
    sequence = osc52(TEXT, TMUX)
    wrapped, plain = sequence.split("\x1b\\", 1)
    assert wrapped.startswith("\x1bPtmux;\x1b\x1b]52;c;")
    inner = wrapped.removeprefix("\x1bPtmux;")
    assert "\x1b" not in inner.replace("\x1b\x1b", "")  # no lone ESC would end the DCS early
    assert payloads(inner.replace("\x1b\x1b", "\x1b")) == [TEXT]
    assert payloads(plain) == [TEXT] and plain.startswith("\x1b]52")
    assert multiplexer(TMUX) == "tmux"


def test_tmux_settings_choose_one_route() -> None:
    takes_plain = osc52(TEXT, TMUX, TmuxClipboard("on", "off"))
    assert takes_plain.startswith("\x1b]52;c;") and payloads(takes_plain) == [TEXT]
    passes = osc52(TEXT, TMUX, TmuxClipboard("external", "on"))
    assert passes.startswith("\x1bPtmux;") and passes.endswith("\x07\x1b\\")
    assert payloads(passes.replace("\x1b\x1b", "\x1b")) == [TEXT]


def test_screen_gets_short_dcs_chunks_that_rejoin_to_the_request() -> None:
    sequence = osc52(TEXT, SCREEN)
    chunks = re.findall(r"\x1bP(.*?)\x1b\\", sequence, flags=re.S)
    assert "".join(f"\x1bP{chunk}\x1b\\" for chunk in chunks) == sequence
    assert len(chunks) > 10 and all(len(chunk) <= 76 for chunk in chunks)
    assert payloads("".join(chunks)) == [TEXT]
    assert multiplexer(SCREEN) == "screen"


def test_screen_term_without_sty_also_sends_a_plain_request() -> None:
    env = {"TERM": "screen-256color"}  # tmux or screen further out, over SSH
    sequence = osc52("hello", env)
    assert sequence.endswith("\x1b]52;c;aGVsbG8=\x07")
    assert payloads("".join(re.findall(r"\x1bP(.*?)\x1b\\", sequence, flags=re.S))) == ["hello"]


def test_terminals_known_to_ignore_osc52() -> None:
    assert terminal_lacks_osc52({"TERM_PROGRAM": "Apple_Terminal", "TERM": "xterm-256color"})
    assert terminal_lacks_osc52({"TERM": "linux"})
    assert terminal_lacks_osc52({"TERM": "xterm-256color", "VTE_VERSION": "7600"})
    assert not terminal_lacks_osc52({"TERM": "xterm-kitty"})
    # inside a multiplexer the copy may still land in its buffer or another outer terminal
    assert not terminal_lacks_osc52({**TMUX, "VTE_VERSION": "7600"})


def test_refusals_name_the_cause_and_offer_a_file() -> None:
    assert copy_refusal("x", "the last answer", PLAIN) == ""
    apple = copy_refusal("x", "the last answer", {"TERM_PROGRAM": "Apple_Terminal"})
    assert "Apple's Terminal" in apple and "save the last answer to a file" in apple
    big = "é" * (OSC52_LIMIT // 2 + 1)
    refusal = copy_refusal(big, "the last answer", PLAIN)
    assert refusal.startswith("The last answer is 750 KB") and "save it to a file" in refusal
    plan = plan_copy(big, "the last answer", PLAIN)
    assert plan.sequence == "" and plan.warning


def test_plan_says_what_was_copied() -> None:
    plan = plan_copy("a\nb\n[red]c", "code block 2 (python)", PLAIN)
    assert payloads(plan.sequence) == ["a\nb\n[red]c"]
    assert plan.message == "Copied code block 2 (python) (3 lines, 10 characters)."
    assert size_text("one") == "1 line, 3 characters"
    assert "GNU screen" in plan_copy("x", "it", SCREEN).message


@pytest.mark.parametrize(
    ("state", "says", "warning"),
    [
        (TmuxClipboard("on", "off"), "through tmux (also in its paste buffer).", False),
        (TmuxClipboard("external", "on"), "through tmux.", False),
        (TmuxClipboard("external", "off"), "Not copied: tmux drops", True),
        (TmuxClipboard(), "If it does not arrive, add `set -g set-clipboard on`", False),
    ],
)
def test_tmux_notification_mentions_the_fix_only_when_relevant(
    state: TmuxClipboard, says: str, warning: bool
) -> None:
    plan = plan_copy("x", "the last answer", TMUX, probe=lambda env: state)
    assert says in plan.message and plan.warning is warning
    assert payloads(plan.sequence.replace("\x1b\x1b", "\x1b"))[0] == "x"
    if state.known and not warning:
        assert "tmux.conf" not in plan.message


def test_probe_reads_tmux_answer_and_survives_failures() -> None:
    calls: list[list[str]] = []

    def answering(stdout: str, code: int = 0) -> Any:
        def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
            calls.append(command)
            return subprocess.CompletedProcess(command, code, stdout, "")

        return run

    assert probe_tmux(TMUX, answering("3.3a|external|0\n")) == TmuxClipboard("external", "off")
    assert calls[-1][:5] == ["tmux", "display-message", "-p", "-t", "%3"]
    assert probe_tmux(TMUX, answering("3.4|on|all\n")) == TmuxClipboard("on", "on")
    assert probe_tmux(TMUX, answering("3.2a|on|\n")) == TmuxClipboard("on", "always")
    assert probe_tmux(TMUX, answering("", 1)) == TmuxClipboard()
    assert probe_tmux(PLAIN, answering("never asked")) == TmuxClipboard()

    def missing(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        raise FileNotFoundError("tmux")

    assert probe_tmux(TMUX, missing) == TmuxClipboard()


@pytest.fixture
def tmux_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A private tmux server (its own socket name) and the environment of a pane inside it;
    the probe waits as long as a loaded machine needs for it to answer."""
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    monkeypatch.setattr(clipboard, "PROBE_SECONDS", 60.0)
    name = f"tikhub-test-{uuid.uuid4().hex[:8]}"
    base = ["tmux", "-L", name, "-f", "/dev/null"]
    subprocess.run([*base, "new-session", "-d", "-x", "80", "-y", "10", "sleep 30"], check=True)
    socket = ""
    try:
        shown = subprocess.run(
            [*base, "display-message", "-p", "#{socket_path}|#{pane_id}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        socket, pane = shown.split("|")
        yield {
            "TMUX": f"{socket},1,0",
            "TMUX_PANE": pane,
            "TERM": "screen",
            "PATH": os.environ["PATH"],
        }
    finally:
        subprocess.run([*base, "kill-server"], check=False)
        if socket:
            Path(socket).unlink(missing_ok=True)


def test_probe_against_a_real_tmux_server(tmux_server: dict[str, str]) -> None:
    state = probe_tmux(tmux_server)
    assert state.set_clipboard in ("external", "off", "on") and state.known
    socket = tmux_server["TMUX"].split(",")[0]
    subprocess.run(["tmux", "-S", socket, "set", "-s", "set-clipboard", "on"], check=True)
    assert probe_tmux(tmux_server).takes_plain

"""`tikhub-tui keys set|status|delete` as a user runs them: real processes, real exit codes.

Every run checks that the fake key never appears in what the command printed.
"""

from __future__ import annotations

import os
import pty
import select
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FAKE_KEY, OTHER_KEY
from tikhub_tui.core.secrets.keyfile import key_file_path

FAIL = "keyring.backends.fail.Keyring"

SLEEPY = """
import threading, sys
from keyring.backend import KeyringBackend

class Sleepy(KeyringBackend):
    priority = -2
    def get_password(self, *args):
        threading.Event().wait()
    set_password = delete_password = get_password

from tikhub_tui.cli import main
raise SystemExit(main(sys.argv[1:]))
"""
"""A process whose keyring never answers: PYTHON_KEYRING_BACKEND=__main__.Sleepy."""


@dataclass
class Run:
    code: int
    out: str
    err: str
    seconds: float


def keys(*args: str, stdin: str = "", env: dict[str, str] | None = None, code: str = "") -> Run:
    """Run `tikhub-tui keys ARGS` and check that no key leaked into its output."""
    full_env = {**os.environ, **(env or {})}
    command = (
        [sys.executable, "-c", code, "keys", *args]
        if code
        else [sys.executable, "-m", "tikhub_tui", "keys", *args]
    )
    started = time.monotonic()
    done = subprocess.run(
        command, input=stdin, capture_output=True, text=True, env=full_env, timeout=60
    )
    run = Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)
    for secret in (FAKE_KEY, OTHER_KEY):
        assert secret not in run.out + run.err
        assert secret[8:-4] not in run.out + run.err  # not even the middle of it
    assert "Traceback" not in run.err
    return run


def test_set_from_stdin_strips_and_saves() -> None:
    run = keys("set", stdin=f"  {FAKE_KEY}\r\n\n")
    assert run.code == 0, run.err
    assert (
        run.out == "saved the API key (…1234) to the keyring (MemoryKeyring, this process only)\n"
    )


def test_set_to_file_then_status_and_delete() -> None:
    run = keys("set", "--file", stdin=FAKE_KEY + "\n")
    path = key_file_path()
    assert run.code == 0, run.err
    assert run.out == f"saved the API key (…1234) to the key file {path}\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == FAKE_KEY + "\n"

    run = keys("status")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"API key:  …1234 from the key file {path}",
        "keyring:  MemoryKeyring, this process only (forgets keys when the process ends)",
        f"key file: {path} (present, mode 0600)",
    ]

    run = keys("delete")
    assert (run.code, run.out) == (0, f"deleted the API key from the key file {path}\n")
    assert not path.exists()
    run = keys("delete")
    assert (run.code, run.out) == (0, "no stored API key was found; nothing was deleted\n")


@pytest.mark.parametrize("stdin", ["", "\n  \n"])
def test_set_refuses_an_empty_key(stdin: str) -> None:
    run = keys("set", "--file", stdin=stdin)
    assert run.code == 2
    assert "nothing saved: the API key is empty" in run.err
    assert not key_file_path().exists()


def test_set_refuses_two_lines() -> None:
    run = keys("set", "--file", stdin=f"{FAKE_KEY}\n{OTHER_KEY}\n")
    assert run.code == 2 and "one line" in run.err


def test_set_never_takes_the_key_from_the_command_line() -> None:
    run = keys("set", FAKE_KEY, stdin=OTHER_KEY)
    assert run.code == 2
    assert "never taken from the command line" in run.err
    assert not key_file_path().exists()


def test_set_warns_that_the_environment_wins() -> None:
    run = keys("set", "--file", stdin=FAKE_KEY, env={"TIKHUB_API_KEY": OTHER_KEY})
    assert run.code == 0
    assert "warning: TIKHUB_API_KEY is set in this environment and wins" in run.err


def test_status_shows_the_environment_key_masked() -> None:
    run = keys("status", env={"TIKHUB_API_KEY": OTHER_KEY})
    assert run.code == 0
    assert run.out.splitlines()[0] == "API key:  …5678 from the environment (TIKHUB_API_KEY)"


def test_status_without_a_key_exits_3_and_says_how_to_add_one() -> None:
    run = keys("status")
    assert run.code == 3
    assert run.out.splitlines()[0] == "API key:  none"
    assert "no API key is configured: run `tikhub-tui keys set`" in run.err


def test_no_usable_backend_is_said_plainly_by_every_action() -> None:
    env = {"PYTHON_KEYRING_BACKEND": FAIL}
    for args, stdin in ((["status"], ""), (["set"], FAKE_KEY), (["delete"], "")):
        run = keys(*args, stdin=stdin, env=env)
        assert run.code == 3, (args, run.err)
        assert "no usable keyring backend" in run.err
        assert "TIKHUB_API_KEY" in run.err and "`tikhub-tui keys set --file`" in run.err
    assert "keyring:  not usable (see below)" in keys("status", env=env).out
    nothing_typed = keys("set", stdin="", env=env)  # told before being asked for the key
    assert nothing_typed.code == 3 and "no usable keyring backend" in nothing_typed.err


def test_no_backend_with_a_key_file_works() -> None:
    env = {"PYTHON_KEYRING_BACKEND": FAIL}
    assert keys("set", "--file", stdin=FAKE_KEY, env=env).code == 0
    run = keys("status", env=env)
    assert run.code == 0
    assert run.out.splitlines()[0] == f"API key:  …1234 from the key file {key_file_path()}"
    assert "note: no usable keyring backend" in run.err


def test_a_loose_key_file_is_refused_with_the_fix() -> None:
    path = key_file_path()
    path.write_text(FAKE_KEY + "\n")
    path.chmod(0o644)
    run = keys("status", env={"PYTHON_KEYRING_BACKEND": FAIL})
    assert run.code == 3
    assert f"{path} (refused, see below)" in run.out
    assert "(mode 0644)" in run.err and f"run `chmod 600 {path}`" in run.err
    path.chmod(0o600)
    assert keys("status", env={"PYTHON_KEYRING_BACKEND": FAIL}).code == 0


def test_a_silent_keyring_makes_every_action_give_up_in_time() -> None:
    env = {"PYTHON_KEYRING_BACKEND": "__main__.Sleepy", "TIKHUB_TUI_KEYRING_TIMEOUT": "0.5"}
    for args, stdin in ((["status"], ""), (["set"], FAKE_KEY), (["delete"], "")):
        run = keys(*args, stdin=stdin, env=env, code=SLEEPY)
        assert run.code == 3, (args, run.err)
        assert "the keyring did not answer within 0.5 s: it may be locked" in run.err
        # the keyring never answers: without the 0.5 s limit this would hang until the 60 s
        # cut; 30 s leaves a loaded machine room for start-up
        assert run.seconds < 30
    run = keys("status", "--timeout", "0.2", env=env, code=SLEEPY)
    assert "did not answer within 0.2 s" in run.err


def test_usage_errors_exit_2() -> None:
    assert keys().code == 2
    assert keys("rotate").code == 2
    assert keys("status", "--timeout", "soon").code == 2


def test_set_on_a_terminal_reads_a_hidden_prompt() -> None:
    """On a terminal the key is typed at a prompt that does not echo it."""
    main, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "keys", "set", "--file"],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        start_new_session=True,
        env=dict(os.environ),
    )
    os.close(secondary)
    seen = read_until(main, b"typing is hidden): ")
    os.write(main, FAKE_KEY.encode() + b"\n")
    seen += read_until(main, b"\n", stop_at_eof=True)
    process.wait(timeout=30)
    os.close(main)
    text = seen.decode(errors="replace")
    assert process.returncode == 0, text
    assert "TikHub API key (typing is hidden): " in text
    assert FAKE_KEY not in text and FAKE_KEY[8:-4] not in text
    assert key_file_path().read_text() == FAKE_KEY + "\n"


def read_until(fd: int, marker: bytes, stop_at_eof: bool = False) -> bytes:
    """Read from a pty until `marker` arrives (or, if asked, until the other side closes)."""
    data = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            return data
        if not chunk:
            return data
        data += chunk
        if marker in data and not stop_at_eof:
            return data
    raise AssertionError(f"timed out waiting for {marker!r}; got {data!r}")


def test_the_key_file_lives_in_the_config_dir(tmp_path: Path) -> None:
    assert key_file_path() == tmp_path / "config" / "api-key"

"""The canary suite of the command line: servers that echo the key in every place a server can
put bytes, dressed every way, against every exit path of `ask` and every sessions command.

Whatever happens, no output (stdout, stderr), no file in the data and config dirs (the sessions
database and its journal) and no later `sessions` command shows the key: see tests/leaks.py
for what counts as showing it.
"""

from __future__ import annotations

import gzip
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.canary import SCENARIOS, Scenario, text_delta
from tests.cli.conftest import ask
from tests.conftest import FAKE_KEY
from tests.leaks import shows_key
from tests.raw_server import RawServer, http_response
from tikhub_tui.cli import main
from tikhub_tui.core.paths import config_dir, data_dir
from tikhub_tui.core.store import Store


def files_show_key() -> list[str]:
    """The files under the config and data dirs in which the key can be read."""
    found = []
    for root in (config_dir(), data_dir()):
        for path in root.rglob("*"):
            if path.is_file() and shows_key(path.read_bytes(), FAKE_KEY):
                found.append(str(path))
    return found


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


@pytest.fixture
def small_limits() -> None:
    """Events over 1 MB are refused (the huge-event scenario stays quick)."""
    (config_dir() / "config.toml").write_text("max_event_mb = 1\n")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_no_exit_path_of_ask_shows_the_key(
    scenario: Scenario,
    small_limits: None,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    with RawServer(scenario.respond) as server:
        code, out, err = run_cli(
            capsys,
            "ask",
            "--provider",
            "anthropic",
            "-m",
            "claude-x",
            "--base-url",
            server.base_url,
            *scenario.ask_args,
            "tell me",
        )
    assert server.requests and server.requests[0].key == FAKE_KEY  # the canary was sent
    assert code == scenario.exit_code, err
    assert not shows_key(out, FAKE_KEY), out
    assert not shows_key(err, FAKE_KEY), err
    assert not files_show_key()
    # every sessions command over what was saved
    with Store.open() as store:
        session_ids = [s.id for s in store.list_sessions()]
    outputs = [run_cli(capsys, "sessions", "list"), run_cli(capsys, "sessions", "list", "--json")]
    outputs.append(run_cli(capsys, "sessions", "search", "tell"))
    outputs.append(run_cli(capsys, "sessions", "search", "redacted", "--json"))
    for session_id in session_ids:
        outputs.append(run_cli(capsys, "sessions", "show", session_id, "--reasoning"))
        for form in ("md", "json"):
            outputs.append(run_cli(capsys, "sessions", "export", session_id, "--format", form))
    for code, out, err in outputs:
        assert code == 0, err
        assert not shows_key(out, FAKE_KEY) and not shows_key(err, FAKE_KEY), out + err


def test_the_canary_is_seen_by_the_judge_when_it_does_leak() -> None:
    """The suite can fail: a server that echoes the key where nothing redacts it is caught."""
    for scenario in SCENARIOS:
        parts = scenario.build(FAKE_KEY)
        raw = b"".join(p for p in parts if isinstance(p, bytes))
        if b"\x1f\x8b" in raw:  # a gzip body
            raw = gzip.decompress(raw[raw.index(b"\x1f\x8b") :])
        if scenario.name.startswith("split"):  # the answer's text, as the deltas add up
            raw = b"".join(re.findall(rb'"text": "([^"]*)"', re.sub(rb"\r\n[0-9a-f]+\r\n", b"", raw)))
        assert shows_key(raw, FAKE_KEY), scenario.name


def _slow_key_text(_: object) -> list[bytes | float]:
    parts: list[bytes | float] = [text_delta(f"the key {FAKE_KEY} ")]
    for _ in range(3000):  # a minute: the interrupt always comes while it streams
        parts += [text_delta("more text " * 20), 0.02]
    return http_response(200, parts)


def test_a_reader_that_goes_away_and_an_interrupt_show_no_key(tmp_path: Path) -> None:
    with RawServer(_slow_key_text) as server:
        base = ["--provider", "anthropic", "-m", "claude-x", "--base-url", server.base_url]
        command = [sys.executable, "-m", "tikhub_tui", "ask", *base, "hello"]
        env = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
        # the reader goes away: exit 141, quietly
        piped = subprocess.run(
            ["sh", "-c", " ".join(f"'{c}'" for c in command) + " | head -c 20"],
            capture_output=True, env=env, timeout=60,
        )
        assert not shows_key(piped.stdout, FAKE_KEY) and not shows_key(piped.stderr, FAKE_KEY)
        # Ctrl-C while the answer streams: exit 130
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            # as from a shell in a terminal: the test worker may have SIGINT ignored
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        assert process.stdout is not None
        process.stdout.read(30)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
        assert process.returncode == 130, err
        assert not shows_key(out, FAKE_KEY) and not shows_key(err, FAKE_KEY)
        assert b"Traceback" not in err
    deadline = time.monotonic() + 10
    while files_show_key() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not files_show_key()


def test_ask_help_lists_every_exit_code() -> None:
    result = ask("--help")
    for code in ("0", "1", "2", "3", "4", "5", "6", "130", "141"):
        assert f" {code} " in result.stdout.replace("\n", " "), code

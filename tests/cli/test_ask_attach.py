"""`ask -a FILE`: files go in each protocol's shape, limits are refused before any request,
follow-ups re-send them after a switch of provider, and `sessions show` lists them."""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.attachment_files import broken_images, pdf, png
from tests.cli.conftest import ask
from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.blobs import blob_path


def rows(stdout: str) -> list[list[str]]:
    return [line.split(" ") for line in stdout.splitlines() if line]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    made = {"shot.png": png(64, 32), "notes.md": b"# notes\n", "report.pdf": pdf(3)}
    for name, data in made.items():
        (tmp_path / name).write_bytes(data)
    return {name: tmp_path / name for name in made}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("model", ["gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash"])
def test_attachments_arrive_in_order_and_are_saved(
    gateway_url: str, files: dict[str, Path], model: str
) -> None:
    result = ask("-m", model, "--base-url", gateway_url, "-a", str(files["shot.png"]),
                 "-a", str(files["report.pdf"]), "attachments:")
    assert result.returncode == 0, result.stderr
    found = rows(result.stdout)
    assert found[0][1:] == ["image", "image/png", str(files["shot.png"].stat().st_size),
                            sha(files["shot.png"])]
    assert found[1][1:] == ["file", "application/pdf", str(files["report.pdf"].stat().st_size),
                            sha(files["report.pdf"])]
    with Store.open() as store:
        [session] = store.list_sessions()
        user = store.messages(session.id)[0]
        assert [a.name for a in user.attachments] == ["shot.png", "report.pdf"]
        assert blob_path(store.path, sha(files["report.pdf"])).read_bytes() == files[
            "report.pdf"].read_bytes()


def test_a_text_file_goes_as_fenced_text(gateway_url: str, files: dict[str, Path]) -> None:
    result = ask("-m", "gpt-4o", "--base-url", gateway_url, "-a", str(files["notes.md"]),
                 "attachments:")
    block = b"File: notes.md\n```md\n# notes\n```"
    assert rows(result.stdout)[0][1:] == ["text", "text/plain", str(len(block)),
                                          hashlib.sha256(block).hexdigest()]


def _ask_binary(*args: str, stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
    return subprocess.run([sys.executable, "-m", "tikhub_tui", "ask", *args], input=stdin,
                          capture_output=True, env=env, timeout=60)


def test_stdin_bytes_with_a_name(gateway_url: str) -> None:
    data = png(20, 20, seed=7)
    result = _ask_binary("-m", "claude-sonnet-4-5", "--base-url", gateway_url, "-a", "-",
                         "--name", "from-pipe.png", "attachments:", stdin=data)
    assert result.returncode == 0, result.stderr
    assert rows(result.stdout.decode())[0][1:] == ["image", "image/png", str(len(data)),
                                                   hashlib.sha256(data).hexdigest()]
    with Store.open() as store:
        [session] = store.list_sessions()
        assert store.messages(session.id)[0].attachments[0].name == "from-pipe.png"


def test_stdin_as_attachment_needs_the_prompt_as_an_argument(gateway_url: str) -> None:
    result = _ask_binary("-m", "gpt-4o", "--base-url", gateway_url, "-a", "-", stdin=png())
    assert result.returncode == 2
    assert b"give the prompt as an argument" in result.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["-a", "/nonexistent/x.png"], "cannot read /nonexistent/x.png: No such file"),
        (["--name", "x.png"], "--name names the bytes read with -a -"),
        (["-a", "-", "-a", "-"], "-a - may be given once"),
    ],
)
def test_bad_attachment_arguments_are_usage_errors(args: list[str], said: str) -> None:
    result = ask("-m", "gpt-4o", "--base-url", "http://127.0.0.1:9", *args, "hi")
    assert result.returncode == 2
    assert said in result.stderr


def test_a_broken_limit_sends_nothing_and_saves_nothing(tmp_path: Path) -> None:
    long = tmp_path / "long.pdf"
    long.write_bytes(pdf(101))
    with ScriptedServer(anthropic_answer("never")) as server:
        result = ask("-m", "claude-sonnet-4-5", "--base-url", server.base_url, "-a", str(long),
                     "summarise")
    assert result.returncode == 2
    assert "101 PDF pages (long.pdf (101 pages)); Anthropic accepts 100 pages" in result.stderr
    assert "nothing was sent" in result.stderr and "fix: split the PDF" in result.stderr
    assert server.seen == []
    with Store.open() as store:
        assert store.list_sessions() == []


def test_downscale_only_when_asked(gateway_url: str, tmp_path: Path) -> None:
    wide = tmp_path / "wide.png"
    wide.write_bytes(png(8100, 40))
    refused = ask("-m", "claude-sonnet-4-5", "--base-url", gateway_url, "-a", str(wide), "hi")
    assert refused.returncode == 2
    assert "wide.png is 8100x40 pixels; Anthropic accepts at most 8000 pixels a side" in refused.stderr
    assert "pass --downscale" in refused.stderr
    done = ask("-m", "claude-sonnet-4-5", "--base-url", gateway_url, "-a", str(wide),
               "--downscale", "attachments:")
    assert done.returncode == 0, done.stderr
    assert "downscaled wide.png from 8100x40" in done.stderr and "to 8000x40" in done.stderr
    with Store.open() as store:
        [session] = store.list_sessions()
        saved = store.messages(session.id)[0].attachments[0]
    assert (saved.width, saved.height) == (8000, 40)
    assert rows(done.stdout)[0][4] == saved.sha256  # what was sent is what was kept


def test_downscale_turns_a_gif_into_a_png_for_gemini(gateway_url: str, tmp_path: Path) -> None:
    from tests.attachment_files import image

    gif = tmp_path / "anim.gif"
    gif.write_bytes(image("GIF", 30, 30, frames=2))
    refused = ask("-m", "gemini-2.5-flash", "--base-url", gateway_url, "-a", str(gif), "hi")
    assert refused.returncode == 2 and "Gemini accepts JPEG, PNG, WEBP" in refused.stderr
    done = ask("-m", "gemini-2.5-flash", "--base-url", gateway_url, "-a", str(gif), "--downscale",
               "attachments:")
    assert done.returncode == 0, done.stderr
    assert rows(done.stdout)[0][1:3] == ["image", "image/png"]
    with Store.open() as store:
        [session] = store.list_sessions()
        assert store.messages(session.id)[0].attachments[0].name == "anim.png"


def test_a_follow_up_on_another_provider_resends_the_file(gateway_url: str, files: dict[str, Path]) -> None:
    first = ask("-m", "gpt-4o", "--base-url", gateway_url, "-a", str(files["shot.png"]),
                "echo: a picture")
    assert first.returncode == 0
    with ScriptedServer(anthropic_answer("I remember it")) as server:
        follow = ask("-m", "claude-sonnet-4-5", "--base-url", server.base_url, "--continue",
                     "what was in it?")
    assert follow.returncode == 0, follow.stderr
    sent = server.seen[0].body["messages"][0]["content"]
    assert sent[0] == {"type": "image", "source": {
        "type": "base64", "media_type": "image/png",
        "data": base64.b64encode(files["shot.png"].read_bytes()).decode()}}
    assert sent[1] == {"type": "text", "text": "echo: a picture"}
    third = ask("-m", "gemini-2.5-flash", "--base-url", gateway_url, "--continue", "attachments:")
    image_rows = [r for r in rows(third.stdout) if r[1] == "image"]
    assert image_rows == [["0.0", "image", "image/png", str(files["shot.png"].stat().st_size),
                           sha(files["shot.png"])]]


def test_sessions_show_lists_a_messages_attachments(gateway_url: str, files: dict[str, Path]) -> None:
    ask("-m", "gpt-4o", "--base-url", gateway_url, "-a", str(files["shot.png"]), "-a",
        str(files["report.pdf"]), "echo: ok")
    with Store.open() as store:
        [session] = store.list_sessions()
    shown = subprocess.run([sys.executable, "-m", "tikhub_tui", "sessions", "show", session.id],
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0
    assert "  attached: shot.png (image/png, " in shown.stdout
    assert "64x32 px)" in shown.stdout
    assert "  attached: report.pdf (application/pdf, " in shown.stdout
    assert "3 pages)" in shown.stdout


def test_stdin_from_a_terminal_is_not_read_as_a_file() -> None:
    import pty

    controller, terminal = pty.openpty()
    try:
        env = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
        result = subprocess.run(
            [sys.executable, "-m", "tikhub_tui", "ask", "-m", "gpt-4o", "--base-url",
             "http://127.0.0.1:9", "-a", "-", "hi"],
            stdin=terminal, capture_output=True, text=True, env=env, timeout=60,
        )
    finally:
        os.close(controller)
        os.close(terminal)
    assert result.returncode == 2
    assert "stdin is the terminal; pipe the file in" in result.stderr


def test_downscale_of_an_image_pillow_cannot_decode_says_so_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gif"
    broken.write_bytes(broken_images()["broken.gif"])
    result = ask("-m", "claude-sonnet-4-5", "--downscale", "-a", str(broken), "hi")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "broken.gif cannot be downscaled: its image data cannot be decoded" in line
    assert "save it again" in line and "BytesIO" not in line and "0x" not in line

"""`race -a FILE`: every pane gets the files in its own protocol's shape over loopback, and a
file one pane cannot take stops the race before any request, naming pane, file and limit."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.attachment_files import broken_images, image, pdf, png
from tests.cli.test_race_cli import as_json, race
from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, anthropic_answer
from tikhub_tui.core.store import Store

THREE = ["-m", "gpt-4o", "-m", "claude-sonnet-4-5", "-m", "gemini-2.5-flash"]


def files_in(text: str) -> list[list[str]]:
    """The `attachments:` answer's lines for files (not the prompt's text)."""
    rows = (line.split(" ") for line in text.splitlines() if line)
    return [row[1:] for row in rows if row[1] != "text"]


def described(data: bytes, kind: str, media_type: str) -> list[str]:
    return [kind, media_type, str(len(data)), hashlib.sha256(data).hexdigest()]


def test_every_protocol_receives_the_files_intact(gateway_url: str, tmp_path: Path) -> None:
    picture, document = png(50, 20, seed=5), pdf(3)
    (tmp_path / "shot.png").write_bytes(picture)
    (tmp_path / "report.pdf").write_bytes(document)
    result = race("--base-url", gateway_url, "--json", *THREE, "-a", str(tmp_path / "shot.png"),
                  "-a", str(tmp_path / "report.pdf"), "attachments:")  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = as_json(result)
    assert [r["provider"] for r in data["results"]] == ["openai", "anthropic", "gemini"]
    for item in data["results"]:
        assert item["status"] == "done", item["error"]
        assert files_in(item["text"]) == [
            described(picture, "image", "image/png"),
            described(document, "file", "application/pdf"),
        ]
    with Store.open() as store:
        [prompt, *_] = store.messages(data["session_id"])
        assert [(a.name, a.sha256) for a in prompt.attachments] == [
            ("shot.png", hashlib.sha256(picture).hexdigest()),
            ("report.pdf", hashlib.sha256(document).hexdigest()),
        ]


def test_stdin_bytes_with_a_name_go_to_every_pane(gateway_url: str) -> None:
    picture = png(16, 16, seed=9)
    env = {**os.environ, "TIKHUB_API_KEY": FAKE_KEY}
    result = subprocess.run(
        [sys.executable, "-m", "tikhub_tui", "race", "--base-url", gateway_url, "--json",
         "-m", "gpt-4o", "-m", "claude-sonnet-4-5", "-a", "-", "--name", "piped.png",
         "attachments:"], input=picture, capture_output=True, env=env, timeout=90,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    for item in json.loads(result.stdout)["results"]:
        assert files_in(item["text"]) == [described(picture, "image", "image/png")]


def test_a_protocol_refusing_a_file_stops_the_race_before_any_request(tmp_path: Path) -> None:
    (tmp_path / "anim.gif").write_bytes(image("GIF", 20, 20))
    with ScriptedServer(anthropic_answer("never")) as server:
        result = race("--base-url", server.base_url, "-m", "claude-sonnet-4-5",
                      "-m", "gemini-2.5-flash", "-a", str(tmp_path / "anim.gif"), "look")  # fmt: skip
    assert result.returncode == 2
    assert ("pane B (gemini-2.5-flash, gemini): anim.gif is a GIF image; Gemini accepts JPEG, "
            "PNG, WEBP; nothing was sent") in result.stderr  # fmt: skip
    assert "fix: convert it to PNG or JPEG" in result.stderr
    assert server.seen == []
    with Store.open() as store:
        assert store.list_sessions() == []


def test_a_file_over_one_providers_limit_names_the_pane_and_downscale_fits_all(
    gateway_url: str, tmp_path: Path
) -> None:
    (tmp_path / "wide.png").write_bytes(png(8100, 40))
    args = ["--base-url", gateway_url, "-m", "gpt-4o", "-m", "claude-sonnet-4-5",
            "-a", str(tmp_path / "wide.png")]  # fmt: skip
    refused = race(*args, "attachments:")
    assert refused.returncode == 2
    assert ("pane B (claude-sonnet-4-5, anthropic): wide.png is 8100x40 pixels; Anthropic "
            "accepts at most 8000 pixels a side") in refused.stderr  # fmt: skip
    assert "pass --downscale" in refused.stderr
    done = race(*args, "--downscale", "--json", "attachments:")
    assert done.returncode == 0, done.stderr
    assert "downscaled wide.png from 8100x40" in done.stderr and "to 8000x40" in done.stderr
    sent = [files_in(item["text"]) for item in as_json(done)["results"]]
    assert sent[0] == sent[1] and sent[0][0][:2] == ["image", "image/png"]  # the same pixels


def test_a_pdf_over_one_providers_page_limit(tmp_path: Path) -> None:
    (tmp_path / "long.pdf").write_bytes(pdf(101))
    result = race("--base-url", "http://127.0.0.1:9", "-m", "gemini-2.5-flash", "-m", "gpt-4o",
                  "-a", str(tmp_path / "long.pdf"), "summarise")  # fmt: skip
    assert result.returncode == 2
    assert "pane B (gpt-4o, openai): this request would carry 101 PDF pages" in result.stderr
    assert "OpenAI accepts 100 pages per request" in result.stderr
    assert "or race without it" in result.stderr


def test_an_unreadable_file_is_a_usage_error() -> None:
    result = race("--base-url", "http://127.0.0.1:9", *THREE, "-a", "/nonexistent/x.png", "hi")
    assert result.returncode == 2
    assert "cannot read /nonexistent/x.png: No such file" in result.stderr


def test_downscale_of_an_image_pillow_cannot_decode_says_so_in_one_line(tmp_path: Path) -> None:
    for name, data in broken_images().items():
        broken = tmp_path / name
        broken.write_bytes(data)
        result = race("-m", "gpt-5", "-m", "claude-sonnet-4-5", "--downscale", "-a", str(broken),
                      "--no-save", "hi")  # fmt: skip
        assert result.returncode == 2, result.stderr
        [line] = result.stderr.strip().splitlines()
        assert f"{name} cannot be downscaled: its image data cannot be decoded" in line, line
        assert "BytesIO" not in line and "0x" not in line and "Error" not in line

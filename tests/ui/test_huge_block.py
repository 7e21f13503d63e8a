"""A huge single block (a megabyte paragraph with no line break) is cut into segments, so the app
renders only what is near the view; what that costs in time and memory is measured by
benchmarks/bench_hostile.py."""

from __future__ import annotations

import random

import pytest

from tests.canary import STOP, text_delta
from tests.conftest import FAKE_KEY
from tests.raw_server import RawServer, http_response
from tests.ui.conftest import SIZE, last_answer, quiet, send
from tikhub_tui.ui.app import TikhubApp
from tikhub_tui.ui.splitter import LONG_LINE

pytestmark = pytest.mark.anyio


async def test_a_megabyte_paragraph_is_cut_and_only_its_visible_part_rendered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = random.Random(7)
    words = ["lorem", "ipsum", "dolor", "sit", "amet", "**bold**", "`code`", "#", "-", "1."]
    paragraph = " ".join(rng.choice(words) for _ in range(170_000))  # ~1 MB, no newline
    pieces = [paragraph[i : i + 50_000] for i in range(0, len(paragraph), 50_000)]
    monkeypatch.setenv("TIKHUB_API_KEY", FAKE_KEY)
    reply = http_response(200, [*(text_delta(p) for p in pieces), STOP])
    with RawServer(lambda _: reply) as server:
        app = TikhubApp(quiet(base_url=server.base_url, provider="anthropic", model="claude-x"))
        async with app.run_test(size=SIZE) as pilot:
            await send(pilot, "one long paragraph, please", wait=True)
            await pilot.pause(0.5)
            answer = last_answer(app)
            segments = answer.segments()
            assert answer.text == paragraph  # nothing lost, nothing added
            assert "".join(s.source for s in segments) == paragraph
            assert len(segments) > len(paragraph) // (2 * LONG_LINE)
            assert max(len(s.source) for s in segments) <= LONG_LINE + 8000
            rendered = [s for s in segments if s.is_rendered]
            assert 0 < len(rendered) < 10  # the end, near the view; not the whole megabyte
            # no continuation starts with a block marker: the cut is before a word
            assert all(not s.source.startswith(("#", "-", "1.", " ")) for s in segments[1:])

"""What `tikhub-tui race` prints: live lines while the models stream, then the answers and table.

On a terminal one line per model is redrawn ten times a second (status, time to first token,
tokens per second, tokens, elapsed); at the end each answer is printed whole under its label,
then the metrics table, or with `--json` one object. Text from the network goes through the
race's one sanitiser before it reaches a terminal; JSON carries it exactly (escaped).
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from tikhub_tui.core.race.board import (
    PaneNumbers,
    badges,
    cost_text,
    numbers,
    rate,
    seconds,
    text_table,
)
from tikhub_tui.core.race.safe import shown

if TYPE_CHECKING:
    from tikhub_tui.core.client import RetryNotice
    from tikhub_tui.core.exchange import Exchange
    from tikhub_tui.core.race.race import Race
    from tikhub_tui.core.race.runner import Round

REFRESH = 0.1
"""Seconds between redraws of the live lines."""
TABLE = ("pane", "model", "ended", "first token", "tok/s", "elapsed", "out", "cost", "badges")
HIDE_CURSOR, SHOW_CURSOR = "\x1b[?25l", "\x1b[?25h"


def live_line(figures: PaneNumbers, notice: str = "") -> str:
    """One model's state in a line: `A gpt-5 · streaming · first token 0.42 s · 85 tok/s ·
    ~312 out · 3.1 s`."""
    parts = [f"{figures.label} {shown(figures.model, lines=False)}", figures.status]
    if figures.status == "waiting" and notice:
        parts.append(notice)
    if figures.first_token is not None:
        parts.append(f"first token {seconds(figures.first_token)}")
    answering = figures.to_answer is not None
    speed = figures.answer_rate if answering else figures.reasoning_rate
    estimated = figures.answer_rate_estimated if answering else figures.reasoning_rate_estimated
    if speed is not None:
        parts.append(f"{rate(speed, estimated)} tok/s" + ("" if answering else " thinking"))
    if figures.output.value:
        parts.append(f"{figures.output} out")
    if figures.ending not in (None, "done", "error", "stopped"):
        parts.append(figures.ending_words)
    parts.append(f"{figures.elapsed:.1f} s")
    if figures.error:
        parts.append(shown(figures.error, lines=False))
    return " · ".join(parts)


class Board:
    """The live lines and the final report of one race."""

    def __init__(self, race: Race, *, json_out: bool, show_reasoning: bool) -> None:
        self.race = race
        self.json_out = json_out
        self.show_reasoning = show_reasoning
        self._notices: dict[int, str] = {}
        self._lock = threading.Lock()
        self._drawn = 0
        self._live: TextIO | None = None
        if not json_out and sys.stdout.isatty():
            self._live = sys.stdout
        elif sys.stderr.isatty():
            self._live = sys.stderr

    def retrying(self, exchange: Exchange, notice: RetryNotice) -> None:
        """A model is waiting to try again (from its stream's thread)."""
        why = notice.message or f"HTTP {notice.status}"
        with self._lock:
            self._notices[id(exchange)] = shown(
                f"{why} — retrying in {notice.wait:g} s (attempt {notice.attempt + 1})",
                lines=False,
            )

    def figures(self) -> list[PaneNumbers]:
        now = time.monotonic()
        lanes = [lane for lane in self.race.lanes if lane.exchange is not None]
        return [numbers(lane.label, lane.exchange, now) for lane in lanes]  # type: ignore[arg-type]

    def follow(self, running: Round) -> None:
        """Redraw the live lines until every model ended (returns at once without a terminal)."""
        if self._live is None:
            running.wait()
            return
        self._live.write(HIDE_CURSOR)
        while not running.over:
            self._draw()
            time.sleep(REFRESH)
        running.wait()
        self._draw()

    def _draw(self) -> None:
        out = self._live
        assert out is not None
        width = max(20, shutil.get_terminal_size().columns - 1)
        with self._lock:
            notices = dict(self._notices)
        lines = [
            live_line(f, notices.get(id(lane.exchange), ""))[:width]
            for f, lane in zip(self.figures(), self.race.lanes, strict=True)
        ]
        up = f"\x1b[{self._drawn}F" if self._drawn else ""
        out.write(up + "".join(f"\x1b[2K{line}\n" for line in lines))
        out.flush()
        self._drawn = len(lines)

    def close_live(self) -> None:
        if self._live is not None:
            self._live.write(SHOW_CURSOR)
            self._live.flush()

    # -- the end -----------------------------------------------------------------------------

    def report(self, prompt: str) -> None:
        """The answers and the table on stdout (or the JSON object)."""
        figures = self.figures()
        won = badges(figures) if not any(f.live for f in figures) else [[] for _ in figures]
        if self.json_out:
            sys.stdout.write(json.dumps(self._json(prompt, figures, won), indent=2) + "\n")
            sys.stdout.flush()
            return
        out: list[str] = []
        for lane, figure in zip(self.race.lanes, figures, strict=True):
            out += self._answer(lane.exchange, figure, lane.spec.settings_words())
        rows = [
            [
                f.label,
                shown(f.model, lines=False),
                f.ending_words or f.status,
                seconds(f.first_token),
                rate(f.answer_rate, f.answer_rate_estimated),
                f"{f.elapsed:.1f} s",
                str(f.output),
                cost_text(f),
                ", ".join(w) or "—",
            ]
            for f, w in zip(figures, won, strict=True)
        ]
        out += ["", text_table(TABLE, rows)]
        if self.race.session_id:
            out.append(f"\nsaved as session {self.race.session_id}")
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()

    def _answer(self, exchange: Exchange | None, figures: PaneNumbers, settings: str) -> list[str]:
        assert exchange is not None
        head = f"{figures.label} · {figures.model} ({figures.provider})"
        head = shown(head + (f" · {settings}" if settings else ""), lines=False)
        width = min(100, max(40, shutil.get_terminal_size().columns))
        lines = ["", f"── {head} " + "─" * max(3, width - len(head) - 4)]
        if self.show_reasoning and exchange.reasoning:
            lines += [f"│ {line}" for line in shown(exchange.reasoning).splitlines()]
            lines.append("")
        text = shown(exchange.text).rstrip()
        if text:
            lines.append(text)
        error = exchange.tally.error
        if error is not None:
            lines.append(f"[{figures.ending_words}] {shown(error.message, lines=False)}")
            lines.append(f"  fix: {shown(error.hint, lines=False)}")
        elif figures.ending not in ("done", None):
            lines.append(f"[{figures.ending_words}]")
        return lines

    def _json(
        self, prompt: str, figures: list[PaneNumbers], won: Sequence[Sequence[str]]
    ) -> dict[str, Any]:
        results = []
        for lane, f, w in zip(self.race.lanes, figures, won, strict=True):
            exchange = lane.exchange
            assert exchange is not None
            results.append(
                {
                    "label": f.label,
                    "model": f.model,
                    "provider": f.provider,
                    "text": exchange.text,
                    "reasoning": exchange.reasoning,
                    "ttft_s": f.first_token,
                    "first_byte_s": f.first_byte,
                    "first_reasoning_s": f.to_reasoning,
                    "first_answer_s": f.to_answer,
                    "tokens_per_s": f.answer_rate,
                    "reasoning_tokens_per_s": f.reasoning_rate,
                    "elapsed_s": f.elapsed,
                    "input_tokens": f.input_tokens.value if f.input_tokens else None,
                    "output_tokens": f.output.value,
                    "reasoning_tokens": f.reasoning.value,
                    "estimated": f.output.estimated,
                    "cost_usd": f.cost,
                    "finish_reason": f.finish_reason,
                    "ending": f.ending,
                    "status": f.status,
                    "error": f.error or None,
                    "badges": list(w),
                }
            )
        return {"prompt": prompt, "session_id": self.race.session_id, "results": results}

"""A long list streamed into the answer's Markdown widget, against Textual's own Markdown.

A list is one block, and an answer is cut into segments only between blocks, so a model that
writes a list of a hundred items streams them all into one block. Textual's Markdown mounts
the whole list again on every update; `AnswerMarkdown` (`ui/widgets/markdown.py`) replaces its
last item and adds the new ones. Headless (Textual's test driver, 120x40), in process, no
network: each update appends a chunk of the list and waits for the screen to be drawn.

Run: `python benchmarks/bench_markdown.py [--items N] [--chunk CHARS] [--runs N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import save, table
from textual.app import App, ComposeResult
from textual.widgets import Markdown

from tikhub_tui.ui.widgets.markdown import AnswerMarkdown


def list_text(items: int) -> str:
    return "".join(f"- item {n}: lorem ipsum dolor sit amet, consectetur\n" for n in range(items))


class Host(App[None]):
    def __init__(self, widget: type[Markdown]) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget(id="answer")


async def stream(widget: type[Markdown], text: str, chunk: int) -> float:
    """Seconds to append `text` in pieces of `chunk` characters, each drawn before the next."""
    app = Host(widget)
    async with app.run_test(size=(120, 40)) as pilot:
        markdown = app.query_one("#answer", Markdown)
        started = time.perf_counter()
        for start in range(0, len(text), chunk):
            await markdown.append(text[start : start + chunk])
            await pilot.pause()
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--items", type=int, default=150, help="items in the list")
    parser.add_argument("--chunk", type=int, default=160, help="characters per update")
    parser.add_argument("--runs", type=int, default=3, help="runs to take the median of")
    args = parser.parse_args()
    if args.items < 1 or args.chunk < 1 or args.runs < 1:
        parser.error("--items, --chunk and --runs must be at least 1")
    text = list_text(args.items)
    updates = -(-len(text) // args.chunk)
    results: dict[str, list[float]] = {}
    for name, widget in [("Textual's Markdown", Markdown), ("AnswerMarkdown", AnswerMarkdown)]:
        results[name] = [asyncio.run(stream(widget, text, args.chunk)) for _ in range(args.runs)]
    rows = [("widget", f"{args.items} items in {updates} updates", "per update")]
    for name, samples in results.items():
        median = statistics.median(samples)
        rows.append((name, f"{median:.2f} s", f"{median / updates * 1000:.0f} ms"))
    print(table(rows))
    path = save("markdown", {"items": args.items, "chunk": args.chunk, "runs": results})
    print(f"\n({args.runs} runs, each value the median; raw numbers in {path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

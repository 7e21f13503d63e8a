"""Helpers shared by the benchmarks: a gateway in its own process, timing, a table."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
BIN = Path(sys.executable).parent


@contextmanager
def gateway_process(tps: float = 0) -> Iterator[str]:
    """`tikhub-tui gateway --port 0` in its own process; yields its base URL; stops it by pid."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tikhub_tui", "gateway", "--port", "0", "--tps", str(tps)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        if not url.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the gateway did not start: {url!r}")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


def bench_env(**extra: str) -> dict[str, str]:
    """A clean environment: a fake key, temp-free dirs under benchmarks/results, no proxies."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    RESULTS.mkdir(parents=True, exist_ok=True)
    env.update(
        TIKHUB_API_KEY="sk-bench-FAKE-not-a-real-key",
        TIKHUB_TUI_CONFIG_DIR=str(RESULTS / "config"),
        TIKHUB_TUI_DATA_DIR=str(RESULTS / "data"),
        NO_PROXY="127.0.0.1",
    )
    env.update(extra)
    return env


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    """Wall-clock seconds of a command and its stdout (checked to succeed)."""
    started = time.perf_counter()
    result = subprocess.run(
        command, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[:4]}... failed ({result.returncode}): {result.stderr[-500:]}")
    return elapsed, result.stdout


def median_of(runs: int, measure: Callable[[], float]) -> tuple[float, list[float]]:
    samples = [measure() for _ in range(runs)]
    return statistics.median(samples), samples


def save(name: str, data: dict[str, object]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)

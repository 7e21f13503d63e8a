"""`tikhub-tui ask` against the floor, and its start-up time.

Both clients run as fresh processes against the same gateway (its own process, `--tps 0`) and
drain `tps: 0 lorem: 20000` (about 145 KB, 23,552 deltas); runs alternate so that both see the
same machine. Start-up is the time from launching `tikhub-tui ask` until the gateway receives
its request (the gateway's own clock, /_bench/stats), and `echo: hi` end to end.

    python benchmarks/bench_ask.py [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from common import BIN, bench_env, gateway_process, median_of, save, table, timed

PROMPT = "tps: 0 lorem: 20000"
MODEL = "claude-sonnet-4-5-20250929"


def until_request(url: str, command: list[str], env: dict[str, str]) -> float:
    """Seconds from launching the command until the gateway received its request."""
    post(f"{url}/_bench/reset")
    launched = time.monotonic()
    subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=True)
    with urllib.request.urlopen(f"{url}/_bench/stats", timeout=5) as answer:
        stats = json.loads(answer.read())
    return float(stats[-1]["t_recv"]) - launched


def post(url: str) -> None:
    request = urllib.request.Request(
        url, data=b"{}", method="POST", headers={"content-type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=5).close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    env = bench_env()
    ask = [str(BIN / "tikhub-tui"), "ask", "-m", MODEL, "--max-tokens", "100000"]
    floor = [sys.executable, str(Path(__file__).with_name("floor_client.py"))]
    with gateway_process(tps=0) as url:
        expected = timed([*ask, "--base-url", url, PROMPT], env)[1]
        assert timed([*floor, url, MODEL, PROMPT], env)[1] == expected, "floor text differs"
        ask_times: list[float] = []
        floor_times: list[float] = []
        for _ in range(runs):
            ask_times.append(timed([*ask, "--base-url", url, PROMPT], env)[0])
            floor_times.append(timed([*floor, url, MODEL, PROMPT], env)[0])
        ask_med = sorted(ask_times)[runs // 2]
        floor_med = sorted(floor_times)[runs // 2]
        echo, _ = median_of(runs, lambda: timed([*ask, "--base-url", url, "echo: hi"], env)[0])
        startup, _ = median_of(
            runs, lambda: until_request(url, [*ask, "--base-url", url, "echo: hi"], env)
        )
        version, _ = median_of(runs, lambda: timed([str(BIN / "tikhub-tui"), "--version"], env)[0])
    ratio = ask_med / floor_med
    rows = [
        ("measure", "median", "goal"),
        ("floor: httpx + httpx-sse, lorem 20000", f"{floor_med * 1000:.0f} ms", ""),
        ("tikhub-tui ask, lorem 20000", f"{ask_med * 1000:.0f} ms", ""),
        ("ask / floor", f"{ratio:.2f}x", "<= 1.3x"),
        ("ask start-up: launch to request sent", f"{startup * 1000:.0f} ms", "< 150 ms"),
        ("tikhub-tui ask 'echo: hi' (launch to exit)", f"{echo * 1000:.0f} ms", ""),
        ("tikhub-tui --version", f"{version * 1000:.0f} ms", ""),
    ]
    print(table(rows))
    path = save(
        "ask",
        {
            "runs": runs,
            "floor_s": floor_times,
            "ask_s": ask_times,
            "ratio": ratio,
            "echo_s": echo,
            "version_s": version,
            "startup_s": startup,
        },
    )
    print(f"\n(raw numbers in {path})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

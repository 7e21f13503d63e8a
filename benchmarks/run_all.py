"""Run every benchmark in turn (`make bench`); each prints its own table.

    python benchmarks/run_all.py
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_ask.py",
    "bench_tui.py",
    "bench_markdown.py",
    "bench_store.py",
    "bench_sessions.py",
    "bench_hostile.py",
    "bench_race_stats.py",
    "bench_race.py",
    "bench_attach.py",
]


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"\n== {name} ==", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], cwd=HERE, check=False).returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

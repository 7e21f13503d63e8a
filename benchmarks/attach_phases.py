"""Where the time of `tikhub-tui ask -a big.pdf` goes, phase by phase, beside curl's total.

Each run is a fresh process (as `bench_attach.py` runs it) whose steps are stamped with the
monotonic clock the parent started it by: the interpreter up, the command's modules loaded,
the file read and sniffed (its SHA-256, its page count), httpx loaded and the client made, the
body's first and last bytes handed to the socket, the response (the gateway has read, decoded
and checked the body), the answer printed, the process gone. Medians of `--runs` runs.

    python benchmarks/attach_phases.py [--runs 7] [--only anthropic]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from bench_attach import MODELS, PROMPT, make_pdf
from common import RESULTS, bench_env, gateway_process, table

STAMPED = r"""
import os, sys, time
marks = [("interpreter up", time.monotonic())]
def mark(name):
    marks.append((name, time.monotonic()))
import tikhub_tui.cli as cli
import tikhub_tui.cli.ask as ask
mark("ask's modules loaded")
from tikhub_tui.cli import ask_attach
read_all = ask_attach.read_all
def stamped_read(*args):
    mark("settings, httpx loaded")
    found = read_all(*args)
    mark("file read, hashed, sniffed")
    return found
ask.read_all = stamped_read
from tikhub_tui.core import body, exchange
whole = body.Body.__iter__
def stamped_body(self):
    mark("client made, body built")
    yield from whole(self)
    mark("body written (base64 made)")
body.Body.__iter__ = stamped_body
responded = exchange.Exchange._responded
def stamped_response(self):
    mark("gateway answered")
    responded(self)
exchange.Exchange._responded = stamped_response
code = cli.main(sys.argv[1:])
mark("answer out, session saved")
start = float(os.environ["STAMP_START"])
for name, at in marks:
    print(f"{name}\t{(at - start) * 1000:.1f}", file=sys.__stderr__)
sys.__stderr__.flush()
sys.stdout.flush()
os._exit(code)  # as `tikhub-tui` ends
"""


def stamps(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds from the start of one process to each of its steps, and to its end."""
    started = time.monotonic()
    result = subprocess.run(
        command, env={**env, "STAMP_START": repr(started)}, capture_output=True, text=True,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    ended = (time.monotonic() - started) * 1000
    if result.returncode != 0 or "ok" not in result.stdout:
        raise RuntimeError(f"{command[:4]} failed: {result.stderr[-400:]}")
    found = {}
    for line in result.stderr.splitlines():
        name, _, value = line.rpartition("\t")
        if name:
            found[name] = float(value)
    found["process ended"] = ended
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--only", choices=sorted(MODELS), default="anthropic")
    options = parser.parse_args()
    env = bench_env(TIKHUB_TUI_DATA_DIR=str(RESULTS / "attach-data"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    pdf = RESULTS / "ten-mb.pdf"
    pdf.write_bytes(make_pdf())
    model = MODELS[options.only]
    runs: list[dict[str, float]] = []
    with gateway_process(tps=0) as url:
        ask = ["ask", "-m", model, "--base-url", url, "-a", str(pdf), PROMPT]
        for _ in range(options.runs):
            runs.append(stamps([sys.executable, "-c", STAMPED, *ask], env))
    names = list(runs[0])
    medians = {name: statistics.median(run[name] for run in runs) for name in names}
    rows = [("step", "at (median)", "took")]
    before = 0.0
    for name in names:
        rows.append((name, f"{medians[name]:.0f} ms", f"{medians[name] - before:.0f} ms"))
        before = medians[name]
    print(table(rows))
    print(f"\n{options.runs} runs, {options.only}, load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

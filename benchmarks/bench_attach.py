"""Attaching a 10 MB PDF with `tikhub-tui ask -a` against `curl` posting the same body.

Both run as fresh processes against the same gateway (its own process) and get the same short
answer (`echo: ok`); curl posts the exact JSON body ask builds (made with the same adapter), so
the difference is what ask adds: start-up, reading and sniffing the file, base64 and JSON,
checking the limits and saving the session with its attachment. Both are timed end to end as
processes (curl's start-up is a few milliseconds; Python's is not), so the floor of any Python
client is timed too: the interpreter alone, the interpreter importing httpx (and httpcore, which
loads with the first client), and a bare httpx client posting the same body file. Runs
alternate; each run's CPU time (user + system, of the process alone) is kept beside its wall
time, as CPU time is what a loaded machine stretches least. `attach_phases.py` breaks `ask -a`
down step by step. The goal's case, attaching a file in the app and sending it, is timed too
(`attach_in_app.py`): in one running process with a warm client, from reading the file to the
answer's end, against curl's whole run.

The app runs as installed: with its modules' bytecode cached (pip compiles an installed
package; an environment with PYTHONDONTWRITEBYTECODE set would compile every module on every
run). `--no-bytecode` measures that case too.

    python benchmarks/bench_attach.py [--runs 7] [--no-bytecode] [--only anthropic]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time

from common import BIN, RESULTS, bench_env, gateway_process, save, table

sys.path.insert(0, str(RESULTS.parent.parent))

from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.model import Conversation, Message, RequestOptions
from tikhub_tui.core.providers import adapter

PROMPT = "echo: ok"
MODELS = {"anthropic": "claude-sonnet-4-5", "openai": "gpt-4o", "gemini": "gemini-2.5-flash"}
SIZE = 10 * 1000 * 1000
IMPORT_HTTPX = "import sys; sys.modules['httpx._main'] = None; import httpx, httpcore; print('ok')"
"""Start-up of any httpx client: the interpreter and the imports a request needs (httpcore
loads with the first client)."""


COLUMNS = {
    "curl": "curl posts the body",
    "python": "python -c",
    "httpx": "python: import httpx",
    "floor": "python: httpx posts the body",
    "plain": "ask, no file",
    "nosave": "ask -a --no-save",
    "ask": "ask -a (saved)",
}
"""The commands timed (see `commands` in main), in the order the tables show them."""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def make_pdf() -> bytes:
    """A 10 MB PDF of 20 pages whose bulk is one incompressible stream (as scans are)."""
    kids = " ".join(f"{3 + i} 0 R" for i in range(20)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count 20 >>",
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * 20
    noise = random.Random(10).randbytes(SIZE)
    objects.append(b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n")
    for number, body in enumerate(objects, start=1):
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    return bytes(out + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or b"ok" not in result.stdout:
        raise RuntimeError(
            f"{command[:3]} failed: {result.stderr[-400:]!r} {result.stdout[-200:]!r}"
        )
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu


def in_the_app(
    url: str, pdf: str, model: str, provider: str, runs: int, env: dict[str, str]
) -> list[float]:
    """Seconds of each attach-and-send in one running process (`attach_in_app.py`): what
    attaching costs in the app, where Python has long started and the client is warm."""
    script = str(RESULTS.parent / "attach_in_app.py")
    result = subprocess.run(
        [sys.executable, script, url, pdf, model, provider, str(runs)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return [float(seconds) for seconds in json.loads(result.stdout)]


def bytecode(env: dict[str, str], cached: bool) -> None:
    """Cache the package's bytecode as an install would, or remove it and keep it away."""
    package = RESULTS.parent.parent / "tikhub_tui"
    if cached:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        compileall.compile_dir(package, quiet=1)
        return
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for cache in package.rglob("__pycache__"):
        shutil.rmtree(cache)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-bytecode", action="store_true", help="compile on every run")
    parser.add_argument("--only", choices=sorted(MODELS), help="one protocol")
    options = parser.parse_args()
    runs = options.runs
    env = bench_env(TIKHUB_TUI_DATA_DIR=str(RESULTS / "attach-data"))
    bytecode(env, cached=not options.no_bytecode)
    pdf_path = RESULTS / "ten-mb.pdf"
    pdf_path.write_bytes(make_pdf())
    attachment = from_bytes(pdf_path.read_bytes(), pdf_path.name)
    header = ("protocol", *COLUMNS.values(), "ask -a / curl", "ask -a / httpx posts",
              "in the app: attach + send", "in the app / curl")  # fmt: skip
    rows, cpu_rows = [header], [header[:-4]]
    results: dict[str, object] = {
        "runs": runs,
        "pdf_bytes": attachment.size,
        "bytecode": not options.no_bytecode,
    }
    with gateway_process(tps=0) as url:
        for provider, model in MODELS.items():
            if options.only and provider != options.only:
                continue
            conversation = Conversation([Message("user", PROMPT, (attachment,))])
            spec = adapter(provider).build_request(
                conversation, model, RequestOptions(), base_url=url, api_key=env["TIKHUB_API_KEY"]
            )
            body = RESULTS / f"body-{provider}.json"
            body.write_text(json.dumps(spec.json, ensure_ascii=False, separators=(",", ":")))
            curl = [
                "curl",
                "-sS",
                "--fail",
                "-N",
                "-X",
                "POST",
                spec.url,
                "--data-binary",
                f"@{body}",
            ]
            for name, value in spec.headers.items():
                curl += ["-H", f"{name}: {value}"]
            ask = [str(BIN / "tikhub-tui"), "ask", "-m", model, "--base-url", url]
            floor = [sys.executable, str(RESULTS.parent / "httpx_post.py"), spec.url, str(body),
                     json.dumps(spec.headers)]  # fmt: skip
            commands = {
                "python": [sys.executable, "-c", "print('ok')"],
                "httpx": [sys.executable, "-c", IMPORT_HTTPX],
                "floor": floor,
                "curl": curl,
                "ask": [*ask, "-a", str(pdf_path), PROMPT],
                "nosave": [*ask, "--no-save", "-a", str(pdf_path), PROMPT],
                "plain": [*ask, PROMPT],
            }
            samples: dict[str, list[float]] = {name: [] for name in commands}
            cpu: dict[str, list[float]] = {name: [] for name in commands}
            for _ in range(runs):
                for name, command in commands.items():
                    wall, used = run(command, env)
                    samples[name].append(wall)
                    cpu[name].append(used)
            in_app = in_the_app(url, str(pdf_path), model, provider, runs, env)
            med = {k: sorted(v)[runs // 2] for k, v in samples.items()}
            med_cpu = {k: sorted(v)[runs // 2] for k, v in cpu.items()}
            app_median = sorted(in_app)[runs // 2]
            ratios = (med["ask"] / med["curl"], med["ask"] / med["floor"])
            rows.append((provider, *(ms(med[k]) for k in COLUMNS), *(f"{r:.2f}x" for r in ratios),
                         ms(app_median), f"{app_median / med['curl']:.2f}x"))  # fmt: skip
            cpu_rows.append((provider, *(ms(med_cpu[k]) for k in COLUMNS)))
            results[provider] = {
                "samples": samples,
                "medians": med,
                "cpu_samples": cpu,
                "cpu_medians": med_cpu,
                "body_bytes": body.stat().st_size,
                "in_app_samples": in_app,
                "in_app_median": app_median,
            }
    print("wall time, median of", runs, "runs\n" + table(rows))
    print("\nCPU time (user + system) of the process alone, median\n" + table(cpu_rows))
    print(f"\nload average {os.getloadavg()[0]:.1f}: a loaded machine stretches wall times most")
    print(f"\nsaved {save('attach', results)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

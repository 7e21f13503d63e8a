"""Attaching a file and sending it inside a running app: from reading the file to the answer's
end, the client warm (as the app's is after its first answer). Run by `bench_attach.py`:

    python benchmarks/attach_in_app.py URL FILE MODEL PROVIDER RUNS

prints one JSON list: the seconds of each run. The file is read, sniffed and counted, built
into the request (base64 streamed into the body) and sent, the same path as the app's
(`core.attachments.read_path`, `core.exchange.Exchange`); nothing is saved (the app saves in a
thread of its own while the answer streams).
"""

from __future__ import annotations

import json
import os
import sys
import time

from tikhub_tui.core.attachments.load import read_path
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.exchange import Exchange, Prompt
from tikhub_tui.core.settings import Settings


def once(client: ChatClient, path: str, model: str, provider: str) -> float:
    started = time.perf_counter()
    attachment = read_path(path)
    exchange = Exchange(Prompt("echo: ok", attachments=(attachment,)), [], model, provider)
    exchange.open(client)
    received: list[str] = []
    exchange.run(lambda text, _reasoning: received.append(text))
    elapsed = time.perf_counter() - started
    if "ok" not in "".join(received):
        raise SystemExit(f"no answer: {exchange.tally.error}")
    return elapsed


def main() -> int:
    url, path, model, provider, runs = sys.argv[1:6]
    settings = ClientSettings.of(Settings(), url)
    with ChatClient(settings, os.environ["TIKHUB_API_KEY"]) as client:
        once(client, path, model, provider)  # the first answer warms the connection
        print(json.dumps([once(client, path, model, provider) for _ in range(int(runs))]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The floor for `ask`: plain httpx + httpx-sse reading and joining the same stream.

It does the least a correct client must do (open the stream, parse SSE, decode each event's
JSON, join the text) and nothing else, so `ask`'s overhead is measured against it.
"""

from __future__ import annotations

import json
import sys

import httpx
from httpx_sse import connect_sse


def main() -> int:
    base_url, model, prompt = sys.argv[1:4]
    body = {
        "model": model,
        "max_tokens": 100000,
        "stream": True,
        "messages": [{"role": "user", "content": prompt}],
    }
    headers = {"x-api-key": "sk-bench-FAKE-not-a-real-key", "anthropic-version": "2023-06-01"}
    parts: list[str] = []
    with (
        httpx.Client(timeout=60) as client,
        connect_sse(
            client, "POST", f"{base_url}/v1/messages", json=body, headers=headers
        ) as source,
    ):
        for event in source.iter_sse():
            if event.event == "content_block_delta":
                delta = json.loads(event.data)["delta"]
                if delta.get("type") == "text_delta":
                    parts.append(delta["text"])
    sys.stdout.write("".join(parts) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

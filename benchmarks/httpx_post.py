"""The floor of a Python client: post a JSON body file with httpx and print the stream's bytes.

What any Python client must do at least: start the interpreter, import httpx, read the body
and post it. Like `tikhub-tui ask`, it skips httpx's command-line tool and the system's
certificates for a plain http:// URL (neither is needed there).

    python benchmarks/httpx_post.py URL BODY_FILE HEADERS_JSON
"""

import json
import ssl
import sys

sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]

import httpx  # noqa: E402


def main() -> int:
    url, body_file, headers = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    with open(body_file, "rb") as file:
        body = file.read()
    verify = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    with (
        httpx.Client(verify=verify, timeout=60) as client,
        client.stream("POST", url, content=body, headers=headers) as response,
    ):
        for chunk in response.iter_bytes():
            sys.stdout.buffer.write(chunk)
    return 0 if response.status_code == 200 else 1


if __name__ == "__main__":
    raise SystemExit(main())

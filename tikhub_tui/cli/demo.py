"""`--demo` for `ask` and `race`: answers from the embedded local gateway, with no key.

The gateway listens on 127.0.0.1 for the command's run and takes the demo key; nothing leaves
the machine. The app's demo mode does the same when no key is found.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager

from tikhub_tui.core.secrets import ENV_VAR

DEMO_KEY = "demo-key-for-the-local-gateway"
"""What the one-shot commands send to the embedded gateway (it takes any key)."""


def add_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--demo",
        action="store_true",
        help="answer from the embedded local gateway: no key needed, nothing leaves this "
        "machine (its directives, e.g. `tps: 50 lorem: 200`, are in the README)",
    )


@contextmanager
def demo_access(args: argparse.Namespace) -> Iterator[None]:
    """With `--demo`: the embedded gateway runs, and the command sends to it with the demo
    key, until the command is over."""
    if not getattr(args, "demo", False):
        yield
        return
    from tikhub_tui.gateway import Gateway

    gateway = Gateway(host="127.0.0.1", port=0)
    gateway.start()
    args.base_url = gateway.base_url
    saved = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = DEMO_KEY
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = saved
        gateway.stop()

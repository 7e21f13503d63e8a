"""`tikhub-tui gateway`: run the embedded local gateway in the foreground until Ctrl-C or SIGTERM.

Its first stdout line is the base URL, so scripts and benchmarks can start it with `--port 0` and
read where it listens; everything else goes to stderr, a client closing a connection early
included (one line, never a traceback).
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import FrameType

from tikhub_tui.cli import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from tikhub_tui.gateway import Gateway, is_loopback


class _Terminated(Exception):
    """SIGTERM arrived: stop serving and exit cleanly."""


def add_parser(parser: argparse.ArgumentParser) -> None:
    """Add the gateway's options to its sub-command parser."""
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8765,
        help="port to listen on (default: %(default)s); 0 picks a free one",
    )
    parser.add_argument(
        "--tps",
        type=float,
        default=60.0,
        help="tokens per second of every stream (default: %(default)g; 0 = as fast as possible; "
        "a `tps: N` directive in a prompt overrides it)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="listen on a non-loopback address although the gateway has no authentication",
    )


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Terminated


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; return the process exit code."""
    if not args.allow_remote and not is_loopback(args.host):
        print(
            f"tikhub-tui gateway: refusing to listen on {args.host}: the gateway has no "
            "authentication (any key is accepted), so anyone who can reach that address could "
            "use it. Use --host 127.0.0.1, or add --allow-remote if you really mean it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if not 0 <= args.port <= 65535 or args.tps < 0:
        print("tikhub-tui gateway: --port must be 0-65535 and --tps 0 or more", file=sys.stderr)
        return EXIT_USAGE
    gateway = Gateway(args.host, args.port, args.tps, allow_remote=args.allow_remote)
    try:
        gateway.start()
    except OSError as exc:
        print(
            f"tikhub-tui gateway: cannot listen on {args.host}:{args.port} ({exc.strerror}); "
            "choose another --port, or --port 0 for a free one",
            file=sys.stderr,
        )
        return EXIT_USAGE
    print(gateway.base_url, flush=True)
    print(
        "tikhub-tui gateway: OpenAI, Anthropic and Gemini protocols, any non-empty key; try "
        f"TIKHUB_API_KEY=demo tikhub-tui ask --base-url {gateway.base_url} -m gpt-4o 'lorem: 50'"
        " (Ctrl-C stops)",
        file=sys.stderr,
        flush=True,
    )
    logger = logging.getLogger("tikhub_tui.gateway")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("tikhub-tui gateway: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    # Explicit handlers: a parent (a script, a background job) may have left SIGINT ignored.
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        gateway.serve_forever()
    except KeyboardInterrupt:
        print("tikhub-tui gateway: stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("tikhub-tui gateway: stopped", file=sys.stderr)
        return EXIT_OK
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)
        gateway.stop()
        logger.removeHandler(handler)
    return EXIT_OK

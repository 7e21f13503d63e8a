"""Allow `python -m tikhub_tui`."""

from tikhub_tui.cli import entry

raise SystemExit(entry())

"""Allow `python -m tikhub_tui`."""

from tikhub_tui.cli import main

raise SystemExit(main())

"""tikhub-tui: a terminal chat client for the TikHub AI proxy."""

__version__ = "0.1.0"

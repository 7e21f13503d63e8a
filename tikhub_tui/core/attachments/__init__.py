"""Attachments: files read, sniffed by their bytes and checked before they join a prompt.

`load` reads files and standard input with a size cap, `sniff` decides what the bytes are (text,
image or PDF) and measures them (pixels, pages), `shrink` downscales images on request. The
per-protocol limits and wire shapes live with each protocol in `core.providers`.
"""

from tikhub_tui.core.attachments.load import MAX_BYTES, human_size, read_path, read_stream
from tikhub_tui.core.attachments.sniff import AttachmentError, from_bytes, text_block

__all__ = [
    "MAX_BYTES",
    "AttachmentError",
    "from_bytes",
    "human_size",
    "read_path",
    "read_stream",
    "text_block",
]

"""Attachments: files read, sniffed by their bytes and checked before they join a prompt.

`load` reads files and standard input with a size cap; `sniff` decides what the bytes are
(text, image or PDF) and measures them (pixels with `images`, pages with `pdf`); `text` shows
them as text; `shrink` downscales images on request. The per-protocol limits and wire shapes
live with each protocol in `core.providers`. Import the submodule you need (this package
imports nothing, so sending a prompt without attachments loads none of it).
"""


class AttachmentError(ValueError):
    """A file cannot be attached; the message names the file, the cause and the fix."""

"""What a file is, from its bytes: text, an image (PNG, JPEG, GIF, WebP) or a PDF.

The media type comes from magic numbers, never from the name alone, so a screenshot saved as
`.jpg` that is really a PNG goes out as `image/png`. Everything is bounded by the data given
(callers cap the size before reading) and every failure is an AttachmentError naming the
file, the cause and the fix.
"""

from __future__ import annotations

import hashlib
import mimetypes
import unicodedata
from collections.abc import Callable

from tikhub_tui.core.attachments import AttachmentError, images, pdf
from tikhub_tui.core.model import Attachment

MAX_NAME = 200
"""Characters of a file name kept (the name is shown and sent to the model)."""
SUPPORTED = "UTF-8 text or code, PNG, JPEG, GIF, WebP or PDF"

_IMAGES: tuple[tuple[bytes, int, str, Callable[[bytes], images.Size | None]], ...] = (
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", images.png_size),
    (b"\xff\xd8\xff", 0, "image/jpeg", images.jpeg_size),
    (b"GIF87a", 0, "image/gif", images.gif_size),
    (b"GIF89a", 0, "image/gif", images.gif_size),
    (b"WEBP", 8, "image/webp", images.webp_size),
)
_KNOWN_BINARY: tuple[tuple[bytes, int, str, str], ...] = (
    # magic, offset, what it is, how to make it attachable
    (
        b"PK\x03\x04",
        0,
        "a ZIP archive (Word, Excel and PowerPoint files are ZIP archives too)",
        "export it as PDF or text first",
    ),
    (b"\x1f\x8b", 0, "a gzip archive", "unpack it and attach the files inside"),
    (b"BM", 0, "a BMP image", "convert it to PNG first"),
    (b"II*\x00", 0, "a TIFF image", "convert it to PNG first"),
    (b"MM\x00*", 0, "a TIFF image", "convert it to PNG first"),
    (b"ftypheic", 4, "a HEIC image", "convert it to JPEG or PNG first"),
    (b"ftypavif", 4, "an AVIF image", "convert it to PNG first"),
    (b"\x7fELF", 0, "a program (ELF executable)", "attach its source or its output instead"),
)
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript", "application/toml")


def clean_name(name: str) -> str:
    """The base name without control characters, cut to MAX_NAME (names come from anywhere)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return kept[:MAX_NAME] or "attachment"


def from_bytes(data: bytes, name: str) -> Attachment:
    """The attachment these bytes make, sniffed; raises AttachmentError when not attachable."""
    name = clean_name(name)
    if not data:
        raise AttachmentError(f"{name} is empty: there is nothing to attach")
    digest = hashlib.sha256(data).hexdigest()
    for magic, offset, media_type, measure in _IMAGES:
        if data[offset : offset + len(magic)] == magic and (offset == 0 or data[:4] == b"RIFF"):
            size = measure(data)
            if size is None:
                raise AttachmentError(
                    f"{name} starts like a {media_type.split('/')[1].upper()} image but its "
                    "size cannot be read: the file is damaged or cut short; open and save it "
                    "again, or attach another copy"
                )
            return Attachment(name, media_type, "image", data, digest, None, *size)
    if b"%PDF-" in data[:1024]:
        return Attachment(name, "application/pdf", "pdf", data, digest, pdf.page_count(data))
    for magic, offset, what, fix in _KNOWN_BINARY:
        if data[offset : offset + len(magic)] == magic:
            raise AttachmentError(f"{name} is {what}, which cannot be attached; {fix}")
    if not _is_text(data):
        raise AttachmentError(
            f"{name} is neither text nor a file type the models read; attach {SUPPORTED}"
        )
    return Attachment(name, text_media_type(name), "text", data, digest)


def _is_text(data: bytes) -> bool:
    """UTF-8 without NUL bytes (binary formats are full of them; text never has one)."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def text_media_type(name: str) -> str:
    """A text file's media type from its name (text has no magic number); text/plain else."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed and (guessed.startswith("text/") or guessed in _TEXT_TYPES):
        return guessed
    return "text/plain"

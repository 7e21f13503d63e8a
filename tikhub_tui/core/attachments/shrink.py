"""Downscaling an image with Pillow to fit a provider's limit, only when the user asked.

A smaller image costs fewer tokens and passes limits on pixels and bytes; it is never done
silently: callers say what was changed. Pillow is imported here only, so sending a prompt
without this step never pays for it.
"""

from __future__ import annotations

import io

from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.attachments.sniff import from_bytes
from tikhub_tui.core.model import Attachment

_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WEBP", "image/gif": "PNG"}
MAX_PIXELS = 200_000_000
"""Images with more pixels are refused before decoding (a decompression bomb)."""


def undecodable(name: str) -> AttachmentError:
    """The error for an image Pillow cannot decode, whatever it raised: its words (a buffer's
    repr, offsets) say nothing to the user, so they are never shown."""
    return AttachmentError(
        f"{name} cannot be downscaled: its image data cannot be decoded (the file is damaged, "
        "cut short or not the image its first bytes say); open it in an image editor and save "
        "it again, or attach an image within the limits"
    )


def downscale(attachment: Attachment, max_side: int, max_bytes: int) -> Attachment:
    """The image at most `max_side` pixels a side and `max_bytes` big, aspect kept; a GIF
    becomes a PNG of its first frame. Raises AttachmentError when it cannot be done."""
    width, height = attachment.width or 0, attachment.height or 0
    if width * height > MAX_PIXELS:
        raise AttachmentError(
            f"{attachment.name} is {width}x{height} pixels, too large to downscale safely; "
            "resize it with an image editor first"
        )
    image_format = _FORMATS[attachment.media_type]
    try:
        return _shrink(attachment, image_format, max_side, max_bytes)
    except AttachmentError:
        raise
    except Exception:  # anything Pillow raises for a file it cannot decode (UnidentifiedImage,
        raise undecodable(attachment.name) from None  # OSError, SyntaxError, EOFError, bombs…)


def _shrink(attachment: Attachment, image_format: str, max_side: int, max_bytes: int) -> Attachment:
    """`downscale`'s work; Pillow's exceptions pass through."""
    from PIL import Image

    with Image.open(io.BytesIO(attachment.data)) as opened:
        opened.load()
        image = opened.convert("RGB") if image_format == "JPEG" else opened.copy()
    side = min(max_side, max(image.size))
    name = attachment.name
    if attachment.media_type == "image/gif":
        name = name.rsplit(".", 1)[0] + ".png"
    for _ in range(12):
        smaller = image.copy()
        smaller.thumbnail((side, side), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        options = {"quality": 85} if image_format in ("JPEG", "WEBP") else {"optimize": True}
        smaller.save(buffer, image_format, **options)
        if buffer.tell() <= max_bytes:
            return from_bytes(buffer.getvalue(), name)
        side = int(side * 0.75)
        if side < 16:
            break
    raise AttachmentError(f"{attachment.name} cannot be made small enough ({max_bytes} bytes)")

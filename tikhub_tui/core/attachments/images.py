"""Image sizes read from the first bytes of PNG, JPEG, GIF and WebP files, without decoding.

Limits are about pixels (Anthropic refuses images over 8000 px a side), so the size is needed
before sending; every reader is bounded by the data it is given and returns None when the
header is damaged instead of raising.
"""

from __future__ import annotations

import struct

Size = tuple[int, int]

_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
"""Start-of-frame markers (the ones that carry the picture's size)."""
_JPEG_NO_LENGTH = frozenset({0x01, *range(0xD0, 0xDA)})
MAX_GIF_FRAMES = 2
"""A GIF with this many frames is animated; the walk stops there."""


def png_size(data: bytes) -> Size | None:
    """Width and height from the IHDR chunk, which the format puts first."""
    if len(data) < 24 or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return (width, height) if width and height else None


def jpeg_size(data: bytes) -> Size | None:
    """Width and height from the first start-of-frame segment, walking the segments."""
    at = 2
    end = len(data)
    while at + 4 <= end:
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _JPEG_NO_LENGTH:
            at += 2
            continue
        length = struct.unpack(">H", data[at + 2 : at + 4])[0]
        if length < 2:
            return None
        if marker in _JPEG_SOF:
            if at + 9 > end:
                return None
            height, width = struct.unpack(">HH", data[at + 5 : at + 9])
            return (width, height) if width and height else None
        at += 2 + length
    return None


def gif_size(data: bytes) -> Size | None:
    """Width and height of the logical screen."""
    if len(data) < 10:
        return None
    width, height = struct.unpack("<HH", data[6:10])
    return (width, height) if width and height else None


def gif_frames(data: bytes) -> int:
    """How many frames the GIF has, counting up to MAX_GIF_FRAMES (OpenAI refuses animated
    GIFs); a damaged file counts the frames seen before the damage."""
    if len(data) < 13:
        return 0
    at = 13
    if data[10] & 0x80:
        at += 3 * (2 ** ((data[10] & 7) + 1))
    frames = 0
    while at < len(data) and frames < MAX_GIF_FRAMES:
        block = data[at]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: label, then sub-blocks
            at = _skip_sub_blocks(data, at + 2)
        elif block == 0x2C:  # image descriptor, local colour table, LZW size, sub-blocks
            if at + 10 > len(data):
                break
            flags = data[at + 9]
            at += 10
            if flags & 0x80:
                at += 3 * (2 ** ((flags & 7) + 1))
            frames += 1
            at = _skip_sub_blocks(data, at + 1)
        else:
            break
    return frames


def _skip_sub_blocks(data: bytes, at: int) -> int:
    while at < len(data):
        size = data[at]
        at += 1 + size
        if size == 0:
            break
    return at


def webp_size(data: bytes) -> Size | None:
    """Width and height from the first chunk: lossy (VP8), lossless (VP8L) or extended (VP8X)."""
    chunk = data[12:16]
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", data[26:30])
        size = (width & 0x3FFF, height & 0x3FFF)
    elif chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        size = (1 + (bits & 0x3FFF), 1 + ((bits >> 14) & 0x3FFF))
    elif chunk == b"VP8X" and len(data) >= 30:
        size = (
            1 + int.from_bytes(data[24:27], "little"),
            1 + int.from_bytes(data[27:30], "little"),
        )
    else:
        return None
    return size if size[0] and size[1] else None

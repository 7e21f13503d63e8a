"""Small real files for attachment tests: images made with Pillow, PDFs written by hand.

Every helper is deterministic for its arguments, so a test can build the same bytes again and
compare hashes with what the gateway received.
"""

from __future__ import annotations

import io
import random
import zlib

from PIL import Image


def image(fmt: str, width: int = 64, height: int = 48, *, seed: int = 1, frames: int = 1) -> bytes:
    """An image of `fmt` (PNG, JPEG, GIF, WEBP) with noise in it (so it does not compress away)."""
    rng = random.Random(seed)
    pictures = [
        Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
        for _ in range(frames)
    ]
    buffer = io.BytesIO()
    if frames > 1:
        pictures[0].save(buffer, fmt, save_all=True, append_images=pictures[1:], duration=100)
    else:
        pictures[0].save(buffer, fmt)
    return buffer.getvalue()


def png(width: int = 64, height: int = 48, seed: int = 1) -> bytes:
    return image("PNG", width, height, seed=seed)


def jpeg(width: int = 64, height: int = 48, seed: int = 1) -> bytes:
    return image("JPEG", width, height, seed=seed)


def _objects_pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def pdf(pages: int = 1, padding: int = 0, seed: int = 1) -> bytes:
    """A valid PDF of `pages` empty pages; `padding` bytes of noise in a stream make it big."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        *(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>" for _ in range(pages)),
    ]
    if padding:
        noise = random.Random(seed).randbytes(padding)
        objects.append(b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream")
    return _objects_pdf(objects)


def compressed_pdf(pages: int) -> bytes:
    """A PDF whose page tree sits in a compressed object stream (as PDF 1.5 writers do)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    packed = [b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages]
    packed += [b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>" for _ in range(pages)]
    header = b" ".join(b"%d 0" % (2 + i) for i in range(len(packed)))
    data = zlib.compress(header + b"\n" + b"\n".join(packed))
    stream = (
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(packed), len(header) + 1, len(data))
        + data
        + b"\nendstream"
    )
    return _objects_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", stream])


def broken_images(side: int = 9000) -> dict[str, bytes]:
    """Images whose first bytes say what they are and how large (`side` pixels wide, over every
    provider's limit, so they go to the downscaling) but whose image data Pillow cannot decode:
    a GIF without its descriptor, one cut short, PNGs with junk or short data, a bare JPEG."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    def png_with(data: bytes) -> bytes:
        header = struct.pack(">IIBBBBB", side, 40, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
                + chunk(b"IEND", b""))  # fmt: skip

    gif = b"GIF89a" + struct.pack("<HH", side, 40)
    frame = b"\x2c\x00\x00\x00\x00" + struct.pack("<HH", side, 40) + b"\x00\x02garbage"
    sof = b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 40, side) + bytes.fromhex("03012200021101031101")
    return {
        "broken.gif": gif + b"\x00\x00\x00",
        "short.gif": gif + b"\x80\x00\x00" + b"\x00" * 6 + frame,
        "junk.png": png_with(b"junk"),
        "short.png": png_with(zlib.compress(b"\x00" * 100)),
        "bare.jpg": b"\xff\xd8" + sof + b"\xff\xd9",
    }

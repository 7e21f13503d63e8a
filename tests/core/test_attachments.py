"""Attachments are known by their bytes: magic numbers, pixels, pages, text, and refusals."""

from __future__ import annotations

import hashlib
import io
import os
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.attachment_files import broken_images, compressed_pdf, image, jpeg, pdf, png
from tikhub_tui.core.attachments import AttachmentError
from tikhub_tui.core.attachments.load import MAX_BYTES, read_path, read_stream
from tikhub_tui.core.attachments.shrink import downscale
from tikhub_tui.core.attachments.sniff import clean_name, from_bytes
from tikhub_tui.core.attachments.text import human_size, text_block


@pytest.mark.parametrize(
    ("data", "media_type", "size"),
    [
        (png(64, 48), "image/png", (64, 48)),
        (jpeg(300, 200), "image/jpeg", (300, 200)),
        (image("GIF", 17, 9), "image/gif", (17, 9)),
        (image("WEBP", 33, 21), "image/webp", (33, 21)),
    ],
)
def test_images_are_known_by_magic_number_not_name(
    data: bytes, media_type: str, size: tuple[int, int]
) -> None:
    attachment = from_bytes(data, "misleading-name.txt")
    assert attachment.kind == "image"
    assert attachment.media_type == media_type
    assert (attachment.width, attachment.height) == size
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size == len(data)


def test_lossless_webp_size() -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (70, 30), "red").save(buffer, "WEBP", lossless=True)
    attachment = from_bytes(buffer.getvalue(), "x.webp")
    assert (attachment.width, attachment.height) == (70, 30)


def test_a_png_saved_as_jpg_goes_as_png() -> None:
    assert from_bytes(png(), "photo.jpg").media_type == "image/png"


@pytest.mark.parametrize("pages", [1, 3, 120])
def test_pdf_pages_are_counted(pages: int) -> None:
    attachment = from_bytes(pdf(pages), "doc.pdf")
    assert (attachment.kind, attachment.media_type, attachment.pages) == (
        "pdf",
        "application/pdf",
        pages,
    )


def test_pdf_pages_inside_compressed_object_streams() -> None:
    assert from_bytes(compressed_pdf(7), "packed.pdf").pages == 7


def test_pdf_without_page_tree_has_unknown_pages() -> None:
    assert from_bytes(b"%PDF-1.4\nnothing here\n%%EOF", "odd.pdf").pages is None


def test_a_zip_bomb_object_stream_stops_at_the_bound() -> None:
    bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)
    data = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /ObjStm /N 1 /First 1 /Filter /FlateDecode >>\nstream\n"
        + bomb
        + b"\nendstream\nendobj\n"
    )
    assert from_bytes(data, "bomb.pdf").pages is None


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("notes.md", "text/markdown"), ("main.py", "text/x-python"), ("data.json", "application/json"),
     ("README", "text/plain"), ("weird.bin", "text/plain")],
)
def test_text_files_take_their_type_from_the_name(name: str, media_type: str) -> None:
    attachment = from_bytes("héllo ✓\n".encode(), name)
    assert (attachment.kind, attachment.media_type) == ("text", media_type)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"PK\x03\x04rest", "ZIP archive"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"BM" + b"\x00" * 40, "BMP"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16, "HEIC"),
        (b"\xff\xfe\x00\x01\x02", "neither text nor"),
        (b"text with a NUL \x00 inside", "neither text nor"),
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 4, "damaged"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "damaged"),
    ],
)
def test_what_cannot_be_attached_says_why_and_what_to_do(data: bytes, said: str) -> None:
    with pytest.raises(AttachmentError) as caught:
        from_bytes(data, "thing")
    assert said in str(caught.value)
    assert "thing" in str(caught.value)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048), st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff",
                                                   b"GIF89a", b"RIFF\0\0\0\0WEBP", b"%PDF-"]))
def test_sniffing_is_total(data: bytes, prefix: bytes) -> None:
    """Any bytes give an attachment or an AttachmentError, never another exception."""
    try:
        attachment = from_bytes(prefix + data, "x")
    except AttachmentError:
        return
    assert attachment.size == len(prefix + data)


def test_names_lose_directories_and_control_characters() -> None:
    assert clean_name("/etc/../secret\x1b[2J.txt") == "secret[2J.txt"
    assert clean_name("C:\\Users\\me\\a.png") == "a.png"
    assert clean_name("\x07") == "attachment"
    assert len(clean_name("n" * 500)) == 200


def test_text_block_fence_outlasts_backticks_inside() -> None:
    attachment = from_bytes(b"code:\n````\nx\n````\n", "notes.md")
    block = text_block(attachment)
    assert block.startswith("File: notes.md\n`````md\n")
    assert block.endswith("\n`````")
    assert "code:\n````\nx\n````\n" in block


def test_read_path_refuses_big_files_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.log"
    with big.open("wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: the size is there, the bytes never read
    with pytest.raises(AttachmentError, match=r"big\.log is 104\.9 MB"):
        read_path(big)


def test_read_path_names_missing_files_and_directories(tmp_path: Path) -> None:
    with pytest.raises(AttachmentError, match=r"cannot read .*nope\.png: No such file"):
        read_path(tmp_path / "nope.png")
    with pytest.raises(AttachmentError, match="Is a directory"):
        read_path(tmp_path)


def test_read_stream_caps_what_it_reads() -> None:
    class Endless(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview, /) -> int:  # type: ignore[override]
            buffer[:] = b"a" * len(buffer)
            return len(buffer)

    with pytest.raises(AttachmentError, match="stdin is more than"):
        read_stream(io.BufferedReader(Endless()), "stdin")
    assert read_stream(io.BytesIO(png()), "shot.png").media_type == "image/png"


def test_human_sizes() -> None:
    assert [human_size(n) for n in (5, 1_500, 2_500_000, 3 * 10**9)] == [
        "5 bytes", "1.5 KB", "2.5 MB", "3.0 GB"]


def test_downscale_fits_side_and_bytes() -> None:
    big = from_bytes(jpeg(3000, 1000), "wide.jpg")
    small = downscale(big, 1000, 200_000)
    assert (small.width, small.height) == (1000, 333)
    assert small.media_type == "image/jpeg" and small.size <= 200_000
    assert small.name == "wide.jpg"


def test_downscale_turns_a_gif_into_a_png() -> None:
    small = downscale(from_bytes(image("GIF", 400, 400), "anim.gif"), 100, 10**9)
    assert (small.media_type, small.name, small.width) == ("image/png", "anim.png", 100)


def test_files_are_read_as_bytes_not_text(tmp_path: Path) -> None:
    path = tmp_path / "shot.png"
    path.write_bytes(png(10, 10))
    os.chmod(path, 0o400)
    attachment = read_path(path)
    assert (attachment.name, attachment.kind) == ("shot.png", "image")


def test_attachments_count_toward_the_context() -> None:
    from tikhub_tui.core.model import Conversation, Message
    from tikhub_tui.core.tokens import estimate_attachment, estimate_conversation, estimate_tokens

    notes = from_bytes(b"word " * 400, "notes.txt")
    photo = from_bytes(png(300, 250), "p.png")
    huge = from_bytes(png(4000, 10), "strip.png")
    report = from_bytes(pdf(3), "r.pdf")
    assert estimate_attachment(notes) == estimate_tokens(text_block(notes))
    assert estimate_attachment(photo) == 100  # 300 x 250 / 750
    assert estimate_attachment(huge) == 54
    assert estimate_attachment(report) == 3 * 1500
    bare = estimate_conversation(Conversation([Message("user", "hi")]))
    full = estimate_conversation(Conversation([Message("user", "hi", (notes, photo, report))]))
    assert full == bare + estimate_attachment(notes) + 100 + 4500


@pytest.mark.parametrize("name", sorted(broken_images()))
def test_an_image_pillow_cannot_decode_is_one_classified_error(name: str) -> None:
    attachment = from_bytes(broken_images()[name], name)
    assert attachment.kind == "image" and (attachment.width or 0) > 8000
    with pytest.raises(AttachmentError) as raised:
        downscale(attachment, 8000, 5_000_000)
    said = str(raised.value)
    assert said.startswith(f"{name} cannot be downscaled: its image data cannot be decoded")
    assert "save it again" in said and "\n" not in said
    for leak in ("<", "0x", "BytesIO", "Error", "bytes not processed", "identify"):
        assert leak not in said, said

"""Per-protocol attachment limits, checked before anything is sent.

Each protocol module states its provider's documented limits as a `Limits` (with the source
beside the numbers); `check` applies them to a conversation and raises `LimitExceeded`
naming the file, the limit and the fix, so a request the provider would refuse is never made.
"""

from __future__ import annotations

from tikhub_tui.core.attachments.text import human_size
from tikhub_tui.core.model import Attachment, Conversation

MESSAGE_OVERHEAD = 512
"""Bytes of JSON around each message and part, over-estimated so the check errs safe."""


class Limits:
    """What one protocol accepts in one request; None means no documented limit.

    A plain class: it is built when `ask` imports the adapters, and a dataclass or named tuple
    costs a few milliseconds of start-up there.
    """

    def __init__(
        self,
        provider: str,
        image_types: frozenset[str],
        *,
        request_bytes: int | None = None,
        image_bytes: int | None = None,
        images_bytes: int | None = None,
        image_side: int | None = None,
        many_images: tuple[int, int] | None = None,
        images: int | None = None,
        pdf_bytes: int | None = None,
        files_bytes: int | None = None,
        pdf_pages: int | None = None,
        still_gifs: bool = False,
    ) -> None:
        self.provider = provider
        """The provider's name as a user knows it (in messages)."""
        self.image_types = image_types
        self.request_bytes = request_bytes
        """The whole JSON body."""
        self.image_bytes = image_bytes
        """One image, base64-encoded."""
        self.images_bytes = images_bytes
        """All images together, base64-encoded."""
        self.image_side = image_side
        self.many_images = many_images
        """(count, side): with more than `count` images, each may be at most `side` pixels."""
        self.images = images
        self.pdf_bytes = pdf_bytes
        """One PDF, raw bytes."""
        self.files_bytes = files_bytes
        """All PDFs together, raw bytes."""
        self.pdf_pages = pdf_pages
        """Pages of all PDFs together."""
        self.still_gifs = still_gifs
        """Animated GIFs are refused."""

    def with_pages(self, pdf_pages: int) -> Limits:
        """The same limits with another page limit (it depends on the model's context)."""
        copy = Limits(self.provider, self.image_types)
        copy.__dict__.update(self.__dict__, pdf_pages=pdf_pages)
        return copy


class LimitExceeded(ValueError):
    """A prompt breaks a documented limit of the protocol it is for: nothing was sent.

    `shrink` maps images (by sha256) that downscaling would bring within the limit to the
    (max side, max base64 bytes) each must fit.
    """

    def __init__(
        self, message: str, fix: str, shrink: dict[str, tuple[int, int]] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.shrink = shrink or {}


def base64_size(size: int) -> int:
    return 4 * ((size + 2) // 3)


def attachments(conversation: Conversation) -> list[Attachment]:
    """Every attachment the conversation sends, oldest first (history re-sends them)."""
    return [a for m in conversation.messages for a in m.attachments]


def request_size(conversation: Conversation) -> int:
    """An over-estimate of the request body's bytes, without building it."""
    size = len((conversation.system or "").encode()) + MESSAGE_OVERHEAD
    for message in conversation.messages:
        size += len(message.text.encode()) * 2 + MESSAGE_OVERHEAD  # JSON escapes, at worst x2
        for item in message.attachments:
            size += MESSAGE_OVERHEAD + (
                len(item.data) * 2 if item.kind == "text" else base64_size(len(item.data))
            )
    return size


def check(conversation: Conversation, limits: Limits) -> None:
    """Raise LimitExceeded for the first limit the conversation breaks."""
    every = attachments(conversation)
    if not every:
        return
    who = limits.provider
    images = [a for a in every if a.kind == "image"]
    pdfs = [a for a in every if a.kind == "pdf"]
    for image in images:
        if image.media_type not in limits.image_types:
            kinds = ", ".join(sorted(t.split("/")[1].upper() for t in limits.image_types))
            convertible = image.media_type == "image/gif"  # downscaling makes a GIF a PNG
            raise LimitExceeded(
                f"{image.name} is a {image.media_type.split('/')[1].upper()} image; "
                f"{who} accepts {kinds}",
                "convert it to PNG or JPEG, or choose a model of another provider",
                {image.sha256: (_largest(image), 1 << 62)} if convertible else None,
            )
    if limits.still_gifs:
        from tikhub_tui.core.attachments.images import MAX_GIF_FRAMES, gif_frames

        for image in images:
            if image.media_type == "image/gif" and gif_frames(image.data) >= MAX_GIF_FRAMES:
                raise LimitExceeded(
                    f"{image.name} is an animated GIF; {who} accepts still GIFs only",
                    "attach one frame of it as PNG",
                    {image.sha256: (_largest(image), 1 << 62)},
                )
    _check_images(images, limits)
    _check_pdfs(pdfs, limits)
    if limits.request_bytes is not None:
        size = request_size(conversation)
        if size > limits.request_bytes:
            raise LimitExceeded(
                f"this request would be about {human_size(size)} with its attachments "
                f"(the conversation's earlier ones are sent again); {who} accepts "
                f"{human_size(limits.request_bytes)} per request",
                "attach fewer or smaller files, or start a new session for this one",
                _shrink_all(images, limits, len(images)),
            )


def _check_images(images: list[Attachment], limits: Limits) -> None:
    who = limits.provider
    if limits.images is not None and len(images) > limits.images:
        raise LimitExceeded(
            f"this request would carry {len(images)} images; {who} accepts {limits.images}",
            "attach fewer images, or start a new session",
        )
    side = _max_side(limits, len(images))
    for image in images:
        largest = max(image.width or 0, image.height or 0)
        if side is not None and largest > side:
            many = ""
            if side != limits.image_side and limits.many_images is not None:
                many = f" when a request has more than {limits.many_images[0]} images"
            raise LimitExceeded(
                f"{image.name} is {image.width}x{image.height} pixels; {who} accepts at most "
                f"{side} pixels a side{many}",
                "downscale it",
                {image.sha256: (side, limits.image_bytes or 1 << 62)},
            )
        encoded = base64_size(image.size)
        if limits.image_bytes is not None and encoded > limits.image_bytes:
            raise LimitExceeded(
                f"{image.name} is {human_size(image.size)} ({human_size(encoded)} as sent); "
                f"{who} accepts images up to {human_size(limits.image_bytes)} each as sent",
                "downscale it or save it as JPEG",
                {image.sha256: (side or largest, limits.image_bytes)},
            )
    total = sum(base64_size(image.size) for image in images)
    if limits.images_bytes is not None and total > limits.images_bytes:
        raise LimitExceeded(
            f"the images of this request come to {human_size(total)} as sent; {who} accepts "
            f"{human_size(limits.images_bytes)} of images per request",
            "attach fewer or smaller images",
            _shrink_all(images, limits, len(images)),
        )


def _check_pdfs(pdfs: list[Attachment], limits: Limits) -> None:
    who = limits.provider
    for document in pdfs:
        if limits.pdf_bytes is not None and document.size > limits.pdf_bytes:
            raise LimitExceeded(
                f"{document.name} is {human_size(document.size)}; {who} accepts PDFs up to "
                f"{human_size(limits.pdf_bytes)}",
                "split it into smaller PDFs, or attach the pages you need",
            )
    total = sum(document.size for document in pdfs)
    if limits.files_bytes is not None and total > limits.files_bytes:
        raise LimitExceeded(
            f"the PDFs of this request come to {human_size(total)}; {who} accepts "
            f"{human_size(limits.files_bytes)} of files per request (earlier attachments of "
            "the conversation count too)",
            "attach fewer or smaller PDFs, or start a new session for this one",
        )
    pages = sum(document.pages or 0 for document in pdfs)
    if limits.pdf_pages is not None and pages > limits.pdf_pages:
        names = ", ".join(f"{d.name} ({d.pages} pages)" for d in pdfs if d.pages)
        raise LimitExceeded(
            f"this request would carry {pages} PDF pages ({names}); {who} accepts "
            f"{limits.pdf_pages} pages per request",
            "split the PDF and attach the pages you need",
        )


def _largest(image: Attachment) -> int:
    return max(image.width or 1, image.height or 1)


def _max_side(limits: Limits, count: int) -> int | None:
    if limits.many_images is not None and count > limits.many_images[0]:
        return limits.many_images[1]
    return limits.image_side


SHRINK_SIDE = 1568
"""Side to which images are shrunk when the whole request is too big (Anthropic's native
resolution; enough for OpenAI's and Gemini's high detail too)."""


def _shrink_all(images: list[Attachment], limits: Limits, count: int) -> dict[str, tuple[int, int]]:
    side = min(SHRINK_SIDE, _max_side(limits, count) or SHRINK_SIDE)
    budget = 1024 * 1024  # a megabyte per image as sent
    return {
        image.sha256: (side, budget)
        for image in images
        if max(image.width or 0, image.height or 0) > side or base64_size(image.size) > budget
    }

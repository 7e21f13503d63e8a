"""OpenAI Responses image and file parts: `input_image` and `input_file`, checked as OpenAI does.

Data URLs are split and their base64 decoded strictly; an image whose bytes are no image, or a
file whose data is not a data URL, gets OpenAI's own 400 body naming the parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tikhub_tui.gateway.parts import IMAGE_TYPES, Part, decode, sniff, split_data_url
from tikhub_tui.gateway.wire import Reply

Invalid = Callable[[str, str | None, str | None], Reply]
_DETAILS = ("low", "high", "auto", "original")
MAX_IMAGE_URL = 50 * 1000 * 1000
"""OpenAI takes up to 50 MB of images per request; a longer data URL is refused undecoded."""
MAX_FILE_DATA = 32 * 1000 * 1000 * 4 // 3 + 64
"""OpenAI takes up to 32 MB of file content per request: its base64, plus the URL's head."""
_EXAMPLE = "'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='"


def image(part: dict[str, Any], where: str, message: int, invalid: Invalid) -> Part | Reply:
    """An `input_image` part: a data URL (decoded and checked), an http(s) URL or a file id."""
    detail = part.get("detail", "auto")
    if detail not in _DETAILS:
        choices = ", ".join(f"'{d}'" for d in _DETAILS)
        return invalid(
            f"Invalid value: '{detail}'. Supported values are: {choices}.",
            f"{where}.detail",
            "invalid_value",
        )
    url, file_id = part.get("image_url"), part.get("file_id")
    if url is None and file_id is None:
        return invalid(
            f"Missing required parameter: '{where}.image_url'.",
            f"{where}.image_url",
            "missing_required_parameter",
        )
    if url is None:
        return Part(message, "image", "file-id", str(file_id).encode())
    if not isinstance(url, str):
        return invalid(
            f"Invalid type for '{where}.image_url': expected a string.",
            f"{where}.image_url",
            "invalid_type",
        )
    if url.startswith(("http://", "https://")):
        return Part(message, "image", "url", url.encode())
    param = f"{where}.image_url"
    if len(url) > MAX_IMAGE_URL:  # measured before decoding
        return invalid(
            f"Invalid '{param}': string too long. Expected a string with maximum length "
            f"{MAX_IMAGE_URL}, but got a string with length {len(url)} instead.",
            param,
            "string_above_max_length",
        )
    split = split_data_url(url)
    expected = (
        f"Invalid '{param}'. Expected a base64-encoded data URL with an image MIME type "
        f"(e.g. {_EXAMPLE}), but got "
    )
    if split is None:
        return invalid(expected + "a value that is not a data URL.", param, "invalid_value")
    media_type, payload = split
    if media_type not in IMAGE_TYPES:
        return invalid(expected + f"unsupported MIME type '{media_type}'.", param, "invalid_value")
    raw = decode(payload)
    if raw is None:
        return invalid(expected + "invalid base64 data.", param, "invalid_value")
    if sniff(raw) not in IMAGE_TYPES:
        return invalid(
            "You uploaded an unsupported image. Please make sure your image is valid.",
            None,
            "invalid_image",
        )
    return Part(message, "image", media_type, raw)


def file(part: dict[str, Any], where: str, message: int, invalid: Invalid) -> Part | Reply:
    """An `input_file` part: `file_data` (a data URL, with `filename`), a file id or a URL."""
    data, file_id, file_url = part.get("file_data"), part.get("file_id"), part.get("file_url")
    if data is None:
        if file_id is None and file_url is None:
            return invalid(
                f"Missing required parameter: '{where}.file_data'.",
                f"{where}.file_data",
                "missing_required_parameter",
            )
        return Part(
            message, "file", "file-id" if file_id else "url", str(file_id or file_url).encode()
        )
    param = f"{where}.file_data"
    if not isinstance(part.get("filename"), str) or not part["filename"]:
        return invalid(
            f"Missing required parameter: '{where}.filename'.",
            f"{where}.filename",
            "missing_required_parameter",
        )
    if isinstance(data, str) and len(data) > MAX_FILE_DATA:  # measured before decoding
        return invalid(
            f"Invalid '{param}': string too long. Expected a string with maximum length "
            f"{MAX_FILE_DATA}, but got a string with length {len(data)} instead.",
            param,
            "string_above_max_length",
        )
    split = split_data_url(data) if isinstance(data, str) else None
    if split is None:
        return invalid(
            f"Invalid '{param}'. Expected a base64-encoded data URL (e.g. "
            "'data:application/pdf;base64,...').",
            param,
            "invalid_value",
        )
    media_type, payload = split
    raw = decode(payload)
    if raw is None:
        return invalid(f"Invalid '{param}'. The base64 data is not valid.", param, "invalid_value")
    if media_type == "application/pdf" and sniff(raw) != media_type:
        return invalid(f"Invalid '{param}'. The file is not a valid PDF.", param, "invalid_value")
    return Part(message, "file", media_type, raw)

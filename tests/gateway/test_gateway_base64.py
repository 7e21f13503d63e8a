"""The gateway's base64 check accepts exactly what strict base64 decoding does (as providers
check it), whatever the text: stray characters, bad padding, non-ASCII, newlines."""

from __future__ import annotations

import base64
import binascii

from hypothesis import given
from hypothesis import strategies as st

from tikhub_tui.gateway.parts import decode


def strict(value: str) -> bytes | None:
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


@given(st.text(alphabet="ABCYZabyz0189+/=-_ \n\t\x00é", max_size=40))
def test_decode_is_strict_base64(value: str) -> None:
    assert decode(value) == strict(value)


@given(st.binary(max_size=200))
def test_what_is_encoded_decodes_back(data: bytes) -> None:
    text = base64.b64encode(data).decode()
    assert decode(text) == data
    assert decode(text + "\n") is None and decode(" " + text) is None

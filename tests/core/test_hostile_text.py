"""Property tests of the text doors: redaction, the terminal sanitiser, UTF-8, bounded JSON.

Each property is checked over generated inputs of its whole class (budget and seed: the
`tikhub` profile in tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import FAKE_KEY
from tests.leaks import dressed, shows_key
from tikhub_tui.core.errors import ApiError, body_message, retry_after_seconds
from tikhub_tui.core.secrets.redact import REDACTED, StreamRedactor, redact, remember
from tikhub_tui.core.untrusted import (
    MAX_JSON_DEPTH,
    JSONRefused,
    for_terminal,
    parse_json,
    valid_utf8,
)

INVISIBLE = ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e", "\u202e", "\u2066", "\x07", "\r"]
ESCAPES = ["\x1b[0m", "\x1b[31;1m", "\x1b]8;;\x1b\\", "\x9b1m", "\\x00", "\\u200b", "&shy;"]

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
control = st.sampled_from(
    [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
)
sequence = st.builds(
    lambda intro, body, end: intro + body + end,
    st.sampled_from(["\x1b[", "\x1b]", "\x1bP", "\x9b", "\x9d", "\x1b", "\x1b(", ""]),
    st.text(alphabet="0123456789;:?[]cmJHl=PTWN", max_size=12),
    st.sampled_from(["m", "J", "H", "\x07", "\x1b\\", "\x9c", "", "h"]),
)
hostile = st.lists(st.one_of(text, control, sequence), max_size=12).map("".join)


@st.composite
def dressed_key(draw: st.DrawFn) -> str:
    """The key with any mix of case changes, invisible characters, escapes and fullwidth
    letters between (some of) its characters."""
    out = []
    for char in FAKE_KEY:
        if char.isalpha() and draw(st.booleans()):
            char = char.swapcase()
        if "!" <= char <= "~" and draw(st.integers(0, 9)) == 0:
            char = chr(ord(char) + 0xFEE0)
        out.append(char)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(st.sampled_from(INVISIBLE + ESCAPES)))
    return "".join(out)


# -- redaction --------------------------------------------------------------------------------


@given(before=text, key=dressed_key(), after=text)
def test_a_dressed_up_key_is_never_readable_after_redaction(
    before: str, key: str, after: str
) -> None:
    assert not shows_key(redact(before + key + after, FAKE_KEY), FAKE_KEY)


@given(before=text, key=dressed_key(), after=text, cuts=st.lists(st.integers(0, 400), max_size=8))
def test_a_key_split_over_a_stream_is_redacted_as_if_it_came_whole(
    before: str, key: str, after: str, cuts: list[int]
) -> None:
    remember(FAKE_KEY)
    whole = before + key + after
    points = sorted({min(c, len(whole)) for c in cuts})
    pieces = [whole[a:b] for a, b in zip([0, *points], [*points, len(whole)], strict=True)]
    redactor = StreamRedactor()
    shown = "".join(redactor.feed(piece) for piece in pieces) + redactor.flush()
    assert not shows_key(shown, FAKE_KEY)
    assert REDACTED in shown


@given(plain=st.text(max_size=200), cuts=st.lists(st.integers(0, 200), max_size=6))
def test_a_stream_without_the_key_comes_out_unchanged(plain: str, cuts: list[int]) -> None:
    remember(FAKE_KEY)
    redactor = StreamRedactor()
    points = sorted({min(c, len(plain)) for c in cuts})
    pieces = [plain[a:b] for a, b in zip([0, *points], [*points, len(plain)], strict=True)]
    assert "".join(redactor.feed(p) for p in pieces) + redactor.flush() == redact(plain)


def test_ordinary_text_is_held_back_by_a_character_or_two_at_most() -> None:
    remember(FAKE_KEY)
    redactor = StreamRedactor()
    assert redactor.feed("Hi") == "Hi"  # neither letter occurs in the key
    assert redactor.feed(" there, the answer is forty-two") == " there, the answer is forty-tw"
    assert redactor.flush() == "o"


@given(key=dressed_key(), other=text)
def test_every_error_message_is_redacted_at_the_api_error_door(key: str, other: str) -> None:
    remember(FAKE_KEY)
    error = ApiError("network", f"{other} bad line {key} {other}", hint=key)
    assert not shows_key(error.message, FAKE_KEY) and not shows_key(error.hint, FAKE_KEY)
    assert not shows_key(str(error), FAKE_KEY)


def test_each_dressing_of_the_canary_is_caught() -> None:
    for name, echoed in dressed(FAKE_KEY).items():
        assert shows_key(echoed, FAKE_KEY), name  # the judge sees it...
        assert not shows_key(redact(f"key: {echoed}!", FAKE_KEY), FAKE_KEY), name  # ...no more


# -- the terminal sanitiser -------------------------------------------------------------------

_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@given(hostile)
def test_sanitised_text_holds_no_control_escape_or_bidi_override(raw: str) -> None:
    shown = for_terminal(raw)
    assert _FORBIDDEN.search(shown) is None
    shown.encode("utf-8")  # never raises: valid UTF-8


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc", "Cs"]), max_size=80))
def test_text_without_controls_is_shown_as_it_is(plain: str) -> None:
    assume_no_bidi = "".join(c for c in plain if not ("\u202a" <= c <= "\u202e" or "\u2066" <= c <= "\u2069"))
    assert for_terminal(assume_no_bidi) == assume_no_bidi
    assert for_terminal("line one\n\tline two") == "line one\n\tline two"


def test_escape_sequences_become_visible_placeholders() -> None:
    assert for_terminal("\x1b]52;c;aGk=\x07") == "␛]52;c;aGk=␇"
    assert for_terminal("\x1b]0;title\x07\x1b[2J") == "␛]0;title␇␛[2J"
    assert for_terminal("\x9b2J") == "␛[2J"  # C1 CSI reads as the ESC [ it stands for
    assert for_terminal("a\r\nb\rc") == "a\nb␍c"
    assert for_terminal("abc\u202edef") == "abc⟨RLO⟩def"
    assert for_terminal("lone \ud800 surrogate") == "lone \ufffd surrogate"


@given(st.text(alphabet=st.characters(codec="utf-16", categories=["Cs", "Ll", "Lu"]), max_size=40))
def test_valid_utf8_replaces_lone_surrogates_and_keeps_the_rest(raw: str) -> None:
    fixed = valid_utf8(raw)
    fixed.encode("utf-8")
    assert len(fixed) == len(raw)
    assert all(a == b or unicodedata.category(a) == "Cs" for a, b in zip(raw, fixed, strict=True))


# -- bounded, total JSON ----------------------------------------------------------------------


@given(st.text(max_size=300) | st.binary(max_size=300))
def test_parse_json_is_total(raw: str | bytes) -> None:
    with contextlib.suppress(JSONRefused):
        parse_json(raw, max_chars=10_000)


@given(depth=st.integers(MAX_JSON_DEPTH + 1, 300_000), kind=st.sampled_from(["[", '{"a":']))
def test_deep_nesting_is_refused_not_a_recursion_error(depth: int, kind: str) -> None:
    close = "]" if kind == "[" else "}"
    for raw in (kind * depth, kind * depth + "1" + close * depth):
        try:
            parse_json(raw, max_chars=10_000_000)
        except JSONRefused as refused:
            assert "deeper" in str(refused) or "not JSON" in str(refused)
        else:
            raise AssertionError("deep JSON was accepted")


def test_nan_infinity_and_huge_numbers_are_refused() -> None:
    for raw in ("NaN", "[Infinity]", "-Infinity", "1" * 5000):
        try:
            parse_json(raw, max_chars=10_000)
        except JSONRefused:
            continue
        raise AssertionError(raw)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)


@given(st.one_of(json_values.map(json.dumps), st.binary(max_size=200).map(lambda b: b.decode("latin-1"))))
def test_error_bodies_always_give_a_short_message(body: str) -> None:
    message = body_message(body.encode("utf-8", "surrogatepass"))
    assert isinstance(message, str) and len(message) <= 300


def test_an_error_body_nested_a_hundred_thousand_deep_is_a_message() -> None:
    assert body_message(b"[" * 100_000) == "[" * 297 + "..."
    assert body_message(b'{"error": ' * 50_000) .startswith('{"error": ')


@given(st.text(max_size=40))
def test_retry_after_is_a_number_of_seconds_or_nothing(header: str) -> None:
    seconds = retry_after_seconds(header, now=0.0)
    assert seconds is None or seconds >= 0


def test_unicode_digits_are_no_retry_after() -> None:
    assert retry_after_seconds("²", now=0.0) is None
    assert retry_after_seconds("٣", now=0.0) is None
    assert retry_after_seconds(" 7 ", now=0.0) == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == 0.0

"""Ticket rules as plain functions: no server."""

import re
from decimal import Decimal

import pytest

from ticketing.shared.errors import InvalidInput
from ticketing.tickets.domain import (
    PRICE_PATTERN,
    TITLE_MAX,
    TITLE_PATTERN,
    checked_price,
    checked_title,
)


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Concert", "Concert"),
        ("  Two  spaced\u2003words  ", "Two spaced words"),
        ("Björk: Live ✨", "Björk: Live ✨"),
        (
            "👨\u200d👩\u200d👧 family ticket",
            "👨\u200d👩\u200d👧 family ticket",
        ),  # joiners in emoji
        ("x" * TITLE_MAX, "x" * TITLE_MAX),
    ],
)
def test_a_title_is_kept_with_its_spaces_collapsed(given: str, kept: str) -> None:
    assert checked_title(given) == kept
    assert re.fullmatch(TITLE_PATTERN[1:-1], given)  # what the OpenAPI document says


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("", "visible"),
        ("   ", "visible"),
        ("\u200b\u200b\u2060", "visible"),  # zero-width spaces and a word joiner only
        ("\u3000\ufeff", "visible"),
        ("x" * (TITLE_MAX + 1), "at most"),
        ("Gig\x00", "control characters"),
        ("\x1b[31mRED\x1b[0m", "control characters"),  # a terminal escape sequence
        ("Two\nlines", "control characters"),
        ("Gig\x7f", "control characters"),
        ("Gig \u202eFDP", "text-direction"),
    ],
)
def test_a_title_without_visible_text_or_with_control_characters_is_refused(
    given: str, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why) as refused:
        checked_title(given)
    assert refused.value.extra == {"field": "title"}
    assert len(given) > TITLE_MAX or not re.fullmatch(TITLE_PATTERN[1:-1], given)


@pytest.mark.parametrize(
    ("given", "kept"),
    [("12.5", "12.50"), ("0.01", "0.01"), ("1000000.00", "1000000.00"), ("999999.99", "999999.99")],
)
def test_a_price_is_a_positive_decimal_string_with_two_decimals(given: str, kept: str) -> None:
    assert checked_price(given) == Decimal(kept)


@pytest.mark.parametrize(
    "given",
    ["0", "0.00", "-5", "1.999", "1000000.01", "1000001", "NaN", "1e3", "012", " 12", "12\n", ""],
)
def test_a_price_out_of_range_or_not_a_plain_decimal_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput, match="price must") as refused:
        checked_price(given)
    assert refused.value.extra == {"field": "price"}
    assert not re.fullmatch(PRICE_PATTERN[1:-1], given)

"""Ticket rules as plain functions: no server."""

import pytest

from ticketing.shared.errors import InvalidInput
from ticketing.tickets.domain import TITLE_MAX, checked_title


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Concert", "Concert"),
        ("  Two\tspaced\nlines  ", "Two spaced lines"),
        ("Björk: Live ✨", "Björk: Live ✨"),
        (
            "👨\u200d👩\u200d👧 family ticket",
            "👨\u200d👩\u200d👧 family ticket",
        ),  # joiners in emoji
        ("x" * TITLE_MAX, "x" * TITLE_MAX),
    ],
)
def test_a_title_is_kept_with_its_whitespace_collapsed(given: str, kept: str) -> None:
    assert checked_title(given) == kept


@pytest.mark.parametrize(
    ("given", "why"),
    [
        ("   ", "must not be empty"),
        ("x" * (TITLE_MAX + 1), "at most"),
        ("Gig\x00", "control characters"),
        ("\x1b[31mRED\x1b[0m", "control characters"),  # a terminal escape sequence
        ("Gig\x7f", "control characters"),
        ("Gig\ud800", "control characters"),  # a lone surrogate
        ("Gig \u202eFDP", "text-direction"),
        ("\u200b\u200b\u2060", "visible"),  # zero-width spaces and a word joiner only
        ("\u0301\u0301", "visible"),  # combining accents on nothing
    ],
)
def test_a_title_without_visible_text_or_with_control_characters_is_refused(
    given: str, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why) as refused:
        checked_title(given)
    assert refused.value.extra == {"field": "title"}

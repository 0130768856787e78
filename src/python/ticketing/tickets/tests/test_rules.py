"""The ticket rules as plain functions: no server starts here."""

from datetime import datetime
from decimal import Decimal

import pytest
from bson import Decimal128

from ticketing.shared.errors import InvalidInput
from ticketing.tickets import domain
from ticketing.tickets.domain import TITLE_MAX, checked_title
from ticketing.tickets.models import Ticket

Sort = domain.Sort


def ticket(**fields: object) -> Ticket:
    base = {"id": "t-1", "title": "Gig", "price": Decimal("12.50"), "user_id": "u-1"}
    return Ticket.model_construct(**{**base, "created_at": datetime(2026, 1, 2, 3, 4, 5), **fields})


@pytest.mark.parametrize("sort", list(Sort))
def test_a_cursor_round_trips_to_the_key_and_id_of_its_ticket(sort: Sort) -> None:
    key, ticket_id = domain.decode_cursor(sort, domain.encode_cursor(sort, ticket()))
    assert ticket_id == "t-1"
    field, _ = domain.SORT_KEYS[sort]
    assert key == (datetime(2026, 1, 2, 3, 4, 5) if field == "created_at" else Decimal128("12.50"))


@pytest.mark.parametrize("cursor", ["", "%%%", "WzEsMiwzXQ==", "WyJuZXdlc3QiLCJ4IiwiYSJd"])
def test_a_cursor_this_api_did_not_give_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        domain.decode_cursor(Sort.NEWEST, cursor)
    assert raised.value.extra["field"] == "cursor"


def test_the_page_after_a_key_breaks_ties_by_id_in_the_same_direction() -> None:
    five = Decimal128("5")
    assert domain.page_filter(Sort.PRICE_DESC, (five, "t-9")) == {
        "$or": [{"price": {"$lt": five}}, {"price": five, "_id": {"$lt": "t-9"}}]
    }
    assert domain.page_filter(Sort.OLDEST, None) == {}


def test_search_filters_escape_the_title_and_bound_the_price() -> None:
    query = domain.search_filter("(gala", Decimal("1"), None)
    assert query == {
        "title": {"$regex": r"\(gala", "$options": "i"},
        "price": {"$gte": Decimal128("1")},
    }
    with pytest.raises(InvalidInput, match="must not exceed"):
        domain.search_filter(None, Decimal("2"), Decimal("1"))
    with pytest.raises(InvalidInput, match="0 or more"):
        domain.search_filter(None, None, Decimal("-1"))


@pytest.mark.parametrize("price", ["0", "-1", "1.001", "NaN", "1000000.01"])
def test_bad_prices_are_refused(price: str) -> None:
    with pytest.raises(InvalidInput):
        domain.checked_price(Decimal(price))


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

"""The ticket rules as plain functions: no server starts here."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from bson import Decimal128

from ticketing.shared.errors import InvalidInput
from ticketing.shared.events import TicketStatus
from ticketing.shared.ids import time_ordered_alias
from ticketing.tickets import listing
from ticketing.tickets.models import sale_ends_at
from ticketing.tickets.rules import (
    PRICE_PATTERN,
    TITLE_MAX,
    TITLE_PATTERN,
    checked_price,
    checked_title,
)

Sort = listing.Sort


KEY = "019b7ca9-8c88-7f10-8a4b-0c1d2e3f4a5b"  # a UUIDv7 of 2026-01-02 03:04:05 UTC
OLDER = "0a1b2c3d-4e5f-4a1b-9c2d-3e4f5a6b7c8d"  # a uuid4: listed before ids were time-ordered


def ticket(ticket_id: str = KEY) -> dict[str, Any]:
    """A ticket as the list reads it (listing.Page's results)."""
    created, starts = datetime(2026, 1, 2, 3, 4, 5), datetime(2026, 2, 3, 19, 30)
    return {
        "id": ticket_id,
        "title": "Gig",
        "price": Decimal("12.50"),
        "created_at": created,
        "event_starts_at": starts,
        "listing_key": time_ordered_alias(ticket_id, created),
    }


@pytest.mark.parametrize("ticket_id", [KEY, OLDER])
@pytest.mark.parametrize("sort", list(Sort))
def test_a_cursor_round_trips_to_its_tickets_place(sort: Sort, ticket_id: str) -> None:
    stored = ticket(ticket_id)
    cursor = listing.encode_cursor(sort, stored)
    assert re.fullmatch(listing.CURSOR_PATTERN, cursor)  # what the OpenAPI document says
    field, _ = listing.SORT_KEYS[sort]
    expected = {
        "listing_key": (stored["listing_key"], None),  # one value: the key alone is the place
        "event_starts_at": (datetime(2026, 2, 3, 19, 30, tzinfo=UTC), ticket_id),
        "price": (Decimal128("12.50"), ticket_id),
    }
    assert listing.decode_cursor(sort, cursor) == expected[field]


def test_a_newest_cursor_is_the_one_handed_out_before_listing_keys() -> None:
    created_ms = 1767323045000  # 2026-01-02 03:04:05 UTC, as "<created_at>.<id>" said
    cursor = f"{created_ms}.{OLDER}"
    assert listing.encode_cursor(Sort.NEWEST, ticket(OLDER)) == cursor
    assert listing.decode_cursor(Sort.NEWEST, cursor) == (ticket(OLDER)["listing_key"], None)


def test_any_cursor_of_the_documented_shape_is_a_place_in_any_order() -> None:
    start = listing.decode_cursor(Sort.OLDEST, "1767323045000.-ed0d2bd-c")  # not an id
    assert start == (time_ordered_alias(str(UUID(int=0)), datetime(2026, 1, 2, 3, 4, 5)), None)


@pytest.mark.parametrize(
    "cursor", ["", "12", "12.", ".t-1", "x.t-1", "1.T-1", "1" * 15 + ".a", KEY]
)
def test_a_cursor_not_of_the_documented_shape_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        listing.decode_cursor(Sort.NEWEST, cursor)
    assert raised.value.extra["field"] == "cursor"


def test_the_page_after_a_key_breaks_ties_by_id_unless_the_key_is_unique() -> None:
    five = Decimal128("5")
    assert listing.page_filter(Sort.PRICE_DESC, (five, "t-9")) == {
        "$or": [{"price": {"$lt": five}}, {"price": five, "_id": {"$lt": "t-9"}}]
    }
    assert listing.page_filter(Sort.OLDEST, None) == {}
    assert listing.page_filter(Sort.NEWEST, (KEY, None)) == {"listing_key": {"$lt": KEY}}


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_search_filters_escape_the_title_and_bound_the_price() -> None:
    every = listing.Search(title="(gala", min_price=Decimal("1"), for_sale=False)
    assert listing.search_filter(every, NOW) == {
        "title": {"$regex": r"\(gala", "$options": "i"},
        "price": {"$gte": Decimal128("1")},
    }
    with pytest.raises(InvalidInput, match="0 or more"):
        listing.search_filter(listing.Search(max_price=Decimal("-1")), NOW)


def test_for_sale_is_one_condition_and_within_the_dates_asked() -> None:
    after, before = NOW + timedelta(days=2), NOW + timedelta(days=4)
    weekend = listing.Search(starts_after=after, starts_before=before)
    assert listing.search_filter(weekend, NOW) == {
        "event_starts_at": {"$gte": after, "$lte": before},
        "for_sale_until": {"$gt": NOW},
    }
    assert listing.search_filter(listing.Search(), NOW) == {"for_sale_until": {"$gt": NOW}}


def test_a_ticket_is_for_sale_until_its_event_while_approved_and_unreserved() -> None:
    starts, approved = NOW + timedelta(days=9), TicketStatus.APPROVED
    assert sale_ends_at(approved, None, starts) == starts
    assert sale_ends_at(approved, "o1", starts) is None  # reserved by an open order
    assert sale_ends_at(TicketStatus.WAITING_MODERATION, None, starts) is None
    assert sale_ends_at(TicketStatus.REJECTED, None, starts) is None
    assert sale_ends_at(approved, None, None) is None  # undated: listed before dates were kept


def test_the_soonest_cursor_is_the_event_date_in_milliseconds() -> None:
    stored = {**ticket(), "event_starts_at": datetime(2027, 6, 5, 19, 30)}  # naive, as stored
    cursor = listing.encode_cursor(Sort.SOONEST, stored)
    assert cursor == f"1812223800000.{KEY}"
    assert listing.decode_cursor(Sort.SOONEST, cursor) == (
        datetime(2027, 6, 5, 19, 30, tzinfo=UTC),
        KEY,
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
    [
        ("12.5", "12.50"),
        ("0.5", "0.50"),
        ("1000000.00", "1000000.00"),
        ("999999.99", "999999.99"),
        ("1E+2", "100.00"),  # a JSON number 1e2
    ],
)
def test_a_price_is_a_positive_amount_with_at_most_two_decimals(given: str, kept: str) -> None:
    assert checked_price(Decimal(given)) == Decimal(kept)
    assert str(checked_price(Decimal(given))) == kept


@pytest.mark.parametrize(
    "given", ["0", "0.49", "0.01", "-5", "1.999", "1000000.01", "1000001", "NaN", "Infinity"]
)
def test_a_price_out_of_range_or_with_more_decimals_is_refused(given: str) -> None:
    with pytest.raises(InvalidInput, match="price must") as refused:
        checked_price(Decimal(given))
    assert refused.value.extra == {"field": "price"}
    assert not re.fullmatch(PRICE_PATTERN[1:-1], given)  # the pattern says the same

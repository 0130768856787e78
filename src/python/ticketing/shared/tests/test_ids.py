"""Time-ordered ids: their text sorts by the time they were made for."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from ticketing.shared.ids import is_time_ordered, time_ordered, time_ordered_alias

AT = datetime(2026, 12, 8, 1, 2, 3, 456000, tzinfo=UTC)


def test_an_id_is_a_uuid7_that_carries_its_millisecond() -> None:
    made = time_ordered(AT)
    parsed = UUID(made)
    assert (parsed.version, parsed.variant) == (7, "specified in RFC 4122")
    assert parsed.int >> 80 == 1796691723456  # AT in milliseconds since the epoch
    assert is_time_ordered(made)
    assert not is_time_ordered(str(uuid4()))
    assert time_ordered(AT.replace(tzinfo=None))[:13] == made[:13]  # naive is UTC


def test_ids_sort_as_their_times_even_within_one_millisecond() -> None:
    times = [AT - timedelta(days=400), AT - timedelta(milliseconds=1), AT, AT, AT]
    made = [time_ordered(at) for at in times]
    assert sorted(made) == made
    assert len(set(made)) == len(made)
    assert time_ordered(AT - timedelta(milliseconds=1)) < made[-1]  # made after, yet earlier


def test_the_alias_of_an_older_id_is_the_same_uuid7_every_time() -> None:
    older = str(uuid4())
    alias = time_ordered_alias(older, AT)
    assert alias == time_ordered_alias(older, AT)
    assert is_time_ordered(alias)
    assert alias[:13] == time_ordered(AT)[:13]  # the time's place
    assert alias != time_ordered_alias(str(uuid4()), AT)  # the rest from the id
    assert time_ordered_alias(older, AT + timedelta(milliseconds=1)) > alias


def test_a_time_ordered_id_is_its_own_alias() -> None:
    made = time_ordered(AT)
    assert time_ordered_alias(made, AT + timedelta(days=1)) == made

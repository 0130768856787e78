"""Time-ordered ids: UUIDv7 (RFC 9562), whose text sorts by the time in its first 48 bits, as
MongoDB's ObjectIds do. A record keyed by one is in creation order in its primary key."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import uuid_utils

_MS = 1_000_000  # nanoseconds


def _milliseconds(at: datetime) -> int:
    """``at`` in whole milliseconds since the epoch; a naive time is UTC (as the driver reads
    times back unless told otherwise)."""
    return round((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


_last = 0  # the last id made here, as an integer


def time_ordered(at: datetime) -> str:
    """A new UUIDv7 for something made at ``at`` (the injected clock's time, so that tests
    that move the clock move the order too). Ids made here in one millisecond keep their
    order: the next is the last plus one (RFC 9562, 6.2, method 2)."""
    global _last
    made = uuid_utils.uuid7(nanoseconds=_milliseconds(at) * _MS).int
    if made >> 80 == _last >> 80:
        made = max(made, _last + 1)
    _last = made
    return str(UUID(int=made))


def is_time_ordered(value: str) -> bool:
    """True for a UUIDv7 in its canonical text."""
    return len(value) == 36 and value[14] == "7" and value[19] in "89ab"


def time_ordered_alias(value: str, at: datetime) -> str:
    """``value`` if it is time-ordered; otherwise the UUIDv7 of ``at`` whose other bits are
    ``value``'s (a UUID's text, e.g. a uuid4): the same every time, so an alias of an id
    made before ids were time-ordered can be computed anywhere, any number of times."""
    if is_time_ordered(value):
        return value
    rest = UUID(value).int & ((1 << 80) - 1)  # all but the leading 48 bits
    rest = (rest & ~(0xF << 76)) | (0x7 << 76)  # version 7
    rest = (rest & ~(0x3 << 62)) | (0x2 << 62)  # RFC 9562 variant
    return str(UUID(int=(_milliseconds(at) << 80) | rest))

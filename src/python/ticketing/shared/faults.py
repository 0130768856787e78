"""Telling a dependency that is down from a request or message that can never succeed.

A transient fault (Redis, MongoDB, RabbitMQ or an HTTP dependency unreachable, a timeout, a
transaction the database says to retry) is a reason to wait and try again; anything else is
a bug or bad input, which waiting does not fix.
"""

from __future__ import annotations

import aiormq.exceptions
import httpx
import redis.exceptions
from pymongo.errors import ConnectionFailure, PyMongoError

_TRANSIENT: tuple[type[BaseException], ...] = (
    ConnectionError,  # includes refused and reset connections
    TimeoutError,
    ConnectionFailure,  # pymongo: AutoReconnect, NetworkTimeout, ServerSelectionTimeoutError
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    aiormq.exceptions.AMQPConnectionError,
    aiormq.exceptions.ChannelInvalidStateError,
    httpx.TransportError,
)
_TRANSIENT_LABELS = ("TransientTransactionError", "RetryableWriteError")


def is_transient(exc: BaseException) -> bool:
    """True if ``exc``, or an exception it was raised from, says a dependency is unavailable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, _TRANSIENT):
            return True
        if isinstance(current, PyMongoError) and any(
            current.has_error_label(label) for label in _TRANSIENT_LABELS
        ):
            return True
        current = current.__cause__ or current.__context__
    return False

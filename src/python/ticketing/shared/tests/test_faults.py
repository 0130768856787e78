"""Which failures mean "a dependency is down, wait" and which "this can never succeed"."""

import aiormq.exceptions
import httpx
import pytest
import redis.exceptions
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure

from ticketing.shared.events import MalformedEvent
from ticketing.shared.faults import is_transient
from ticketing.shared.messaging import RetryLater


def raised_from(cause: BaseException) -> RuntimeError:
    try:
        raise RuntimeError("the handler failed") from cause
    except RuntimeError as exc:
        return exc


@pytest.mark.parametrize(
    "exc",
    [
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379."),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        AutoReconnect("connection closed"),
        OperationFailure("conflict", details={"errorLabels": ["TransientTransactionError"]}),
        aiormq.exceptions.AMQPConnectionError("connection lost"),
        httpx.ConnectError("All connection attempts failed"),
        ConnectionRefusedError(111, "Connection refused"),
        TimeoutError(),
        raised_from(ConnectionResetError()),
    ],
)
def test_an_unavailable_dependency_is_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("a bug"),
        MalformedEvent("ticket.created: Object missing required field `title`"),
        RetryLater("predecessor missing"),
        DuplicateKeyError("E11000 duplicate key"),
        OperationFailure("not authorized"),
        raised_from(KeyError("order_id")),
    ],
)
def test_anything_else_is_not(exc: BaseException) -> None:
    assert not is_transient(exc)

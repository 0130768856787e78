"""Expiry rules as plain functions: how long to wait before announcing again."""

from __future__ import annotations


def retry_delay(attempt: int) -> int:
    """Seconds before the ``attempt``-th try of a job whose event could not go out: doubling,
    at most 30, so a broker outage is outlasted without hammering it."""
    return min(2**attempt, 30)

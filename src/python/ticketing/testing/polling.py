"""Waiting, in a test that calls the platform synchronously, for what events carry a moment
later (the async tests have ``fixtures.eventually``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def poll_until(probe: Callable[[], T | None], within: float = 30.0) -> T:
    """Call ``probe`` until it returns something truthy, and return that."""
    deadline = time.monotonic() + within
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within}s; last: {result!r}")
        time.sleep(0.1)

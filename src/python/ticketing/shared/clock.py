"""The one clock: holds, event dates, payout releases and token lifetimes read it, so that
tests can move it (``ticketing.testing.fakes.MovableClock``) instead of sleeping through them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

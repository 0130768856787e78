"""The use cases' clock: reservation windows, event dates and the times documents record
read it, so that tests can move it (``ticketing.testing.fakes.MovableClock``) instead of
sleeping through them. (Session and code lifetimes, in identity and auth, read the system's.)"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        """To the millisecond, as MongoDB keeps times: a time reads back as it was written."""
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)

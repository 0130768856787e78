"""What a use case may use: the store, the permission model, the clock and the metrics.

A running service passes its ``Platform``; the unit tier passes
``ticketing.testing.fakes.FakeContext`` (in-memory store and permissions, a movable clock).
A use case that needs a third party takes that port as an argument of its own (payments'
``Charges``, moderation's ``classify``).
"""

from __future__ import annotations

from typing import Protocol

from ticketing.shared.clock import Clock
from ticketing.shared.metrics import Metrics
from ticketing.shared.permissions import PermissionPort
from ticketing.shared.store import Store


class Context(Protocol):
    @property
    def store(self) -> Store: ...

    @property
    def permissions(self) -> PermissionPort: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def metrics(self) -> Metrics: ...

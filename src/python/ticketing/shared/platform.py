"""What a running service is plugged into: its database and the store over it, the event bus,
the outbox, identity and permissions, the clock, its traces and metrics, all built from
settings and the environment. A service builds one ``Platform`` in its ``app.py``; it is the
``Context`` its use cases run in.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import structlog
from beanie import Document

from ticketing.shared.clock import Clock, SystemClock
from ticketing.shared.identity import EmbeddedIdentity, IdentityPort
from ticketing.shared.messaging import Bus
from ticketing.shared.ory import KetoPermissions, KratosIdentity
from ticketing.shared.outbox import Outbox
from ticketing.shared.permissions import EmbeddedPermissions, PermissionPort
from ticketing.shared.persistence import Database
from ticketing.shared.settings import ServiceSettings
from ticketing.shared.store import MongoStore
from ticketing.shared.telemetry import Telemetry

log = structlog.get_logger(__name__)

Check = Callable[[], Awaitable[object]]


class Platform:
    def __init__(
        self,
        service: str,
        settings: ServiceSettings,
        models: Sequence[type[Document]],
        *,
        identity: IdentityPort | None = None,
        permissions: PermissionPort | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.service = service
        self.settings = settings
        self.telemetry = Telemetry(service)  # OTEL_* from the environment
        self.metrics = self.telemetry.metrics
        self.db = Database(
            settings.mongodb_url,
            settings.database_name(service),
            models,
            self.telemetry.mongo_listeners(),
        )
        self.bus = Bus(
            settings.rabbitmq_url,
            settings.event_exchange,
            service,
            retry_delay_ms=settings.event_retry_delay_ms,
            max_retry_delay_ms=settings.event_retry_max_delay_ms,
            telemetry=self.telemetry,
        )
        self.identity = identity or build_identity(settings, self.db)
        self.permissions = permissions or build_permissions(settings, self.db)
        self.outbox = Outbox(self.db.client[self.db.name]["outbox"], self.bus, self.permissions)
        self.store = MongoStore(self.db, self.outbox)
        self.clock = clock or SystemClock()
        self.checks: dict[str, Check] = {"mongodb": self.db.ping, "rabbitmq": self.bus.ping}
        self.metrics.probe(self._observe_outbox)
        self._on_start: list[Check] = []
        self._on_stop: list[Check] = []

    def on_start(self, hook: Check) -> None:
        self._on_start.append(hook)

    def on_stop(self, hook: Check) -> None:
        self._on_stop.append(hook)

    def repeat(self, every: float, work: Check) -> None:
        """Run ``work`` every ``every`` seconds while the service runs; a failure is logged
        and the next round tries again."""
        task: asyncio.Task[None] | None = None

        async def loop() -> None:
            while True:
                await asyncio.sleep(every)
                try:
                    await work()
                except Exception as exc:
                    log.warning("periodic work failed; trying again", error=repr(exc))

        async def start() -> None:
            nonlocal task
            task = asyncio.create_task(loop(), name=f"{self.service}-repeat")

        async def stop() -> None:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

        self.on_start(start)
        self.on_stop(stop)

    async def open_stores(self) -> None:
        """Connect the database and the identity and permission engines (no bus, no relay):
        enough for a command-line tool."""
        await self.db.connect()
        for engine in (self.identity, self.permissions):
            init = getattr(engine, "init", None)
            if init is not None:
                await init()

    async def start(self) -> None:
        await self.open_stores()
        await self.outbox.init()
        await self.bus.start()
        self.outbox.start()
        for hook in self._on_start:
            await hook()

    async def stop(self) -> None:
        for hook in reversed(self._on_stop):
            await hook()
        await self.outbox.stop()
        await self.bus.stop()
        await self.db.close()
        await self.telemetry.close()

    async def _observe_outbox(self) -> None:
        waiting, age = await self.outbox.backlog()
        metrics = self.metrics
        metrics.gauge("ticketing_outbox_backlog", "Outbox rows not delivered yet").set(waiting)
        oldest = metrics.gauge("ticketing_outbox_oldest_age_seconds", "Age of the oldest row")
        oldest.set(age)

    async def readiness(self) -> dict[str, str]:
        """Failing dependencies by name, with why; empty when everything answers."""

        async def probe(check: Check) -> str | None:
            try:
                await asyncio.wait_for(check(), timeout=3.0)
            except Exception as exc:
                return f"{type(exc).__name__}: {exc}"[:200]
            return None

        names = list(self.checks)
        results = await asyncio.gather(*(probe(self.checks[name]) for name in names))
        return {name: error for name, error in zip(names, results, strict=True) if error}


def build_identity(settings: ServiceSettings, db: Database) -> IdentityPort:
    if settings.kratos_public_url and settings.kratos_admin_url:
        return KratosIdentity(
            settings.kratos_public_url, settings.kratos_admin_url, settings.ory_kratos_api_key
        )
    return EmbeddedIdentity(
        db.client, settings.embedded_auth_database, timedelta(seconds=settings.session_ttl_seconds)
    )


def build_permissions(settings: ServiceSettings, db: Database) -> PermissionPort:
    if settings.keto_read_url and settings.keto_write_url:
        return KetoPermissions(
            settings.keto_read_url, settings.keto_write_url, settings.ory_keto_api_key
        )
    return EmbeddedPermissions(db.client, settings.embedded_auth_database)

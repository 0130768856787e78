"""What the expiration service does: one job per order, due when its reservation ends; the job
announces it."""

from __future__ import annotations

import structlog

from ticketing.shared import events
from ticketing.shared.jobs import JobQueue
from ticketing.shared.messaging import Publisher

EXPIRE_JOB = "expire_order"
log = structlog.get_logger(__name__)


async def schedule(jobs: JobQueue, order: events.OrderCreated) -> None:
    """Due at ``expires_at``; the job id makes a redelivered event schedule nothing more while
    the job is queued, running or recent (later, it runs again at once: orders ignores it)."""
    queued = await jobs.enqueue(
        EXPIRE_JOB,
        order.id,
        order.version,
        job_id=f"expire-{order.id}",
        defer_until=order.expires_at,
    )
    if not queued:
        log.info("expiry already scheduled", order_id=order.id)


async def expire(bus: Publisher, order_id: str, version: int) -> None:
    """Announce the end of the window. Expiration keeps no documents, so its job in Redis is
    its outbox: the job is retried (``rules.retry_delay`` apart, up to ``jobs.MAX_TRIES``, hours
    of outage) until the broker confirms the event; its message id makes a repeat
    recognisable to orders."""
    complete = events.ExpirationComplete(id=order_id, version=version)
    await bus.publish(complete, message_id=f"expire-{order_id}")

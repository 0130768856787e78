"""Expiry rules: one job per order, due when its reservation ends; the job announces it."""

from __future__ import annotations

import structlog

from ticketing.shared import events
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform

EXPIRE_JOB = "expire_order"
log = structlog.get_logger(__name__)


async def schedule(jobs: Jobs, order: events.OrderCreated) -> None:
    """Due at ``expires_at``; the job id makes a redelivered event schedule nothing more."""
    queued = await jobs.enqueue(
        EXPIRE_JOB,
        order.id,
        order.version,
        job_id=f"expire-{order.id}",
        defer_until=order.expires_at,
    )
    if not queued:
        log.info("expiry already scheduled", order_id=order.id)


async def expire(platform: Platform, order_id: str, version: int) -> None:
    """Announce the end of the window. Expiration keeps no database, so its job in Redis is
    its outbox: the job runs until the broker confirms the event (``retry_delay`` apart), so
    the event is never dropped; its message id makes a repeat recognisable to orders."""
    complete = events.ExpirationComplete(id=order_id, version=version)
    await platform.bus.publish(complete, message_id=f"expire-{order_id}")


def retry_delay(attempt: int) -> int:
    """Seconds before the ``attempt``-th try of a job whose event could not go out: doubling,
    at most 30, so a broker outage is outlasted without hammering it."""
    return min(2**attempt, 30)

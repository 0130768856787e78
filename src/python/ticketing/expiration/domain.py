"""Expiry rules: one job per order, due when its reservation ends; the job announces it."""

from __future__ import annotations

import structlog
from arq import Retry

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


async def expire(platform: Platform, order_id: str, version: int, attempt: int) -> None:
    """Announce the end of the window. If the broker cannot take it, the job is retried
    later (it stays in Redis), so the event is never dropped; orders ignores a repeat."""
    complete = events.ExpirationComplete(id=order_id, version=version)
    try:
        await platform.bus.publish_raw(
            complete.SUBJECT, events.encode(complete), f"expire-{order_id}"
        )
    except Exception as exc:
        log.warning("cannot announce expiry yet; retrying", order_id=order_id, error=repr(exc))
        raise Retry(defer=min(2**attempt, 30)) from exc

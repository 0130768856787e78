"""What expiration does when orders are placed, and the job that ends their window."""

from __future__ import annotations

from typing import Any

import structlog
from arq import Retry
from arq.worker import func

from ticketing.expiration import domain
from ticketing.expiration.settings import ExpirationSettings
from ticketing.shared import events
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform

log = structlog.get_logger(__name__)


def subscribe(platform: Platform[ExpirationSettings]) -> Jobs:
    async def expire(ctx: dict[str, Any], order_id: str, version: int) -> None:
        try:
            await domain.expire(platform, order_id, version)
        except Exception as exc:  # the job stays in Redis and runs again later
            log.warning("cannot announce expiry yet; retrying", order_id=order_id, error=repr(exc))
            raise Retry(defer=domain.retry_delay(ctx["job_try"])) from exc

    settings = platform.settings
    jobs = Jobs(
        settings.redis_url,
        settings.expiration_queue,
        [func(expire, name=domain.EXPIRE_JOB, max_tries=1000)],  # outlast a broker outage
        context={},
    ).attach(platform)

    async def on_order_created(event: events.OrderCreated) -> None:
        await domain.schedule(jobs, event)

    platform.bus.subscribe(events.OrderCreated, on_order_created)
    return jobs

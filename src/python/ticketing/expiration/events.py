"""What expiration does when orders are placed, and the job that ends their window."""

from __future__ import annotations

from typing import Any

from arq.worker import func

from ticketing.expiration import domain
from ticketing.expiration.settings import ExpirationSettings
from ticketing.shared import events
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform


def subscribe(platform: Platform[ExpirationSettings]) -> Jobs:
    async def expire(ctx: dict[str, Any], order_id: str, version: int) -> None:
        await domain.expire(platform, order_id, version, attempt=ctx["job_try"])

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

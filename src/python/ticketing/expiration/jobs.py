"""The expiry job: what runs when an order's reservation window ends."""

from __future__ import annotations

from typing import Any

import structlog
from arq import Retry
from arq.worker import Function, func

from ticketing.expiration import rules, use_cases
from ticketing.shared.messaging import Bus

log = structlog.get_logger(__name__)
# With retry_delay's cap of 30 s, about eight hours of broker outage.
MAX_TRIES = 1000


def functions(bus: Bus) -> list[Function]:
    async def expire(ctx: dict[str, Any], order_id: str, version: int) -> None:
        try:
            await use_cases.expire(bus, order_id, version)
        except Exception as exc:  # the job stays in Redis and runs again later
            log.warning("cannot announce expiry yet; retrying", order_id=order_id, error=repr(exc))
            raise Retry(defer=rules.retry_delay(ctx["job_try"])) from exc

    return [func(expire, name=use_cases.EXPIRE_JOB, max_tries=MAX_TRIES)]

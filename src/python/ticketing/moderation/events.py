"""What moderation does when tickets are listed or retitled, and the screening job that follows."""

from __future__ import annotations

from typing import Any

import httpx
from arq import Retry
from arq.worker import func

from ticketing.moderation import classifier, domain
from ticketing.moderation.settings import ModerationSettings
from ticketing.shared import events
from ticketing.shared.faults import is_transient
from ticketing.shared.jobs import Jobs
from ticketing.shared.platform import Platform


def subscribe(platform: Platform[ModerationSettings]) -> Jobs:
    http = platform.telemetry.instrument(httpx.AsyncClient())

    async def classify(title: str) -> classifier.Verdict:
        return await classifier.screen(title, platform.settings, http)

    async def screen(ctx: dict[str, Any], case_id: str) -> None:
        try:
            await domain.screen_case(platform, classify, case_id)
        except Exception as exc:
            # The classifier or the database is unavailable: the case stays pending and the job
            # runs again later (arq would drop a job that fails otherwise). A bug still fails.
            if not isinstance(exc, classifier.ClassifierUnavailable) and not is_transient(exc):
                raise
            raise Retry(defer=domain.retry_delay(ctx["job_try"])) from exc

    settings = platform.settings
    jobs = Jobs(
        settings.redis_url,
        settings.moderation_queue,
        [func(screen, name=domain.SCREEN_JOB, max_tries=100)],  # a classifier outage can last
        context={},
    ).attach(platform)
    platform.on_stop(http.aclose)

    async def on_created(event: events.TicketCreated) -> None:
        await domain.open_case(jobs, event.id, event.version, event.title)

    async def on_updated(event: events.TicketUpdated) -> None:
        if event.title_changed:
            await domain.open_case(jobs, event.id, event.version, event.title)

    platform.bus.subscribe(events.TicketCreated, on_created)
    platform.bus.subscribe(events.TicketUpdated, on_updated)
    return jobs

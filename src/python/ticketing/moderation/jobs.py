"""The screening job: what runs when a case comes up in the moderation queue."""

from __future__ import annotations

from typing import Any

from arq import Retry
from arq.worker import Function, func

from ticketing.moderation import rules, use_cases
from ticketing.moderation.classifier import ClassifierUnavailable
from ticketing.shared.faults import is_transient
from ticketing.shared.platform import Platform


def functions(platform: Platform, classify: use_cases.Classify) -> list[Function]:
    async def screen(ctx: dict[str, Any], case_id: str) -> None:
        try:
            await use_cases.screen(platform, classify, case_id)
        except Exception as exc:
            # The classifier or the database is unavailable: the case stays pending and the job
            # runs again later (arq would drop a job that fails otherwise). A bug still fails.
            if not isinstance(exc, ClassifierUnavailable) and not is_transient(exc):
                raise
            raise Retry(defer=rules.retry_delay(ctx["job_try"])) from exc

    # A classifier outage can last: many tries, each later than the one before.
    return [func(screen, name=use_cases.SCREEN_JOB, max_tries=100)]

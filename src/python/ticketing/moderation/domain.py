"""Moderation rules: one case per screened title, screened in a job, decided once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from beanie import SortDirection

from ticketing.moderation import classifier
from ticketing.moderation.models import Case, CaseStatus
from ticketing.shared import events
from ticketing.shared.errors import Conflict
from ticketing.shared.jobs import Jobs
from ticketing.shared.persistence import DuplicateKeyError, StaleVersion, found
from ticketing.shared.platform import Platform

SCREEN_JOB = "screen_case"
OPEN = (CaseStatus.PENDING, CaseStatus.REVIEW)


async def open_case(jobs: Jobs, ticket_id: str, version: int, title: str) -> None:
    """Open a case for a title and queue its screening; a redelivery opens nothing new."""
    newer = await Case.find_one(Case.ticket_id == ticket_id, Case.ticket_version > version)
    if newer is not None:
        return  # this title was replaced before we saw it: only the newest is screened
    case = Case(ticket_id=ticket_id, ticket_version=version, title=title)
    try:
        await case.insert()
    except DuplicateKeyError:
        found = await Case.find_one(Case.ticket_id == ticket_id, Case.ticket_version == version)
        if found is None or found.status != CaseStatus.PENDING:
            return
        case = found  # queue it again in case the first delivery died before queueing
    await jobs.enqueue(SCREEN_JOB, case.id, job_id=f"screen-{case.id}")


Classify = Callable[[str], Awaitable[classifier.Verdict]]


async def screen_case(platform: Platform[Any], classify: Classify, case_id: str) -> None:
    """Screen a pending case's title and decide it. When the classifier cannot answer, the
    case stays pending (never approved by default), says why, and ``ClassifierUnavailable``
    goes up for the job to run again ``retry_delay`` later."""
    case = await Case.get(case_id)
    if case is None or case.status != CaseStatus.PENDING:
        return
    try:
        verdict = await classify(case.title)
    except classifier.ClassifierUnavailable as exc:
        case.reason = f"waiting for the classifier: {exc}"[:300]
        await case.save_versioned()
        raise
    case.category_scores = verdict.scores
    await decide(platform, case, verdict.status, verdict.reason, verdict.decided_by)


def retry_delay(attempt: int) -> int:
    """Seconds before asking the classifier again on the ``attempt``-th try: doubling, at
    most a minute, so an outage is outlasted without hammering the classifier."""
    return min(2**attempt, 60)


def announcement(case: Case) -> events.Verdict | None:
    """What a decided case announces: the ticket's approval or rejection (nothing while open)."""
    if case.status == CaseStatus.APPROVED:
        return events.TicketApproved(
            id=case.ticket_id, version=case.ticket_version, case_id=case.id
        )
    if case.status == CaseStatus.REJECTED:
        return events.TicketRejected(
            id=case.ticket_id,
            version=case.ticket_version,
            case_id=case.id,
            reason=case.reason or "",
        )
    return None


async def decide(
    platform: Platform[Any], case: Case, status: CaseStatus, reason: str | None, decided_by: str
) -> Case:
    """Record a decision; approved and rejected ones are announced in the same transaction."""
    case.status, case.reason, case.decided_by = status, reason, decided_by
    case.decided_at = datetime.now(UTC) if status not in OPEN else None
    await platform.save(case, announcement)
    return case


# --- what admins do --------------------------------------------------------------------------


async def get(case_id: str) -> Case:
    return await found(Case, case_id, "moderation case")


async def search(status: CaseStatus | None, limit: int, offset: int) -> list[Case]:
    query = Case.find(Case.status == status) if status else Case.find()
    oldest_first = [("created_at", SortDirection.ASCENDING), ("_id", SortDirection.ASCENDING)]
    return await query.sort(oldest_first).skip(offset).limit(limit).to_list()


async def rule(
    platform: Platform[Any], case_id: str, admin_id: str, approve: bool, reason: str | None
) -> Case:
    case = await get(case_id)
    if case.status not in OPEN:
        raise Conflict(f"the case was already decided: {case.status}", case_status=case.status)
    status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
    try:
        return await decide(platform, case, status, reason, admin_id)
    except StaleVersion:
        raise Conflict("the case changed meanwhile; reload it") from None

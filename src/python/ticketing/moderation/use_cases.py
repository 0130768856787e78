"""What the moderation service does: open one case per screened title, screen it in a job,
decide it (by the word list, the classifier or an admin) and announce the verdict."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from ticketing.moderation import rules
from ticketing.moderation.classifier import ClassifierUnavailable, Screening
from ticketing.moderation.models import Case, CaseStatus
from ticketing.shared import events
from ticketing.shared.context import Context
from ticketing.shared.jobs import JobQueue
from ticketing.shared.persistence import DuplicateKeyError
from ticketing.shared.store import Insert, Save, found

SCREEN_JOB = "screen_case"
Classify = Callable[[str], Awaitable[Screening]]


async def open_case(ctx: Context, jobs: JobQueue, ticket: events.TicketListed) -> None:
    """Open a case for a listed or retitled ticket's title and queue its screening; a
    redelivery opens nothing new."""
    if not rules.needs_screening(ticket):
        return
    ticket_id, version, title = ticket.id, ticket.version, ticket.title
    cases = await ctx.store.find(Case, ticket_id=ticket_id)
    if any(case.ticket_version > version for case in cases):
        return  # this title was replaced before we saw it: only the newest is screened
    case = Case(
        ticket_id=ticket_id, ticket_version=version, title=title, created_at=ctx.clock.now()
    )
    try:
        await ctx.store.commit(Insert(case))
    except DuplicateKeyError:
        same = await ctx.store.find(Case, ticket_id=ticket_id, ticket_version=version)
        if not same or same[0].status != CaseStatus.PENDING:
            return
        case = same[0]  # queue it again in case the first delivery died before queueing
    await jobs.enqueue(SCREEN_JOB, case.id, job_id=f"screen-{case.id}")


async def screen(ctx: Context, classify: Classify, case_id: str) -> None:
    """Screen a pending case's title and decide it. When the classifier cannot answer, the
    case stays pending (never approved by default), says why, and ``ClassifierUnavailable``
    goes up for the job to run again ``rules.retry_delay`` later."""
    case = await ctx.store.get(Case, case_id)
    if case is None or case.status != CaseStatus.PENDING:
        return
    try:
        screening = await classify(case.title)
    except ClassifierUnavailable as exc:
        case.reason = f"waiting for the classifier: {exc}"[:300]
        await ctx.store.commit(Save(case))
        raise
    case.category_scores = screening.scores
    rules.decided(case, screening.status, screening.reason, screening.decided_by, ctx.clock.now())
    await ctx.store.commit(Save(case, rules.verdict_event))


# --- what admins do --------------------------------------------------------------------------


async def get(ctx: Context, case_id: str) -> Case:
    return await found(ctx.store, Case, case_id, "moderation case")


async def search(ctx: Context, status: CaseStatus | None, limit: int, offset: int) -> list[Case]:
    """Cases, oldest first, optionally only those with ``status``."""
    wanted = {"status": status} if status else {}
    return await ctx.store.find(Case, sort=["created_at", "id"], skip=offset, limit=limit, **wanted)


async def rule(
    ctx: Context, case_id: str, admin_id: str, approve: bool, reason: str | None
) -> Case:
    case = await get(ctx, case_id)
    rules.check_open(case)
    status = CaseStatus.APPROVED if approve else CaseStatus.REJECTED
    rules.decided(case, status, reason, admin_id, ctx.clock.now())
    await ctx.store.commit(Save(case, rules.verdict_event))
    return case

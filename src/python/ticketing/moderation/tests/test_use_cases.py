"""The moderation use cases on in-memory fakes: one case per screened title, screening by the
word list or a classifier (which may be down), admins' rulings. No server starts here."""

from datetime import timedelta
from decimal import Decimal

import pytest

from ticketing.moderation import use_cases
from ticketing.moderation.classifier import ClassifierUnavailable, Screening
from ticketing.moderation.models import Case, CaseStatus
from ticketing.shared import events
from ticketing.shared.errors import Conflict
from ticketing.testing.fakes import FakeContext, FakeJobs, offline


@pytest.fixture
async def ctx() -> FakeContext:
    await offline(Case)
    return FakeContext()


def listed(ticket_id: str, version: int, title: str) -> events.TicketCreated:
    return events.TicketCreated(
        id=ticket_id, version=version, title=title, price=Decimal("10.00"), user_id="seller"
    )


async def approve(title: str) -> Screening:
    return Screening(CaseStatus.APPROVED, None, "wordlist")


async def unavailable(title: str) -> Screening:
    raise ClassifierUnavailable("ConnectError: refused")


async def test_a_title_opens_one_case_and_queues_its_screening_once(ctx: FakeContext) -> None:
    jobs = FakeJobs()
    await use_cases.open_case(ctx, jobs, listed("t1", 0, "Gig"))
    await use_cases.open_case(ctx, jobs, listed("t1", 0, "Gig"))  # a redelivery
    [case] = await ctx.store.find(Case)
    assert (case.ticket_id, case.ticket_version, case.status) == ("t1", 0, CaseStatus.PENDING)
    assert list(jobs.queued) == [f"screen-{case.id}"]


async def test_an_edit_that_keeps_the_title_opens_no_case(ctx: FakeContext) -> None:
    jobs = FakeJobs()

    def edit(version: int, title_changed: bool) -> events.TicketUpdated:
        return events.TicketUpdated(
            id="t1",
            version=version,
            title="Gig",
            price=Decimal("12.00"),
            user_id="seller",
            title_changed=title_changed,
        )

    await use_cases.open_case(ctx, jobs, edit(1, title_changed=False))
    assert (await ctx.store.find(Case), jobs.queued) == ([], {})
    await use_cases.open_case(ctx, jobs, edit(2, title_changed=True))
    assert [c.ticket_version for c in await ctx.store.find(Case)] == [2]


async def test_a_title_replaced_before_it_was_seen_is_not_screened(ctx: FakeContext) -> None:
    jobs = FakeJobs()
    await use_cases.open_case(ctx, jobs, listed("t1", 3, "Newest title"))
    await use_cases.open_case(ctx, jobs, listed("t1", 1, "An old title"))
    assert [c.ticket_version for c in await ctx.store.find(Case)] == [3]


async def test_screening_decides_the_case_and_announces_the_verdict_on_its_version(
    ctx: FakeContext,
) -> None:
    await use_cases.open_case(ctx, FakeJobs(), listed("t1", 2, "Gig"))
    [case] = await ctx.store.find(Case)
    await use_cases.screen(ctx, approve, case.id)
    await use_cases.screen(ctx, approve, case.id)  # a repeated job decides nothing more
    assert ctx.store.published(events.TicketApproved) == [
        events.TicketApproved(id="t1", version=2, case_id=case.id)
    ]
    decided = await use_cases.get(ctx, case.id)
    assert (decided.status, decided.decided_by, decided.decided_at) == (
        CaseStatus.APPROVED,
        "wordlist",
        ctx.clock.now(),
    )


async def test_a_classifier_outage_leaves_the_case_pending_and_says_why(ctx: FakeContext) -> None:
    await use_cases.open_case(ctx, FakeJobs(), listed("t1", 0, "Gig"))
    [case] = await ctx.store.find(Case)
    with pytest.raises(ClassifierUnavailable):
        await use_cases.screen(ctx, unavailable, case.id)
    waiting = await use_cases.get(ctx, case.id)
    assert waiting.status == CaseStatus.PENDING
    assert waiting.reason == "waiting for the classifier: ConnectError: refused"
    assert ctx.store.events == []


async def test_an_admin_rules_once_and_the_seller_reads_the_reason(ctx: FakeContext) -> None:
    await use_cases.open_case(ctx, FakeJobs(), listed("t1", 0, "Gig"))
    [case] = await ctx.store.find(Case)
    await use_cases.rule(ctx, case.id, "admin-1", approve=False, reason="not a real concert")
    [rejected] = ctx.store.published(events.TicketRejected)
    assert (rejected.id, rejected.reason) == ("t1", "not a real concert")
    with pytest.raises(Conflict, match="already decided"):
        await use_cases.rule(ctx, case.id, "admin-2", approve=True, reason=None)


async def test_the_queue_lists_open_cases_oldest_first(ctx: FakeContext) -> None:
    for ticket in ("t1", "t2", "t3"):
        await use_cases.open_case(ctx, FakeJobs(), listed(ticket, 0, ticket))
        ctx.clock.move(timedelta(seconds=1))
    [first, *_] = await ctx.store.find(Case, ticket_id="t1")
    await use_cases.rule(ctx, first.id, "admin", approve=True, reason=None)
    pending = await use_cases.search(ctx, CaseStatus.PENDING, limit=10, offset=0)
    assert [c.ticket_id for c in pending] == ["t2", "t3"]
    assert [c.ticket_id for c in await use_cases.search(ctx, None, 1, 1)] == ["t2"]

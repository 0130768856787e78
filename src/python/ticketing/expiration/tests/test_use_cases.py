"""The expiration use cases on in-memory fakes: one job per order, due when its reservation
ends, and the event its job announces. No server starts here."""

from datetime import UTC, datetime
from decimal import Decimal

from ticketing.expiration import use_cases
from ticketing.shared import events
from ticketing.testing.fakes import FakeJobs, FakePublisher

DUE = datetime(2026, 6, 1, 12, 15, tzinfo=UTC)


def created(order_id: str = "o1", version: int = 0) -> events.OrderCreated:
    return events.OrderCreated(
        id=order_id,
        version=version,
        status=events.OrderStatus.CREATED,
        user_id="buyer",
        expires_at=DUE,
        ticket=events.OrderTicket(id="t1", price=Decimal("10.00"), user_id="seller"),
    )


async def test_an_order_schedules_its_expiry_when_its_reservation_ends() -> None:
    jobs = FakeJobs()
    await use_cases.schedule(jobs, created())
    assert jobs.queued == {"expire-o1": (use_cases.EXPIRE_JOB, ("o1", 0), DUE)}


async def test_a_redelivered_order_schedules_nothing_more() -> None:
    jobs = FakeJobs()
    await use_cases.schedule(jobs, created())
    await use_cases.schedule(jobs, created())
    assert list(jobs.queued) == ["expire-o1"]


async def test_each_order_has_its_own_job() -> None:
    jobs = FakeJobs()
    await use_cases.schedule(jobs, created("o1"))
    await use_cases.schedule(jobs, created("o2", version=1))
    assert [args for _, args, _ in jobs.queued.values()] == [("o1", 0), ("o2", 1)]


async def test_the_job_announces_the_order_and_version_under_a_repeatable_message_id() -> None:
    bus = FakePublisher()
    await use_cases.expire(bus, "o1", 3)
    await use_cases.expire(bus, "o1", 3)  # a retried job: orders recognises the message id
    expected = (events.ExpirationComplete(id="o1", version=3), "expire-o1")
    assert bus.published == [expected, expected]

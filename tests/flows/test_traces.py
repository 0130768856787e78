"""One story is one trace: across HTTP, the outbox, RabbitMQ, jobs and the services.

The services run in this process (tests/flows/shop.py), configured for tracing only by OTEL_*
variables pointing at a real OTLP receiver started here (oteltap). Each service has its own
tracer provider, as it would in its own process; the assertions look at what was exported.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from flows.shop import shop
from ticketing.testing.fixtures import eventually
from ticketing.testing.traces import SpanTap, attribute

PRODUCER, CONSUMER, SERVER, CLIENT = (
    Span.SPAN_KIND_PRODUCER,
    Span.SPAN_KIND_CONSUMER,
    Span.SPAN_KIND_SERVER,
    Span.SPAN_KIND_CLIENT,
)


@pytest.fixture
async def tap(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SpanTap]:
    receiver = await SpanTap().start()
    for name, value in receiver.env.items():
        monkeypatch.setenv(name, value)
    yield receiver
    await receiver.stop()


async def arrived(tap: SpanTap, *found: Any) -> list[Span]:
    """The spans matching every test, once at least one has arrived (a retried message makes
    a consume span per delivery)."""

    async def matching() -> list[Span]:
        return [span for span in tap.spans if all(test(span) for test in found)]

    return await eventually(matching, within=20)


async def one(tap: SpanTap, *found: Any) -> Span:
    [span] = await arrived(tap, *found)
    return span


def named(name: str, kind: int) -> list[Any]:
    return [lambda span: span.name == name, lambda span: span.kind == kind]


def consumer(tap: SpanTap, service: str, subject: str) -> list[Any]:
    return [lambda span: span in tap.consumed_by(service, subject)]


def in_trace(trace_id: bytes) -> Any:
    return lambda span: span.trace_id == trace_id


def produced(tap: SpanTap, span: Span, subject: str) -> bool:
    """``span`` continues a producer span of ``subject`` (its parent, through the headers)."""
    parents = [p for p in tap.spans if p.span_id == span.parent_span_id]
    return any(
        p.kind == PRODUCER and attribute(p, "messaging.rabbitmq.destination.routing_key") == subject
        for p in parents
    )


async def test_placing_an_order_is_one_trace_through_orders_the_outbox_and_its_consumers(
    isolated: dict[str, Any], tap: SpanTap
) -> None:
    async with shop(isolated) as market:
        ticket = await market.list_ticket()
        await market.approved(ticket["id"])
        await market.order(ticket["id"])
        request = await one(tap, *named("POST /api/orders", SERVER))
        trace = in_trace(request.trace_id)
        publish = await one(
            tap,
            trace,
            *named(f"{isolated['event_exchange']}.order.created publish", PRODUCER),
        )
        assert tap.descends(publish, request)
        for service in ("tickets", "payments", "expiration"):
            consumed = await one(tap, trace, *consumer(tap, service, "order.created"))
            assert tap.descends(consumed, request), service
            assert produced(tap, consumed, "order.created"), service
        # The transaction's MongoDB commands are spans of the request too.
        writes = await arrived(
            tap, trace, lambda span: attribute(span, "db.operation.name") == "insert"
        )
        assert all(span.kind == CLIENT and tap.descends(span, request) for span in writes)
        assert any(attribute(span, "db.collection.name") == "outbox" for span in writes)


async def test_listing_a_ticket_is_one_trace_through_screening_and_the_verdict(
    isolated: dict[str, Any], tap: SpanTap
) -> None:
    async with shop(isolated) as market:
        ticket = await market.list_ticket("Quiet concert")
        await market.approved(ticket["id"])
        request = await one(tap, *named("POST /api/tickets", SERVER))
        trace = in_trace(request.trace_id)
        opened = await one(tap, trace, *consumer(tap, "moderation", "ticket.created"))
        assert produced(tap, opened, "ticket.created")
        job = await one(tap, trace, *named("screen_case run", CONSUMER))
        assert tap.descends(job, opened)
        verdict = await one(tap, trace, *consumer(tap, "tickets", "ticket.approved"))
        assert tap.descends(verdict, job)
        assert produced(tap, verdict, "ticket.approved")
        # Orders learns the approval from the ticket.updated that tickets announces after it.
        updates = await arrived(tap, trace, *consumer(tap, "orders", "ticket.updated"))
        assert any(tap.descends(update, verdict) for update in updates)


async def test_an_expiry_belongs_to_the_trace_of_the_orders_creation(
    isolated: dict[str, Any], tap: SpanTap
) -> None:
    async with shop(isolated, window=2) as market:
        ticket = await market.list_ticket()
        await market.approved(ticket["id"])
        await market.order(ticket["id"])
        request = await one(tap, *named("POST /api/orders", SERVER))
        trace = in_trace(request.trace_id)
        job = await one(tap, trace, *named("expire_order run", CONSUMER))
        scheduled = await one(tap, trace, *consumer(tap, "expiration", "order.created"))
        assert tap.descends(job, scheduled)
        cancel = await one(tap, trace, *consumer(tap, "orders", "expiration.complete"))
        assert tap.descends(cancel, job)
        assert produced(tap, cancel, "expiration.complete")
        # The cancellation it causes travels on in the same trace.
        released = await one(tap, trace, *consumer(tap, "tickets", "order.cancelled"))
        assert tap.descends(released, cancel)

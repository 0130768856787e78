"""Events over RabbitMQ with FastStream: topology, publishing with confirms, safe consuming.

Topology: one durable topic exchange; for every (consumer service, subject) pair a durable
queue ``<exchange>.<service>.<subject>`` bound by the subject. Every service declares the
*whole* topology at start-up, so an event published before its consumer first started is
already queued for it and never dropped.

Each queue has two companions on the default exchange:
- ``<queue>.delay`` holds a message for its own delay, then dead-letters it back to the queue
  (it replaces ``<queue>.retry``, whose fixed delay was a queue argument that cannot change
  on a running broker; an old ``.retry`` queue still drains back into its queue);
- ``<queue>.dead`` receives messages that can never succeed, for a human
  (``./pants run src/python/ticketing/shared:deadletters``).

What happens to a message whose handler did not finish:
- a dependency is down (``faults.is_transient``): it waits, backing off from the retry delay
  up to the maximum, for as long as the outage lasts; nothing is lost or parked;
- it arrived ahead of its predecessor (``RetryLater``) or the handler failed otherwise: it is
  retried after the retry delay, up to ``MAX_ATTEMPTS`` times, then parked in ``.dead``;
- it does not decode to its event schema: parked in ``.dead`` at once.

A message is acknowledged only after its handler returned, i.e. after the handler's
database transaction committed, so a crash mid-handler means redelivery, not loss.

With tracing on, a message carries its trace in W3C headers: a retry is published from within
the consume span (the same trace), and a dead-lettered message keeps the headers it came with.
Counters per subject: published, consumed, retried and dead-lettered events.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol, TypeVar

import structlog
from faststream import AckPolicy
from faststream.rabbit import Channel, ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue
from faststream.rabbit.annotations import RabbitMessage
from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode

from ticketing.shared import events
from ticketing.shared.events import Event
from ticketing.shared.faults import is_transient
from ticketing.shared.telemetry import Telemetry

log = structlog.get_logger(__name__)

MAX_ATTEMPTS = 40  # failures other than outages, before a message is parked in ``.dead``
ATTEMPT_HEADER = "x-ticketing-attempt"  # failures counted toward MAX_ATTEMPTS
WAIT_HEADER = "x-ticketing-waits"  # transient failures so far: the backoff's exponent

E = TypeVar("E", bound=Event)
Handler = Callable[[E], Awaitable[None]]


class RetryLater(Exception):
    """Raise from a handler when the event cannot be applied yet (its predecessor is missing)."""


class Unroutable(RuntimeError):
    """The broker had no queue for a published event: the topology was not declared."""


def queue_name(exchange: str, service: str, subject: str) -> str:
    return f"{exchange}.{service}.{subject}"


@dataclass(frozen=True)
class Route:
    service: str
    subject: str
    queue: str


def routes(exchange: str) -> list[Route]:
    """A queue for every (consumer, subject) pair that ``events`` declares."""
    return [
        Route(service, event.SUBJECT, queue_name(exchange, service, event.SUBJECT))
        for event in events.ALL_EVENTS
        for service in event.CONSUMERS
    ]


def _main_queue(queue: str, subject: str) -> RabbitQueue:
    return RabbitQueue(
        queue,
        durable=True,
        routing_key=subject,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": f"{queue}.dead"},
    )


def _delay_queue(queue: str) -> RabbitQueue:
    # Each message carries its own delay (its expiration); expired, it goes back to the queue.
    return RabbitQueue(
        f"{queue}.delay",
        durable=True,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": queue},
    )


def backoff_ms(waits: int, base_ms: int, max_ms: int) -> int:
    """Delay before the next try after ``waits`` transient failures: doubling, capped."""
    return min(base_ms * 2 ** min(waits, 30), max_ms)


class Publisher(Protocol):
    """Where a service with no database publishes an event (``Bus``; a list in the unit tier's
    fakes). Services with a database publish through their outbox."""

    async def publish(self, event: Event, message_id: str) -> None: ...


class Bus:
    """A service's connection to the event bus."""

    def __init__(
        self,
        url: str,
        exchange: str,
        service: str,
        *,
        retry_delay_ms: int = 500,
        max_retry_delay_ms: int = 30_000,
        telemetry: Telemetry | None = None,
    ) -> None:
        self.service = service
        observed = telemetry or Telemetry(service, env={})  # untraced, e.g. a test's tap
        self.exchange_name = exchange
        self.retry_delay_ms = retry_delay_ms
        self.max_retry_delay_ms = max_retry_delay_ms
        self.waits: Counter[str] = Counter()  # transient failures per queue, since start
        self.consuming: set[str] = set()  # the subjects subscribed to
        # Publisher confirms: a publish returns only once the broker has the message.
        confirmed = Channel(publisher_confirms=True)
        self.broker = RabbitBroker(
            url,
            logger=None,
            fail_fast=False,
            default_channel=confirmed,
            middlewares=observed.broker_middlewares(),
        )
        metrics, by_subject = observed.metrics, ("subject",)
        self.published = metrics.counter(
            "ticketing_events_published", "Events published", by_subject
        )
        self.consumed = metrics.counter("ticketing_events_consumed", "Events handled", by_subject)
        self.retried = metrics.counter(
            "ticketing_events_retried", "Events sent to their delay queue to try again", by_subject
        )
        self.dead_lettered = metrics.counter(
            "ticketing_events_dead_lettered", "Events parked in a dead letter queue", by_subject
        )
        self.exchange = RabbitExchange(exchange, type=ExchangeType.TOPIC, durable=True)

    async def start(self) -> None:
        await self.broker.connect()
        await self.declare_topology()
        await self.broker.start()

    async def stop(self) -> None:
        await self.broker.stop()

    async def ping(self) -> None:
        if not await self.broker.ping(timeout=2.0):
            raise ConnectionError("RabbitMQ does not answer")

    async def declare_topology(self) -> None:
        exchange = await self.broker.declare_exchange(self.exchange)
        for route in routes(self.exchange_name):
            queue = await self.broker.declare_queue(_main_queue(route.queue, route.subject))
            await queue.bind(exchange, routing_key=route.subject)
            await self.broker.declare_queue(_delay_queue(route.queue))
            await self.broker.declare_queue(RabbitQueue(f"{route.queue}.dead", durable=True))

    def check_publisher(self, event: Event) -> None:
        """Only the service ``events`` names as an event's publisher may publish it."""
        if self.service != event.PUBLISHER:
            raise ValueError(f"{self.service} is not the publisher of {event.SUBJECT}")

    async def publish(self, event: Event, message_id: str) -> None:
        """Publish ``event`` under its own subject and wait for the broker's confirm. Services
        with a database publish through their outbox instead, in the change's transaction."""
        self.check_publisher(event)
        await self.publish_raw(event.SUBJECT, events.encode(event), message_id)

    async def publish_raw(self, subject: str, body: bytes, message_id: str) -> None:
        """Send bytes already encoded from an event (the outbox's rows; a poison message in a
        test) and wait for the broker's confirm; raise if no queue took them."""
        result = await self.broker.publish(
            body,
            exchange=self.exchange,
            routing_key=subject,
            persist=True,
            mandatory=True,
            content_type="application/json",
            message_id=message_id,
        )
        # With mandatory=True the broker hands back (Basic.Return) what no queue took.
        if getattr(result, "body", None) is not None:
            raise Unroutable(f"no queue is bound to {subject} on {self.exchange_name}")
        self.published.labels(subject).inc()

    def subscribe(self, event_type: type[E], handler: Handler[E]) -> None:
        """Consume ``event_type`` into ``handler``; must be called before ``start``."""
        subject = event_type.SUBJECT
        if self.service not in event_type.CONSUMERS:
            raise ValueError(f"{self.service} is not a consumer of {subject} in events")
        queue = queue_name(self.exchange_name, self.service, subject)
        self.consuming.add(subject)

        @self.broker.subscriber(
            _main_queue(queue, subject), self.exchange, ack_policy=AckPolicy.MANUAL
        )
        async def consume(message: RabbitMessage) -> None:
            await self._deliver(message, queue, event_type, handler)

    async def _deliver(
        self, message: Any, queue: str, event_type: type[E], handler: Handler[E]
    ) -> None:
        subject = event_type.SUBJECT
        span = trace.get_current_span()  # the consume span, when tracing is on
        span.set_attribute("messaging.consumer.group.name", self.service)
        span.set_attribute("messaging.destination.subscription.name", queue)
        bound = log.bind(queue=queue, message_id=message.message_id)
        try:
            event = events.decode(message.body, event_type)
        except events.MalformedEvent as exc:
            bound.error("poison message parked in dead letter queue", error=str(exc))
            span.set_status(Status(StatusCode.ERROR, "undecodable: dead-lettered"))
            await message.reject(requeue=False)  # dead-letters to <queue>.dead
            self.dead_lettered.labels(subject).inc()
            return
        try:
            await handler(event)
        except Exception as exc:
            span.record_exception(exc)
            await self._retry(message, queue, subject, exc, bound)
            return
        await message.ack()
        self.consumed.labels(subject).inc()

    async def _retry(
        self, message: Any, queue: str, subject: str, exc: Exception, bound: Any
    ) -> None:
        headers = dict(message.headers or {})
        attempt, waits = int(headers.get(ATTEMPT_HEADER, 1)), int(headers.get(WAIT_HEADER, 0))
        if is_transient(exc):  # a dependency is down: wait for it, however long it takes
            delay = backoff_ms(waits, self.retry_delay_ms, self.max_retry_delay_ms)
            self.waits[queue] += 1
            bound.warning(
                "a dependency is unavailable; waiting", waits=waits, delay_ms=delay, error=repr(exc)
            )
            waits += 1
        elif attempt >= MAX_ATTEMPTS:
            bound.error("giving up; parked in dead letter queue", attempt=attempt, error=repr(exc))
            await message.reject(requeue=False)
            self.dead_lettered.labels(subject).inc()
            return
        else:
            delay = self.retry_delay_ms
            if isinstance(exc, RetryLater):
                bound.info("not applicable yet; retrying", attempt=attempt, reason=str(exc))
            else:
                bound.warning("handler failed; retrying", attempt=attempt, error=repr(exc))
            attempt += 1
        await self.broker.publish(
            message.body,
            routing_key=f"{queue}.delay",
            persist=True,
            content_type="application/json",
            message_id=message.message_id,
            headers={ATTEMPT_HEADER: attempt, WAIT_HEADER: waits},
            expiration=timedelta(milliseconds=delay),
        )
        await message.ack()
        self.retried.labels(subject).inc()

"""Traces (OpenTelemetry) and metrics (Prometheus) of one service, from the standard variables.

Tracing is on when ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`` or ``OTEL_EXPORTER_OTLP_ENDPOINT`` is
set and ``OTEL_SDK_DISABLED`` is not ``true``; spans then go out over OTLP http/protobuf in
batches. With no endpoint, no span is made, nothing is exported and nothing is instrumented.
The rest of ``OTEL_*`` (sampler, batch delays, headers, resource attributes) is read by the
SDK itself; the service is named ``OTEL_SERVICE_NAME`` or else after itself.

Each service gets its own ``TracerProvider`` and metrics registry, never the global ones, so
several services in one process (the tests, the benchmark) keep their names and numbers apart.
What is traced: HTTP requests (Litestar's plugin), publishing and consuming events (FastStream's
RabbitMQ middleware), outgoing HTTP of the clients passed to ``instrument``, MongoDB commands
made inside a trace, the outbox relay and jobs (they continue the context they were given).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
from faststream.rabbit.opentelemetry import RabbitTelemetryMiddleware
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from opentelemetry import context, propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from pymongo import monitoring

from ticketing.shared.metrics import UNOBSERVED, Metrics
from ticketing.shared.settings import ConfigurationError

ENDPOINTS = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
PROTOCOLS = ("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
Carrier = dict[str, str]


def tracer_provider(service: str, env: Mapping[str, str]) -> TracerProvider | None:
    """The service's provider exporting to the configured endpoint; None when tracing is off."""
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return None
    if not any(env.get(name) for name in ENDPOINTS):
        return None
    for name in PROTOCOLS:
        protocol = env.get(name)
        if protocol and protocol != "http/protobuf":
            raise ConfigurationError(
                f"{name}={protocol!r}: only http/protobuf is supported (or unset it)"
            )
    named = {} if env.get("OTEL_SERVICE_NAME") else {SERVICE_NAME: service}
    provider = TracerProvider(resource=Resource.create(named))  # sampler: OTEL_TRACES_SAMPLER
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    return provider


def carrier() -> Carrier:
    """The current trace context as W3C headers (empty outside a trace), to store or send."""
    found: Carrier = {}
    propagate.inject(found)
    return found


@contextlib.contextmanager
def continued(stored: Mapping[str, str] | None) -> Iterator[None]:
    """Run the block in the trace context of ``stored`` headers (as is, if there are none)."""
    if not stored:
        yield
        return
    token = context.attach(propagate.extract(stored))
    try:
        yield
    finally:
        context.detach(token)


class Telemetry:
    """A service's tracer provider (or none) and metrics registry."""

    def __init__(self, service: str, env: Mapping[str, str] | None = None) -> None:
        self.service = service
        self.metrics = Metrics()
        self.provider = tracer_provider(service, os.environ if env is None else env)
        self.tracer: trace.Tracer = (
            self.provider.get_tracer("ticketing") if self.provider else trace.NoOpTracer()
        )

    @property
    def enabled(self) -> bool:
        return self.provider is not None

    def http_plugins(self) -> list[OpenTelemetryPlugin]:
        """Server spans for every request but the probes and /metrics (see ``UNOBSERVED``)."""
        if self.provider is None:
            return []
        config = OpenTelemetryConfig(
            tracer_provider=self.provider,
            meter_provider=NoOpMeterProvider(),  # request metrics are Prometheus'
            exclude=[f"^{path}$" for path in UNOBSERVED],
            exclude_spans=["receive", "send"],
        )
        return [OpenTelemetryPlugin(config)]

    def broker_middlewares(self) -> tuple[RabbitTelemetryMiddleware, ...]:
        """Publish spans that put their context in the message headers, consume spans that
        continue it."""
        if self.provider is None:
            return ()
        return (
            RabbitTelemetryMiddleware(
                tracer_provider=self.provider, meter_provider=NoOpMeterProvider()
            ),
        )

    def instrument(self, client: httpx.AsyncClient) -> httpx.AsyncClient:
        """Client spans for the requests of ``client``, carrying the trace to whom it calls."""
        if self.provider is not None:
            HTTPXClientInstrumentor.instrument_client(client, tracer_provider=self.provider)
        return client

    def mongo_listeners(self) -> list[monitoring.CommandListener]:
        return [MongoSpans(self.tracer)] if self.provider is not None else []

    @contextlib.contextmanager
    def span(
        self,
        name: str,
        *,
        parent: Mapping[str, str] | None = None,
        kind: SpanKind = SpanKind.INTERNAL,
        attributes: Mapping[str, str | int] | None = None,
    ) -> Iterator[Span]:
        """A current span named ``name``, child of ``parent`` headers if given; an exception
        leaving the block is recorded on it."""
        with (
            continued(parent),
            self.tracer.start_as_current_span(name, kind=kind, attributes=attributes) as span,
        ):
            yield span

    async def close(self) -> None:
        """Send what is still buffered, then stop exporting."""
        if self.provider is not None:
            await asyncio.to_thread(self.provider.shutdown)


class MongoSpans(monitoring.CommandListener):
    """A client span per MongoDB command, only inside a trace: a relay's poll or a readiness
    ping outside any request makes no trace of its own."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer
        self._spans: dict[tuple[Any, int], Span] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if not trace.get_current_span().is_recording():
            return
        target = event.command.get(event.command_name)
        attributes: dict[str, str] = {
            "db.system.name": "mongodb",
            "db.namespace": event.database_name,
            "db.operation.name": event.command_name,
        }
        name = event.command_name
        if isinstance(target, str):  # the collection, for the commands that name one
            attributes["db.collection.name"] = target
            name = f"{name} {target}"
        span = self._tracer.start_span(name, kind=SpanKind.CLIENT, attributes=attributes)
        self._spans[(event.connection_id, event.request_id)] = span

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        span = self._spans.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.end()

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        span = self._spans.pop((event.connection_id, event.request_id), None)
        if span is not None:
            span.set_status(Status(StatusCode.ERROR, str(event.failure.get("errmsg", ""))[:200]))
            span.end()

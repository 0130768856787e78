"""Prometheus metrics of one service: its own registry, served in text format at ``/metrics``.

Counters and histograms move as things happen; gauges of state kept elsewhere (the outbox
backlog, job queues) are read by probes when ``/metrics`` is scraped. Labels are bounded:
route templates (``/api/orders/{order_id:str}``), never raw paths; subjects; job names.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import structlog
from litestar import Response, get
from litestar.handlers import HTTPRouteHandler
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics import MetricWrapperBase

log = structlog.get_logger(__name__)

# Neither traced nor counted: probes and scrapes would drown what matters.
UNOBSERVED = ("/healthz", "/readyz", "/metrics")
# Seconds: from a cached read (ms) to a request held by a slow dependency.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

M = TypeVar("M", bound=MetricWrapperBase)
Probe = Callable[[], Awaitable[None]]


class Metrics:
    """One registry per service (not the process-wide default), so services sharing a process
    never count into each other's metrics. Metrics are declared where they are used, by name,
    and made once: declaring a name again returns the same metric."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self._made: dict[str, MetricWrapperBase] = {}
        self._probes: list[Probe] = []
        self.requests = self.counter(
            "http_requests", "HTTP requests answered", ("method", "route", "status")
        )
        self.latency = self.histogram(
            "http_request_duration_seconds",
            "Time to answer HTTP requests",
            ("method", "route"),
            buckets=LATENCY_BUCKETS,
        )

    def _make(
        self, kind: type[M], name: str, doc: str, labels: Sequence[str], **extra: object
    ) -> M:
        made = self._made.get(name)
        if made is None:
            made = kind(name, doc, labels, registry=self.registry, **extra)  # type: ignore[arg-type]
            self._made[name] = made
        if not isinstance(made, kind):
            raise TypeError(f"metric {name} is a {type(made).__name__}, not a {kind.__name__}")
        return made

    def counter(self, name: str, doc: str, labels: Sequence[str] = ()) -> Counter:
        """A counter (exposed as ``<name>_total``)."""
        return self._make(Counter, name, doc, labels)

    def gauge(self, name: str, doc: str, labels: Sequence[str] = ()) -> Gauge:
        return self._make(Gauge, name, doc, labels)

    def histogram(
        self,
        name: str,
        doc: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = Histogram.DEFAULT_BUCKETS,
    ) -> Histogram:
        return self._make(Histogram, name, doc, labels, buckets=tuple(buckets))

    def probe(self, read: Probe) -> None:
        """``read`` sets gauges from state kept elsewhere, before every scrape."""
        self._probes.append(read)

    async def render(self) -> bytes:
        """The text exposition, after the probes had a few seconds to refresh their gauges; a
        probe that fails leaves its gauges as they were."""

        async def run(read: Probe) -> None:
            try:
                await asyncio.wait_for(read(), timeout=3.0)
            except Exception as exc:
                log.warning("metrics probe failed", probe=read.__qualname__, error=repr(exc))

        await asyncio.gather(*(run(read) for read in self._probes))
        return generate_latest(self.registry)


def endpoint(metrics: Metrics) -> HTTPRouteHandler:
    """``GET /metrics``, left out of the OpenAPI document (the edge does not route it)."""

    @get("/metrics", include_in_schema=False)
    async def scrape() -> Response[bytes]:
        return Response(await metrics.render(), media_type=CONTENT_TYPE_PLAIN_0_0_4)

    return scrape

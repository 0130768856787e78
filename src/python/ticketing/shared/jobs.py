"""Background jobs with arq over Redis: enqueue from handlers, run them in the same process.

Jobs live in Redis, so a job enqueued before a restart runs after it. A job that raises
``arq.Retry`` (or is interrupted by its worker stopping) is tried again later, up to
``max_tries``; any other exception fails it for good, so a job turns an outage into a Retry.

A job carries the trace context of whoever enqueued it (a ``trace_context`` keyword argument
the worker takes off again), and runs in a span that is a child of it, however much later.
Metrics: how late jobs start after they were due, and, at each scrape, the queue's depth
(deferred jobs included) and how overdue its oldest due job is.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

import structlog
from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Function, Worker
from opentelemetry.trace import SpanKind

from ticketing.shared.platform import Platform
from ticketing.shared.telemetry import Telemetry, carrier

log = structlog.get_logger(__name__)


class JobQueue(Protocol):
    """Where a use case enqueues a job (``Jobs``; a list in the unit tier's fakes)."""

    async def enqueue(
        self, function: str, *args: Any, job_id: str, defer_until: datetime | None = None
    ) -> bool:
        """Enqueue once: False if a job with this id is already queued, running or recent."""
        ...


class Jobs:
    """An arq queue of one service: a Redis pool to enqueue on and a worker that runs the jobs.

    ``functions`` are ``arq.worker.func(coroutine, name=...)``, so names are explicit.
    """

    def __init__(
        self,
        redis_url: str,
        queue_name: str,
        functions: Sequence[Function],
        *,
        max_tries: int = 10,
        poll_delay: float = 0.1,
    ) -> None:
        self.settings = RedisSettings.from_dsn(redis_url)
        self.queue_name = queue_name
        self.functions = list(functions)
        self.max_tries = max_tries
        self.poll_delay = poll_delay
        self._pool: ArqRedis | None = None
        self._task: asyncio.Task[None] | None = None
        self.telemetry = Telemetry(queue_name, env={})  # untraced until attached

    @property
    def pool(self) -> ArqRedis:
        if self._pool is None:
            raise RuntimeError("jobs not started")
        return self._pool

    def attach(self, platform: Platform) -> Jobs:
        """Start and stop with the platform; readiness then includes Redis."""
        platform.on_start(self.start)
        platform.on_stop(self.stop)
        platform.checks["redis"] = self.ping
        self.telemetry = platform.telemetry
        platform.metrics.probe(self._observe_queue)
        return self

    def _traced(self, function: Function) -> Function:
        """``function`` in a span continuing its enqueuer's trace, its start lag measured."""
        lag = self.telemetry.metrics.histogram(
            "ticketing_job_lag_seconds", "How late jobs start after they were due", ("job",)
        )
        run = function.coroutine

        async def traced(
            ctx: dict[str, Any], *args: Any, trace_context: dict[str, str] | None = None
        ) -> Any:
            lag.labels(function.name).observe(max(time.time() - ctx["score"] / 1000, 0.0))
            attributes = {"messaging.system": "arq", "messaging.destination.name": self.queue_name}
            span_name = f"{function.name} run"
            with self.telemetry.span(
                span_name, parent=trace_context, kind=SpanKind.CONSUMER, attributes=attributes
            ):
                return await run(ctx, *args)

        return dataclasses.replace(function, coroutine=traced)

    async def start(self) -> None:
        self._pool = await create_pool(self.settings, default_queue_name=self.queue_name)
        self._task = asyncio.create_task(self._supervise(), name=f"arq:{self.queue_name}")

    def _new_worker(self) -> Worker:
        return Worker(
            functions=[self._traced(function) for function in self.functions],
            queue_name=self.queue_name,
            redis_pool=self.pool,
            handle_signals=False,  # the web server owns the process's signals
            ctx={},
            max_tries=self.max_tries,
            poll_delay=self.poll_delay,
            keep_result=60,
        )

    async def _supervise(self) -> None:
        """Run the worker; if Redis goes away, its loop dies: start a new one when it is back."""
        backoff = 0.5
        while True:
            worker = self._new_worker()
            try:
                await worker.async_run()
            except Exception as exc:
                log.warning("job worker stopped; restarting", error=repr(exc), retry_in=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
            else:
                return

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.pool.aclose()
        except Exception as exc:  # a Redis gone away must not keep the service from stopping
            log.warning("closing the job worker failed", error=repr(exc))

    async def ping(self) -> None:
        await self.pool.ping()

    async def _observe_queue(self) -> None:
        metrics, labels = self.telemetry.metrics, ("queue",)
        depth = metrics.gauge("ticketing_job_queue_depth", "Jobs queued, deferred included", labels)
        depth.labels(self.queue_name).set(await self.pool.zcard(self.queue_name))
        due = await self.pool.zrangebyscore(
            self.queue_name, "-inf", time.time() * 1000, start=0, num=1, withscores=True
        )
        overdue = max(time.time() - due[0][1] / 1000, 0.0) if due else 0.0
        gauge = metrics.gauge(
            "ticketing_job_queue_overdue_seconds", "How overdue the oldest due job is", labels
        )
        gauge.labels(self.queue_name).set(overdue)

    async def enqueue(
        self, function: str, *args: Any, job_id: str, defer_until: datetime | None = None
    ) -> bool:
        """Enqueue once: False if a job with this id is already queued, running or recent."""
        job = await self.pool.enqueue_job(
            function,
            *args,
            _job_id=job_id,
            _defer_until=defer_until,
            _queue_name=self.queue_name,
            trace_context=carrier() or None,
        )
        return job is not None

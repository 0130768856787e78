"""A real OTLP receiver (oteltap, http/protobuf) that keeps every span the services export.

Services are pointed at it only through the standard variables in ``SpanTap.env``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from opentelemetry.proto.trace.v1.trace_pb2 import Span
from oteltap import OtelTapHttpProtobufReceiver, OtelTapHttpProtobufReceiverSettings

from ticketing.stack.servers import free_port


def attribute(span: Span, key: str) -> str | None:
    for pair in span.attributes:
        if pair.key == key:
            return str(pair.value.string_value)
    return None


class SpanTap:
    def __init__(self) -> None:
        self.port = free_port()
        self.spans: list[Span] = []
        self._receiver = OtelTapHttpProtobufReceiver(
            OtelTapHttpProtobufReceiverSettings(http_port=self.port)
        )
        self._task: asyncio.Task[None] | None = None

    @property
    def env(self) -> dict[str, str]:
        """What a service needs to export here, quickly (a batch every 50 ms)."""
        return {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{self.port}",
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }

    async def start(self) -> SpanTap:
        await self._receiver.start()
        subscribed = asyncio.Event()

        async def keep() -> None:
            stream = self._receiver.stream_traces()
            first = asyncio.ensure_future(anext(stream))  # subscribes before we go on
            subscribed.set()
            self.spans.append(await first)
            async for span in stream:
                self.spans.append(span)

        self._task = asyncio.create_task(keep())
        await subscribed.wait()
        await asyncio.sleep(0)  # let the first read register the subscription
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                await self._task
        await self._receiver.stop()

    def find(self, predicate: Callable[[Span], bool]) -> list[Span]:
        return [span for span in self.spans if predicate(span)]

    def in_trace(self, trace_id: bytes) -> list[Span]:
        return [span for span in self.spans if span.trace_id == trace_id]

    def consumed_by(self, service: str, subject: str) -> list[Span]:
        """The consume spans of ``service``'s handler of ``subject``."""
        return self.find(
            lambda span: attribute(span, "messaging.consumer.group.name") == service
            and (attribute(span, "messaging.destination.subscription.name") or "").endswith(
                f".{service}.{subject}"
            )
        )

    def descends(self, span: Span, ancestor: Span) -> bool:
        """``span`` is ``ancestor`` or below it, following parents among the spans received."""
        by_id = {s.span_id: s for s in self.spans}
        current: Span | None = span
        while current is not None:
            if current.span_id == ancestor.span_id:
                return True
            current = by_id.get(current.parent_span_id) if current.parent_span_id else None
        return False

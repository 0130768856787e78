"""Telemetry is configured by the standard OTEL_* variables, and is nothing without them."""

from __future__ import annotations

import json

import pytest
import structlog
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider

from ticketing.shared import logs
from ticketing.shared.metrics import Metrics
from ticketing.shared.settings import ConfigurationError
from ticketing.shared.telemetry import Telemetry, carrier, continued

ENDPOINT = {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}


def test_without_an_endpoint_nothing_is_traced_or_instrumented() -> None:
    off = Telemetry("orders", env={})
    assert not off.enabled
    assert off.http_plugins() == []
    assert off.broker_middlewares() == ()
    assert off.mongo_listeners() == []
    with off.span("work") as span:
        assert not span.is_recording()
        assert carrier() == {}


@pytest.mark.parametrize(
    "env",
    [ENDPOINT, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}],
)
def test_an_endpoint_turns_tracing_on(env: dict[str, str]) -> None:
    on = Telemetry("orders", env=env)
    assert on.enabled
    assert len(on.http_plugins()) == 1
    assert len(on.broker_middlewares()) == 1
    with on.span("work") as span:
        assert span.is_recording()
        assert carrier()["traceparent"].split("-")[1] == format(
            span.get_span_context().trace_id, "032x"
        )


def test_the_sdk_can_be_disabled() -> None:
    assert not Telemetry("orders", env={**ENDPOINT, "OTEL_SDK_DISABLED": "true"}).enabled


def test_only_http_protobuf_is_exported() -> None:
    env = {**ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
    with pytest.raises(ConfigurationError, match="OTEL_EXPORTER_OTLP_PROTOCOL='grpc'"):
        Telemetry("orders", env=env)
    assert Telemetry("orders", env={**ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"})


def test_the_service_is_named_after_itself_unless_otel_service_name_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    named = Telemetry("orders", env=ENDPOINT).provider
    assert named is not None
    assert named.resource.attributes["service.name"] == "orders"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "shop-orders")
    renamed = Telemetry("orders", env={**ENDPOINT, "OTEL_SERVICE_NAME": "shop-orders"}).provider
    assert renamed is not None
    assert renamed.resource.attributes["service.name"] == "shop-orders"


def test_stored_context_is_continued() -> None:
    on = Telemetry("orders", env=ENDPOINT)
    with on.span("request") as request:
        stored = carrier()
    with on.span("relay", parent=stored) as relay:
        assert isinstance(relay, ReadableSpan)
        assert relay.parent is not None
        assert relay.parent.span_id == request.get_span_context().span_id
    with continued(None):
        assert carrier() == {}


def test_log_lines_carry_the_active_spans_ids(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure("orders")
    try:
        log = structlog.get_logger("test")
        log.info("outside")
        tracer = TracerProvider().get_tracer("test")
        with tracer.start_as_current_span("inside") as span:
            log.info("inside")
    finally:
        structlog.reset_defaults()  # its output was this test's captured stdout
    outside, inside = (json.loads(line) for line in capsys.readouterr().out.splitlines()[-2:])
    assert "trace_id" not in outside
    ids = span.get_span_context()
    assert inside["trace_id"] == format(ids.trace_id, "032x")
    assert inside["span_id"] == format(ids.span_id, "016x")


async def test_each_service_counts_in_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.counter("ticketing_things", "Things").inc()
    assert first.counter("ticketing_things", "Things") is first.counter("ticketing_things", "")

    async def broken() -> None:
        raise ConnectionError("down")

    second.probe(broken)  # a failing probe leaves the scrape whole
    assert "ticketing_things_total 1.0" in (await first.render()).decode()
    assert "ticketing_things" not in (await second.render()).decode()

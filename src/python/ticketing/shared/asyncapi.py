"""AsyncAPI 3.0 document of what a service publishes and consumes, from the topology and the
msgspec schemas (FastStream cannot derive schemas from msgspec Structs yet, faststream#2101).
"""

from __future__ import annotations

from typing import Any

from ticketing.shared import events
from ticketing.shared.messaging import CONSUMERS, PUBLISHERS, queue_name


def document(service: str, exchange: str, broker_url: str) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for subject, event_type in events.BY_SUBJECT.items():
        sends = PUBLISHERS[subject] == service
        receives = service in CONSUMERS[subject]
        if not (sends or receives):
            continue
        name = event_type.__name__
        schema = events.json_schema(event_type)
        schemas.update(schema.pop("$defs", {}))
        schemas[name] = schemas.get(name, schema)
        channel = subject.replace(".", "_")
        binding = {
            "is": "routingKey",
            "exchange": {"name": exchange, "type": "topic", "durable": True},
        }
        if receives:
            binding["queue"] = {"name": queue_name(exchange, service, subject), "durable": True}
        channels[channel] = {
            "address": subject,
            "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "bindings": {"amqp": binding},
        }
        for action, applies in (("send", sends), ("receive", receives)):
            if applies:
                operations[f"{action}_{channel}"] = {
                    "action": action,
                    "channel": {"$ref": f"#/channels/{channel}"},
                }
    host = broker_url.rsplit("@", 1)[-1].removeprefix("amqp://").removeprefix("amqps://")
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"Ticketing {service} events", "version": "1.0.0"},
        "servers": {"rabbitmq": {"host": host.rstrip("/"), "protocol": "amqp"}},
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": {
                event_type.__name__: {
                    "contentType": "application/json",
                    "payload": {"$ref": f"#/components/schemas/{event_type.__name__}"},
                }
                for subject, event_type in events.BY_SUBJECT.items()
                if event_type.__name__ in schemas
            },
            "schemas": {k: _refs_to_components(v) for k, v in schemas.items()},
        },
    }


def _refs_to_components(node: Any) -> Any:
    """msgspec writes ``#/$defs/X``; in AsyncAPI the schemas live under components."""
    if isinstance(node, dict):
        return {
            k: (
                v.replace("#/$defs/", "#/components/schemas/")
                if k == "$ref"
                else _refs_to_components(v)
            )
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_refs_to_components(v) for v in node]
    return node

"""What the event topology declared in ``events`` documents: the AsyncAPI 3.0 document of what
a service publishes and consumes (from the topology and the msgspec schemas: FastStream cannot
derive schemas from msgspec Structs yet, faststream#2101), and the bus's edges of the README's
architecture diagram.
"""

from __future__ import annotations

from typing import Any

from ticketing.shared import events
from ticketing.shared.messaging import queue_name


def document(service: str, exchange: str, broker_url: str) -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for subject, event_type in events.BY_SUBJECT.items():
        sends = service == event_type.PUBLISHER
        receives = service in event_type.CONSUMERS
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


def _labels(subjects: list[str]) -> str:
    """``ticket.created / updated``; ``ticket.*`` where every subject of a kind is meant."""
    kinds: dict[str, list[str]] = {}
    for subject in subjects:
        kind, _, action = subject.partition(".")
        kinds.setdefault(kind, []).append(action)
    every = {
        kind: sum(e.SUBJECT.startswith(f"{kind}.") for e in events.ALL_EVENTS) for kind in kinds
    }
    return ", ".join(
        f"{kind}.*" if len(actions) == every[kind] > 1 else f"{kind}." + " / ".join(actions)
        for kind, actions in kinds.items()
    )


def diagram_edges() -> list[str]:
    """The mermaid lines of who publishes what to the bus and who consumes what from it."""
    publishers: dict[str, list[str]] = {}
    consumers: dict[str, list[str]] = {}
    for event in events.ALL_EVENTS:
        publishers.setdefault(event.PUBLISHER, []).append(event.SUBJECT)
        for service in event.CONSUMERS:
            consumers.setdefault(service, []).append(event.SUBJECT)
    return [f"{s} -- {_labels(subjects)} --> bus" for s, subjects in publishers.items()] + [
        f"bus -- {_labels(subjects)} --> {s}" for s, subjects in consumers.items()
    ]

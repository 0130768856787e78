"""The event topology is declared once, beside the event schemas; the AsyncAPI documents derive
from it, and the README's hand-drawn diagram is held to it. Plain functions and files: part of
the unit tier."""

import re
from pathlib import Path

from ticketing.shared import asyncapi, events
from ticketing.stack.processes import SERVICES


def test_every_event_names_known_services_and_no_service_hears_itself() -> None:
    for event in events.ALL_EVENTS:
        assert event.PUBLISHER in SERVICES, event.SUBJECT
        assert event.CONSUMERS, f"{event.SUBJECT} has no consumer: it would go nowhere"
        assert set(event.CONSUMERS) <= set(SERVICES), event.SUBJECT
        assert event.PUBLISHER not in event.CONSUMERS, event.SUBJECT


def test_the_readme_diagram_shows_exactly_the_declared_topology() -> None:
    diagram = re.search(r"```mermaid\n(.*?)```", Path("README.md").read_text(), re.S)
    assert diagram is not None, "the README has lost its architecture diagram"
    shown = [
        line.strip()
        for line in diagram.group(1).splitlines()
        if line.strip().startswith("bus --") or line.strip().endswith("--> bus")
    ]
    assert shown == asyncapi.diagram_edges()


def test_the_diagram_groups_a_whole_kind_of_event_and_lists_a_part() -> None:
    edges = asyncapi.diagram_edges()
    assert "orders -- order.* --> bus" in edges  # orders publishes every order.* event
    assert "bus -- order.created --> expiration" in edges
    assert "bus -- ticket.created / updated --> moderation" in edges  # a part of ticket.*

"""Shared rules as plain functions: no server starts here."""

import pytest

from ticketing.shared.replicas import Step, next_step


@pytest.mark.parametrize(
    ("current", "incoming", "step"),
    [
        (None, 0, Step.WAIT),  # no replica yet: its creation has not arrived
        (0, 1, Step.APPLY),
        (3, 4, Step.APPLY),
        (3, 3, Step.DUPLICATE),
        (3, 1, Step.DUPLICATE),
        (3, 5, Step.WAIT),  # 4 has not arrived yet
    ],
)
def test_a_replica_applies_only_its_next_version(
    current: int | None, incoming: int, step: Step
) -> None:
    assert next_step(current, incoming) is step

"""Shared rules as plain functions: no server starts here."""

import pytest

from ticketing.shared.errors import Conflict, DomainError, InvalidInput, TooManyRequests
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


def test_a_domain_error_carries_its_problem_status_slug_and_title() -> None:
    assert (Conflict.status, Conflict.slug) == (409, "conflict")
    assert (InvalidInput.status, InvalidInput.slug, InvalidInput.title) == (
        400,
        "invalid-input",
        "Invalid input",
    )
    refused = TooManyRequests("slow down", retry_after=3)
    assert (refused.status, refused.detail, refused.extra) == (429, "slow down", {"retry_after": 3})


def test_a_subclass_that_names_nothing_keeps_its_parents_problem() -> None:
    class Taken(Conflict): ...

    class Gone(Conflict, status=410, title="Gone"): ...

    assert (Taken.status, Taken.slug, Taken.title) == (409, "conflict", Conflict.title)
    assert (Gone.status, Gone.slug, Gone.title) == (410, "conflict", "Gone")
    assert DomainError.status == 400

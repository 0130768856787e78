"""Which answers the story's walkers take for "not yet", and how they wait."""

from __future__ import annotations

import pytest

from ticketing.stack import story


def test_ordering_is_not_yet_only_while_orders_has_not_heard_of_the_approval() -> None:
    assert story.order_not_yet(404, {})
    assert story.order_not_yet(409, {"ticket_status": story.SCREENING})
    assert not story.order_not_yet(409, {"detail": "the ticket is reserved by another order"})
    assert not story.order_not_yet(409, {"ticket_status": "rejected"})
    assert not story.order_not_yet(403, {})


def test_paying_is_not_yet_only_while_payments_has_not_heard_of_the_order() -> None:
    assert story.payment_not_yet(404)
    assert not story.payment_not_yet(409)


def test_retry_after_reads_seconds_and_falls_back_on_nonsense() -> None:
    assert story.retry_after({"retry-after": "3"}) == 3.0
    assert story.retry_after({"retry-after": "soon"}) == 1.0
    assert story.retry_after({}) == 1.0


def test_until_returns_the_first_answer_or_gives_up() -> None:
    answers = iter([None, False, "done"])
    assert story.until("it", lambda: next(answers), pause=0) == "done"
    with pytest.raises(story.NotInTime, match="gave up waiting for nothing"):
        story.until("nothing", lambda: None, within=0.05, pause=0.01)


def test_accounts_are_unique_to_a_run() -> None:
    assert story.account("buyer", "a1")["email"] == "buyer-a1@example.com"
    assert story.account("buyer", "a1") != story.account("buyer", "b2")

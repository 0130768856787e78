"""The screening rules as plain functions: no server starts here."""

import pytest

from ticketing.moderation.classifier import judge, listed_word
from ticketing.moderation.models import Case, CaseStatus
from ticketing.moderation.rules import retry_delay, verdict_event
from ticketing.moderation.settings import ModerationSettings
from ticketing.shared import events

SETTINGS = ModerationSettings(
    ticketing_profile="dev", moderation_reject_threshold=0.8, moderation_review_threshold=0.4
)


@pytest.mark.parametrize(
    ("scores", "status"),
    [
        ({"harassment": 0.1, "violence": 0.39}, CaseStatus.APPROVED),
        ({"harassment": 0.4}, CaseStatus.REVIEW),  # at the review threshold: a human decides
        ({"harassment": 0.1, "violence": 0.79}, CaseStatus.REVIEW),
        ({"harassment": 0.8}, CaseStatus.REJECTED),  # the worst category decides
        ({}, CaseStatus.APPROVED),
    ],
)
def test_the_worst_score_against_the_thresholds_decides(
    scores: dict[str, float], status: CaseStatus
) -> None:
    verdict = judge(scores, SETTINGS)
    assert verdict.status is status
    if status is not CaseStatus.APPROVED:
        assert verdict.reason is not None
        assert max(scores, key=lambda name: scores[name]) in verdict.reason


@pytest.mark.parametrize(
    ("title", "word"),
    [
        ("A totally normal concert", None),
        ("COUNTERFEIT seats", "counterfeit"),
        ("two FAKE TICKETS here", "fake tickets"),
        ("Counterfeiters tribute band", None),  # whole words only
    ],
)
def test_listed_words_are_found_whole_and_in_any_case(title: str, word: str | None) -> None:
    assert listed_word(title) == word


def case(status: CaseStatus, reason: str | None = None) -> Case:
    return Case.model_construct(
        id="c-1", ticket_id="t-1", ticket_version=3, title="Gig", status=status, reason=reason
    )


def test_a_decided_case_announces_its_verdict_on_the_screened_version() -> None:
    approved = verdict_event(case(CaseStatus.APPROVED))
    assert approved == events.TicketApproved(id="t-1", version=3, case_id="c-1")
    rejected = verdict_event(case(CaseStatus.REJECTED, "a listed word"))
    assert rejected == events.TicketRejected(
        id="t-1", version=3, case_id="c-1", reason="a listed word"
    )


@pytest.mark.parametrize("status", [CaseStatus.PENDING, CaseStatus.REVIEW])
def test_an_open_case_announces_nothing(status: CaseStatus) -> None:
    assert verdict_event(case(status)) is None


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 2), (3, 8), (5, 32), (6, 60), (99, 60)])
def test_the_classifier_is_asked_again_later_each_time_up_to_a_minute(
    attempt: int, seconds: int
) -> None:
    assert retry_delay(attempt) == seconds

"""The screening rules as plain functions: no server starts here."""

import pytest

from ticketing.moderation.classifier import judge, listed_word
from ticketing.moderation.models import CaseStatus
from ticketing.moderation.settings import ModerationSettings

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

"""Screening a title: the bundled word list first, then, where a key is configured, an
OpenAI-compatible moderation endpoint whose per-category scores meet thresholds."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import httpx
import msgspec

from ticketing.moderation.models import CaseStatus
from ticketing.moderation.settings import ModerationSettings


@dataclass(frozen=True)
class Screening:
    """What screening a title found: the status it gives the case, why, and by whom."""

    status: CaseStatus
    reason: str | None
    decided_by: str
    scores: dict[str, float] = field(default_factory=dict)


class ClassifierUnavailable(Exception):
    """The classifier did not answer usefully; the case stays pending and is retried."""


@cache
def word_list() -> re.Pattern[str]:
    text = resources.files("ticketing.moderation").joinpath("wordlist.txt").read_text()
    entries = [
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    ]
    alternatives = "|".join(re.escape(entry).replace(r"\ ", r"\s+") for entry in entries)
    return re.compile(rf"\b({alternatives})\b", re.IGNORECASE)


def listed_word(title: str) -> str | None:
    match = word_list().search(title)
    return match.group(1).lower() if match else None


class _Result(msgspec.Struct):
    category_scores: dict[str, float]


class _Response(msgspec.Struct):
    results: list[_Result]


async def classify(
    title: str, settings: ModerationSettings, client: httpx.AsyncClient
) -> dict[str, float]:
    """Per-category scores from the moderation endpoint (OpenAI's wire format)."""
    try:
        response = await client.post(
            f"{settings.moderation_classifier_url.rstrip('/')}/v1/moderations",
            json={"model": settings.moderation_classifier_model, "input": title},
            headers={"Authorization": f"Bearer {settings.moderation_classifier_api_key}"},
            timeout=5.0,
        )
        response.raise_for_status()
        return msgspec.json.decode(response.content, type=_Response).results[0].category_scores
    except (httpx.HTTPError, msgspec.DecodeError, IndexError) as exc:
        raise ClassifierUnavailable(f"{type(exc).__name__}: {exc}") from exc


def judge(scores: dict[str, float], settings: ModerationSettings) -> Screening:
    worst = max(scores.items(), key=lambda item: item[1], default=("none", 0.0))
    category, score = worst
    if score >= settings.moderation_reject_threshold:
        reason = f"classifier: {category} scored {score:.2f}"
        return Screening(CaseStatus.REJECTED, reason, "classifier", scores)
    if score >= settings.moderation_review_threshold:
        reason = f"classifier unsure: {category} scored {score:.2f}"
        return Screening(CaseStatus.REVIEW, reason, "classifier", scores)
    return Screening(CaseStatus.APPROVED, None, "classifier", scores)


async def screen(title: str, settings: ModerationSettings, client: httpx.AsyncClient) -> Screening:
    word = listed_word(title)
    if word is not None:
        return Screening(
            CaseStatus.REJECTED, f"the title contains a listed word: {word}", "wordlist"
        )
    if not settings.moderation_classifier_api_key:
        return Screening(CaseStatus.APPROVED, None, "wordlist")
    return judge(await classify(title, settings, client), settings)

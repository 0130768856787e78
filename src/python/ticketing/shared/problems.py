"""Problem details (RFC 9457): how every error leaves a service, and how the OpenAPI
documents say so."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from litestar.plugins.problem_details import ProblemDetailsException

PROBLEM_TYPE = "https://ticketing.dev/problems/"


def problem(
    status: int, detail: str, slug: str | None = None, **extra: Any
) -> ProblemDetailsException:
    phrase = HTTPStatus(status).phrase
    return ProblemDetailsException(
        status_code=status,
        title=phrase,
        detail=detail,
        type_=PROBLEM_TYPE + (slug or phrase.lower().replace(" ", "-")),
        extra=extra or None,
    )

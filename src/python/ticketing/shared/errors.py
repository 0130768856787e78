"""Domain errors: raised by business rules, turned into problem-details responses by the web layer.

Each carries the HTTP status it maps to, so rules stay plain functions that tests can call
directly and handlers never translate errors by hand.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    slug: ClassVar[str] = "invalid-input"
    title: ClassVar[str] = "Invalid input"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(DomainError):
    pass


class Unauthenticated(DomainError):
    status, slug, title = 401, "unauthenticated", "Not signed in"


class PaymentDeclined(DomainError):
    status, slug, title = 402, "payment-declined", "Payment declined"


class Forbidden(DomainError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(DomainError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(DomainError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


class TooManyRequests(DomainError):
    """Slow down: ``retry_after`` seconds (sent as the Retry-After header)."""

    status, slug, title = 429, "too-many-requests", "Too many requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class UpstreamFailed(DomainError):
    """A third party (Stripe, say) failed us; the request may be retried."""

    status, slug, title = 502, "upstream-failed", "A service we depend on failed"

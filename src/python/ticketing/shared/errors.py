"""Domain errors: raised by business rules, turned into problem-details responses by the web layer.

Each carries the HTTP status it maps to, so rules stay plain functions that tests can call
directly and handlers never translate errors by hand.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    """A 400 unless a subclass names its status, slug and title in its class line."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "invalid-input"
    title: ClassVar[str] = "Invalid input"

    def __init_subclass__(
        cls, status: int | None = None, slug: str | None = None, title: str | None = None
    ) -> None:
        super().__init_subclass__()
        cls.status = status or cls.status  # unnamed: as the parent
        cls.slug = slug or cls.slug
        cls.title = title or cls.title

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class InvalidInput(DomainError): ...


class Unauthenticated(DomainError, status=401, slug="unauthenticated", title="Not signed in"): ...


class PaymentDeclined(
    DomainError, status=402, slug="payment-declined", title="Payment declined"
): ...


class Forbidden(DomainError, status=403, slug="forbidden", title="Not allowed"): ...


class NotFound(DomainError, status=404, slug="not-found", title="Not found"): ...


class Conflict(
    DomainError, status=409, slug="conflict", title="Conflict with the current state"
): ...


class TooManyRequests(DomainError, status=429, slug="too-many-requests", title="Too many requests"):
    """Slow down: ``retry_after`` seconds (sent as the Retry-After header)."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.retry_after = retry_after


class UpstreamFailed(
    DomainError, status=502, slug="upstream-failed", title="A service we depend on failed"
):
    """A third party (Stripe, say) failed us; the request may be retried."""

"""Moderation rules as plain functions over plain values: what a decision does to a case, what
a decided case announces, and how long to wait for a classifier that does not answer."""

from __future__ import annotations

from datetime import datetime

from ticketing.moderation.models import Case, CaseStatus
from ticketing.shared import events
from ticketing.shared.errors import Conflict

OPEN = (CaseStatus.PENDING, CaseStatus.REVIEW)


def needs_screening(ticket: events.TicketListed) -> bool:
    """A listing is screened, and an edit only if it changed the title."""
    return not isinstance(ticket, events.TicketUpdated) or ticket.title_changed


def decided(case: Case, status: CaseStatus, reason: str | None, by: str, now: datetime) -> None:
    """Record a decision (a screening's or an admin's) on ``case``."""
    case.status, case.reason, case.decided_by = status, reason, by
    case.decided_at = now if status not in OPEN else None


def check_open(case: Case) -> None:
    """An admin rules on an open case only."""
    if case.status not in OPEN:
        raise Conflict(f"the case was already decided: {case.status}", case_status=case.status)


def verdict_event(case: Case) -> events.Verdict | None:
    """What a decided case announces: the ticket's approval or rejection (nothing while open)."""
    screened = {"id": case.ticket_id, "version": case.ticket_version, "case_id": case.id}
    if case.status == CaseStatus.APPROVED:
        return events.from_attributes(events.TicketApproved, case, **screened)
    if case.status == CaseStatus.REJECTED:
        reason = case.reason or ""
        return events.from_attributes(events.TicketRejected, case, **screened, reason=reason)
    return None


def retry_delay(attempt: int) -> int:
    """Seconds before asking the classifier again on the ``attempt``-th try: doubling, at
    most a minute, so an outage is outlasted without hammering the classifier."""
    return min(2**attempt, 60)

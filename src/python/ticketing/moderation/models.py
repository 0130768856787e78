from datetime import datetime
from enum import StrEnum
from uuid import uuid4

from pydantic import Field
from pymongo import ASCENDING, IndexModel

from ticketing.shared.persistence import VersionedDocument


class CaseStatus(StrEnum):
    PENDING = "pending"  # being screened (or waiting for the classifier to answer)
    REVIEW = "review"  # the classifier was unsure: an admin decides
    APPROVED = "approved"
    REJECTED = "rejected"


class Case(VersionedDocument):
    """One screening of one title: a ticket at the version its title was set."""

    id: str = Field(default_factory=lambda: str(uuid4()))  # type: ignore[assignment]
    ticket_id: str
    ticket_version: int
    title: str
    status: CaseStatus = CaseStatus.PENDING
    reason: str | None = None
    category_scores: dict[str, float] = Field(default_factory=dict)
    decided_by: str | None = None  # "wordlist", "classifier" or an admin's user id
    created_at: datetime  # from the injected clock (shared/clock.py)
    decided_at: datetime | None = None

    class Settings:
        name = "cases"
        indexes = [
            # One case per screened title: a redelivered event cannot open a second one.
            IndexModel([("ticket_id", ASCENDING), ("ticket_version", ASCENDING)], unique=True),
            IndexModel([("status", ASCENDING), ("created_at", ASCENDING), ("_id", ASCENDING)]),
        ]

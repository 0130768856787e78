from datetime import UTC, datetime

from beanie import Document, Indexed
from pydantic import Field


class User(Document):
    """The auth service's own record of a user; the id is the identity provider's."""

    id: str  # type: ignore[assignment]
    email: Indexed(str, unique=True)  # type: ignore[valid-type]
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    class Settings:
        name = "users"


class PendingFlow(Document):
    """In Ory mode: the Kratos flow that last mailed a code to an address for a purpose. Kratos
    binds a code to its flow, and our code endpoints are separate requests."""

    id: str  # type: ignore[assignment]  # codes.key(purpose, email)
    flow_id: str

    class Settings:
        name = "kratos_flows"

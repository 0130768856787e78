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


class PendingSignIn(Document):
    """In Ory mode: whose session, opened by a password, waits for its second factor (Kratos
    names nobody behind such a session until it is complete)."""

    id: str  # type: ignore[assignment]  # the session token's hash
    identity_id: str

    class Settings:
        name = "kratos_pending_sign_ins"


class UsedCode(Document):
    """In Ory mode: a second-factor code accepted lately, so it is refused a second time
    (Kratos spends a backup code itself, but takes a TOTP code again while it is valid).
    Inserting decides between two requests racing with one code."""

    id: str  # type: ignore[assignment]  # a hash of the identity and the code
    used_at: datetime

    class Settings:
        name = "kratos_used_codes"
